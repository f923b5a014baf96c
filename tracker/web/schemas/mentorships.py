"""Mentorships: the invitation with its ask, the agreement, the ending."""

from __future__ import annotations

from marshmallow import Schema, fields

from domain.values import MentorshipStatus
from tracker.web.schemas.common import (
    RecordSchema,
    identifier,
    one_of,
    optional_text,
    text,
    whole_number,
)


class InvitationSchema(Schema):
    """The mentee's prepared ask: what help, for how long, how often."""

    mentee_id = identifier(required=True)
    mentor_id = identifier(required=True)
    help_wanted = text(required=True)
    duration = text(max_length=500, required=True)
    frequency = text(max_length=500, required=True)


class AgreementSchema(Schema):
    """How often and how long they meet, and the kind of guidance wanted."""

    cadence_days = whole_number(required=True, metadata={"example": 30})
    meeting_minutes = whole_number(required=True, metadata={"example": 60})
    guidance = text(required=True)


class AgreementChangeSchema(AgreementSchema):
    reason = optional_text()


# Answers ---------------------------------------------------------------------------------
class AskOut(Schema):
    help_wanted = fields.String(required=True)
    duration = fields.String(required=True)
    frequency = fields.String(required=True)


class AgreementOut(Schema):
    cadence_days = whole_number(required=True)
    meeting_minutes = whole_number(required=True)
    guidance = fields.String(required=True)


class MentorshipSchema(RecordSchema):
    mentee_id = fields.String(required=True)
    mentor_id = fields.String(required=True)
    status = one_of((s.value for s in MentorshipStatus), required=True)
    ask = fields.Nested(AskOut, required=True)
    agreement = fields.Nested(AgreementOut, allow_none=True, required=True)
    end_reason = fields.String(allow_none=True, required=True)
