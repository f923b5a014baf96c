"""The calendar: per mentee, every dated item of her mentoring, for a calendar feed.

Three kinds of items, each an all-day entry on one date:
- check-ins (on the day scheduled; rescheduled, held or cancelled), with who meets and
  the agenda brought so far;
- milestones (on their due date; rescheduled, completed, dropped, or cancelled with their
  goal when it is abandoned);
- action items of check-ins (on their due date; done or not).

View "calendar" (see projections.store), documents only:
- "mentee:<id>:item:<kind>:<id>": one per item, its raw facts (dates, status, texts, who) plus a
  `sequence` that grows by one whenever its date or status changes (RFC 5545's SEQUENCE:
  calendars then replace their copy), and the times it was created and last changed;
- "stream:<id>": routes later events of a goal or check-in to its mentee, and keeps what
  the items repeat (a goal's title and status, a check-in's people and date);
- "mentee:<id>": the mentee is known (her plan, a goal or a check-in exists).

Private check-in notes are not calendar items and never reach this view. The words shown
(summaries, descriptions) are composed when read, by `calendar_for`, so changing them needs
no rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.records import EventRecord
from projections.store import Doc, ViewProjection, ViewStore, ViewTx

VIEW = "calendar"
CHECK_IN, MILESTONE, ACTION_ITEM = "check_in", "milestone", "action_item"
CONFIRMED, CANCELLED = "confirmed", "cancelled"
# What an entry shows of long texts: calendars cut summaries short, descriptions less so.
SUMMARY_CHARS = 80
AGENDA_SHOWN = 10

GOAL_STATUS_AFTER = {
    "Goal.Activated": "active",
    "Goal.Achieved": "achieved",
    "Goal.Abandoned": "abandoned",
    "Goal.Deferred": "deferred",
    "Goal.Reopened": "active",
}


def items_prefix(mentee_id: str) -> str:
    """The start of the keys of every item of one mentee."""
    return f"{mentee_key(mentee_id)}:item:"


def item_key(mentee_id: str, kind: str, ident: str) -> str:
    """The document of one calendar item, filed under its mentee."""
    return f"{items_prefix(mentee_id)}{kind}:{ident}"


def mentee_key(mentee_id: str) -> str:
    """The document saying the view knows this mentee."""
    return f"mentee:{mentee_id}"


def calendar_status(item: Doc) -> str:
    """'cancelled' for a cancelled check-in, a dropped milestone or one of an abandoned goal."""
    if item["status"] in ("cancelled", "dropped") or item.get("goal_status") == "abandoned":
        return CANCELLED
    return CONFIRMED


def new_item(kind: str, ident: str, mentee_id: str, record: EventRecord, **facts: Any) -> Doc:
    """A calendar item as its creating event leaves it (sequence 0)."""
    at = record.at_iso
    return {
        "kind": kind,
        "id": ident,
        "mentee_id": mentee_id,
        **facts,
        "sequence": 0,
        "created": at,
        "modified": at,
    }


def change_item(item: Doc, record: EventRecord, **changes: Any) -> Doc:
    """Apply `changes` to an item; a new date or status bumps its sequence (pure)."""

    def significant(doc: Doc) -> tuple[Any, ...]:
        return (doc["date"], doc["status"], calendar_status(doc))

    before = significant(item)
    changed = {**item, **changes, "modified": record.at_iso}
    if significant(changed) != before:
        changed["sequence"] = item["sequence"] + 1
    return changed


class CalendarProjection(ViewProjection):
    """Keeps every check-in, milestone and action item of each mentee as a calendar item."""

    name = VIEW

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        """Route the record to its handler; records of other kinds change nothing."""
        handler = _HANDLERS.get(record.type)
        if handler is not None:
            handler(record, tx)


Handler = Callable[[EventRecord, ViewTx], None]


def _know_mentee(tx: ViewTx, mentee_id: str) -> None:
    if tx.get(mentee_key(mentee_id)) is None:
        tx.put(mentee_key(mentee_id), {"mentee_id": mentee_id})


def _stream(record: EventRecord, tx: ViewTx) -> Doc | None:
    return tx.get(f"stream:{record.stream_id}")


def _update(tx: ViewTx, kind: str, ident: str, record: EventRecord, **changes: Any) -> None:
    """Change an item of the record's stream (unknown ones are ignored: never created)."""
    stream = _stream(record, tx)
    if stream is None:
        return
    key = item_key(stream["mentee_id"], kind, ident)
    item = tx.get(key)
    if item is not None:
        tx.put(key, change_item(item, record, **changes))


# Plans ----------------------------------------------------------------------------------------
def _plan_started(record: EventRecord, tx: ViewTx) -> None:
    _know_mentee(tx, str(record.data["mentee_id"]))


# Goals and milestones -------------------------------------------------------------------------
def _goal_drafted(record: EventRecord, tx: ViewTx) -> None:
    mentee_id = str(record.data["mentee_id"])
    title = (record.data.get("fields") or {}).get("title")
    stream: Doc = {"mentee_id": mentee_id, "title": title, "status": "draft", "milestones": []}
    tx.put(f"stream:{record.stream_id}", stream)
    _know_mentee(tx, mentee_id)


def _goal_revised(record: EventRecord, tx: ViewTx) -> None:
    changes = record.data.get("changes") or {}
    goal = _stream(record, tx)
    if goal is None or "title" not in changes:
        return
    goal["title"] = changes["title"]
    tx.put(f"stream:{record.stream_id}", goal)
    for milestone_id in goal["milestones"]:
        _update(tx, MILESTONE, milestone_id, record, goal_title=changes["title"])


def _goal_status_changed(record: EventRecord, tx: ViewTx) -> None:
    goal = _stream(record, tx)
    if goal is None:
        return
    goal["status"] = GOAL_STATUS_AFTER[record.type]
    tx.put(f"stream:{record.stream_id}", goal)
    for milestone_id in goal["milestones"]:
        _update(tx, MILESTONE, milestone_id, record, goal_status=goal["status"])


def _milestone_added(record: EventRecord, tx: ViewTx) -> None:
    goal = _stream(record, tx)
    if goal is None:
        return
    data = record.data
    milestone_id = str(data["milestone_id"])
    goal["milestones"].append(milestone_id)
    tx.put(f"stream:{record.stream_id}", goal)
    item = new_item(
        MILESTONE, milestone_id, goal["mentee_id"], record,
        date=data["due"], original_date=data["due"], status="planned", title=data["title"],
        skills=list(data.get("skills") or []), goal_id=record.stream_id,
        goal_title=goal["title"], goal_status=goal["status"], reason=None, done_on=None,
    )  # fmt: skip
    tx.put(item_key(goal["mentee_id"], MILESTONE, milestone_id), item)


def _milestone_rescheduled(record: EventRecord, tx: ViewTx) -> None:
    data = record.data
    _update(
        tx, MILESTONE, str(data["milestone_id"]), record, date=data["due"], reason=data["reason"]
    )


def _milestone_completed(record: EventRecord, tx: ViewTx) -> None:
    done_on = record.at.date().isoformat()
    _update(
        tx, MILESTONE, str(record.data["milestone_id"]), record, status="completed", done_on=done_on
    )


def _milestone_dropped(record: EventRecord, tx: ViewTx) -> None:
    data = record.data
    _update(
        tx, MILESTONE, str(data["milestone_id"]), record, status="dropped", reason=data["reason"]
    )


# Check-ins and action items -------------------------------------------------------------------
def _check_in_scheduled(record: EventRecord, tx: ViewTx) -> None:
    data = record.data
    mentee_id, mentor_id = str(data["mentee_id"]), str(data["mentor_id"])
    stream = {"mentee_id": mentee_id, "mentor_id": mentor_id, "date": data["scheduled_for"]}
    tx.put(f"stream:{record.stream_id}", stream)
    _know_mentee(tx, mentee_id)
    item = new_item(
        CHECK_IN, record.stream_id, mentee_id, record,
        date=data["scheduled_for"], original_date=data["scheduled_for"], status="scheduled",
        mentor_id=mentor_id, agenda=[], reason=None, done_on=None,
    )  # fmt: skip
    tx.put(item_key(mentee_id, CHECK_IN, record.stream_id), item)


def _check_in_rescheduled(record: EventRecord, tx: ViewTx) -> None:
    stream = _stream(record, tx)
    if stream is not None:
        stream["date"] = record.data["scheduled_for"]
        tx.put(f"stream:{record.stream_id}", stream)
    date, reason = record.data["scheduled_for"], record.data["reason"]
    _update(tx, CHECK_IN, record.stream_id, record, date=date, reason=reason)


def _agenda_item_added(record: EventRecord, tx: ViewTx) -> None:
    stream = _stream(record, tx)
    if stream is None:
        return
    item = tx.get(item_key(stream["mentee_id"], CHECK_IN, record.stream_id))
    if item is not None:
        entry = {"text": record.data["text"], "by": record.actor_id}
        _update(tx, CHECK_IN, record.stream_id, record, agenda=[*item["agenda"], entry])


def _check_in_held(record: EventRecord, tx: ViewTx) -> None:
    held_on = record.data["held_on"]
    _update(tx, CHECK_IN, record.stream_id, record, status="held", done_on=held_on)


def _check_in_cancelled(record: EventRecord, tx: ViewTx) -> None:
    reason = record.data["reason"]
    _update(tx, CHECK_IN, record.stream_id, record, status="cancelled", reason=reason)


def _action_item_assigned(record: EventRecord, tx: ViewTx) -> None:
    check_in = _stream(record, tx)
    if check_in is None:
        return
    data = record.data
    item = new_item(
        ACTION_ITEM, str(data["item_id"]), check_in["mentee_id"], record,
        date=data["due"], original_date=data["due"], status="open", text=data["text"],
        owner_id=str(data["owner_id"]), check_in_id=record.stream_id,
        check_in_date=check_in["date"], mentor_id=check_in["mentor_id"], done_on=None,
    )  # fmt: skip
    tx.put(item_key(check_in["mentee_id"], ACTION_ITEM, str(data["item_id"])), item)


def _action_item_done(record: EventRecord, tx: ViewTx) -> None:
    done_on = record.at.date().isoformat()
    _update(tx, ACTION_ITEM, str(record.data["item_id"]), record, status="done", done_on=done_on)


_HANDLERS: dict[str, Handler] = {
    "Plan.Started": _plan_started,
    "Goal.Drafted": _goal_drafted,
    "Goal.Revised": _goal_revised,
    **dict.fromkeys(GOAL_STATUS_AFTER, _goal_status_changed),
    "Goal.MilestoneAdded": _milestone_added,
    "Goal.MilestoneRescheduled": _milestone_rescheduled,
    "Goal.MilestoneCompleted": _milestone_completed,
    "Goal.MilestoneDropped": _milestone_dropped,
    "CheckIn.Scheduled": _check_in_scheduled,
    "CheckIn.Rescheduled": _check_in_rescheduled,
    "CheckIn.AgendaItemAdded": _agenda_item_added,
    "CheckIn.Held": _check_in_held,
    "CheckIn.Cancelled": _check_in_cancelled,
    "CheckIn.ActionItemAssigned": _action_item_assigned,
    "CheckIn.ActionItemDone": _action_item_done,
}


# Reading --------------------------------------------------------------------------------------
def _short(text: str, limit: int = SUMMARY_CHARS) -> str:
    text = " ".join(str(text).split())  # one line: summaries are shown on one
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _moved(item: Doc) -> list[str]:
    if item["date"] == item["original_date"]:
        return []
    because = f": {item['reason']}" if item.get("reason") else ""
    return [f"Moved from {item['original_date']}{because}"]


def _check_in_words(item: Doc) -> tuple[str, list[str]]:
    who = f"{item['mentee_id']} with {item['mentor_id']}"
    state = {"held": " (held)", "cancelled": " (cancelled)"}.get(item["status"], "")
    lines = [f"Mentee: {item['mentee_id']}", f"Mentor: {item['mentor_id']}"]
    agenda = item["agenda"]
    if agenda:
        lines.append("Agenda:")
        lines += [f"- {_short(a['text'], 200)} ({a['by']})" for a in agenda[:AGENDA_SHOWN]]
        if len(agenda) > AGENDA_SHOWN:
            lines.append(f"- and {len(agenda) - AGENDA_SHOWN} more")
    else:
        lines.append("Agenda: nothing yet")
    lines += _moved(item)
    if item["status"] == "held":
        lines.append(f"Held on {item['done_on']}")
    if item["status"] == "cancelled":
        lines.append(f"Cancelled: {item['reason']}")
    return f"Check-in: {who}{state}", lines


def _milestone_words(item: Doc) -> tuple[str, list[str]]:
    title, goal = _short(item["title"]), _short(item["goal_title"] or "(untitled)", 60)
    prefix = {"completed": "Milestone reached", "dropped": "Milestone dropped"}
    lines = [f"Goal: {item['goal_title']}"]
    if item["skills"]:
        lines.append(f"Skills: {', '.join(item['skills'])}")
    lines += _moved(item)
    if item["status"] == "completed":
        lines.append(f"Completed on {item['done_on']}")
    elif item["status"] == "dropped":
        lines.append(f"Dropped: {item['reason']}")
    elif item.get("goal_status") == "abandoned":
        lines.append("The goal was abandoned.")
    return f"{prefix.get(item['status'], 'Milestone')}: {title} ({goal})", lines


def _action_item_words(item: Doc) -> tuple[str, list[str]]:
    done = item["status"] == "done"
    summary = (
        f"{'Done: a' if done else 'A'}ction item for {item['owner_id']}: {_short(item['text'])}"
    )
    lines = [
        item["text"],
        f"Owner: {item['owner_id']}",
        f"From the check-in of {item['check_in_date']} ({item['mentee_id']} with "
        f"{item['mentor_id']})",
    ]
    if done:
        lines.append(f"Done on {item['done_on']}")
    return summary, lines


_WORDS = {CHECK_IN: _check_in_words, MILESTONE: _milestone_words, ACTION_ITEM: _action_item_words}
_ORDER = {CHECK_IN: 0, MILESTONE: 1, ACTION_ITEM: 2}


def calendar_entry(item: Doc) -> Doc:
    """What a calendar shows of one item: date, summary, description, status, sequence."""
    summary, lines = _WORDS[item["kind"]](item)
    return {
        "uid": f"{item['kind'].replace('_', '-')}-{item['id']}",
        "kind": item["kind"],
        "id": item["id"],
        "date": item["date"],
        "summary": summary,
        "description": "\n".join(lines),
        "status": calendar_status(item),
        "sequence": item["sequence"],
        "created": item["created"],
        "modified": item["modified"],
    }


def _shown(item: Doc, mentee_id: str, viewer_id: str | None, milestones: bool) -> bool:
    if item["mentee_id"] != mentee_id:
        # Ids may hold ':' so another mentee's keys can share the prefix.
        return False
    if item["kind"] == MILESTONE:
        return milestones
    # A check-in belongs to one mentorship: its mentee and that mentor, nobody else.
    return viewer_id is None or viewer_id in (item["mentee_id"], item["mentor_id"])


def calendar_for(
    store: ViewStore, mentee_id: str, viewer_id: str | None = None, milestones: bool = True
) -> Doc | None:
    """The mentee's calendar, earliest first: {"mentee_id", "entries": [...]}; None if the
    view has never heard of her (no plan, goal or check-in).

    Check-ins and their action items are shown to the mentee and the check-in's mentor
    only (to everyone when `viewer_id` is None); milestones only if `milestones`.
    """
    if store.get(mentee_key(mentee_id)) is None:
        return None
    found = store.documents(items_prefix(mentee_id))
    items = [doc for _, doc in found if _shown(doc, mentee_id, viewer_id, milestones)]
    items.sort(key=lambda i: (i["date"], _ORDER[i["kind"]], i["id"]))
    return {"mentee_id": mentee_id, "entries": [calendar_entry(item) for item in items]}
