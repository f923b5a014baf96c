"""A mentee invites, the mentor accepts or declines, either changes the agreement or ends it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from domain import DomainError, InvalidTransition, Mentorship, NotAllowed, NothingChanged
from domain.values import MentorshipStatus

Moment = Callable[[], datetime]
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
STRANGER = "someone-else"
TERMS: dict[str, Any] = {"cadence_days": 30, "meeting_minutes": 60, "guidance": "Career moves"}


def invited(at: Moment, **overrides: Any) -> Mentorship:
    arguments: dict[str, Any] = {
        "mentee_id": MENTEE,
        "mentor_id": MENTOR,
        "help_wanted": "Moving into management",
        "duration": "Six months",
        "frequency": "Monthly",
        "actor_id": MENTEE,
        "at": at(),
    }
    return Mentorship.invite(**{**arguments, **overrides})


def active(at: Moment) -> Mentorship:
    mentorship = invited(at)
    mentorship.accept(**TERMS, actor_id=MENTOR, at=at())
    return mentorship


def test_an_invitation_carries_the_prepared_ask(at: Moment) -> None:
    mentorship = invited(at)
    assert mentorship.status == MentorshipStatus.INVITED
    assert mentorship.ask == {
        "help_wanted": "Moving into management",
        "duration": "Six months",
        "frequency": "Monthly",
    }
    assert mentorship.agreement is None


@pytest.mark.parametrize("who", [MENTOR, STRANGER])
def test_only_the_mentee_sends_the_invitation(at: Moment, who: str) -> None:
    with pytest.raises(NotAllowed, match="Only the mentee sends an invitation"):
        invited(at, actor_id=who)


def test_a_mentee_cannot_be_her_own_mentor(at: Moment) -> None:
    with pytest.raises(DomainError, match="A mentee cannot be her own mentor"):
        invited(at, mentor_id=MENTEE)


@pytest.mark.parametrize(
    ("mentor_id", "message"),
    [
        (" ", "The mentor must not be empty"),
        (None, "The mentor must not be empty"),
        (42, "The mentor must be text"),
    ],
)
def test_the_invited_mentor_must_be_named(at: Moment, mentor_id: object, message: str) -> None:
    with pytest.raises(DomainError, match=message) as refused:
        invited(at, mentor_id=mentor_id)
    assert refused.value.field == "mentor_id"


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("help_wanted", "The help wanted must not be empty"),
        ("duration", "The duration must not be empty"),
        ("frequency", "The frequency must not be empty"),
    ],
)
def test_the_ask_must_be_written_out(at: Moment, field: str, message: str) -> None:
    with pytest.raises(DomainError, match=message) as refused:
        invited(at, **{field: " "})
    assert refused.value.field == field


def test_the_mentor_accepts_with_an_agreement(at: Moment) -> None:
    mentorship = active(at)
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.agreement == TERMS


@pytest.mark.parametrize("who", [MENTEE, STRANGER])
def test_only_the_invited_mentor_accepts_or_declines(at: Moment, who: str) -> None:
    mentorship = invited(at)
    with pytest.raises(NotAllowed, match="Only the invited mentor accepts"):
        mentorship.accept(**TERMS, actor_id=who, at=at())
    with pytest.raises(NotAllowed, match="Only the invited mentor declines"):
        mentorship.decline(reason="Busy", actor_id=who, at=at())
    assert mentorship.status == MentorshipStatus.INVITED


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"cadence_days": 0}, "The cadence in days must be a whole number from 1 to 366"),
        (
            {"meeting_minutes": 2},
            "The meeting length in minutes must be a whole number from 5 to 480",
        ),
        ({"guidance": ""}, "The kind of guidance must not be empty"),
    ],
)
def test_the_agreement_terms_must_make_sense(
    at: Moment, terms: dict[str, Any], message: str
) -> None:
    mentorship = invited(at)
    with pytest.raises(DomainError, match=message):
        mentorship.accept(**{**TERMS, **terms}, actor_id=MENTOR, at=at())


def test_a_declined_invitation_says_why_and_cannot_then_be_accepted(at: Moment) -> None:
    mentorship = invited(at)
    with pytest.raises(DomainError, match="The reason must not be empty"):
        mentorship.decline(reason="", actor_id=MENTOR, at=at())
    mentorship.decline(reason="No time this year", actor_id=MENTOR, at=at())
    assert mentorship.status == MentorshipStatus.DECLINED
    assert mentorship.end_reason == "No time this year"
    with pytest.raises(
        InvalidTransition,
        match=r"Cannot accept a mentorship that is declined \(it must be invited\)",
    ):
        mentorship.accept(**TERMS, actor_id=MENTOR, at=at())


@pytest.mark.parametrize("who", [MENTEE, MENTOR])
def test_either_side_changes_the_agreement(at: Moment, who: str) -> None:
    mentorship = active(at)
    mentorship.collect_events()
    mentorship.change_agreement(
        **{**TERMS, "cadence_days": 14}, reason="More often for now", actor_id=who, at=at()
    )
    (changed,) = mentorship.collect_events()
    assert mentorship.agreement is not None
    assert mentorship.agreement["cadence_days"] == 14
    assert changed.actor_id == who  # type: ignore[attr-defined]
    assert changed.reason == "More often for now"  # type: ignore[attr-defined]


def test_an_agreement_change_must_change_something_and_come_from_a_participant(
    at: Moment,
) -> None:
    mentorship = active(at)
    with pytest.raises(NothingChanged, match="The agreement already has these terms"):
        mentorship.change_agreement(**TERMS, reason=None, actor_id=MENTEE, at=at())
    with pytest.raises(NotAllowed, match="Only the mentee or the mentor change it"):
        mentorship.change_agreement(
            **{**TERMS, "cadence_days": 7}, reason=None, actor_id=STRANGER, at=at()
        )


def test_the_agreement_of_an_invitation_is_not_changed(at: Moment) -> None:
    with pytest.raises(InvalidTransition, match="Cannot change the agreement of a mentorship"):
        invited(at).change_agreement(**TERMS, reason=None, actor_id=MENTEE, at=at())


@pytest.mark.parametrize("who", [MENTEE, MENTOR])
def test_either_side_ends_the_mentorship_with_a_reason(at: Moment, who: str) -> None:
    mentorship = active(at)
    with pytest.raises(DomainError, match="The reason must not be empty"):
        mentorship.end(reason=" ", actor_id=who, at=at())
    mentorship.end(reason="Goals reached", actor_id=who, at=at())
    assert mentorship.status == MentorshipStatus.ENDED
    assert mentorship.end_reason == "Goals reached"
    with pytest.raises(InvalidTransition, match="Cannot end a mentorship that is ended"):
        mentorship.end(reason="Again", actor_id=who, at=at())


def test_a_stranger_cannot_end_a_mentorship(at: Moment) -> None:
    with pytest.raises(NotAllowed, match="Only the mentee or the mentor end it"):
        active(at).end(reason="Meddling", actor_id=STRANGER, at=at())


def test_every_mentorship_event_carries_the_actor_and_the_moment_passed_in(at: Moment) -> None:
    moments = [at() for _ in range(4)]
    mentorship = invited(lambda: moments[0])
    mentorship.accept(**TERMS, actor_id=MENTOR, at=moments[1])
    mentorship.change_agreement(
        **{**TERMS, "meeting_minutes": 45}, reason=None, actor_id=MENTEE, at=moments[2]
    )
    mentorship.end(reason="Done", actor_id=MENTOR, at=moments[3])
    events = mentorship.collect_events()
    assert [type(e).__name__ for e in events] == [
        "Invited",
        "Accepted",
        "AgreementChanged",
        "Ended",
    ]
    assert [e.timestamp for e in events] == moments
    assert [e.actor_id for e in events] == [MENTEE, MENTOR, MENTEE, MENTOR]  # type: ignore[attr-defined]
