"""The roadmap: a mentee's goals and milestones on a time axis, with status, original versus
current dates, the skills they need, and what is overdue relative to a given day.

The view keeps one document per goal ("mentee:<mentee>:goal:<goal>"), folded with the same
goal reducer as the plan (`projections.plan_state.apply_goal_event`). "Today" is always an
argument: projections never read the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from domain.values import GoalStatus
from projections.plan_state import apply_goal_event
from projections.records import EventRecord
from projections.store import ViewProjection, ViewStore, ViewTx

# Deferred goals were postponed on purpose and closed ones are done: neither is overdue.
OPEN_STATUSES = (GoalStatus.DRAFT.value, GoalStatus.ACTIVE.value)


def goal_key(mentee_id: str, goal_id: str) -> str:
    """The document of one goal on its mentee's roadmap."""
    return f"mentee:{mentee_id}:goal:{goal_id}"


class RoadmapProjection(ViewProjection):
    """Keeps every goal with its milestones, filed under its mentee."""

    name = "roadmap"

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        """Fold a Goal.* record into that goal's roadmap document."""
        if record.aggregate != "Goal":
            return
        stream_key = f"stream:{record.stream_id}"
        if record.type == "Goal.Drafted":
            tx.put(stream_key, {"mentee_id": record.data["mentee_id"]})
        owner = tx.get(stream_key)
        if owner is None:
            return
        key = goal_key(owner["mentee_id"], record.stream_id)
        goals = {record.stream_id: doc} if (doc := tx.get(key)) is not None else {}
        apply_goal_event(goals, record)
        if record.stream_id in goals:
            tx.put(key, goals[record.stream_id])


def _days(since: str | None, until: str | None) -> int | None:
    if since is None or until is None:
        return None
    return (date.fromisoformat(until) - date.fromisoformat(since)).days


def _is_past(day: str | None, today: date) -> bool:
    return day is not None and date.fromisoformat(day) < today


def _milestone(ident: str, m: dict[str, Any], goal_open: bool, today: date) -> dict[str, Any]:
    overdue = goal_open and m["status"] == "planned" and _is_past(m["due"], today)
    slipped = _days(m["original_due"], m["due"])
    return {"id": ident, **m, "slipped_days": slipped, "overdue": overdue}


def _goal(ident: str, goal: dict[str, Any], today: date) -> dict[str, Any]:
    fields = goal["fields"]
    is_open = goal["status"] in OPEN_STATUSES
    milestones = [_milestone(i, m, is_open, today) for i, m in goal["milestones"].items()]
    milestones.sort(key=lambda m: (m["due"], m["title"]))
    return {
        "id": ident,
        "title": fields["title"],
        "kind": goal["kind"],
        "status": goal["status"],
        "stretch": fields["stretch"],
        "target_date": fields["target_date"],
        "original_target_date": goal["original_target_date"],
        "slipped_days": _days(goal["original_target_date"], fields["target_date"]),
        "overdue": is_open and _is_past(fields["target_date"], today),
        "milestones": milestones,
    }


def _axis(goals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every dated goal and milestone as one item on the time axis, earliest first."""
    items = []
    for goal in goals:
        if goal["target_date"] is not None:
            items.append({"date": goal["target_date"], "type": "goal", "goal_id": goal["id"]})
        for m in goal["milestones"]:
            items.append(
                {
                    "date": m["due"],
                    "type": "milestone",
                    "goal_id": goal["id"],
                    "milestone_id": m["id"],
                }
            )
    by_id = {g["id"]: g for g in goals}
    for item in items:
        source = by_id[item["goal_id"]]
        if item["type"] == "milestone":
            source = next(m for m in source["milestones"] if m["id"] == item["milestone_id"])
        item.update(title=source["title"], status=source["status"], overdue=source["overdue"])
    return sorted(items, key=lambda i: (i["date"], i["type"], i["title"]))


def roadmap(
    mentee_id: str, goals: Iterable[tuple[str, dict[str, Any]]], today: date
) -> dict[str, Any]:
    """Lay out (goal id, goal state) pairs on a time axis as of `today` (pure)."""
    laid_out = [_goal(ident, goal, today) for ident, goal in goals]
    laid_out.sort(key=lambda g: (g["target_date"] is None, g["target_date"] or "", g["title"]))
    axis = _axis(laid_out)
    skills = sorted({s for g in laid_out for m in g["milestones"] for s in m["skills"]})
    return {
        "mentee_id": mentee_id,
        "today": today.isoformat(),
        "span": {"start": axis[0]["date"], "end": axis[-1]["date"]} if axis else None,
        "goals": laid_out,
        "axis": axis,
        "overdue": [item for item in axis if item["overdue"]],
        "skills": skills,
    }


def roadmap_for(store: ViewStore, mentee_id: str, today: date) -> dict[str, Any]:
    """The mentee's roadmap as of `today` (an empty one if she has no goals)."""
    prefix = goal_key(mentee_id, "")
    goals = [(key.removeprefix(prefix), doc) for key, doc in store.documents(prefix)]
    return roadmap(mentee_id, goals, today)
