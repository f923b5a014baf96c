"""`copied` (tracker.services.base): the copy a write from the aggregate cache works on is
what `deepcopy` would give, sharing nothing a command could change with the cached one."""

from __future__ import annotations

from copy import deepcopy
from datetime import date
from typing import Any
from uuid import UUID

from domain import Goal, Plan, plan_id_for
from tracker.application import TrackerApplication
from tracker.services.base import copied

MENTEE = "mentee-ada"


def mutable_parts(value: Any) -> list[Any]:
    """Every dict and list inside `value`, itself included."""
    found: list[Any] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found += mutable_parts(item)
    elif isinstance(value, list | tuple):
        if isinstance(value, list):
            found.append(value)
        for item in value:
            found += mutable_parts(item)
    return found


def goal_and_plan(app: TrackerApplication) -> tuple[Goal, Plan]:
    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    fields = {"title": "Lead", "specific": "The team", "target_date": date(2026, 1, 1)}
    goal_id = app.draft_goal(MENTEE, kind="smarty", fields=fields, actor_id=MENTEE).id
    app.revise_goal(goal_id, changes={"measurable": "Two"}, reason="Counted", actor_id=MENTEE)
    app.add_milestone(
        goal_id, title="First", due=date(2025, 3, 1), skills=["Hiring"], actor_id=MENTEE
    )
    goal: Goal = app.repository.get(UUID(goal_id))
    plan: Plan = app.repository.get(plan_id_for(MENTEE))
    assert isinstance(goal, Goal)
    assert isinstance(plan, Plan)
    return goal, plan


def test_a_copy_equals_the_deepcopy_and_shares_nothing_mutable(
    memory_app: TrackerApplication,
) -> None:
    for aggregate in goal_and_plan(memory_app):
        copy = copied(aggregate)
        assert type(copy) is type(aggregate)
        assert vars(copy) == vars(deepcopy(aggregate))
        originals = {id(part) for part in mutable_parts(vars(aggregate))}
        assert not originals & {id(part) for part in mutable_parts(vars(copy))}


def test_a_change_to_the_copy_leaves_the_original_as_it_was(
    memory_app: TrackerApplication,
) -> None:
    goal, _ = goal_and_plan(memory_app)
    before = deepcopy(vars(goal))
    copy = copied(goal)
    copy.revise(
        changes={"title": "Lead well"}, reason="Clearer", actor_id=MENTEE, at=goal.modified_on
    )
    for milestone in copy.milestones.values():
        milestone["skills"].append("Coaching")
    assert vars(goal) == before
    assert copy.version == goal.version + 1


class Opaque:
    def __init__(self) -> None:
        self.items = [1]


def test_state_it_does_not_know_or_one_list_in_two_places_is_left_to_deepcopy(
    memory_app: TrackerApplication,
) -> None:
    goal, _ = goal_and_plan(memory_app)
    goal.opaque = Opaque()  # type: ignore[attr-defined]
    copy = copied(goal)
    assert copy.opaque is not goal.opaque  # type: ignore[attr-defined]
    assert copy.opaque.items == [1]  # type: ignore[attr-defined]
    del goal.opaque  # type: ignore[attr-defined]
    shared = ["Hiring"]
    goal.feedback = [{"skills": shared}, {"skills": shared}]
    copy = copied(goal)
    assert copy.feedback[0]["skills"] is copy.feedback[1]["skills"]  # kept one, as deepcopy
    assert copy.feedback[0]["skills"] is not shared
