"""The mentee's one plan: sections edited with only their changes, options, network, reflections."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from domain import DomainError, NotAllowed, NothingChanged, Plan, UnknownItem, plan_id_for
from domain.values import OptionStatus, SupportKind

Moment = Callable[[], datetime]
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"


def started(at: Moment) -> Plan:
    return Plan.start(mentee_id=MENTEE, actor_id=MENTEE, at=at())


def test_a_mentee_has_one_plan_whose_id_follows_from_hers(at: Moment) -> None:
    plan = started(at)
    assert plan.id == plan_id_for(MENTEE)
    assert plan_id_for(MENTEE) == plan_id_for(MENTEE) != plan_id_for("mentee-bob")


def test_only_the_mentee_starts_her_plan(at: Moment) -> None:
    with pytest.raises(NotAllowed, match="Only the mentee starts her own plan"):
        Plan.start(mentee_id=MENTEE, actor_id=MENTOR, at=at())
    with pytest.raises(DomainError, match="The mentee must not be empty"):
        Plan.start(mentee_id=" ", actor_id=" ", at=at())


# Sections -------------------------------------------------------------------------------------
def test_a_section_edit_records_only_the_fields_whose_text_changes(at: Moment) -> None:
    plan = started(at)
    plan.edit_section(
        section="three_circles",
        fields={"good_at": "Explaining", "want_to_do": "Teach"},
        reason=None,
        actor_id=MENTEE,
        at=at(),
    )
    plan.collect_events()
    when = at()
    plan.edit_section(
        section="three_circles",
        fields={"good_at": "Explaining", "want_to_do": "Teach adults"},
        reason="Narrowed it down",
        actor_id=MENTEE,
        at=when,
    )
    (edited,) = plan.collect_events()
    assert edited.changes == {"want_to_do": "Teach adults"}  # type: ignore[attr-defined]
    assert edited.reason == "Narrowed it down"  # type: ignore[attr-defined]
    assert edited.section == "three_circles"  # type: ignore[attr-defined]
    assert edited.timestamp == when
    assert plan.sections["three_circles"] == {"good_at": "Explaining", "want_to_do": "Teach adults"}


def test_an_unknown_section_is_refused_by_name(at: Moment) -> None:
    plan = started(at)
    with pytest.raises(DomainError, match="The plan has no section 'hobbies'") as refused:
        plan.edit_section(
            section="hobbies", fields={"x": "y"}, reason=None, actor_id=MENTEE, at=at()
        )
    assert refused.value.field == "section"


def test_an_unknown_field_of_a_section_is_refused_by_name(at: Moment) -> None:
    plan = started(at)
    with pytest.raises(DomainError, match="The section 'vision_statement' has no field 'motto'"):
        plan.edit_section(
            section="vision_statement",
            fields={"motto": "Go"},
            reason=None,
            actor_id=MENTEE,
            at=at(),
        )


def test_an_edit_that_changes_nothing_is_refused(at: Moment) -> None:
    plan = started(at)
    plan.edit_section(
        section="vision_statement",
        fields={"statement": "Teach"},
        reason=None,
        actor_id=MENTEE,
        at=at(),
    )
    with pytest.raises(NothingChanged, match="would not change the vision statement"):
        plan.edit_section(
            section="vision_statement",
            fields={"statement": " Teach "},
            reason=None,
            actor_id=MENTEE,
            at=at(),
        )
    with pytest.raises(NothingChanged):
        # Blank text in a field never written is no change either.
        plan.edit_section(
            section="purpose_question",
            fields={"question": ""},
            reason=None,
            actor_id=MENTEE,
            at=at(),
        )


def test_a_written_field_may_be_cleared(at: Moment) -> None:
    plan = started(at)
    plan.edit_section(
        section="vision_statement",
        fields={"statement": "Teach"},
        reason=None,
        actor_id=MENTEE,
        at=at(),
    )
    plan.edit_section(
        section="vision_statement",
        fields={"statement": ""},
        reason="Rethinking",
        actor_id=MENTEE,
        at=at(),
    )
    assert plan.sections["vision_statement"] == {"statement": ""}


def test_a_mentor_cannot_edit_the_plan_directly(at: Moment) -> None:
    plan = started(at)
    with pytest.raises(NotAllowed, match="a mentor proposes changes instead"):
        plan.edit_section(
            section="vision_statement",
            fields={"statement": "X"},
            reason=None,
            actor_id=MENTOR,
            at=at(),
        )


# Options --------------------------------------------------------------------------------------
def test_an_option_is_researched_then_shortlisted_or_discarded(at: Moment) -> None:
    plan = started(at)
    option_id = plan.add_option(title="Data science", description=None, actor_id=MENTEE, at=at())
    plan.research_option(
        option_id=option_id,
        facts="Median salary",
        opinions="Sounds fun",
        sources=None,
        actor_id=MENTEE,
        at=at(),
    )
    plan.shortlist_option(option_id=option_id, actor_id=MENTEE, at=at())
    option = plan.options[option_id]
    assert option["status"] == OptionStatus.SHORTLISTED
    assert option["research"] == [
        {"facts": "Median salary", "opinions": "Sounds fun", "sources": None}
    ]

    with pytest.raises(NothingChanged, match="already shortlisted"):
        plan.shortlist_option(option_id=option_id, actor_id=MENTEE, at=at())
    with pytest.raises(DomainError, match="The reason must not be empty"):
        plan.discard_option(option_id=option_id, reason="", actor_id=MENTEE, at=at())
    plan.discard_option(option_id=option_id, reason="Too far", actor_id=MENTEE, at=at())
    with pytest.raises(NothingChanged, match="already discarded"):
        plan.discard_option(option_id=option_id, reason="Again", actor_id=MENTEE, at=at())


def test_research_needs_facts_and_a_known_option(at: Moment) -> None:
    plan = started(at)
    option_id = plan.add_option(
        title="Teaching", description="At a college", actor_id=MENTEE, at=at()
    )
    with pytest.raises(DomainError, match="The facts must not be empty"):
        plan.research_option(
            option_id=option_id, facts="", opinions="Great", sources=None, actor_id=MENTEE, at=at()
        )
    with pytest.raises(UnknownItem, match="The plan has no such option"):
        plan.shortlist_option(option_id="nope", actor_id=MENTEE, at=at())


# Support network and reflections --------------------------------------------------------------
def test_a_supporter_brings_something_and_leaves_with_a_reason(at: Moment) -> None:
    plan = started(at)
    member_id = plan.add_supporter(
        name="Ravi",
        kind=SupportKind.PERSON,
        brings="Knows the hiring managers",
        user_id=None,
        actor_id=MENTEE,
        at=at(),
    )
    assert plan.support_network[member_id]["kind"] == SupportKind.PERSON
    with pytest.raises(DomainError, match="The reason must not be empty"):
        plan.remove_supporter(member_id=member_id, reason="", actor_id=MENTEE, at=at())
    plan.remove_supporter(member_id=member_id, reason="Moved away", actor_id=MENTEE, at=at())
    assert plan.support_network == {}
    with pytest.raises(UnknownItem, match="The support network has no such member"):
        plan.remove_supporter(member_id=member_id, reason="Again", actor_id=MENTEE, at=at())


@pytest.mark.parametrize(
    ("user_id", "message"),
    [(42, "The user id must be text"), ("\x07", "must not contain control")],
)
def test_a_supporters_account_must_be_an_id(at: Moment, user_id: object, message: str) -> None:
    plan = started(at)
    with pytest.raises(DomainError, match=message) as refused:
        plan.add_supporter(
            name="Ravi",
            kind=SupportKind.PERSON,
            brings="Hiring",
            user_id=user_id,  # type: ignore[arg-type]  # what a caller may send
            actor_id=MENTEE,
            at=at(),
        )
    assert refused.value.field == "user_id"


def test_a_blank_account_means_a_supporter_without_one(at: Moment) -> None:
    plan = started(at)
    member_id = plan.add_supporter(
        name="Ravi", kind=SupportKind.PERSON, brings="Hiring", user_id=" ", actor_id=MENTEE, at=at()
    )
    assert plan.support_network[member_id]["user_id"] is None


def test_a_supporter_without_what_they_bring_is_refused(at: Moment) -> None:
    plan = started(at)
    with pytest.raises(
        DomainError, match="The description of what they bring must not be empty"
    ) as refused:
        plan.add_supporter(
            name="Ravi", kind=SupportKind.PERSON, brings=" ", user_id=None, actor_id=MENTEE, at=at()
        )
    assert refused.value.field == "brings"


def test_a_reflection_is_private_or_shared(at: Moment) -> None:
    plan = started(at)
    private_id = plan.reflect(text="I fear failing", private=True, actor_id=MENTEE, at=at())
    shared_id = plan.reflect(text="I enjoy teaching", private=False, actor_id=MENTEE, at=at())
    assert plan.reflections[private_id]["private"] is True
    assert plan.reflections[shared_id]["private"] is False


def test_every_plan_event_carries_the_actor_and_the_moment_passed_in(at: Moment) -> None:
    moments = [at() for _ in range(4)]
    plan = Plan.start(mentee_id=MENTEE, actor_id=MENTEE, at=moments[0])
    plan.edit_section(
        section="vision_statement",
        fields={"statement": "Teach"},
        reason=None,
        actor_id=MENTEE,
        at=moments[1],
    )
    plan.add_option(title="College", description=None, actor_id=MENTEE, at=moments[2])
    plan.reflect(text="Good month", private=False, actor_id=MENTEE, at=moments[3])

    events = plan.collect_events()
    assert [type(e).__name__ for e in events] == [
        "Started",
        "SectionEdited",
        "OptionAdded",
        "Reflected",
    ]
    assert [e.timestamp for e in events] == moments
    assert {e.actor_id for e in events} == {MENTEE}  # type: ignore[attr-defined]
