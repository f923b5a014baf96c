"""The mentor's dashboard as he may see it (its API and its page both read it here).

The dashboard view (projections.dashboard) keeps every change of a mentee; what is between
her and another of her mentors (tracker.services.visibility) is left out of what he reads,
and of what is counted for him: `more_changes` says he sees more changes than are listed,
and `latest_position` is the newest change he sees, so neither tells him that something he
may not see happened.
"""

from __future__ import annotations

from datetime import date

from projections.dashboard import dashboard_for, seen_position
from projections.store import ViewStore
from tracker.services.visibility import Doc, Stores, Visibility

DASHBOARD = "dashboard"


def mentor_dashboard(
    stores: Stores, seen_store: ViewStore, mentor_id: str, *, today: date, idle_days: int
) -> Doc:
    """The mentor's dashboard as of `today`, with only the proposals, check-ins, mentorships
    and changes he sees; changes after his seen-cursor (kept in `seen_store`)."""
    readers: dict[str, Visibility] = {}

    def reader(mentee_id: str) -> Visibility:
        if mentee_id not in readers:
            readers[mentee_id] = Visibility(mentee_id, mentor_id, stores)
        return readers[mentee_id]

    def sees_change(mentee_id: str, change: Doc) -> bool:
        return reader(mentee_id).sees_event(change["type"], change["stream_id"], change["actor_id"])

    board = dashboard_for(
        stores(DASHBOARD), mentor_id, today=today, idle_days=idle_days,
        seen_position=seen_position(seen_store, mentor_id), sees_change=sees_change,
    )  # fmt: skip
    for card in board["mentees"]:
        seen = reader(str(card["mentee_id"]))
        card["pending_proposals"] = [p for p in card["pending_proposals"] if seen.sees_listed(p)]
    return board
