"""Goal revision history: every revision with a field-by-field diff, blame per field, and
milestone drift (how often each milestone moved, how many days it slipped).

Pure part: `history_step(doc, record)` folds one Goal.* record into the goal's document and
returns the history entry it adds (or None). The projection stores the document under
"goal:<id>" and appends the entries to the partition "goal:<id>" (kind "revision"); each
milestone move is also an entry of the milestone's partition "goal:<id>:milestone:<id>"
(kind "move").

The document stays the same size however long the goal's history grows: current fields,
blame, and per milestone its dates, status and move counters (moves, days slipped, pulled
in, net), never the moves themselves. So blame, drift's figures and every event's
projection read a bounded document; history and moves are read as entries, a page at a
time (`goal_history_page` oldest first for the API, `goal_revisions_newest_first` for the
goal's page, `RECENT_MOVES`).
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any

from projections.plan_state import new_goal
from projections.records import EventRecord
from projections.store import ViewProjection, ViewStore, ViewTx

GoalDoc = dict[str, Any]
Entry = dict[str, Any]

# Texts longer than this many words get a word-level diff as well as before and after.
LONG_TEXT_WORDS = 6
STATUS_EVENTS = {
    "Activated": "active",
    "Reopened": "active",
    "Achieved": "achieved",
    "Abandoned": "abandoned",
    "Deferred": "deferred",
}
MILESTONE_EVENTS = (
    "MilestoneAdded",
    "MilestoneRescheduled",
    "MilestoneCompleted",
    "MilestoneDropped",
)


def word_diff(old: str, new: str) -> list[dict[str, str]]:
    """Word-level changes from old to new text: runs of equal, deleted and inserted words."""
    before, after = old.split(), new.split()
    ops: list[dict[str, str]] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            ops.append(
                {"op": "equal" if tag == "equal" else "delete", "text": " ".join(before[i1:i2])}
            )
        if tag in ("insert", "replace") and j2 > j1:
            ops.append({"op": "insert", "text": " ".join(after[j1:j2])})
    return ops


def field_change(old: Any, new: Any) -> dict[str, Any]:
    """One field's change: before and after, plus a word diff when either is long text."""
    change: dict[str, Any] = {"from": old, "to": new}
    texts = [v for v in (old, new) if isinstance(v, str)]
    if texts and max(len(t.split()) for t in texts) > LONG_TEXT_WORDS:
        change["words"] = word_diff(
            old if isinstance(old, str) else "", new if isinstance(new, str) else ""
        )
    return change


CREDIT = ("position", "version", "at", "actor_id", "reason", "proposal_id", "proposed_by")


def credit(record: EventRecord) -> dict[str, Any]:
    """Who did it, when, why, and which proposal (and proposer) it came from, if any."""
    return {
        "position": record.position,
        "version": record.version,
        "at": record.at_iso,
        "actor_id": record.actor_id,
        "reason": record.data.get("reason"),
        "proposal_id": record.data.get("proposal_id"),
        "proposed_by": record.data.get("proposed_by"),
    }


def history_step(doc: GoalDoc | None, record: EventRecord) -> tuple[GoalDoc | None, Entry | None]:
    """Fold one Goal.* record; returns the new document and the history entry it adds."""
    if record.type == "Goal.Drafted":
        return _drafted(record)
    if doc is None:
        return None, None
    if record.name == "Revised":
        return doc, _revised(doc, record)
    if record.name in STATUS_EVENTS:
        return doc, _status_changed(doc, record, STATUS_EVENTS[record.name])
    if record.name in MILESTONE_EVENTS:
        return doc, _milestone_event(doc, record)
    return doc, None


def _entry(record: EventRecord, event: str, changes: dict[str, Any]) -> Entry:
    return {"event": event, **credit(record), "changes": changes}


def _drafted(record: EventRecord) -> tuple[GoalDoc, Entry]:
    goal = new_goal(record)
    given = record.data["fields"]
    doc: GoalDoc = {
        "goal_id": record.stream_id,
        "mentee_id": record.data["mentee_id"],
        "kind": goal["kind"],
        "status": goal["status"],
        "fields": goal["fields"],
        "blame": {name: {"value": given[name], **credit(record)} for name in given},
        "milestones": {},
    }
    doc["blame"]["status"] = {"value": goal["status"], **credit(record)}
    changes = {name: field_change(None, value) for name, value in given.items()}
    return doc, _entry(record, "drafted", changes)


def _revised(doc: GoalDoc, record: EventRecord) -> Entry:
    changes = {}
    for name, value in record.data["changes"].items():
        changes[name] = field_change(doc["fields"].get(name), value)
        doc["fields"][name] = value
        doc["blame"][name] = {"value": value, **credit(record)}
    return _entry(record, "revised", changes)


def _status_changed(doc: GoalDoc, record: EventRecord, status: str) -> Entry:
    change = {"status": {"from": doc["status"], "to": status}}
    doc["status"] = status
    doc["blame"]["status"] = {"value": status, **credit(record)}
    entry = _entry(record, record.name.lower(), change)
    if "evidence" in record.data:
        entry["evidence"] = record.data["evidence"]
    return entry


def _milestone_event(doc: GoalDoc, record: EventRecord) -> Entry:
    milestone_id = record.data["milestone_id"]
    if record.name == "MilestoneAdded":
        doc["milestones"][milestone_id] = {
            "title": record.data["title"],
            "original_due": record.data["due"],
            "due": record.data["due"],
            "status": "planned",
            "moves": 0,
            "days_slipped": 0,
            "days_pulled_in": 0,
            "net_days": 0,
        }
        changes = {"due": {"from": None, "to": record.data["due"]}}
    else:
        changes = _milestone_moved_or_closed(doc["milestones"][milestone_id], record)
    event = "milestone_" + record.name.removeprefix("Milestone").lower()
    title = doc["milestones"][milestone_id]["title"]
    return {**_entry(record, event, changes), "milestone_id": milestone_id, "milestone": title}


def _milestone_moved_or_closed(milestone: dict[str, Any], record: EventRecord) -> dict[str, Any]:
    if record.name == "MilestoneRescheduled":
        old, new = milestone["due"], record.data["due"]
        days = (date.fromisoformat(new) - date.fromisoformat(old)).days
        milestone["moves"] += 1
        milestone["days_slipped"] += max(days, 0)
        milestone["days_pulled_in"] += max(-days, 0)
        milestone["net_days"] += days
        milestone["due"] = new
        return {"due": {"from": old, "to": new, "days": days}}
    status = "completed" if record.name == "MilestoneCompleted" else "dropped"
    change = {"status": {"from": milestone["status"], "to": status}}
    milestone["status"] = status
    return change


def move_of(entry: Entry) -> dict[str, Any] | None:
    """The move a milestone_rescheduled history entry records (from, to, days, credit)."""
    if entry["event"] != "milestone_rescheduled":
        return None
    due = entry["changes"]["due"]
    credited = {name: entry[name] for name in CREDIT}
    return {"from": due["from"], "to": due["to"], "days": due["days"], **credited}


def blame(doc: GoalDoc) -> dict[str, Any]:
    """For every field of the goal: its value and who last set it, when, why, via which proposal.

    A field nobody has written yet shows its value with every credit empty (None).
    """
    fields = {**doc["fields"], "status": doc["status"]}
    unset = dict.fromkeys(CREDIT)
    return {
        name: doc["blame"].get(name) or {"value": value, **unset} for name, value in fields.items()
    }


def drift(doc: GoalDoc) -> dict[str, Any]:
    """How often each milestone moved and by how many days (the moves themselves are
    entries: see `milestone_drift_for`)."""
    milestones = [
        {
            "id": milestone_id,
            "title": m["title"],
            "status": m["status"],
            "original_due": m["original_due"],
            "due": m["due"],
            "moves": m["moves"],
            "days_slipped": m["days_slipped"],
            "days_pulled_in": m["days_pulled_in"],
            "net_days": m["net_days"],
        }
        for milestone_id, m in doc["milestones"].items()
    ]
    return {
        "goal_id": doc["goal_id"],
        "milestones": milestones,
        "total_moves": sum(m["moves"] for m in milestones),
        "total_days_slipped": sum(m["days_slipped"] for m in milestones),
    }


# The view -----------------------------------------------------------------------------------
REVISION = "revision"
MOVE = "move"
# Drift shows each milestone's latest moves; all of them are in the goal's history.
RECENT_MOVES = 20
MAX_PAGE = 500


def goal_key(goal_id: str) -> str:
    """The key of a goal's document, also the partition of its history entries."""
    return f"goal:{goal_id}"


def milestone_partition(goal_id: str, milestone_id: str) -> str:
    """The partition of one milestone's moves."""
    return f"goal:{goal_id}:milestone:{milestone_id}"


class GoalHistoryProjection(ViewProjection):
    """Keeps each goal's current fields with blame and milestone drift figures, its
    revisions, and each milestone's moves."""

    name = "goal_history"
    # 2: milestone moves became entries (kind "move") instead of a list in the document.
    version = 2

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        """Fold a Goal.* record; append the revision it makes (and the move), if any."""
        if record.aggregate != "Goal":
            return
        key = goal_key(record.stream_id)
        doc, entry = history_step(tx.get(key), record)
        if doc is not None:
            tx.put(key, doc)
        if entry is None:
            return
        tx.append(key, record.position, record.at, REVISION, entry)
        if (move := move_of(entry)) is not None:
            partition = milestone_partition(record.stream_id, entry["milestone_id"])
            tx.append(partition, record.position, record.at, MOVE, move)


def goal_history_for(store: ViewStore, goal_id: str) -> dict[str, Any] | None:
    """Every revision of the goal, oldest first, each with its field-by-field diff.

    Its cost grows with the goal's history: where that may be long, read pages
    (`goal_history_page`, `goal_revisions_newest_first`)."""
    doc = store.get(goal_key(goal_id))
    if doc is None:
        return None
    revisions = [e.doc for e in store.entries(goal_key(goal_id), kinds=[REVISION])]
    return {**_summary(doc), "revisions": revisions}


def goal_history_page(
    store: ViewStore, goal_id: str, after: int | None = None, limit: int = 50
) -> dict[str, Any] | None:
    """One page of the goal's revisions, oldest first: the summary, `revisions` (at most
    `limit`, those after position `after`) and `next_after` (the position to pass as `after`
    for the next page; None on the last). Reads only the page's entries."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
    doc = store.get(goal_key(goal_id))
    if doc is None:
        return None
    found = store.entries(goal_key(goal_id), kinds=[REVISION], after=after, limit=limit + 1)
    page = found[:limit]
    more = len(found) > limit and bool(page)
    return {
        **_summary(doc),
        "revisions": [e.doc for e in page],
        "next_after": page[-1].position if more else None,
    }


def goal_revisions_newest_first(
    store: ViewStore,
    goal_id: str,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 30,
) -> dict[str, Any] | None:
    """One page of the goal's revisions, newest first, as a page that walks back in time
    shows them: the latest `limit` (no cursor), the `limit` just before position `before`
    (older ones), or the `limit` just after position `after` (newer ones).

    Returns the summary, `revisions`, and `older` / `newer`: the cursor to pass as `before`
    / `after` for the next page that way (None when there is none). Reads only the page's
    entries and one entry beyond each end, however long the history.
    """
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
    if before is not None and after is not None:
        raise ValueError("page before a position or after one, not both")
    doc = store.get(goal_key(goal_id))
    if doc is None:
        return None
    partition = goal_key(goal_id)

    def read(**bounds: Any) -> list[Any]:
        return store.entries(partition, kinds=[REVISION], **bounds)

    if after is None:
        upto = None if before is None else before - 1
        found = read(upto=upto, limit=limit + 1, descending=True)
        page = found[:limit]
        older = page[-1].position if len(found) > limit else None
        top = page[0].position if page else None if upto is None else max(upto, 0)
        newer = top if top is not None and read(after=top, limit=1) else None
    else:
        found = read(after=after, limit=limit + 1)
        page = list(reversed(found[:limit]))
        newer = page[0].position if len(found) > limit else None
        bottom = page[-1].position if page else after + 1
        below = read(upto=bottom - 1, limit=1, descending=True)
        older = bottom if below else None
    return {
        **_summary(doc),
        "revisions": [e.doc for e in page],
        "older": older,
        "newer": newer,
    }


def goal_blame_for(store: ViewStore, goal_id: str) -> dict[str, Any] | None:
    """Per field of the goal: its value and who last set it, when, why, via which proposal."""
    doc = store.get(goal_key(goal_id))
    return None if doc is None else {**_summary(doc), "fields": blame(doc)}


def milestone_drift_for(store: ViewStore, goal_id: str) -> dict[str, Any] | None:
    """How often each milestone of the goal moved and how many days it slipped, with its
    latest `RECENT_MOVES` moves (oldest first) as `history`."""
    doc = store.get(goal_key(goal_id))
    if doc is None:
        return None
    found = drift(doc)
    for milestone in found["milestones"]:
        moves = store.entries(
            milestone_partition(goal_id, milestone["id"]),
            kinds=[MOVE],
            limit=RECENT_MOVES,
            descending=True,
        )
        milestone["history"] = [e.doc for e in reversed(moves)]
    return {**_summary(doc), **found}


def _summary(doc: GoalDoc) -> dict[str, Any]:
    return {
        "goal_id": doc["goal_id"],
        "mentee_id": doc["mentee_id"],
        "kind": doc["kind"],
        "title": doc["fields"].get("title"),
        "status": doc["status"],
    }
