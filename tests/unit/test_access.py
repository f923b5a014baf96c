"""The authorization policy as a matrix: each kind of actor x each operation on Ana's plan.

Every pair not listed as allowed must be denied, and anyone who may not even read the
resource is told it does not exist (`hidden`), so that guessing ids teaches nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain import CheckIn, Goal, Mentorship, Plan, Proposal
from domain.values import ProposalTarget
from projections.relationships import MenteeRelationships, MentorshipLink
from tracker.access import (
    ALLOWED,
    READ_AGGREGATE,
    Actor,
    Operation,
    Resource,
    decide,
    event_operation,
    resource_of,
    sees_proposal,
    shared_plan,
)

Op = Operation
MENTEE = "mentee-ana"
ACTIVE, ENDED, INVITED, DECLINED = "m-active", "m-ended", "m-invited", "m-declined"
SECOND = "m-second"
ANA = MenteeRelationships(
    MENTEE,
    (
        MentorshipLink(ACTIVE, "mentor-maria", "active"),
        MentorshipLink(SECOND, "mentor-hal", "active"),
        MentorshipLink(ENDED, "mentor-david", "ended"),
        MentorshipLink(INVITED, "mentor-ines", "invited"),
        MentorshipLink(DECLINED, "mentor-tom", "declined"),
    ),
    {"friend-sam": frozenset({"vision_statement", "goals"}), "friend-lee": frozenset()},
)
# Each actor's own mentorship with Ana, for the operations on one mentorship or check-in.
OWN_MENTORSHIP = {
    "mentor-maria": ACTIVE,
    "mentor-hal": SECOND,
    "mentor-david": ENDED,
    "mentor-ines": INVITED,
    "mentor-tom": DECLINED,
}
PLAN_OPS = {Op.READ_PLAN, Op.CHANGE_PLAN, Op.PROPOSE, Op.INVITE_MENTOR}
GOAL_OPS = {Op.GIVE_FEEDBACK, Op.RECOGNISE_ACHIEVEMENT}
MENTORSHIP_OPS = {
    Op.READ_MENTORSHIP,
    Op.RESPOND_TO_INVITATION,
    Op.CHANGE_MENTORSHIP,
    Op.READ_CHECK_IN,
    Op.TAKE_PART_IN_CHECK_IN,
}
# The proposal of the matrix is Maria's, still pending: between her and Ana.
PROPOSAL_OPS = {Op.READ_PROPOSAL, Op.DECIDE_PROPOSAL, Op.WITHDRAW_PROPOSAL}
READ_ONLY = {Op.READ_PLAN, Op.READ_PROPOSAL, Op.READ_MENTORSHIP, Op.READ_CHECK_IN}
MENTEE_OPS = set(Op) - {
    Op.PROPOSE,
    Op.WITHDRAW_PROPOSAL,
    Op.RESPOND_TO_INVITATION,
    Op.READ_EVENTS,
    Op.MANAGE_ACCOUNTS,
}
ACTIVE_MENTOR_OPS = {
    Op.READ_PLAN,
    Op.READ_PROPOSAL,
    Op.PROPOSE,
    Op.WITHDRAW_PROPOSAL,
    Op.GIVE_FEEDBACK,
    Op.RECOGNISE_ACHIEVEMENT,
    Op.READ_MENTORSHIP,
    Op.CHANGE_MENTORSHIP,
    Op.READ_CHECK_IN,
    Op.TAKE_PART_IN_CHECK_IN,
}

ACTORS: dict[str, tuple[Actor, set[Operation]]] = {
    "the mentee": (Actor(MENTEE), MENTEE_OPS),
    "her active mentor": (Actor("mentor-maria"), ACTIVE_MENTOR_OPS),
    "her other active mentor": (Actor("mentor-hal"), ACTIVE_MENTOR_OPS - PROPOSAL_OPS),
    "a mentor whose mentorship ended": (Actor("mentor-david"), {Op.READ_MENTORSHIP}),
    "a mentor who declined": (Actor("mentor-tom"), {Op.READ_MENTORSHIP}),
    "an invited mentor": (Actor("mentor-ines"), {Op.READ_MENTORSHIP, Op.RESPOND_TO_INVITATION}),
    "a supporter she shares goals with": (Actor("friend-sam"), {Op.READ_PLAN, Op.GIVE_FEEDBACK}),
    "a supporter she shares nothing with": (Actor("friend-lee"), set()),
    "another mentee": (Actor("mentee-ben"), set()),
    "an admin": (Actor("admin-ola", admin=True), {Op.MANAGE_ACCOUNTS}),
    "an admin's token": (Actor("admin-ola", True, frozenset({"read:plan", "write:plan"})), set()),
    "an integrator token": (Actor("feed-bot", scopes=frozenset({"read:events"})), {Op.READ_EVENTS}),
    "the mentee's read-only token": (Actor(MENTEE, scopes=frozenset({"read:plan"})), READ_ONLY),
    "her mentor's read-only token": (
        Actor("mentor-maria", scopes=frozenset({"read:plan"})),
        READ_ONLY,
    ),
}
PAIRS = [(who, op) for who in ACTORS for op in Op]


def resource_for(actor: Actor, operation: Operation) -> Resource | None:
    """Ana's resource an operation is about (the actor's own mentorship, if he has one)."""
    if operation in (Op.READ_EVENTS, Op.MANAGE_ACCOUNTS):
        return None
    if operation in GOAL_OPS:
        return Resource(MENTEE, part="goals")
    if operation in MENTORSHIP_OPS:
        return Resource(MENTEE, mentorship_id=OWN_MENTORSHIP.get(actor.user_id, ACTIVE))
    if operation in PROPOSAL_OPS:
        return Resource(MENTEE, between="mentor-maria")
    return Resource(MENTEE)


@pytest.mark.parametrize(("who", "operation"), PAIRS, ids=[f"{w}-{o.name}" for w, o in PAIRS])
def test_each_role_may_do_exactly_its_operations(who: str, operation: Operation) -> None:
    actor, allowed = ACTORS[who]
    decision = decide(actor, operation, resource_for(actor, operation), ANA)
    assert decision.allowed is (operation in allowed), decision.reason
    if not decision.allowed:
        assert decision.reason  # says who may, or which scope is missing


@pytest.mark.parametrize(
    "who",
    ["another mentee", "an admin", "an integrator token", "a mentor whose mentorship ended"],
)
def test_who_may_not_read_her_plan_is_not_told_it_exists(who: str) -> None:
    actor, _ = ACTORS[who]
    for operation in (Op.READ_PLAN, Op.CHANGE_PLAN, Op.PROPOSE, Op.READ_PROPOSAL):
        decision = decide(actor, operation, Resource(MENTEE), ANA)
        assert (decision.allowed, decision.hidden) == (False, True)


@pytest.mark.parametrize("operation", sorted(PROPOSAL_OPS, key=lambda o: o.name))
def test_her_other_mentor_is_not_told_a_pending_proposal_exists(operation: Operation) -> None:
    pending = Resource(MENTEE, between="mentor-maria")
    decision = decide(Actor("mentor-hal"), operation, pending, ANA)
    assert (decision.allowed, decision.hidden) == (False, True)


def marias_proposal(decision: str) -> Proposal:
    """A proposal Maria made to Ana's vision, and what Ana (or Maria) then did with it."""
    proposal = Proposal.make(
        mentee_id=MENTEE, target=ProposalTarget.PLAN_SECTION, target_id="plan-ana",
        section="vision_statement", changes={"statement": "Teach"}, rationale="Clearer",
        based_on_version=1, actor_id="mentor-maria", at=datetime(2025, 1, 6, tzinfo=UTC),
    )  # fmt: skip
    at = datetime(2025, 1, 7, tzinfo=UTC)
    if decision == "accepted":
        proposal.accept(reason=None, actor_id=MENTEE, at=at)
    elif decision == "declined":
        proposal.decline(reason="No", actor_id=MENTEE, at=at)
    elif decision == "withdrawn":
        proposal.withdraw(reason=None, actor_id="mentor-maria", at=at)
    return proposal


@pytest.mark.parametrize(
    ("decision", "seen_by_hal"),
    [("pending", False), ("declined", False), ("withdrawn", False), ("accepted", True)],
)
def test_a_proposal_is_between_her_and_its_proposer_until_she_accepts_it(
    decision: str, seen_by_hal: bool
) -> None:
    proposal = marias_proposal(decision)
    assert proposal.status.value == decision
    resource = resource_of(proposal)
    assert resource.between == (None if seen_by_hal else "mentor-maria")
    for who, sees in ((MENTEE, True), ("mentor-maria", True), ("mentor-hal", seen_by_hal)):
        assert decide(Actor(who), Op.READ_PROPOSAL, resource, ANA).allowed is sees, who
        assert sees_proposal(who, MENTEE, "mentor-maria", proposal.status) is sees, who
    assert not decide(Actor("mentor-david"), Op.READ_PROPOSAL, resource, ANA).allowed


def test_a_mentor_who_may_read_but_not_change_is_told_no_not_not_found() -> None:
    decision = decide(Actor("mentor-maria"), Op.CHANGE_PLAN, Resource(MENTEE), ANA)
    assert (decision.allowed, decision.hidden) == (False, False)
    assert "the mentee" in decision.reason


def test_when_the_mentorship_ends_the_mentor_loses_its_check_ins_but_not_its_record() -> None:
    david = Actor("mentor-david")
    check_in = Resource(MENTEE, mentorship_id=ENDED)
    assert decide(david, Op.READ_CHECK_IN, check_in, ANA).hidden
    assert decide(david, Op.TAKE_PART_IN_CHECK_IN, check_in, ANA).hidden
    assert decide(david, Op.READ_MENTORSHIP, check_in, ANA).allowed


def test_an_active_mentor_does_not_see_the_check_ins_of_her_other_mentorship() -> None:
    other = Resource(MENTEE, mentorship_id=ENDED)
    assert not decide(Actor("mentor-maria"), Op.READ_CHECK_IN, other, ANA).allowed
    assert not decide(Actor("mentor-maria"), Op.READ_MENTORSHIP, other, ANA).allowed


def test_a_mentor_again_after_an_ended_mentorship_has_access_again() -> None:
    again = MenteeRelationships(
        MENTEE,
        (
            MentorshipLink(ENDED, "mentor-david", "ended"),
            MentorshipLink("m-again", "mentor-david", "active"),
        ),
    )
    assert decide(Actor("mentor-david"), Op.READ_PLAN, Resource(MENTEE), again).allowed


@pytest.mark.parametrize(
    ("part", "seen"),
    [("vision_statement", True), ("goals", True), ("three_circles", False), ("options", False)],
)
def test_a_supporter_reads_only_the_parts_shared_with_him(part: str, seen: bool) -> None:
    decision = decide(Actor("friend-sam"), Op.READ_PLAN, Resource(MENTEE, part=part), ANA)
    assert decision.allowed is seen
    assert decision.hidden is not seen


def test_the_plan_a_supporter_is_shown_holds_only_the_shared_sections() -> None:
    plan = {
        "sections": {"vision_statement": {"statement": "Teach"}, "three_circles": {"good_at": "x"}},
        "options": [{"id": "o1", "title": "Teaching"}],
        "support_network": [{"id": "s1", "name": "Sam"}],
        "reflections": [{"id": "r1", "text": "Tired", "private": False}],
    }
    shown = shared_plan(plan, frozenset({"vision_statement", "goals"}))
    assert shown["sections"] == {"vision_statement": {"statement": "Teach"}}
    assert shown["options"] == shown["support_network"] == shown["reflections"] == []
    assert shared_plan(plan, None) is plan


def test_only_a_mentor_in_an_active_mentorship_proposes() -> None:
    for user_id, may in [
        ("mentor-maria", True),
        ("mentor-david", False),
        ("mentor-ines", False),
        ("friend-sam", False),
        (MENTEE, False),
    ]:
        assert decide(Actor(user_id), Op.PROPOSE, Resource(MENTEE), ANA).allowed is may, user_id


def test_every_domain_event_is_an_operation_and_every_aggregate_has_a_read() -> None:
    for aggregate in (Plan, Goal, Proposal, Mentorship, CheckIn):
        assert aggregate in READ_AGGREGATE
        for name, value in vars(aggregate).items():
            if isinstance(value, type) and name not in ("Event", "Created"):
                assert event_operation(value.__qualname__) is not None, value.__qualname__
    assert event_operation("Nonsense.Happened") is None


def test_the_matrix_names_every_operation() -> None:
    assert set(ALLOWED) == set(Op)
