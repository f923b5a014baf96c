"""Pages of a mentee's timeline as one reader sees them, full even when entries are hidden.

The timeline view pages by position (projections.timeline). A mentor does not see every
entry of it (tracker.services.visibility), so a page is read on, in growing batches, until
it holds `limit` entries he sees or the timeline ends; `next_after` is then the position of
its last entry, so the next page starts right after it. At most `MAX_SCANNED` entries are
read for one page: past that (a long run of entries hidden from him) the page is shorter
and `next_after` is where reading stopped, so paging still moves on and ends.

Entries stay the view's stored JSON text (`TimelineItem`) until someone needs them as data:
the JSON API passes them on as they are (`timeline_items_page`), the history page reads
them (`timeline_page`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Unpack

from projections.store import ViewStore
from projections.timeline import MAX_PAGE, PageQuery, TimelineItem, page_doc, timeline_items
from tracker.services.visibility import Doc, Visibility

MAX_SCANNED = 20 * MAX_PAGE


@dataclass(frozen=True)
class TimelinePage:
    """The items of one page as the reader sees them, and where the next page starts."""

    mentee_id: str
    items: list[TimelineItem]
    next_after: int | None


def timeline_items_page(
    store: ViewStore,
    seen: Visibility,
    *,
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after: int | None = None,
    limit: int = 100,
) -> TimelinePage:
    """One page of the mentee's timeline as `seen.viewer_id` sees it, oldest first;
    arguments as for `projections.timeline.timeline_items`."""
    wanted = None if kinds is None else list(kinds)
    items: list[TimelineItem] = []
    cursor, batch, scanned = after, limit, 0
    while True:
        found, next_after = timeline_items(
            store, seen.mentee_id, viewer_id=seen.viewer_id, kinds=wanted, since=since,
            until=until, after=cursor, limit=batch,
        )  # fmt: skip
        scanned += len(found)
        for index, item in enumerate(found):
            if not seen.sees_item(item):
                continue
            items.append(item)
            if len(items) == limit:
                more = index + 1 < len(found) or next_after is not None
                return TimelinePage(seen.mentee_id, items, item.position if more else None)
        cursor = next_after
        if cursor is None or scanned >= MAX_SCANNED:
            return TimelinePage(seen.mentee_id, items, cursor)
        batch = min(MAX_PAGE, batch * 2)


def timeline_page(store: ViewStore, seen: Visibility, **query: Unpack[PageQuery]) -> Doc:
    """`timeline_items_page` as plain data: {"mentee_id", "entries", "next_after"}."""
    page = timeline_items_page(store, seen, **query)
    return page_doc(page.mentee_id, page.items, page.next_after)
