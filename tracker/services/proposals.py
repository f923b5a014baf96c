"""Use cases of proposals: a mentor proposes, the mentee accepts (applying it) or declines."""

from __future__ import annotations

from typing import Any

from domain import Goal, Plan, Proposal, plan_id_for
from domain.errors import DomainError
from domain.goal import clean_goal_fields
from domain.rules import optional_text, require_known_fields
from domain.values import PLAN_SECTIONS, ProposalTarget
from tracker.services.base import Receipt, UseCases
from tracker.services.goals import require_servable


class ProposalUseCases(UseCases):
    def propose_goal_revision(
        self, goal_id: str, *, changes: dict[str, Any], rationale: str, actor_id: str
    ) -> Receipt:
        """Propose new values for a goal's fields; checked now so mistakes show at once."""
        goal = self.load(Goal, goal_id)
        clean_goal_fields(goal.kind, changes)
        if "serves" in changes:
            require_servable(self.load(Plan, plan_id_for(goal.mentee_id)), changes["serves"])
        proposal = Proposal.make(
            mentee_id=goal.mentee_id,
            target=ProposalTarget.GOAL,
            target_id=str(goal.id),
            section=None,
            changes=changes,
            rationale=rationale,
            based_on_version=goal.version,
            actor_id=actor_id,
            at=self.clock(),
        )
        return self.create(proposal)

    def propose_section_edit(
        self,
        mentee_id: str,
        *,
        section: str,
        fields: dict[str, str],
        rationale: str,
        actor_id: str,
    ) -> Receipt:
        """Propose new text for a section of the mentee's plan."""
        plan = self.load(Plan, plan_id_for(mentee_id))
        if section not in PLAN_SECTIONS:
            raise DomainError(f"The plan has no section {section!r}.", field="section")
        require_known_fields(fields, PLAN_SECTIONS[section], f"The section {section!r}")
        for name, text in fields.items():  # text as an edit takes it: checked now, as a goal's
            optional_text(text, name)
        proposal = Proposal.make(
            mentee_id=mentee_id,
            target=ProposalTarget.PLAN_SECTION,
            target_id=str(plan.id),
            section=section,
            changes=fields,
            rationale=rationale,
            based_on_version=plan.version,
            actor_id=actor_id,
            at=self.clock(),
        )
        return self.create(proposal)

    def accept_proposal(
        self,
        proposal_id: str,
        *,
        reason: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """The mentee accepts: the change is applied in her name, crediting the proposer.

        The proposal's decision and the change it applies are saved in one transaction.
        """
        proposal = self.load(Proposal, proposal_id)
        self.require_version(proposal, expected_version)
        at = self.clock()
        why = proposal.accept(reason=reason, actor_id=actor_id, at=at)
        credit = {"proposal_id": str(proposal.id), "proposed_by": proposal.proposed_by}
        target: Goal | Plan
        if proposal.target == ProposalTarget.GOAL:
            target = self.load(Goal, proposal.target_id)
            target.revise(changes=proposal.changes, reason=why, actor_id=actor_id, at=at, **credit)
        else:
            target = self.load(Plan, proposal.target_id)
            target.edit_section(
                section=str(proposal.section),
                fields=proposal.changes,
                reason=why,
                actor_id=actor_id,
                at=at,
                **credit,
            )
        receipt = self.create(proposal, target)
        return Receipt(
            id=receipt.id,
            version=receipt.version,
            position=receipt.position,
            created={"target_id": str(target.id), "target_version": str(target.version)},
        )

    def decline_proposal(
        self,
        proposal_id: str,
        *,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Proposal,
            proposal_id,
            expected_version,
            lambda p: p.decline(reason=reason, actor_id=actor_id, at=self.clock()),
        )

    def withdraw_proposal(
        self,
        proposal_id: str,
        *,
        reason: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Proposal,
            proposal_id,
            expected_version,
            lambda p: p.withdraw(reason=reason, actor_id=actor_id, at=self.clock()),
        )
