"""Goals: drafting, revising, lifecycle steps, milestones, feedback, achievements."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, post_load, validate

from domain.values import CRITERIA, FeedbackSource, GoalKind, GoalStatus
from tracker.web.schemas.common import (
    MAX_ITEMS,
    RecordSchema,
    boolean,
    one_of,
    optional_text,
    text,
    whole_number,
)

KIND_HELP = "; ".join(f"{kind.value}: {', '.join(names)}" for kind, names in CRITERIA.items())


def _criterion() -> fields.String:
    # No default: a revision names only the fields it changes.
    return text(allow_none=True, metadata={"description": f"A criterion ({KIND_HELP})."})


class GoalFieldsSchema(Schema):
    """A goal's fields; each criterion of its framework is answered in the mentee's words."""

    title = text(max_length=500)
    target_date = fields.Date(allow_none=True)
    stretch = boolean()
    serves = text(
        max_length=500,
        allow_none=True,
        metadata={"description": "What it serves: 'section:<name>' or 'option:<id>'."},
    )
    # The criteria of both frameworks; the goal's kind decides which it may have.
    specific = _criterion()
    measurable = _criterion()
    achievable = _criterion()
    relevant = _criterion()
    time_bound = _criterion()
    yours = _criterion()
    engaging = _criterion()
    actionable = _criterion()
    learning_focused = _criterion()


class DraftGoalSchema(GoalFieldsSchema):
    kind = one_of((k.value for k in GoalKind), required=True)
    title = text(max_length=500, required=True)

    @post_load
    def split_kind(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        kind = data.pop("kind")
        return {"kind": kind, "fields": data}


class RevisionSchema(Schema):
    changes = fields.Nested(GoalFieldsSchema, required=True)
    reason = text(required=True)


class GoalVersionQuery(Schema):
    version = fields.Integer(
        validate=validate.Range(min=1, max=2**31 - 1),
        metadata={"description": "Read the goal as it was at this version."},
    )


class AchieveSchema(Schema):
    evidence = optional_text()


class MilestoneSchema(Schema):
    title = text(max_length=500, required=True)
    due = fields.Date(required=True)
    skills = fields.List(
        text(max_length=200), load_default=list, validate=validate.Length(max=MAX_ITEMS)
    )


class RescheduleMilestoneSchema(Schema):
    due = fields.Date(required=True)
    reason = text(required=True)


class FeedbackSchema(Schema):
    text = text(required=True)
    source = one_of((s.value for s in FeedbackSource), required=True)


class AchievementSchema(Schema):
    title = text(max_length=500, required=True)
    evidence = text(required=True)
    milestone_id = optional_text(max_length=100)


# Answers ---------------------------------------------------------------------------------
class MilestoneOut(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    due = fields.Date(required=True)
    original_due = fields.Date(required=True)
    skills = fields.List(fields.String(), required=True)
    status = one_of(("planned", "completed", "dropped"), required=True)
    completed_on = fields.Date(allow_none=True)
    reschedules = whole_number(required=True)


class GoalFeedbackOut(Schema):
    text = fields.String(required=True)
    source = one_of((s.value for s in FeedbackSource), required=True)
    by = fields.String(required=True)
    at = fields.DateTime(required=True)


class AchievementOut(Schema):
    title = fields.String(required=True)
    evidence = fields.String(required=True)
    milestone_id = fields.String(allow_none=True)
    by = fields.String(required=True)
    at = fields.DateTime(required=True)


class GoalSchema(RecordSchema):
    mentee_id = fields.String(required=True)
    kind = one_of((k.value for k in GoalKind), required=True)
    status = one_of((s.value for s in GoalStatus), required=True)
    title = fields.String(required=True)
    target_date = fields.Date(allow_none=True)
    stretch = boolean(required=True)
    serves = fields.String(allow_none=True)
    specific = fields.String(allow_none=True)
    measurable = fields.String(allow_none=True)
    achievable = fields.String(allow_none=True)
    relevant = fields.String(allow_none=True)
    time_bound = fields.String(allow_none=True)
    yours = fields.String(allow_none=True)
    engaging = fields.String(allow_none=True)
    actionable = fields.String(allow_none=True)
    learning_focused = fields.String(allow_none=True)
    milestones = fields.List(fields.Nested(MilestoneOut), required=True)
    feedback = fields.List(fields.Nested(GoalFeedbackOut), required=True)
    achievements = fields.List(fields.Nested(AchievementOut), required=True)
