"""Proposals: a mentor proposes a goal revision or a section edit; the mentee decides."""

from __future__ import annotations

from marshmallow import Schema, fields

from domain.values import ProposalStatus, ProposalTarget
from tracker.web.schemas.common import RecordSchema, one_of, text, whole_number
from tracker.web.schemas.goals import GoalFieldsSchema
from tracker.web.schemas.plans import section_fields


class GoalProposalSchema(Schema):
    changes = fields.Nested(GoalFieldsSchema, required=True)
    rationale = text(required=True)


class SectionProposalSchema(Schema):
    section_fields = section_fields(required=True)
    rationale = text(required=True)


# Answers ---------------------------------------------------------------------------------
class ProposalSchema(RecordSchema):
    mentee_id = fields.String(required=True)
    proposed_by = fields.String(required=True)
    target = one_of((t.value for t in ProposalTarget), required=True)
    target_id = fields.String(required=True)
    section = fields.String(allow_none=True, required=True)
    changes = fields.Dict(keys=fields.String(), required=True)
    rationale = fields.String(required=True)
    based_on_version = whole_number(allow_none=True, required=True)
    status = one_of((s.value for s in ProposalStatus), required=True)
    decision_reason = fields.String(allow_none=True, required=True)
