"""Proposals: the mentor does not dictate. He proposes a goal revision or a section edit;
only the mentee accepts it (applying it, crediting both) or declines it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for

from tracker.web.actor import acting, acting_user
from tracker.web.api.plans import SECTION_PATH
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.listings import listed, proposals_of_plan
from tracker.web.pagination import link_headers
from tracker.web.schemas.common import OptionalReasonSchema, ReasonSchema, ReceiptSchema
from tracker.web.schemas.lists import ProposalListQuery, ProposalPage
from tracker.web.schemas.proposals import (
    GoalProposalSchema,
    ProposalSchema,
    SectionProposalSchema,
)
from tracker.web.versions import Rendered, conditional, created, with_etag, written
from tracker.web.writes import creates, overwrites

proposals = ApiBlueprint("proposals", __name__, description="Changes proposed to the mentee.")

PROPOSAL_PATH = "/proposals/<uuid:proposal_id>"


def _created(receipt: Any) -> Rendered:
    return created(receipt, url_for("proposals.get_proposal", proposal_id=receipt.id))


@proposals.post("/goals/<uuid:goal_id>/proposals")
@acting
@creates
@proposals.arguments(GoalProposalSchema)
@proposals.response(201, ReceiptSchema)
def propose_goal_revision(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Propose new values for a goal's fields, with a rationale."""
    return _created(
        get_tracker().propose_goal_revision(str(goal_id), **body, actor_id=acting_user())
    )


@proposals.post(f"{SECTION_PATH}/proposals")
@acting
@creates
@proposals.arguments(SectionProposalSchema)
@proposals.response(201, ReceiptSchema)
def propose_section_edit(body: dict[str, Any], mentee_id: str, section: str) -> Rendered:
    """Propose new text for a section of the mentee's plan, with a rationale."""
    tracker = get_tracker()
    receipt = tracker.propose_section_edit(
        mentee_id, section=section, **body, actor_id=acting_user()
    )
    return _created(receipt)


@proposals.get("/plans/<mentee_id>/proposals")
@acting
@proposals.arguments(ProposalListQuery, location="query")
@proposals.response(200, ProposalPage, headers=link_headers())
@proposals.alt_response(404, response="NOT_FOUND")
def list_proposals(query: dict[str, Any], mentee_id: str) -> Rendered:
    """Proposals made to the mentee's plan, oldest first; `?status=pending` for those
    awaiting her decision."""
    return listed(proposals_of_plan(mentee_id, query.get("status")), query)


@proposals.get(PROPOSAL_PATH)
@acting
@conditional
@proposals.response(200, ProposalSchema)
@proposals.alt_response(404, response="NOT_FOUND")
def get_proposal(proposal_id: UUID) -> Rendered:
    """Read a proposal: what it changes, why, and what the mentee decided."""
    return with_etag(get_tracker().get_proposal(str(proposal_id)))


@proposals.post(f"{PROPOSAL_PATH}/accept")
@acting
@overwrites
@proposals.arguments(OptionalReasonSchema, required=False)
@proposals.response(200, ReceiptSchema)
def accept_proposal(body: dict[str, Any], proposal_id: UUID) -> Rendered:
    """The mentee accepts: the change is applied in her name, crediting the proposer."""
    tracker = get_tracker()
    return written(tracker.accept_proposal(str(proposal_id), **body, **write_context()))


@proposals.post(f"{PROPOSAL_PATH}/decline")
@acting
@overwrites
@proposals.arguments(ReasonSchema)
@proposals.response(200, ReceiptSchema)
def decline_proposal(body: dict[str, Any], proposal_id: UUID) -> Rendered:
    """The mentee declines, saying why."""
    tracker = get_tracker()
    return written(tracker.decline_proposal(str(proposal_id), **body, **write_context()))


@proposals.post(f"{PROPOSAL_PATH}/withdraw")
@acting
@overwrites
@proposals.arguments(OptionalReasonSchema, required=False)
@proposals.response(200, ReceiptSchema)
def withdraw_proposal(body: dict[str, Any], proposal_id: UUID) -> Rendered:
    """The proposer takes a pending proposal back."""
    tracker = get_tracker()
    return written(tracker.withdraw_proposal(str(proposal_id), **body, **write_context()))
