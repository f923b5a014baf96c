"""The mentor dashboard: for each of a mentor's mentees, the last and next check-in, overdue
action items, idle goals, pending proposals, what changed since the mentor last looked, and
the mentor's checklist (DOMAIN.md) with what is done.

The view ("dashboard") keeps:
- "mentor:<mentor>": the mentor's mentorships; "mentorship:<id>": status, cadence, since;
- "plan:<mentee>": the mentee's plan state (the same reducer as "plan as of");
- "check_ins:<mentorship>": that mentorship's check-ins and their action items;
- entries "changes:<mentee>" (kind "change"): one short summary per change, private
  reflections and private notes left out. Its `subject` is what the change is about, in
  text ("check-in of 2026-12-20", a goal's title, a section's name), `subject_kind` says
  which ("check_in", "goal", "section"), and a check-in's has its date as `check_in_date`.

The seen-cursor is the mentor's own state, not the mentee's history, so it is no event: it
lives in a store of its own ("dashboard_seen", never rebuilt, since no event could restore
it) as the tracking position "seen:<mentor>", which only moves forward. "Today" and the
idle threshold are arguments: projections never read the clock.

Who may see which change is the caller's to say (`sees_change`): the view keeps every
change of a mentee, and what one mentor lists, counts (`more_changes`) and is offered to
mark as seen (`latest_position`) are only those he sees.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from eventsourcing.persistence import Tracking

from domain.values import MentorshipStatus
from projections.dashboard_state import (
    Doc,
    change_summary,
    check_in_step,
    check_in_subject,
    checklist,
    idle_goals,
    last_held,
    mentorship_step,
    next_check_in,
    overdue_action_items,
    pending_proposals,
    subject_of,
)
from projections.plan_as_of import route
from projections.plan_state import apply_event, empty_plan, is_plan_event
from projections.records import EventRecord
from projections.store import ViewProjection, ViewStore, ViewTx

CHANGE = "change"
SEEN_VIEW = "dashboard_seen"
DEFAULT_IDLE_DAYS = 30
# Whether the mentor sees a change (mentee id, change summary with its position).
SeesChange = Callable[[str, dict[str, Any]], bool]
# At most this many changes of one mentee are read to fill her list with ones he sees.
MAX_SCANNED_CHANGES = 2_000


class DashboardProjection(ViewProjection):
    """Keeps what a mentor's dashboard shows, per mentorship and per mentee."""

    name = "dashboard"
    version = 2  # 2: a change's subject has its kind, a check-in's its date as data

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        """Route a record to its mentorship, check-in or plan, and note the change."""
        if record.aggregate == "Mentorship":
            mentee_id, subject = self._mentorship(record, tx), None
        elif record.aggregate == "CheckIn":
            mentee_id, subject = self._check_in(record, tx)
        elif is_plan_event(record):
            mentee_id, subject = self._plan(record, tx)
        else:
            return
        summary = None if mentee_id is None else change_summary(record, subject)
        if summary is not None:
            tx.append(f"changes:{mentee_id}", record.position, record.at, CHANGE, summary)

    def _mentorship(self, record: EventRecord, tx: ViewTx) -> str | None:
        key = f"mentorship:{record.stream_id}"
        doc = mentorship_step(tx.get(key), record)
        if doc is None:
            return None
        tx.put(key, doc)
        if record.name == "Invited":
            mentor_key = f"mentor:{doc['mentor_id']}"
            mentor = tx.get(mentor_key) or {"mentorships": []}
            mentor["mentorships"].append(record.stream_id)
            tx.put(mentor_key, mentor)
        return str(doc["mentee_id"])

    def _check_in(self, record: EventRecord, tx: ViewTx) -> tuple[str | None, Doc | None]:
        stream_key = f"stream:{record.stream_id}"
        if record.name == "Scheduled":
            keep = ("mentee_id", "mentorship_id")
            tx.put(stream_key, {k: record.data[k] for k in keep})
        owner = tx.get(stream_key)
        if owner is None:
            return None, None
        key = f"check_ins:{owner['mentorship_id']}"
        check_ins = tx.get(key) or {}
        check_in_step(check_ins, record)
        tx.put(key, check_ins)
        when = check_ins.get(record.stream_id, {}).get("scheduled_for")
        return str(owner["mentee_id"]), None if when is None else check_in_subject(when)

    def _plan(self, record: EventRecord, tx: ViewTx) -> tuple[str | None, Doc | None]:
        mentee_id = route(record, tx)
        if mentee_id is None:
            return None, None
        key = f"plan:{mentee_id}"
        plan = tx.get(key) or empty_plan(mentee_id)
        subject = subject_of(record, plan)
        tx.put(key, apply_event(plan, record))
        return mentee_id, subject


# Reading -----------------------------------------------------------------------------------
def dashboard_for(
    store: ViewStore,
    mentor_id: str,
    *,
    today: date,
    idle_days: int = DEFAULT_IDLE_DAYS,
    seen_position: int = 0,
    changes_limit: int = 50,
    sees_change: SeesChange | None = None,
) -> dict[str, Any]:
    """The mentor's dashboard as of `today`: one card per active mentorship, newest first.

    `seen_position` is where the mentor last looked (see `seen_position`); the changes after
    it that `sees_change` lets him see (all if None) are listed per mentee, newest first, at
    most `changes_limit` each, `more_changes` if he sees more. `latest_position` is the
    newest of the listed changes (or `seen_position`), so it tells him nothing he is not
    shown, and marking it seen marks every change he sees.
    """
    mentor = store.get(f"mentor:{mentor_id}") or {"mentorships": []}
    cards, invitations = [], []
    for mentorship_id in reversed(mentor["mentorships"]):
        mentorship = store.get(f"mentorship:{mentorship_id}") or {}
        status = mentorship.get("status")
        if status == MentorshipStatus.INVITED.value:
            invitations.append({"mentorship_id": mentorship_id, **_invitation(mentorship)})
        elif status == MentorshipStatus.ACTIVE.value:
            card = _card(store, mentorship_id, mentorship, today, idle_days)
            card.update(
                _changes(
                    store, card["mentee_id"], mentor_id, seen_position, changes_limit, sees_change
                )
            )
            cards.append(card)
    latest = max((c["latest_position"] for c in cards), default=seen_position)
    return {
        "mentor_id": mentor_id,
        "today": today.isoformat(),
        "idle_days": idle_days,
        "seen_position": seen_position,
        "latest_position": max(latest, seen_position),
        "mentees": cards,
        "invitations": invitations,
    }


def _invitation(mentorship: dict[str, Any]) -> dict[str, Any]:
    return {k: mentorship[k] for k in ("mentee_id", "ask", "invited_at")}


def _card(
    store: ViewStore, mentorship_id: str, mentorship: dict[str, Any], today: date, idle_days: int
) -> dict[str, Any]:
    mentee_id = mentorship["mentee_id"]
    plan = store.get(f"plan:{mentee_id}") or empty_plan(mentee_id)
    check_ins = store.get(f"check_ins:{mentorship_id}") or {}
    return {
        "mentee_id": mentee_id,
        "mentorship_id": mentorship_id,
        "since": mentorship["since"],
        "cadence_days": mentorship["cadence_days"],
        "last_check_in": last_held(check_ins),
        "next_check_in": next_check_in(check_ins, mentorship, today),
        "overdue_action_items": overdue_action_items(check_ins, today),
        "idle_goals": idle_goals(plan, today, idle_days),
        "pending_proposals": pending_proposals(plan),
        "checklist": checklist(plan, check_ins, today),
    }


def _changes(
    store: ViewStore,
    mentee_id: str,
    mentor_id: str,
    seen: int,
    limit: int,
    sees: SeesChange | None,
) -> dict[str, Any]:
    """The newest `limit` changes after `seen` that he sees, read newest first in growing
    batches until one more is found (so `more_changes` counts only what he sees), the
    changes end, or `MAX_SCANNED_CHANGES` were read."""
    partition = f"changes:{mentee_id}"
    shown: list[dict[str, Any]] = []
    upto: int | None = None
    batch, scanned = limit + 1, 0
    while len(shown) <= limit and scanned < MAX_SCANNED_CHANGES:
        found = store.entries(
            partition, kinds=[CHANGE], after=seen, upto=upto, descending=True, limit=batch
        )
        scanned += len(found)
        for entry in found:
            change = {"position": entry.position, **entry.doc}
            if sees is None or sees(mentee_id, change):
                shown.append({**change, "by_you": change["actor_id"] == mentor_id})
        if len(found) < batch:
            break
        upto, batch = found[-1].position - 1, min(batch * 2, 500)
    listed = shown[:limit]
    return {
        "changes_since_seen": listed,
        "more_changes": len(shown) > limit,
        "latest_position": listed[0]["position"] if listed else 0,
    }


def mark_seen(seen_store: ViewStore, mentor_id: str, position: int) -> bool:
    """Move the mentor's seen-cursor forward to `position`; False if it was already there."""
    return seen_store.apply(
        Tracking(f"seen:{mentor_id}", position),
        lambda tx: tx.put(f"mentor:{mentor_id}", {"position": position}),
    )


def seen_position(seen_store: ViewStore, mentor_id: str) -> int:
    """Where the mentor last looked (0 if never)."""
    return seen_store.max_tracking_id(f"seen:{mentor_id}") or 0
