"""Mentorships: a mentee invites a mentor with her ask; he accepts with an agreement or
declines; either side changes the agreement or ends it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for

from tracker.web.actor import acting, acting_user
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.schemas.common import ReasonSchema, ReceiptSchema
from tracker.web.schemas.mentorships import (
    AgreementChangeSchema,
    AgreementSchema,
    InvitationSchema,
    MentorshipSchema,
)
from tracker.web.versions import Rendered, conditional, created, with_etag, written
from tracker.web.writes import creates, overwrites

mentorships = ApiBlueprint(
    "mentorships", __name__, description="One mentor and one mentee, and their agreement."
)

MENTORSHIP_PATH = "/mentorships/<uuid:mentorship_id>"


@mentorships.post("/mentorships")
@acting
@creates
@mentorships.arguments(InvitationSchema)
@mentorships.response(201, ReceiptSchema)
def invite_mentor(body: dict[str, Any]) -> Rendered:
    """The mentee invites a mentor with her prepared ask."""
    receipt = get_tracker().invite_mentor(**body, actor_id=acting_user())
    return created(receipt, url_for("mentorships.get_mentorship", mentorship_id=receipt.id))


@mentorships.get(MENTORSHIP_PATH)
@acting
@conditional
@mentorships.response(200, MentorshipSchema)
@mentorships.alt_response(404, response="NOT_FOUND")
def get_mentorship(mentorship_id: UUID) -> Rendered:
    """Read a mentorship: the ask, the agreement, its status."""
    return with_etag(get_tracker().get_mentorship(str(mentorship_id)))


@mentorships.post(f"{MENTORSHIP_PATH}/accept")
@acting
@overwrites
@mentorships.arguments(AgreementSchema)
@mentorships.response(200, ReceiptSchema)
def accept_invitation(body: dict[str, Any], mentorship_id: UUID) -> Rendered:
    """The invited mentor accepts, agreeing how often, how long and what guidance."""
    tracker = get_tracker()
    return written(tracker.accept_invitation(str(mentorship_id), **body, **write_context()))


@mentorships.post(f"{MENTORSHIP_PATH}/decline")
@acting
@overwrites
@mentorships.arguments(ReasonSchema)
@mentorships.response(200, ReceiptSchema)
def decline_invitation(body: dict[str, Any], mentorship_id: UUID) -> Rendered:
    """The invited mentor declines, saying why."""
    tracker = get_tracker()
    return written(tracker.decline_invitation(str(mentorship_id), **body, **write_context()))


@mentorships.put(f"{MENTORSHIP_PATH}/agreement")
@acting
@overwrites
@mentorships.arguments(AgreementChangeSchema)
@mentorships.response(200, ReceiptSchema)
def change_agreement(body: dict[str, Any], mentorship_id: UUID) -> Rendered:
    """Either side changes the agreement while the mentorship lasts."""
    tracker = get_tracker()
    return written(tracker.change_agreement(str(mentorship_id), **body, **write_context()))


@mentorships.post(f"{MENTORSHIP_PATH}/end")
@acting
@overwrites
@mentorships.arguments(ReasonSchema)
@mentorships.response(200, ReceiptSchema)
def end_mentorship(body: dict[str, Any], mentorship_id: UUID) -> Rendered:
    """Either side ends the mentorship, saying why; the history stays."""
    tracker = get_tracker()
    return written(tracker.end_mentorship(str(mentorship_id), **body, **write_context()))
