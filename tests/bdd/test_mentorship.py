"""Finding a mentor: an invitation with a prepared ask, accepted with an agreement or declined."""

from __future__ import annotations

from pytest_bdd import parsers, scenarios, then, when

from tests.bdd.bdd_world import Outcome, World

scenarios("mentorship.feature")


@when(
    parsers.parse(
        '{mentee} invites {mentor} to mentor her, asking for help with "{help_wanted}" '
        "for {duration}, {frequency}"
    ),
    target_fixture="outcome",
)
def invite(
    world: World, mentee: str, mentor: str, help_wanted: str, duration: str, frequency: str
) -> Outcome:
    return world.invite(
        mentee, mentor, help_wanted=help_wanted, duration=duration, frequency=frequency
    ).expect_done()


@when(
    parsers.parse(
        '{mentor} accepts, meeting every {days:d} days for {minutes:d} minutes, for "{guidance}"'
    ),
    target_fixture="outcome",
)
def accept(world: World, mentor: str, days: int, minutes: int, guidance: str) -> Outcome:
    return world.accept_invitation(
        mentor, cadence_days=days, meeting_minutes=minutes, guidance=guidance
    )


@when(parsers.parse('{mentor} declines, saying "{reason}"'), target_fixture="outcome")
def decline(world: World, mentor: str, reason: str) -> Outcome:
    return world.decline_invitation(mentor, reason=reason)


@then(
    parsers.parse(
        '{mentor} sees the invitation from {mentee}, asking for help with "{help_wanted}" '
        "for {duration}, {frequency}"
    )
)
def sees_invitation(
    world: World, mentor: str, mentee: str, help_wanted: str, duration: str, frequency: str
) -> None:
    mentorship = world.mentorship(viewer=mentor)
    assert mentorship["status"] == "invited"
    assert mentorship["mentor_id"] == world.person(mentor)
    assert mentorship["mentee_id"] == world.person(mentee)
    assert mentorship["ask"] == {
        "help_wanted": help_wanted,
        "duration": duration,
        "frequency": frequency,
    }


@then(parsers.parse("{mentee} and {mentor} have an active mentorship"))
def active_mentorship(world: World, mentee: str, mentor: str) -> None:
    mentorship = world.mentorship(viewer=mentee)
    assert mentorship["status"] == "active"
    assert (mentorship["mentee_id"], mentorship["mentor_id"]) == (
        world.person(mentee),
        world.person(mentor),
    )


@then(parsers.parse('they meet every {days:d} days for {minutes:d} minutes, for "{guidance}"'))
def agreement(world: World, days: int, minutes: int, guidance: str) -> None:
    assert world.mentorship()["agreement"] == {
        "cadence_days": days,
        "meeting_minutes": minutes,
        "guidance": guidance,
    }


@then(parsers.parse('{mentee} sees that {mentor} declined because "{reason}"'))
def sees_declined(world: World, mentee: str, mentor: str, reason: str) -> None:
    mentorship = world.mentorship(viewer=mentee)
    assert mentorship["status"] == "declined"
    assert mentorship["mentor_id"] == world.person(mentor)
    assert mentorship["end_reason"] == reason


@then("they have no agreement on how to meet")
def no_agreement(world: World) -> None:
    assert world.mentorship()["agreement"] is None
