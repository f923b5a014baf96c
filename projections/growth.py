"""How a mentee's plan grew: a series per week or per month, ready for a chart.

Part of the "timeline" view. Per mentee the projection keeps the current growth state
("growth:<mentee>"), which also names the week and the month it is in ("open" periods).
When a change falls in a later week or month, the open period is closed: a bucket document
("growth:<mentee>:week:2025-01-06", "growth:<mentee>:month:2025-01-01") keeps the figures
at its end and the running counts at its start. So an event costs one small document, and
a bucket is written once per period. `growth_for` reads the closed buckets plus the open
periods from the state, and fills the quiet periods in between with the last known figures.
A change dated before the open period (clocks disagreeing) counts in the open period.

Measures (at the end of each period):
- goals by status (draft, active, achieved, abandoned, deferred);
- milestones: planned (open), met (completed), dropped, slipped (moved to a later due date
  at least once, whatever their state now);
- achievements recognised and check-ins held: running totals and the number in the period;
- the size of each plan section in words.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain.values import PLAN_SECTIONS, GoalStatus
from projections.records import EventRecord
from projections.store import Doc, ViewStore, ViewTx

PERIODS = ("week", "month")
MAX_POINTS = 1000
GOAL_STATUS_AFTER = {
    "Goal.Drafted": GoalStatus.DRAFT.value,
    "Goal.Activated": GoalStatus.ACTIVE.value,
    "Goal.Achieved": GoalStatus.ACHIEVED.value,
    "Goal.Abandoned": GoalStatus.ABANDONED.value,
    "Goal.Deferred": GoalStatus.DEFERRED.value,
    "Goal.Reopened": GoalStatus.ACTIVE.value,
}
MILESTONE_STATE_AFTER = {"Goal.MilestoneCompleted": "met", "Goal.MilestoneDropped": "dropped"}
COUNTED = {"Goal.AchievementRecognised": "achievements", "CheckIn.Held": "checkins_held"}
GROWTH_EVENTS = {
    "Plan.Started",
    "Plan.SectionEdited",
    "Goal.MilestoneAdded",
    "Goal.MilestoneRescheduled",
    *GOAL_STATUS_AFTER,
    *MILESTONE_STATE_AFTER,
    *COUNTED,
}


def word_count(text: Any) -> int:
    """Words in a text field (None counts as empty)."""
    return len(str(text).split()) if text else 0


def empty_growth() -> Doc:
    """The growth state of a plan with nothing in it: counts only, so it stays small."""
    return {
        "goals": dict.fromkeys((s.value for s in GoalStatus), 0),
        "milestones": {"planned": 0, "met": 0, "dropped": 0, "slipped": 0},
        "sections": {},
        "achievements": 0,
        "checkins_held": 0,
    }


def grow(state: Doc, goal: Doc, record: EventRecord) -> None:
    """Fold one event into the mentee's growth `state` (in place).

    `goal` is the goal's own document (for goal events; any dict otherwise): it keeps the
    goal's status and each milestone's title, due date, state and whether it slipped, so
    the mentee's state holds counts only and its cost does not grow with history.
    """
    event, data = record.type, record.data
    if event in GOAL_STATUS_AFTER:
        old, goal["status"] = goal.get("status"), GOAL_STATUS_AFTER[event]
        if old:
            state["goals"][old] -= 1
        state["goals"][goal["status"]] += 1
    elif event in COUNTED:
        state[COUNTED[event]] += 1
    elif event == "Plan.SectionEdited":
        fields = state["sections"].setdefault(data["section"], {})
        for name, text in (data.get("changes") or {}).items():
            fields[name] = word_count(text)
    elif event.startswith("Goal.Milestone"):
        _milestone_changed(state["milestones"], goal.setdefault("milestones", {}), record)


def _milestone_changed(counts: Doc, milestones: Doc, record: EventRecord) -> None:
    event, data = record.type, record.data
    milestone_id = data["milestone_id"]
    if event == "Goal.MilestoneAdded":
        milestones[milestone_id] = {
            "title": data["title"],
            "due": data["due"],
            "state": "planned",
            "slipped": False,
        }
        counts["planned"] += 1
        return
    milestone = milestones.get(milestone_id)
    if milestone is None:
        return
    if event == "Goal.MilestoneRescheduled":
        # ISO dates compare as text; a milestone counts as slipped once, however often moved.
        if data["due"] > milestone["due"] and not milestone["slipped"]:
            milestone["slipped"] = True
            counts["slipped"] += 1
        milestone["due"] = data["due"]
    elif event in MILESTONE_STATE_AFTER and milestone["state"] == "planned":
        milestone["state"] = MILESTONE_STATE_AFTER[event]
        counts["planned"] -= 1
        counts[milestone["state"]] += 1


def summary(state: Doc) -> Doc:
    """The chart figures of a growth state."""
    sections = {name: sum(state["sections"].get(name, {}).values()) for name in PLAN_SECTIONS}
    return {
        "goals": dict(state["goals"]),
        "milestones": dict(state["milestones"]),
        "achievements": state["achievements"],
        "checkins_held": state["checkins_held"],
        "section_words": sections,
    }


def period_start(day: date, period: str) -> date:
    """The first day of the week (Monday) or month holding `day`."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"period must be one of {', '.join(PERIODS)}")


def next_period(start: date, period: str) -> date:
    """The first day of the following week or month."""
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def growth_key(mentee_id: str) -> str:
    """Key of a mentee's current growth state (written from her Plan.Started on)."""
    return f"growth:{mentee_id}"


def bucket_prefix(mentee_id: str, period: str) -> str:
    """Key prefix of a mentee's buckets for one period length."""
    return f"growth:{mentee_id}:{period}:"


def update_growth(tx: ViewTx, mentee_id: str, stream: Doc, record: EventRecord) -> None:
    """Fold one event into the mentee's growth state, closing any period it has moved past.

    `stream` is the document of the event's stream (the goal's, for goal events).
    """
    if record.type not in GROWTH_EVENTS:
        return
    key = growth_key(mentee_id)
    state = tx.get(key) or empty_growth()
    opened = state.setdefault("open", {})
    day = record.at.astimezone(UTC).date()
    for period in PERIODS:
        start = period_start(day, period).isoformat()
        current = opened.get(period)
        if current is not None and start <= current["start"]:
            continue
        if current is not None:
            tx.put(bucket_prefix(mentee_id, period) + current["start"], closed(current, state))
        opened[period] = {"start": start, "counts_before": _counts(state)}
    grow(state, stream, record)
    tx.put(key, state)


def _counts(state: Doc) -> Doc:
    return {"achievements": state["achievements"], "checkins_held": state["checkins_held"]}


def closed(period: Doc, state: Doc) -> Doc:
    """The bucket of a period whose last figures are `state`'s."""
    return {**period, "end": summary(state)}


def _point(start: date, end: Doc, before: Doc) -> Doc:
    return {
        "period_start": start.isoformat(),
        **end,
        "achievements_in_period": end["achievements"] - before["achievements"],
        "checkins_held_in_period": end["checkins_held"] - before["checkins_held"],
    }


def growth_for(
    store: ViewStore,
    mentee_id: str,
    period: str = "week",
    since: date | datetime | None = None,
    until: date | datetime | None = None,
) -> Doc:
    """The growth series of a mentee: one point per period from her first change.

    `since`/`until` bound the periods (by the days they contain, both included). Quiet
    periods repeat the last figures with nothing "in period". Raises ValueError for an
    unknown period or more than MAX_POINTS points.
    """
    period_start(date(2000, 1, 1), period)  # validates `period`
    buckets = {
        date.fromisoformat(doc["start"]): doc
        for _, doc in store.documents(bucket_prefix(mentee_id, period))
    }
    state = store.get(growth_key(mentee_id))
    if state is not None and period in state.get("open", {}):
        still_open = state["open"][period]
        buckets[date.fromisoformat(still_open["start"])] = closed(still_open, state)
    points: list[Doc] = []
    if not buckets:
        return {"mentee_id": mentee_id, "period": period, "points": points}
    first = min(buckets)
    last = max(buckets)
    low = period_start(_day(since), period) if since is not None else first
    high = period_start(_day(until), period) if until is not None else last
    current = summary(empty_growth())
    start = first
    while start <= high:
        bucket = buckets.get(start)
        before = current if bucket is None else {**current, **bucket["counts_before"]}
        current = current if bucket is None else bucket["end"]
        if start >= low:
            points.append(_point(start, current, before))
            if len(points) > MAX_POINTS:
                raise ValueError(f"More than {MAX_POINTS} {period}s asked for: narrow the range")
        start = next_period(start, period)
    return {"mentee_id": mentee_id, "period": period, "points": points}


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
