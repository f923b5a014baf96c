"""The mentor does not dictate: a proposal waits for the mentee, who alone accepts or declines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from domain import DomainError, InvalidTransition, NotAllowed, Proposal
from domain.values import ProposalStatus, ProposalTarget

Moment = Callable[[], datetime]
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
STRANGER = "someone-else"


def propose(at: Moment, **overrides: Any) -> Proposal:
    arguments: dict[str, Any] = {
        "mentee_id": MENTEE,
        "target": ProposalTarget.GOAL,
        "target_id": "goal-1",
        "section": None,
        "changes": {"title": "Lead two teams"},
        "rationale": "You are ready for more",
        "based_on_version": 3,
        "actor_id": MENTOR,
        "at": at(),
    }
    return Proposal.make(**{**arguments, **overrides})


def test_a_proposal_is_pending_and_remembers_who_made_it(at: Moment) -> None:
    when = at()
    proposal = propose(lambda: when)
    (made,) = proposal.collect_events()
    assert proposal.status == ProposalStatus.PENDING
    assert proposal.proposed_by == MENTOR
    assert proposal.based_on_version == 3
    assert made.actor_id == MENTOR  # type: ignore[attr-defined]
    assert made.timestamp == when


def test_the_mentee_does_not_propose_to_herself(at: Moment) -> None:
    with pytest.raises(NotAllowed, match="The mentee changes her own plan directly"):
        propose(at, actor_id=MENTEE)


def test_a_proposal_for_an_unknown_section_is_refused_by_name(at: Moment) -> None:
    with pytest.raises(DomainError, match="The plan has no section 'hobbies'"):
        propose(at, target=ProposalTarget.PLAN_SECTION, section="hobbies")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"changes": {}}, "A proposal must change at least one field"),
        ({"rationale": "  "}, "The rationale must not be empty"),
    ],
)
def test_a_proposal_changes_something_and_says_why(
    at: Moment, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        propose(at, **overrides)


@pytest.mark.parametrize("who", [MENTOR, STRANGER])
def test_only_the_mentee_accepts_a_proposal(at: Moment, who: str) -> None:
    proposal = propose(at)
    with pytest.raises(NotAllowed, match="Only the mentee accepts a proposal"):
        proposal.accept(reason=None, actor_id=who, at=at())
    assert proposal.status == ProposalStatus.PENDING


def test_accepting_gives_the_reason_the_applied_change_will_carry(at: Moment) -> None:
    with_reason, without_reason = propose(at), propose(at)
    assert with_reason.accept(reason="Agreed", actor_id=MENTEE, at=at()) == "Agreed"
    # Without her own words, the mentor's rationale explains the change.
    assert without_reason.accept(reason=" ", actor_id=MENTEE, at=at()) == "You are ready for more"
    assert with_reason.status == ProposalStatus.ACCEPTED
    assert with_reason.decision_reason == "Agreed"


def test_a_decided_proposal_cannot_be_decided_again(at: Moment) -> None:
    proposal = propose(at)
    proposal.accept(reason=None, actor_id=MENTEE, at=at())
    with pytest.raises(InvalidTransition, match="This proposal is already accepted"):
        proposal.accept(reason=None, actor_id=MENTEE, at=at())
    with pytest.raises(InvalidTransition, match="This proposal is already accepted"):
        proposal.decline(reason="Changed my mind", actor_id=MENTEE, at=at())


def test_only_the_mentee_declines_and_she_says_why(at: Moment) -> None:
    proposal = propose(at)
    with pytest.raises(NotAllowed, match="Only the mentee declines a proposal"):
        proposal.decline(reason="No", actor_id=MENTOR, at=at())
    with pytest.raises(DomainError, match="The reason must not be empty"):
        proposal.decline(reason="", actor_id=MENTEE, at=at())
    proposal.decline(reason="Not this year", actor_id=MENTEE, at=at())
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.decision_reason == "Not this year"


def test_only_the_proposer_withdraws_a_pending_proposal(at: Moment) -> None:
    proposal = propose(at)
    with pytest.raises(NotAllowed, match="Only the one who made a proposal withdraws it"):
        proposal.withdraw(reason=None, actor_id=MENTEE, at=at())
    proposal.withdraw(reason="Spoke too soon", actor_id=MENTOR, at=at())
    assert proposal.status == ProposalStatus.WITHDRAWN
    with pytest.raises(InvalidTransition, match="already withdrawn"):
        proposal.accept(reason=None, actor_id=MENTEE, at=at())


def test_a_section_proposal_keeps_its_section_and_a_goal_proposal_none(at: Moment) -> None:
    section = propose(
        at,
        target=ProposalTarget.PLAN_SECTION,
        section="vision_statement",
        changes={"statement": "Teach"},
    )
    goal = propose(at, section="vision_statement")
    assert section.section == "vision_statement"
    assert goal.section is None


def test_every_proposal_event_carries_the_actor_and_the_moment_passed_in(at: Moment) -> None:
    moments = [at(), at()]
    proposal = propose(lambda: moments[0])
    proposal.decline(reason="No", actor_id=MENTEE, at=moments[1])
    events = proposal.collect_events()
    assert [e.timestamp for e in events] == moments
    assert [e.actor_id for e in events] == [MENTOR, MENTEE]  # type: ignore[attr-defined]
