"""Values of the wrong shape are refused with a domain error naming the field, not a TypeError.

The use cases take plain values; the web's schemas check shapes first, but any other caller
(the CLI, the demo, an importer, a script) reaches the aggregates directly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from domain import CheckIn, DomainError, Goal, Mentorship, Plan, Proposal
from domain.values import GoalKind, ProposalTarget

AT = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
NOT_A_MAPPING: list[Any] = [None, 5, "title", ["title"], True]


def goal() -> Goal:
    return Goal.draft(
        mentee_id=MENTEE, kind=GoalKind.SMARTY, fields={"title": "Lead"}, actor_id=MENTEE, at=AT
    )


def plan() -> Plan:
    return Plan.start(mentee_id=MENTEE, actor_id=MENTEE, at=AT)


def check_in() -> CheckIn:
    mentorship = Mentorship.invite(
        mentee_id=MENTEE,
        mentor_id=MENTOR,
        help_wanted="Help",
        duration="A year",
        frequency="Monthly",
        actor_id=MENTEE,
        at=AT,
    )
    mentorship.accept(
        cadence_days=30, meeting_minutes=60, guidance="Career", actor_id=MENTOR, at=AT
    )
    return CheckIn.schedule(
        mentorship=mentorship, scheduled_for=date(2025, 2, 3), actor_id=MENTEE, at=AT
    )


CALLS: dict[str, tuple[str, Callable[[Any], object]]] = {
    "draft a goal": (
        "fields",
        lambda value: Goal.draft(
            mentee_id=MENTEE, kind=GoalKind.SMARTY, fields=value, actor_id=MENTEE, at=AT
        ),
    ),
    "revise a goal": (
        "changes",
        lambda value: goal().revise(changes=value, reason="Why", actor_id=MENTEE, at=AT),
    ),
    "edit a section": (
        "fields",
        lambda value: plan().edit_section(
            section="vision_statement", fields=value, reason=None, actor_id=MENTEE, at=AT
        ),
    ),
    "answer the four questions": (
        "answers",
        lambda value: check_in().answer(answers=value, actor_id=MENTEE, at=AT),
    ),
}


@pytest.mark.parametrize("value", NOT_A_MAPPING, ids=repr)
@pytest.mark.parametrize("call", CALLS, ids=str)
def test_named_fields_that_are_not_a_mapping_are_refused(call: str, value: Any) -> None:
    field, act = CALLS[call]
    with pytest.raises(DomainError, match="must be given as named fields") as refused:
        act(value)
    assert refused.value.field == field


@pytest.mark.parametrize("skills", [None, 5, "python", {"python": 1}], ids=repr)
def test_a_milestones_skills_are_a_list(skills: Any) -> None:
    with pytest.raises(DomainError, match="The skills must be a list") as refused:
        goal().add_milestone(
            title="Step", due=date(2025, 3, 1), skills=skills, actor_id=MENTEE, at=AT
        )
    assert refused.value.field == "skills"


@pytest.mark.parametrize("section", [None, 5, ["vision_statement"], {"a": 1}], ids=repr)
def test_a_section_that_is_not_a_name_is_refused(section: Any) -> None:
    with pytest.raises(DomainError, match="The plan has no section") as refused:
        plan().edit_section(
            section=section, fields={"statement": "x"}, reason=None, actor_id=MENTEE, at=AT
        )
    assert refused.value.field == "section"
    with pytest.raises(DomainError, match="The plan has no section"):
        Proposal.make(
            mentee_id=MENTEE,
            target=ProposalTarget.PLAN_SECTION,
            target_id="plan",
            section=section,
            changes={"statement": "x"},
            rationale="Why",
            based_on_version=1,
            actor_id=MENTOR,
            at=AT,
        )
