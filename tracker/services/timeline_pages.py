"""Pages of a mentee's timeline as one reader sees them, full even when entries are hidden.

The timeline view pages by position (projections.timeline). A mentor does not see every
entry of it (tracker.services.visibility), so a page is read on, in growing batches, until
it holds `limit` entries he sees or the timeline ends; `next_after` is then the position of
its last entry, so the next page starts right after it. At most `MAX_SCANNED` entries are
read for one page: past that (a long run of entries hidden from him) the page is shorter
and `next_after` is where reading stopped, so paging still moves on and ends.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from projections.store import ViewStore
from projections.timeline import MAX_PAGE, timeline_for
from tracker.services.visibility import Doc, Visibility

MAX_SCANNED = 20 * MAX_PAGE


def timeline_page(
    store: ViewStore,
    seen: Visibility,
    *,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after: int | None = None,
    limit: int = 100,
) -> Doc:
    """One page of the mentee's timeline as `seen.viewer_id` sees it, oldest first:
    {"mentee_id", "entries", "next_after"}; arguments as for `timeline_for`."""
    wanted = None if kinds is None else list(kinds)
    entries: list[Doc] = []
    cursor, batch, scanned = after, limit, 0
    while True:
        found = timeline_for(
            store, seen.mentee_id, viewer_id=seen.viewer_id, kinds=wanted, since=since,
            until=until, after=cursor, limit=batch,
        )  # fmt: skip
        batch_entries = found["entries"]
        scanned += len(batch_entries)
        for index, entry in enumerate(batch_entries):
            if not seen.sees_entry(entry):
                continue
            entries.append(entry)
            if len(entries) == limit:
                more = index + 1 < len(batch_entries) or found["next_after"] is not None
                return _page(seen, entries, entry["position"] if more else None)
        cursor = found["next_after"]
        if cursor is None or scanned >= MAX_SCANNED:
            return _page(seen, entries, cursor)
        batch = min(MAX_PAGE, batch * 2)


def _page(seen: Visibility, entries: list[Doc], next_after: int | None) -> Doc:
    return {"mentee_id": seen.mentee_id, "entries": entries, "next_after": next_after}
