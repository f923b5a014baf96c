"""A goal is drafted by the mentee and revised with reasons; only real changes are recorded."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain import DomainError, Goal, InvalidTransition, NotAllowed, NothingChanged
from domain.values import GoalKind, GoalStatus
from tests.unit.goal_helpers import MENTEE, MENTOR, READY_SMARTY, Moment, active_smarty, draft


# Drafting -------------------------------------------------------------------------------------
def test_a_drafted_goal_holds_its_fields_and_every_criterion_of_its_framework(at: Moment) -> None:
    goal = draft(
        at, specific="Lead the payments team", stretch=True, serves="section:vision_statement"
    )

    assert goal.status == GoalStatus.DRAFT
    assert goal.title == "Lead a team"
    assert goal.fields["specific"] == "Lead the payments team"
    assert goal.fields["stretch"] is True
    assert goal.fields["serves"] == "section:vision_statement"
    assert {"measurable", "achievable", "relevant", "time_bound", "yours"} <= set(goal.fields)
    assert goal.target_date is None


def test_a_real_goal_has_the_real_criteria(at: Moment) -> None:
    goal = draft(at, GoalKind.REAL, relevant="It moves me toward product work")

    assert {"relevant", "engaging", "actionable", "learning_focused"} <= set(goal.fields)
    assert "measurable" not in goal.fields


def test_only_the_mentee_drafts_her_goals(at: Moment) -> None:
    with pytest.raises(NotAllowed, match="Only the mentee sets her own goals"):
        Goal.draft(
            mentee_id=MENTEE, kind=GoalKind.SMARTY, fields={"title": "X"}, actor_id=MENTOR, at=at()
        )


@pytest.mark.parametrize("title", [None, "", "   "])
def test_a_goal_needs_a_title(at: Moment, title: str | None) -> None:
    fields: dict[str, Any] = {} if title is None else {"title": title}
    with pytest.raises(DomainError, match="The title must not be empty") as refused:
        Goal.draft(mentee_id=MENTEE, kind=GoalKind.SMARTY, fields=fields, actor_id=MENTEE, at=at())
    assert refused.value.field == "title"


def test_an_unknown_field_is_refused_by_name(at: Moment) -> None:
    with pytest.raises(DomainError, match="A smarty goal has no field 'colour'") as refused:
        draft(at, colour="blue")
    assert refused.value.field == "colour"


def test_a_real_goal_has_no_smarty_criteria(at: Moment) -> None:
    with pytest.raises(DomainError, match="A real goal has no field 'measurable'"):
        draft(at, GoalKind.REAL, measurable="10 interviews")


def test_stretch_must_be_true_or_false(at: Moment) -> None:
    with pytest.raises(DomainError, match="Stretch must be true or false") as refused:
        draft(at, stretch="yes")
    assert refused.value.field == "stretch"


@pytest.mark.parametrize("serves", ["section:hobbies", "option:", "plan", "goal:123"])
def test_a_goal_serves_a_known_plan_section_or_an_option(at: Moment, serves: str) -> None:
    with pytest.raises(DomainError, match="'section:<name>' of the plan or 'option:<id>'"):
        draft(at, serves=serves)


def test_a_goal_may_serve_an_option(at: Moment) -> None:
    assert draft(at, serves="option:42").fields["serves"] == "option:42"


@pytest.mark.parametrize("target", ["2025-12-31", datetime(2025, 12, 31, tzinfo=UTC)])
def test_the_target_date_must_be_a_date(at: Moment, target: object) -> None:
    # A datetime would not compare with the dates stored elsewhere (milestones, timelines).
    with pytest.raises(DomainError, match="The target date must be a date"):
        draft(at, target_date=target)


# Revisions ------------------------------------------------------------------------------------
def test_a_revision_records_only_the_fields_that_change_with_the_reason(at: Moment) -> None:
    goal = draft(at, specific="Lead a team")
    goal.collect_events()
    when = at()

    goal.revise(
        changes={"specific": "Lead a team", "measurable": "Two releases"},
        reason="We agreed a measure",
        actor_id=MENTEE,
        at=when,
    )

    (revised,) = goal.collect_events()
    assert type(revised).__name__ == "Revised"
    assert revised.changes == {"measurable": "Two releases"}  # type: ignore[attr-defined]
    assert revised.reason == "We agreed a measure"  # type: ignore[attr-defined]
    assert revised.actor_id == MENTEE  # type: ignore[attr-defined]
    assert revised.proposal_id is None  # type: ignore[attr-defined]
    assert revised.timestamp == when
    assert goal.fields["measurable"] == "Two releases"
    assert goal.modified_on == when


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_revision_needs_a_reason(at: Moment, reason: str) -> None:
    goal = draft(at)
    with pytest.raises(DomainError, match="The reason must not be empty") as refused:
        goal.revise(changes={"title": "Other"}, reason=reason, actor_id=MENTEE, at=at())
    assert refused.value.field == "reason"
    assert goal.title == "Lead a team"


def test_a_revision_that_changes_nothing_is_refused(at: Moment) -> None:
    goal = draft(at, specific="Lead")
    goal.collect_events()
    with pytest.raises(NothingChanged, match="This revision would not change the goal"):
        goal.revise(changes={"specific": "  Lead "}, reason="Again", actor_id=MENTEE, at=at())
    assert goal.collect_events() == []


def test_a_revision_of_an_unknown_field_is_refused_by_name(at: Moment) -> None:
    goal = draft(at)
    with pytest.raises(DomainError, match="has no field 'kind'") as refused:
        goal.revise(changes={"kind": "real"}, reason="Switch", actor_id=MENTEE, at=at())
    assert refused.value.field == "kind"


def test_a_mentor_cannot_revise_a_goal_directly(at: Moment) -> None:
    goal = draft(at)
    with pytest.raises(NotAllowed, match="a mentor proposes a revision instead"):
        goal.revise(changes={"title": "Mine now"}, reason="I know best", actor_id=MENTOR, at=at())
    assert goal.title == "Lead a team"


def test_an_achieved_goal_cannot_be_revised_until_reopened(at: Moment) -> None:
    goal = active_smarty(at)
    goal.achieve(evidence="Promoted", actor_id=MENTEE, at=at())

    with pytest.raises(
        InvalidTransition, match="An achieved goal cannot be revised until it is reopened"
    ):
        goal.revise(changes={"title": "Lead two teams"}, reason="More", actor_id=MENTEE, at=at())

    goal.reopen(reason="The team doubled", actor_id=MENTEE, at=at())
    goal.revise(changes={"title": "Lead two teams"}, reason="More", actor_id=MENTEE, at=at())
    assert goal.title == "Lead two teams"


def test_an_abandoned_goal_cannot_be_revised(at: Moment) -> None:
    goal = draft(at)
    goal.abandon(reason="No longer relevant", actor_id=MENTEE, at=at())
    with pytest.raises(InvalidTransition, match="An abandoned goal cannot be revised"):
        goal.revise(changes={"title": "Else"}, reason="Why not", actor_id=MENTEE, at=at())


@pytest.mark.parametrize(
    ("change", "missing"),
    [({"measurable": ""}, "measurable"), ({"target_date": None}, "target date")],
)
def test_an_active_smarty_goal_cannot_lose_its_measure_or_target_date(
    at: Moment, change: dict[str, Any], missing: str
) -> None:
    goal = active_smarty(at)
    with pytest.raises(DomainError, match=f"A SMARTY goal cannot stay active without {missing}"):
        goal.revise(changes=change, reason="Loosen it", actor_id=MENTEE, at=at())
    assert goal.fields["measurable"] == READY_SMARTY["measurable"]
    assert goal.target_date == READY_SMARTY["target_date"]


def test_a_draft_goal_may_drop_its_measure_while_it_is_thought_through(at: Moment) -> None:
    goal = draft(at, measurable="Two releases")
    goal.revise(changes={"measurable": ""}, reason="Not sure yet", actor_id=MENTEE, at=at())
    assert goal.fields["measurable"] is None


def test_a_revision_from_an_accepted_proposal_credits_both(at: Moment) -> None:
    goal = draft(at)
    goal.collect_events()
    goal.revise(
        changes={"achievable": "With a coach"},
        reason="Good idea",
        actor_id=MENTEE,
        at=at(),
        proposal_id="proposal-1",
        proposed_by=MENTOR,
    )
    (revised,) = goal.collect_events()
    assert revised.actor_id == MENTEE  # type: ignore[attr-defined]
    assert revised.proposal_id == "proposal-1"  # type: ignore[attr-defined]
    assert revised.proposed_by == MENTOR  # type: ignore[attr-defined]
