"""A change a mentor proposes to a goal or a plan section: the mentee decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError, InvalidTransition, NotAllowed
from domain.rules import optional_text, parse_choice, require_text
from domain.values import PLAN_SECTIONS, ProposalStatus, ProposalTarget


class Proposal(Aggregate):
    """The mentor does not dictate: a proposal waits until the mentee accepts or declines it."""

    @event("Made")
    def __init__(
        self,
        mentee_id: str,
        target: ProposalTarget,
        target_id: str,
        section: str | None,
        changes: dict[str, Any],
        rationale: str,
        based_on_version: int | None,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.mentee_id = mentee_id
        self.proposed_by = actor_id
        self.target = target
        self.target_id = target_id
        self.section = section
        self.changes = changes
        self.rationale = rationale
        self.based_on_version = based_on_version
        self.status = ProposalStatus.PENDING
        self.decision_reason: str | None = None

    @classmethod
    def make(
        cls,
        *,
        mentee_id: str,
        target: ProposalTarget,
        target_id: str,
        section: str | None,
        changes: dict[str, Any],
        rationale: str,
        based_on_version: int | None,
        actor_id: str,
        at: datetime,
    ) -> Proposal:
        """Propose changes; they are checked against the target when the mentee accepts."""
        target = parse_choice(ProposalTarget, target, "target")
        if actor_id == mentee_id:
            raise NotAllowed(
                "The mentee changes her own plan directly; proposals come from others."
            )
        if target == ProposalTarget.PLAN_SECTION and (
            not isinstance(section, str) or section not in PLAN_SECTIONS
        ):
            raise DomainError(
                f"The plan has no section {section!r}; sections: {', '.join(PLAN_SECTIONS)}.",
                field="section",
            )
        if not changes:
            raise DomainError("A proposal must change at least one field.", field="changes")
        return cls(
            mentee_id=mentee_id,
            target=target,
            target_id=target_id,
            section=section if target == ProposalTarget.PLAN_SECTION else None,
            changes=changes,
            rationale=require_text(rationale, "rationale"),
            based_on_version=based_on_version,
            actor_id=actor_id,
            timestamp=at,
        )

    def accept(self, *, reason: str | None, actor_id: str, at: datetime) -> str:
        """Only the mentee accepts; returns the reason the applied change will carry."""
        self._require_pending_and_mentee(actor_id, "accepts")
        why = optional_text(reason, "reason") or self.rationale
        self._accepted(reason=why, actor_id=actor_id, timestamp=at)
        return why

    @event("Accepted")
    def _accepted(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = ProposalStatus.ACCEPTED
        self.decision_reason = reason

    def decline(self, *, reason: str, actor_id: str, at: datetime) -> None:
        """Only the mentee declines, and says why."""
        self._require_pending_and_mentee(actor_id, "declines")
        self._declined(reason=require_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Declined")
    def _declined(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = ProposalStatus.DECLINED
        self.decision_reason = reason

    def withdraw(self, *, reason: str | None, actor_id: str, at: datetime) -> None:
        """The one who proposed takes the proposal back while it is pending."""
        if self.status != ProposalStatus.PENDING:
            raise InvalidTransition(f"This proposal is already {self.status.value}.")
        if actor_id != self.proposed_by:
            raise NotAllowed("Only the one who made a proposal withdraws it.")
        self._withdrawn(reason=optional_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Withdrawn")
    def _withdrawn(self, reason: str | None, actor_id: str, timestamp: datetime) -> None:
        self.status = ProposalStatus.WITHDRAWN
        self.decision_reason = reason

    def _require_pending_and_mentee(self, actor_id: str, verb: str) -> None:
        if actor_id != self.mentee_id:
            raise NotAllowed(f"Only the mentee {verb} a proposal to her plan.")
        if self.status != ProposalStatus.PENDING:
            raise InvalidTransition(f"This proposal is already {self.status.value}.")
