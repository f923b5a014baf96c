"""Lists: what their query strings take, and what one item of each holds."""

from __future__ import annotations

from marshmallow import Schema, fields

from domain.values import CheckInStatus, GoalKind, GoalStatus, ProposalStatus, ProposalTarget
from tracker.web.pagination import PageQuery, page_schema
from tracker.web.schemas.common import boolean, one_of, whole_number


def _status(values: object) -> fields.String:
    return one_of(values, metadata={"description": "Only those with this status."})


class GoalListQuery(PageQuery):
    status = _status(s.value for s in GoalStatus)


class ProposalListQuery(PageQuery):
    status = _status(s.value for s in ProposalStatus)


class CheckInListQuery(PageQuery):
    status = _status(s.value for s in CheckInStatus)


class GoalSummaryOut(Schema):
    id = fields.String(required=True)
    kind = one_of((k.value for k in GoalKind), required=True)
    status = one_of((s.value for s in GoalStatus), required=True)
    title = fields.String(allow_none=True, required=True)
    target_date = fields.String(allow_none=True, required=True)
    stretch = boolean(allow_none=True, required=True)
    serves = fields.String(allow_none=True, required=True)
    milestones_planned = whole_number(required=True)
    milestones_completed = whole_number(required=True)
    drafted_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class ProposalSummaryOut(Schema):
    id = fields.String(required=True)
    target = one_of((t.value for t in ProposalTarget), required=True)
    target_id = fields.String(required=True)
    section = fields.String(allow_none=True, required=True)
    changes = fields.Dict(keys=fields.String(), required=True)
    rationale = fields.String(required=True)
    proposed_by = fields.String(required=True)
    made_at = fields.String(required=True)
    status = one_of((s.value for s in ProposalStatus), required=True)
    decided_by = fields.String(allow_none=True, required=True)
    decided_at = fields.String(allow_none=True, required=True)
    decision_reason = fields.String(allow_none=True, required=True)


class CheckInSummaryOut(Schema):
    id = fields.String(required=True)
    scheduled_for = fields.String(required=True)
    status = one_of((s.value for s in CheckInStatus), required=True)
    held_on = fields.String(allow_none=True, required=True)
    action_items_open = whole_number(required=True)
    action_items_done = whole_number(required=True)


GoalPage = page_schema(GoalSummaryOut, "GoalPage")
ProposalPage = page_schema(ProposalSummaryOut, "ProposalPage")
CheckInPage = page_schema(CheckInSummaryOut, "CheckInPage")
