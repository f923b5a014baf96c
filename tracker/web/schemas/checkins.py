"""Check-ins: scheduling, agenda, the four questions, outcomes, action items, notes."""

from __future__ import annotations

from marshmallow import Schema, fields

from domain.values import FOUR_QUESTIONS, CheckInStatus
from tracker.web.schemas.common import RecordSchema, boolean, identifier, one_of, text


class ScheduleSchema(Schema):
    scheduled_for = fields.Date(required=True)


class RescheduleSchema(Schema):
    scheduled_for = fields.Date(required=True)
    reason = text(required=True)


class AnswersSchema(Schema):
    """Answers to any of the four questions; a later answer replaces an earlier one."""

    where_are_you_now = text()
    where_do_you_want_to_be = text()
    how_might_you_get_there = text()
    how_are_you_doing = text()


class HoldSchema(Schema):
    held_on = fields.Date(required=True)


class ActionItemSchema(Schema):
    text = text(required=True)
    owner_id = identifier(required=True, metadata={"description": "The mentee or the mentor."})
    due = fields.Date(required=True)


class NoteSchema(Schema):
    text = text(required=True)
    private = boolean(
        required=True,
        metadata={"description": "A private note is seen by its author only."},
    )


# Answers ---------------------------------------------------------------------------------
class ByOut(Schema):
    text = fields.String(required=True)
    by = fields.String(required=True)


class ActionItemOut(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    owner_id = fields.String(required=True)
    due = fields.Date(required=True)
    done = boolean(required=True)
    done_on = fields.Date(allow_none=True, required=True)


class NoteOut(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    private = boolean(required=True)
    author_id = fields.String(required=True)


class CheckInSchema(RecordSchema):
    mentorship_id = fields.String(required=True)
    mentee_id = fields.String(required=True)
    mentor_id = fields.String(required=True)
    scheduled_for = fields.Date(required=True)
    status = one_of((s.value for s in CheckInStatus), required=True)
    held_on = fields.Date(allow_none=True, required=True)
    agenda = fields.List(fields.Nested(ByOut), required=True)
    answers = fields.Dict(keys=one_of(FOUR_QUESTIONS), values=fields.String(), required=True)
    feedback = fields.List(fields.Nested(ByOut), required=True)
    lessons = fields.List(fields.Nested(ByOut), required=True)
    action_items = fields.List(fields.Nested(ActionItemOut), required=True)
    notes = fields.List(
        fields.Nested(NoteOut),
        required=True,
        metadata={"description": "Private notes only for their author."},
    )
