"""Goals drafted and activated for the domain's unit tests, shared by the goal test modules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from domain import Goal
from domain.values import GoalKind

Moment = Callable[[], datetime]
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
READY_SMARTY: dict[str, Any] = {
    "title": "Lead a team",
    "specific": "Lead the payments team of five",
    "measurable": "Team ships two releases on my watch",
    "target_date": date(2025, 12, 31),
}


def draft(at: Moment, kind: GoalKind = GoalKind.SMARTY, **fields: Any) -> Goal:
    return Goal.draft(
        mentee_id=MENTEE,
        kind=kind,
        fields={"title": "Lead a team", **fields},
        actor_id=MENTEE,
        at=at(),
    )


def active_smarty(at: Moment) -> Goal:
    goal = draft(at, **READY_SMARTY)
    goal.activate(actor_id=MENTEE, at=at())
    return goal
