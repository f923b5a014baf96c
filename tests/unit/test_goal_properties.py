"""Laws of a goal under any sequence of commands: replay gives the same goal; rules always hold.

A bounded property test; the fuller state machine belongs to a later issue.
"""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanMutateAggregate
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import DomainError, Goal
from domain.values import REQUIRED_TO_ACTIVATE, GoalKind, GoalStatus

Event = CanMutateAggregate[UUID]
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

# Mostly real text, sometimes blank, so goals both become ready and lose what they need.
texts = st.sampled_from(["Lead the team", "", "Two releases", None, "With a coach"])
due_dates = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))
dates = st.none() | due_dates
actors = st.sampled_from([*[MENTEE] * 5, MENTOR])
# Goals start as a bare draft or with all their framework needs to become active.
READY: dict[GoalKind, dict[str, Any]] = {
    GoalKind.SMARTY: {
        "specific": "Lead",
        "measurable": "Two releases",
        "target_date": START.date(),
    },
    GoalKind.REAL: {"relevant": "Toward teaching", "actionable": "One talk a month"},
}
revisable = {
    GoalKind.SMARTY: ["specific", "measurable", "achievable", "title"],
    GoalKind.REAL: ["relevant", "actionable", "engaging", "title"],
}


def revisions(kind: GoalKind) -> st.SearchStrategy[tuple[Any, ...]]:
    changes = st.dictionaries(st.sampled_from(revisable[kind]), texts, min_size=1, max_size=3)
    with_date = st.fixed_dictionaries({}, optional={"target_date": dates})
    return st.tuples(
        st.just("revise"), st.builds(lambda a, b: {**a, **b}, changes, with_date), actors
    )


def commands(kind: GoalKind) -> st.SearchStrategy[list[tuple[Any, ...]]]:
    lifecycle = st.tuples(
        # Abandoning is rarer than the rest, or few goals would live long enough to matter.
        st.sampled_from(
            ["activate", "activate", "achieve", "defer", "reopen", "reopen", "abandon"]
        ),
        actors,
    )
    add = st.tuples(st.just("add_milestone"), st.just(0), due_dates, actors)
    milestone = st.tuples(
        st.sampled_from(["reschedule", "complete", "drop"]),
        st.integers(min_value=0, max_value=3),
        due_dates,
        actors,
    )
    return st.lists(st.one_of(revisions(kind), lifecycle, add, milestone), max_size=25)


Script = tuple[GoalKind, str, list[tuple[Any, ...]]]


def goal_scripts() -> st.SearchStrategy[Script]:
    """A framework, how the goal starts (bare draft, ready draft, active) and the commands."""
    return st.sampled_from(GoalKind).flatmap(
        lambda kind: st.tuples(
            st.just(kind), st.sampled_from(["active", "ready", "bare"]), commands(kind)
        )
    )


def starting_goal(kind: GoalKind, start: str) -> Goal:
    fields = {"title": "Grow", **(READY[kind] if start != "bare" else {})}
    goal = Goal.draft(mentee_id=MENTEE, kind=kind, fields=fields, actor_id=MENTEE, at=START)
    if start == "active":
        goal.activate(actor_id=MENTEE, at=START)
    return goal


def apply(goal: Goal, command: tuple[Any, ...], at: datetime) -> None:
    """Run one command on the goal; a broken rule raises a DomainError."""
    name, *args = command
    actor = args[-1]
    milestone_ids = list(goal.milestones)
    if name == "revise":
        goal.revise(changes=args[0], reason="Because", actor_id=actor, at=at)
    elif name == "activate":
        goal.activate(actor_id=actor, at=at)
    elif name == "achieve":
        goal.achieve(evidence="Done", actor_id=actor, at=at)
    elif name in ("abandon", "defer", "reopen"):
        getattr(goal, name)(reason="Because", actor_id=actor, at=at)
    elif name == "add_milestone":
        goal.add_milestone(title="Step", due=args[1], skills=["x"], actor_id=actor, at=at)
    elif milestone_ids:
        milestone_id = milestone_ids[args[0] % len(milestone_ids)]
        if name == "reschedule":
            goal.reschedule_milestone(
                milestone_id=milestone_id, due=args[1], reason="Slipped", actor_id=actor, at=at
            )
        elif name == "complete":
            goal.complete_milestone(milestone_id=milestone_id, actor_id=actor, at=at)
        else:
            goal.drop_milestone(
                milestone_id=milestone_id, reason="Not needed", actor_id=actor, at=at
            )


def rendering(goal: Goal) -> dict[str, Any]:
    """The goal as plain data (a deep copy): everything it holds but its uncollected events."""
    return copy.deepcopy({k: v for k, v in vars(goal).items() if k != "_pending_events"})


def replay(events: list[Event]) -> Goal:
    goal: Any = None
    for event in events:
        goal = event.mutate(goal)
    assert isinstance(goal, Goal)
    return goal


def assert_rules_hold(goal: Goal, history: list[Event]) -> None:
    if goal.status in (GoalStatus.ACTIVE, GoalStatus.ACHIEVED):
        # An active goal has its framework's essentials, and an achieved one kept them.
        assert all(goal.fields[name] for name in REQUIRED_TO_ACTIVATE[goal.kind])
    assert goal.version == len(history)
    assert all(e.actor_id == MENTEE for e in history)  # type: ignore[attr-defined]
    for milestone_id, milestone in goal.milestones.items():
        assert (milestone["completed_on"] is not None) == (milestone["status"] == "completed")
        moved = [
            e
            for e in history
            if type(e).__name__ == "MilestoneRescheduled" and e.milestone_id == milestone_id  # type: ignore[attr-defined]
        ]
        assert milestone["reschedules"] == len(moved)


@settings(max_examples=80, deadline=None)
@given(goal_scripts())
def test_any_sequence_of_goal_commands_replays_to_the_same_goal(
    script: Script,
) -> None:
    kind, start, steps = script
    goal = starting_goal(kind, start)
    history: list[Event] = list(goal.collect_events())
    for n, command in enumerate(steps, start=1):
        before = rendering(goal)
        try:
            apply(goal, command, START + timedelta(days=n))
        except DomainError:
            # A refused command changes nothing and leaves nothing to save.
            assert rendering(goal) == before
            assert goal.collect_events() == []
            continue
        history.extend(goal.collect_events())
        assert rendering(replay(history)) == rendering(goal)
        assert_rules_hold(goal, history)
