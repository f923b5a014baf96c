"""The support network: people and resources who bring what the mentor alone cannot."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from marshmallow import Schema, fields, validate

from domain.plan import SHAREABLE_PARTS
from tracker.web.actor import acting
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.schemas.common import ReasonSchema, ReceiptSchema
from tracker.web.schemas.plans import SupporterSchema
from tracker.web.versions import Rendered, written
from tracker.web.writes import appends, overwrites

support_network = ApiBlueprint(
    "support-network", __name__, description="People and resources supporting the mentee."
)


class ShareSchema(Schema):
    parts = fields.List(
        fields.String(validate=validate.OneOf(SHAREABLE_PARTS)),
        required=True,
        validate=validate.Length(max=len(SHAREABLE_PARTS)),
        metadata={"description": "What the member may read; [] stops sharing."},
    )


@support_network.post("/plans/<mentee_id>/support-network")
@acting
@appends
@support_network.arguments(SupporterSchema)
@support_network.response(200, ReceiptSchema)
def add_supporter(body: dict[str, Any], mentee_id: str) -> Rendered:
    """Add a person or resource, with what they bring; `item_id` is the member's id."""
    return written(get_tracker().add_supporter(mentee_id, **body, **write_context()))


@support_network.post("/plans/<mentee_id>/support-network/<uuid:member_id>/remove")
@acting
@overwrites
@support_network.arguments(ReasonSchema)
@support_network.response(200, ReceiptSchema)
def remove_supporter(body: dict[str, Any], mentee_id: str, member_id: UUID) -> Rendered:
    """Remove a member of the support network, saying why."""
    tracker = get_tracker()
    return written(tracker.remove_supporter(mentee_id, str(member_id), **body, **write_context()))


@support_network.put("/plans/<mentee_id>/support-network/<uuid:member_id>/share")
@acting
@overwrites
@support_network.arguments(ShareSchema)
@support_network.response(200, ReceiptSchema)
def share_with_supporter(body: dict[str, Any], mentee_id: str, member_id: UUID) -> Rendered:
    """Let a member with an account read these parts of the plan (sections by name,
    `options`, `goals`, `reflections`; private reflections never): it replaces what was
    shared before, and `[]` stops sharing."""
    tracker = get_tracker()
    receipt = tracker.share_with_supporter(
        mentee_id, str(member_id), parts=body["parts"], **write_context()
    )
    return written(receipt)
