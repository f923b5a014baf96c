"""A goal's lifecycle, its milestones, feedback and achievements, and what its events carry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from domain import DomainError, Goal, InvalidTransition, NotAllowed, NothingChanged, UnknownItem
from domain.values import FeedbackSource, GoalKind, GoalStatus
from tests.unit.goal_helpers import MENTEE, MENTOR, READY_SMARTY, Moment, active_smarty, draft


def with_milestone(at: Moment) -> tuple[Goal, str]:
    goal = active_smarty(at)
    milestone_id = goal.add_milestone(
        title="Shadow the current lead",
        due=date(2025, 3, 1),
        skills=["hiring"],
        actor_id=MENTEE,
        at=at(),
    )
    return goal, milestone_id


# Lifecycle ------------------------------------------------------------------------------------
def test_a_smarty_goal_cannot_become_active_without_measurable_and_target_date(
    at: Moment,
) -> None:
    goal = draft(at, specific="Lead the payments team")
    with pytest.raises(
        DomainError, match="A SMARTY goal cannot become active without measurable and target date"
    ) as refused:
        goal.activate(actor_id=MENTEE, at=at())
    assert refused.value.field == "measurable"
    assert goal.status == GoalStatus.DRAFT


def test_a_real_goal_needs_relevant_and_actionable_to_become_active(at: Moment) -> None:
    goal = draft(at, GoalKind.REAL, engaging="I love teaching")
    with pytest.raises(
        DomainError, match="A REAL goal cannot become active without relevant and actionable"
    ):
        goal.activate(actor_id=MENTEE, at=at())

    goal.revise(
        changes={"relevant": "Toward teaching", "actionable": "One talk a month"},
        reason="Written out",
        actor_id=MENTEE,
        at=at(),
    )
    goal.activate(actor_id=MENTEE, at=at())
    assert goal.status == GoalStatus.ACTIVE


def test_an_active_goal_is_achieved_with_evidence(at: Moment) -> None:
    goal = active_smarty(at)
    goal.collect_events()
    goal.achieve(evidence="Promoted in November", actor_id=MENTEE, at=at())
    (achieved,) = goal.collect_events()
    assert goal.status == GoalStatus.ACHIEVED
    assert achieved.evidence == "Promoted in November"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("activate", "Cannot activate a goal that is active"),
        ("reopen", "Cannot reopen a goal that is active"),
    ],
)
def test_an_active_goal_cannot_be_activated_or_reopened(
    at: Moment, step: str, message: str
) -> None:
    goal = active_smarty(at)
    kwargs: dict[str, Any] = {"reason": "Again"} if step == "reopen" else {}
    with pytest.raises(InvalidTransition, match=message):
        getattr(goal, step)(actor_id=MENTEE, at=at(), **kwargs)


def test_a_draft_cannot_be_achieved_or_deferred(at: Moment) -> None:
    goal = draft(at, **READY_SMARTY)
    with pytest.raises(InvalidTransition, match="Cannot mark as achieved a goal that is draft"):
        goal.achieve(evidence=None, actor_id=MENTEE, at=at())
    with pytest.raises(InvalidTransition, match="Cannot defer a goal that is draft"):
        goal.defer(reason="Later", actor_id=MENTEE, at=at())


def test_a_deferred_goal_is_reopened_with_a_reason(at: Moment) -> None:
    goal = active_smarty(at)
    goal.defer(reason="Parental leave", actor_id=MENTEE, at=at())
    assert goal.status.value == "deferred"
    with pytest.raises(DomainError, match="The reason must not be empty"):
        goal.reopen(reason=" ", actor_id=MENTEE, at=at())
    goal.reopen(reason="Back at work", actor_id=MENTEE, at=at())
    assert goal.status == GoalStatus.ACTIVE


def test_a_goal_reopens_only_when_its_criteria_are_written(at: Moment) -> None:
    goal = draft(at)
    goal.abandon(reason="Too early", actor_id=MENTEE, at=at())
    with pytest.raises(DomainError, match="A SMARTY goal cannot become active without specific"):
        goal.reopen(reason="Try again", actor_id=MENTEE, at=at())
    assert goal.status == GoalStatus.ABANDONED


def test_abandoning_needs_a_reason_and_an_open_goal(at: Moment) -> None:
    goal = active_smarty(at)
    with pytest.raises(DomainError, match="The reason must not be empty"):
        goal.abandon(reason="", actor_id=MENTEE, at=at())
    goal.achieve(evidence=None, actor_id=MENTEE, at=at())
    with pytest.raises(InvalidTransition, match="Cannot abandon a goal that is achieved"):
        goal.abandon(reason="Meh", actor_id=MENTEE, at=at())


@pytest.mark.parametrize("step", ["activate", "achieve", "abandon", "defer"])
def test_only_the_mentee_moves_her_goal_through_its_lifecycle(at: Moment, step: str) -> None:
    goal = active_smarty(at) if step != "activate" else draft(at, **READY_SMARTY)
    extra: dict[str, dict[str, Any]] = {
        "achieve": {"evidence": None},
        "abandon": {"reason": "x"},
        "defer": {"reason": "x"},
    }
    with pytest.raises(NotAllowed, match="Only the mentee changes her goal"):
        getattr(goal, step)(actor_id=MENTOR, at=at(), **extra.get(step, {}))


# Milestones -----------------------------------------------------------------------------------
def test_a_milestone_has_a_due_date_and_the_skills_it_needs(at: Moment) -> None:
    goal, milestone_id = with_milestone(at)
    milestone = goal.milestones[milestone_id]
    assert milestone["title"] == "Shadow the current lead"
    assert milestone["due"] == milestone["original_due"] == date(2025, 3, 1)
    assert milestone["skills"] == ["hiring"]
    assert milestone["status"] == "planned"


@pytest.mark.parametrize(
    ("title", "due", "skills", "message"),
    [
        ("", date(2025, 3, 1), [], "The title must not be empty"),
        ("Shadow", "2025-03-01", [], "The due date must be a date"),
        ("Shadow", date(2025, 3, 1), ["hiring", " "], "The skill must not be empty"),
    ],
)
def test_a_milestone_needs_a_title_a_due_date_and_named_skills(
    at: Moment, title: str, due: Any, skills: list[str], message: str
) -> None:
    goal = active_smarty(at)
    with pytest.raises(DomainError, match=message):
        goal.add_milestone(title=title, due=due, skills=skills, actor_id=MENTEE, at=at())
    assert goal.milestones == {}


def test_no_milestones_are_added_to_an_achieved_goal(at: Moment) -> None:
    goal = active_smarty(at)
    goal.achieve(evidence=None, actor_id=MENTEE, at=at())
    with pytest.raises(
        InvalidTransition, match="Cannot add a milestone to a goal that is achieved"
    ):
        goal.add_milestone(title="More", due=date(2026, 1, 1), skills=[], actor_id=MENTEE, at=at())


def test_a_milestone_cannot_be_completed_twice(at: Moment) -> None:
    goal, milestone_id = with_milestone(at)
    when = at()
    goal.complete_milestone(milestone_id=milestone_id, actor_id=MENTEE, at=when)
    assert goal.milestones[milestone_id]["completed_on"] == when.date()

    with pytest.raises(InvalidTransition, match="Cannot complete a milestone that is completed"):
        goal.complete_milestone(milestone_id=milestone_id, actor_id=MENTEE, at=at())


def test_rescheduling_keeps_the_original_due_date_and_counts(at: Moment) -> None:
    goal, milestone_id = with_milestone(at)
    goal.collect_events()
    goal.reschedule_milestone(
        milestone_id=milestone_id,
        due=date(2025, 4, 1),
        reason="Lead on holiday",
        actor_id=MENTEE,
        at=at(),
    )
    (rescheduled,) = goal.collect_events()
    milestone = goal.milestones[milestone_id]
    assert (milestone["due"], milestone["original_due"]) == (date(2025, 4, 1), date(2025, 3, 1))
    assert milestone["reschedules"] == 1
    assert rescheduled.reason == "Lead on holiday"  # type: ignore[attr-defined]


def test_rescheduling_needs_a_new_date_and_a_reason(at: Moment) -> None:
    goal, milestone_id = with_milestone(at)
    with pytest.raises(NothingChanged, match="already due on that date"):
        goal.reschedule_milestone(
            milestone_id=milestone_id, due=date(2025, 3, 1), reason="Same", actor_id=MENTEE, at=at()
        )
    with pytest.raises(DomainError, match="The reason must not be empty"):
        goal.reschedule_milestone(
            milestone_id=milestone_id, due=date(2025, 5, 1), reason="", actor_id=MENTEE, at=at()
        )
    with pytest.raises(DomainError, match="The due date must be a date"):
        goal.reschedule_milestone(
            milestone_id=milestone_id,
            due=None,  # type: ignore[arg-type]
            reason="Later",
            actor_id=MENTEE,
            at=at(),
        )
    assert goal.milestones[milestone_id]["reschedules"] == 0


def test_a_dropped_milestone_says_why_and_cannot_be_completed(at: Moment) -> None:
    goal, milestone_id = with_milestone(at)
    with pytest.raises(DomainError, match="The reason must not be empty"):
        goal.drop_milestone(milestone_id=milestone_id, reason="", actor_id=MENTEE, at=at())
    goal.drop_milestone(milestone_id=milestone_id, reason="Lead left", actor_id=MENTEE, at=at())
    assert goal.milestones[milestone_id]["status"] == "dropped"
    with pytest.raises(InvalidTransition, match="Cannot complete a milestone that is dropped"):
        goal.complete_milestone(milestone_id=milestone_id, actor_id=MENTEE, at=at())


def test_an_unknown_milestone_is_refused(at: Moment) -> None:
    goal = active_smarty(at)
    with pytest.raises(UnknownItem, match="The goal has no such milestone") as refused:
        goal.complete_milestone(milestone_id="nope", actor_id=MENTEE, at=at())
    assert refused.value.field == "milestone_id"


def test_a_mentor_cannot_complete_a_milestone(at: Moment) -> None:
    goal, milestone_id = with_milestone(at)
    with pytest.raises(NotAllowed):
        goal.complete_milestone(milestone_id=milestone_id, actor_id=MENTOR, at=at())


# Feedback and achievements --------------------------------------------------------------------
def test_feedback_records_who_gave_it_and_in_what_role(at: Moment) -> None:
    goal = active_smarty(at)
    when = at()
    goal.give_feedback(text="Delegate more", source=FeedbackSource.MENTOR, actor_id=MENTOR, at=when)
    assert goal.feedback == [
        {"text": "Delegate more", "source": FeedbackSource.MENTOR, "by": MENTOR, "at": when}
    ]
    with pytest.raises(DomainError, match="The text must not be empty"):
        goal.give_feedback(text=" ", source=FeedbackSource.MENTEE, actor_id=MENTEE, at=at())


def test_an_achievement_recognises_a_completed_milestone(at: Moment) -> None:
    goal, milestone_id = with_milestone(at)
    with pytest.raises(
        InvalidTransition, match="recognises a completed milestone; this one is planned"
    ):
        goal.recognise_achievement(
            title="Shadowed", evidence="Notes", milestone_id=milestone_id, actor_id=MENTOR, at=at()
        )
    goal.complete_milestone(milestone_id=milestone_id, actor_id=MENTEE, at=at())
    goal.recognise_achievement(
        title="Shadowed", evidence="Notes", milestone_id=milestone_id, actor_id=MENTOR, at=at()
    )
    assert [a["title"] for a in goal.achievements] == ["Shadowed"]
    assert goal.achievements[0]["by"] == MENTOR


def test_without_a_milestone_an_achievement_recognises_an_achieved_goal(at: Moment) -> None:
    goal = active_smarty(at)
    with pytest.raises(InvalidTransition, match="recognises an achieved goal; this goal is active"):
        goal.recognise_achievement(
            title="Lead", evidence="x", milestone_id=None, actor_id=MENTOR, at=at()
        )
    goal.achieve(evidence="Promoted", actor_id=MENTEE, at=at())
    goal.recognise_achievement(
        title="Lead", evidence="Promotion letter", milestone_id=None, actor_id=MENTOR, at=at()
    )
    assert goal.achievements[0]["evidence"] == "Promotion letter"


# What every event carries ---------------------------------------------------------------------
def test_every_goal_event_carries_the_actor_and_the_moment_passed_in(at: Moment) -> None:
    moments: list[datetime] = []

    def moment() -> datetime:
        moments.append(at())
        return moments[-1]

    goal = draft(moment, **READY_SMARTY)
    goal.activate(actor_id=MENTEE, at=moment())
    milestone_id = goal.add_milestone(
        title="Step", due=date(2025, 2, 1), skills=[], actor_id=MENTEE, at=moment()
    )
    goal.complete_milestone(milestone_id=milestone_id, actor_id=MENTEE, at=moment())
    goal.give_feedback(text="Well done", source=FeedbackSource.MENTOR, actor_id=MENTOR, at=moment())

    events = goal.collect_events()
    assert [type(e).__name__ for e in events] == [
        "Drafted",
        "Activated",
        "MilestoneAdded",
        "MilestoneCompleted",
        "FeedbackGiven",
    ]
    assert [e.timestamp for e in events] == moments
    assert [e.actor_id for e in events] == [MENTEE] * 4 + [MENTOR]  # type: ignore[attr-defined]
    assert goal.created_on == moments[0]
    assert goal.modified_on == moments[-1]
