"""A mentor proposes, the mentee decides: accepting credits both, declining changes nothing."""

from __future__ import annotations

from datetime import date

from pytest_bdd import parsers, scenarios, then, when

from tests.bdd.bdd_world import Outcome, World, day

scenarios("proposals.feature")


@when(
    parsers.parse('{mentor} proposes moving the target date to {target}, because "{rationale}"'),
    converters={"target": day},
    target_fixture="outcome",
)
def propose_later_date(world: World, mentor: str, target: date, rationale: str) -> Outcome:
    return world.propose_goal_revision(mentor, {"target_date": target}, rationale).expect_done()


@when(
    parsers.parse('{name} changes the goal\'s target date to {target} herself, because "{reason}"'),
    converters={"target": day},
    target_fixture="outcome",
)
def change_directly(world: World, name: str, target: date, reason: str) -> Outcome:
    return world.revise_goal(name, {"target_date": target}, reason)


@when(parsers.parse('{name} accepts the proposal, saying "{reason}"'), target_fixture="outcome")
def accept_proposal(world: World, name: str, reason: str) -> Outcome:
    return world.accept_proposal(name, reason)


@when(parsers.parse('{name} declines the proposal, saying "{reason}"'), target_fixture="outcome")
def decline_proposal(world: World, name: str, reason: str) -> Outcome:
    return world.decline_proposal(name, reason)


@then(
    parsers.parse(
        "{mentee} sees {mentor}'s proposal to move the target date to {target}, "
        "waiting for her decision"
    ),
    converters={"target": day},
)
def sees_pending_proposal(world: World, mentee: str, mentor: str, target: date) -> None:
    proposal = world.proposal(viewer=mentee)
    assert proposal["status"] == "pending"
    assert proposal["mentee_id"] == world.person(mentee)
    assert proposal["proposed_by"] == world.person(mentor)
    assert proposal["changes"] == {"target_date": target.isoformat()}


@then(parsers.parse('{mentee} sees the proposal declined because "{reason}"'))
def sees_declined_proposal(world: World, mentee: str, reason: str) -> None:
    proposal = world.proposal(viewer=mentee)
    assert proposal["status"] == "declined"
    assert proposal["decision_reason"] == reason


@then(parsers.parse("the goal's latest revision was accepted by {mentee} and proposed by {mentor}"))
def revision_credits_both(world: World, mentee: str, mentor: str) -> None:
    latest = world.goal_revisions()[-1]
    assert (latest["by"], latest["proposed_by"]) == (world.person(mentee), world.person(mentor))


@then(parsers.parse('the goal\'s latest revision gives the reason "{reason}"'))
def revision_reason(world: World, reason: str) -> None:
    assert world.goal_revisions()[-1]["reason"] == reason


@then(parsers.parse("the goal's latest revision is dated {when}"), converters={"when": day})
def revision_date(world: World, when: date) -> None:
    assert world.goal_revisions()[-1]["at"].startswith(when.isoformat())
