"""Plan as of any date or position, and the plan diff between two moments.

The view keeps, per mentee (partition "plan:<mentee>"):
- the current plan state as the document "plan:<mentee>" (see `projections.plan_state`);
- every record of her plan as a "delta" entry (the record itself, JSON);
- every `CHECKPOINT_EVERY` (K) records of hers, a "checkpoint" entry, and a tiny "mark"
  entry in the partition "marks:<mentee>" to find it by time. Every `FULL_EVERY` (F)-th
  checkpoint holds the whole state; those between hold only what changed since that one
  (`projections.plan_as_of_checkpoints`), since the whole state of a long plan (every
  reflection, every goal) is large and most of it unchanged.

"As of" loads the last checkpoint at or before the moment (and, if it is a small one, the
whole one it builds on) and folds at most K - 1 deltas with the same reducer the live view
uses, so its cost depends on K, F and the plan's size, not on the length of its history.
(By time, finding the mark reads the mark rows after the moment: one tiny row per K
events, not the deltas.)

"As of a time" means: the plan after the last change made at or before that time.
Streams are routed to their mentee by small "stream:<id>" documents written when a plan,
goal or proposal is created (later events of those streams do not name the mentee).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from projections.plan_as_of_checkpoints import FULL_EVERY, Changes, checkpoint_state
from projections.plan_diff import diff_plans
from projections.plan_state import (
    PlanState,
    apply_event,
    empty_plan,
    is_plan_event,
    mentee_named_by,
    visible_plan,
)
from projections.records import EventRecord
from projections.store import Entry, ViewProjection, ViewStore, ViewTx

CHECKPOINT_EVERY = 64
DELTA = "delta"
CHECKPOINT = "checkpoint"
MARK = "mark"


def record_doc(record: EventRecord) -> dict[str, Any]:
    """The record as a JSON document (position and time live in the entry itself)."""
    return {
        "stream_id": record.stream_id,
        "version": record.version,
        "type": record.type,
        "actor_id": record.actor_id,
        "data": record.data,
    }


def record_from_entry(entry: Entry) -> EventRecord:
    """The record a delta entry holds."""
    doc = entry.doc
    return EventRecord(
        position=entry.position,
        stream_id=doc["stream_id"],
        version=doc["version"],
        type=doc["type"],
        at=entry.at,
        actor_id=doc["actor_id"],
        data=doc["data"],
    )


def partition_of(mentee_id: str) -> str:
    """Where a mentee's deltas and checkpoints are kept (also her document's key)."""
    return f"plan:{mentee_id}"


def marks_of(mentee_id: str) -> str:
    """Where a tiny "mark" row per checkpoint is kept, to find checkpoints by time."""
    return f"marks:{mentee_id}"


def changes_of(mentee_id: str) -> str:
    """The document listing what changed in her plan since its last checkpoint."""
    return f"changes:{mentee_id}"


def route(record: EventRecord, tx: ViewTx) -> str | None:
    """The mentee whose plan a record belongs to, remembering new streams; None if unknown."""
    named = mentee_named_by(record)
    key = f"stream:{record.stream_id}"
    if named is not None:
        tx.put(key, {"mentee_id": named})
        return named
    owner = tx.get(key)
    return None if owner is None else str(owner["mentee_id"])


class PlanAsOfProjection(ViewProjection):
    """Keeps each mentee's current plan, its deltas and a checkpoint every K records."""

    name = "plan_as_of"
    version = 2  # 2: checkpoints between whole ones hold only what changed
    checkpoint_every = CHECKPOINT_EVERY
    full_every = FULL_EVERY

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        """Fold a plan, goal or proposal record into its mentee's plan."""
        if not is_plan_event(record):
            return
        mentee_id = route(record, tx)
        if mentee_id is None:
            return
        key = partition_of(mentee_id)
        state = apply_event(tx.get(key) or empty_plan(mentee_id), record)
        tx.put(key, state)
        tx.append(key, record.position, record.at, DELTA, record_doc(record))
        changes = Changes(tx, changes_of(mentee_id))
        changes.note(record, state)
        if state["events"] % self.checkpoint_every == 0:
            doc = changes.checkpoint(state, record.position, self.full_every)
            tx.append(key, record.position, record.at, CHECKPOINT, doc)
            tx.append(marks_of(mentee_id), record.position, record.at, MARK, {})


def state_as_of(
    store: ViewStore, mentee_id: str, *, when: datetime | None = None, position: int | None = None
) -> PlanState:
    """The mentee's plan state after the last record at or before `when` and/or `position`.

    With neither, the current state. Before her first record, the empty plan.
    """
    partition = partition_of(mentee_id)
    if when is None and position is None:
        return store.get(partition) or empty_plan(mentee_id)
    if when is None:
        checkpoint = store.last_entry(partition, CHECKPOINT, position_at_or_before=position)
        start = None if checkpoint is None else checkpoint.position
        deltas = store.entries(partition, kinds=[DELTA], after=start, upto=position)
        return _fold(store, mentee_id, checkpoint, deltas)
    return _state_at_time(store, mentee_id, when, position)


def _state_at_time(
    store: ViewStore, mentee_id: str, when: datetime, position: int | None
) -> PlanState:
    # The marks (one tiny row per checkpoint) find the checkpoint by time without scanning
    # the deltas written since; the deltas read are those between it and the next one.
    partition, marks = partition_of(mentee_id), marks_of(mentee_id)
    mark = store.last_entry(marks, MARK, at_or_before=when, position_at_or_before=position)
    start = None if mark is None else mark.position
    following = store.entries(marks, kinds=[MARK], after=start, limit=1)
    upto = following[0].position if following else None
    if position is not None:
        upto = position if upto is None else min(upto, position)
    checkpoint = None
    if start is not None:
        (checkpoint,) = store.entries(partition, kinds=[CHECKPOINT], after=start - 1, upto=start)
    # The marks bound these deltas to at most K, so their times are checked here: giving the
    # store `until` would make it find the range's bounds from every entry before `when`.
    bounded = store.entries(partition, kinds=[DELTA], after=start, upto=upto)
    deltas = [entry for entry in bounded if entry.at <= when]
    return _fold(store, mentee_id, checkpoint, deltas)


def _fold(
    store: ViewStore, mentee_id: str, checkpoint: Entry | None, deltas: list[Entry]
) -> PlanState:
    """The checkpoint's state (or the empty plan) with the deltas after it folded in."""
    if checkpoint is None:
        state = empty_plan(mentee_id)
    else:
        state = checkpoint_state(store, partition_of(mentee_id), checkpoint, CHECKPOINT)
    for entry in deltas:
        apply_event(state, record_from_entry(entry))
    return state


def plan_as_of(
    store: ViewStore,
    mentee_id: str,
    *,
    viewer_id: str,
    when: datetime | None = None,
    position: int | None = None,
) -> dict[str, Any] | None:
    """The whole plan as it stood then, as `viewer_id` may see it; None if not started yet."""
    state = state_as_of(store, mentee_id, when=when, position=position)
    if state["events"] == 0:
        return None
    return visible_plan(state, viewer_id)


def plan_diff(
    store: ViewStore,
    mentee_id: str,
    *,
    viewer_id: str,
    since: datetime | int,
    until: datetime | int | None = None,
) -> dict[str, Any]:
    """What was added, removed and changed in the plan between two moments (time or position).

    `until` None means now. A moment before the plan began compares with the empty plan.
    """
    before = state_as_of(store, mentee_id, **_moment(since))
    after = state_as_of(store, mentee_id, **_moment(until))
    return diff_plans(before, after, viewer_id)


def _moment(value: datetime | int | None) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, datetime):
        return {"when": value}
    return {"position": value}


def has_plan(store: ViewStore, mentee_id: str) -> bool:
    """Whether the view knows a plan of this mentee (at any time)."""
    return store.get(partition_of(mentee_id)) is not None
