"""A check-in of an active mentorship: agenda, the four questions, outcomes, action items, notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from domain import (
    CheckIn,
    DomainError,
    InvalidTransition,
    Mentorship,
    NotAllowed,
    NothingChanged,
    UnknownItem,
)
from domain.values import CheckInStatus

Moment = Callable[[], datetime]
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
STRANGER = "someone-else"
FIRST_MEETING = date(2025, 2, 3)


def mentorship(at: Moment, *, accepted: bool = True) -> Mentorship:
    invited = Mentorship.invite(
        mentee_id=MENTEE,
        mentor_id=MENTOR,
        help_wanted="Management",
        duration="Six months",
        frequency="Monthly",
        actor_id=MENTEE,
        at=at(),
    )
    if accepted:
        invited.accept(
            cadence_days=30, meeting_minutes=60, guidance="Career", actor_id=MENTOR, at=at()
        )
    return invited


def scheduled(at: Moment) -> CheckIn:
    return CheckIn.schedule(
        mentorship=mentorship(at), scheduled_for=FIRST_MEETING, actor_id=MENTEE, at=at()
    )


# Scheduling -----------------------------------------------------------------------------------
def test_a_check_in_belongs_to_the_mentorship_and_its_two_people(at: Moment) -> None:
    relationship = mentorship(at)
    check_in = CheckIn.schedule(
        mentorship=relationship, scheduled_for=FIRST_MEETING, actor_id=MENTOR, at=at()
    )
    assert check_in.mentorship_id == str(relationship.id)
    assert check_in.participants == (MENTEE, MENTOR)
    assert check_in.status == CheckInStatus.SCHEDULED


def test_check_ins_need_an_active_mentorship(at: Moment) -> None:
    with pytest.raises(
        InvalidTransition, match="Check-ins need an active mentorship; this one is invited"
    ):
        CheckIn.schedule(
            mentorship=mentorship(at, accepted=False),
            scheduled_for=FIRST_MEETING,
            actor_id=MENTEE,
            at=at(),
        )
    ended = mentorship(at)
    ended.end(reason="Done", actor_id=MENTEE, at=at())
    with pytest.raises(InvalidTransition, match="this one is ended"):
        CheckIn.schedule(mentorship=ended, scheduled_for=FIRST_MEETING, actor_id=MENTEE, at=at())


def test_only_the_two_people_schedule_a_check_in(at: Moment) -> None:
    with pytest.raises(NotAllowed):
        CheckIn.schedule(
            mentorship=mentorship(at), scheduled_for=FIRST_MEETING, actor_id=STRANGER, at=at()
        )


def test_rescheduling_needs_a_new_date_and_a_reason(at: Moment) -> None:
    check_in = scheduled(at)
    with pytest.raises(NothingChanged, match="already scheduled for that date"):
        check_in.reschedule(scheduled_for=FIRST_MEETING, reason="Same", actor_id=MENTEE, at=at())
    with pytest.raises(DomainError, match="The reason must not be empty"):
        check_in.reschedule(scheduled_for=date(2025, 2, 10), reason="", actor_id=MENTEE, at=at())
    check_in.reschedule(scheduled_for=date(2025, 2, 10), reason="Ill", actor_id=MENTOR, at=at())
    assert check_in.scheduled_for == date(2025, 2, 10)


# The conversation -----------------------------------------------------------------------------
def test_answers_to_the_four_questions_replace_earlier_ones(at: Moment) -> None:
    check_in = scheduled(at)
    check_in.answer(answers={"where_are_you_now": "Team lead"}, actor_id=MENTEE, at=at())
    check_in.collect_events()
    check_in.answer(
        answers={"where_are_you_now": "Team lead", "how_are_you_doing": "Tired but well"},
        actor_id=MENTEE,
        at=at(),
    )
    (answered,) = check_in.collect_events()
    assert answered.answers == {"how_are_you_doing": "Tired but well"}  # type: ignore[attr-defined]
    assert check_in.answers == {
        "where_are_you_now": "Team lead",
        "how_are_you_doing": "Tired but well",
    }
    with pytest.raises(NothingChanged, match="These answers are already recorded"):
        check_in.answer(answers={"where_are_you_now": "Team lead"}, actor_id=MENTEE, at=at())


def test_an_unknown_question_is_refused_by_name(at: Moment) -> None:
    with pytest.raises(DomainError, match="The four questions has no field 'mood'") as refused:
        scheduled(at).answer(answers={"mood": "ok"}, actor_id=MENTEE, at=at())
    assert refused.value.field == "mood"


def test_agenda_feedback_and_lessons_record_who_brought_them(at: Moment) -> None:
    check_in = scheduled(at)
    check_in.add_agenda_item(text="Promotion case, with two options", actor_id=MENTEE, at=at())
    check_in.record_feedback(text="Your case is strong", actor_id=MENTOR, at=at())
    check_in.record_lesson(text="Ask early", actor_id=MENTEE, at=at())
    assert check_in.agenda == [{"text": "Promotion case, with two options", "by": MENTEE}]
    assert check_in.feedback == [{"text": "Your case is strong", "by": MENTOR}]
    assert check_in.lessons == [{"text": "Ask early", "by": MENTEE}]
    with pytest.raises(DomainError, match="The text must not be empty"):
        check_in.add_agenda_item(text=" ", actor_id=MENTEE, at=at())


def test_a_held_check_in_is_not_held_again_and_a_cancelled_one_is_closed(at: Moment) -> None:
    held, cancelled = scheduled(at), scheduled(at)
    held.hold(held_on=FIRST_MEETING, actor_id=MENTOR, at=at())
    assert (held.status, held.held_on) == (CheckInStatus.HELD, FIRST_MEETING)
    with pytest.raises(InvalidTransition, match="This check-in is held"):
        held.hold(held_on=FIRST_MEETING, actor_id=MENTOR, at=at())
    # Outcomes are written after the meeting too.
    held.record_lesson(text="Prepare the numbers", actor_id=MENTEE, at=at())

    with pytest.raises(DomainError, match="The reason must not be empty"):
        cancelled.cancel(reason="", actor_id=MENTEE, at=at())
    cancelled.cancel(reason="Mentor travelling", actor_id=MENTEE, at=at())
    with pytest.raises(InvalidTransition, match="This check-in is cancelled"):
        cancelled.add_agenda_item(text="Too late", actor_id=MENTEE, at=at())


def test_a_stranger_takes_no_part(at: Moment) -> None:
    with pytest.raises(NotAllowed, match="Only the mentee or mentor of this check-in"):
        scheduled(at).add_agenda_item(text="Me too", actor_id=STRANGER, at=at())


# Action items and notes -----------------------------------------------------------------------
def test_an_action_item_is_done_once(at: Moment) -> None:
    check_in = scheduled(at)
    item_id = check_in.assign_action_item(
        text="Draft the promotion case",
        owner_id=MENTEE,
        due=date(2025, 3, 1),
        actor_id=MENTOR,
        at=at(),
    )
    when = at()
    check_in.complete_action_item(item_id=item_id, actor_id=MENTEE, at=when)
    assert check_in.action_items[item_id]["done"] is True
    assert check_in.action_items[item_id]["done_on"] == when.date()
    with pytest.raises(InvalidTransition, match="This action item is already done"):
        check_in.complete_action_item(item_id=item_id, actor_id=MENTEE, at=at())


def test_an_action_item_belongs_to_one_of_the_two_and_has_a_due_date(at: Moment) -> None:
    check_in = scheduled(at)
    with pytest.raises(NotAllowed, match="An action item belongs to the mentee or mentor"):
        check_in.assign_action_item(
            text="Call HR", owner_id=STRANGER, due=date(2025, 3, 1), actor_id=MENTOR, at=at()
        )
    with pytest.raises(DomainError, match="The due date must be a date"):
        check_in.assign_action_item(
            text="Call HR",
            owner_id=MENTEE,
            due="soon",  # type: ignore[arg-type]
            actor_id=MENTOR,
            at=at(),
        )
    with pytest.raises(UnknownItem, match="The check-in has no such action item"):
        check_in.complete_action_item(item_id="nope", actor_id=MENTEE, at=at())


def test_a_note_is_marked_private_or_shared_by_its_author(at: Moment) -> None:
    check_in = scheduled(at)
    private_id = check_in.write_note(text="Nervous", private=True, actor_id=MENTEE, at=at())
    shared_id = check_in.write_note(
        text="Agreed next steps", private=False, actor_id=MENTOR, at=at()
    )
    assert check_in.notes[private_id] == {"text": "Nervous", "private": True, "author_id": MENTEE}
    assert check_in.notes[shared_id]["author_id"] == MENTOR
    with pytest.raises(DomainError, match="Private must be true or false"):
        check_in.write_note(text="Hm", private="yes", actor_id=MENTEE, at=at())  # type: ignore[arg-type]


def test_every_check_in_event_carries_the_actor_and_the_moment_passed_in(at: Moment) -> None:
    relationship = mentorship(at)
    moments = [at() for _ in range(4)]
    check_in = CheckIn.schedule(
        mentorship=relationship, scheduled_for=FIRST_MEETING, actor_id=MENTEE, at=moments[0]
    )
    check_in.add_agenda_item(text="Promotion", actor_id=MENTOR, at=moments[1])
    check_in.hold(held_on=FIRST_MEETING, actor_id=MENTEE, at=moments[2])
    check_in.write_note(text="Good talk", private=False, actor_id=MENTOR, at=moments[3])
    events = check_in.collect_events()
    assert [type(e).__name__ for e in events] == [
        "Scheduled",
        "AgendaItemAdded",
        "Held",
        "NoteWritten",
    ]
    assert [e.timestamp for e in events] == moments
    assert [e.actor_id for e in events] == [MENTEE, MENTOR, MENTEE, MENTOR]  # type: ignore[attr-defined]
