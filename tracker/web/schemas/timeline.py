"""What a page of the plan timeline holds (GET /plans/<mentee_id>/timeline).

The route passes the view's stored entries on as JSON text (tracker.web.encoding): these
schemas document the answer for the OpenAPI document; they do not render it.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from projections.timeline import KINDS
from tracker.web.schemas.common import boolean, one_of, whole_number

OTHER_KIND = "other"  # an event the timeline has no words for (projections.timeline.EVENTS)


class TimelineItemSchema(Schema):
    position = whole_number(
        required=True, metadata={"description": "The event's position in the log."}
    )
    at = fields.DateTime(required=True, metadata={"description": "When it happened."})
    kind = one_of((*KINDS, OTHER_KIND), required=True)
    type = fields.String(required=True, metadata={"example": "Goal.Revised"})
    what = fields.String(required=True, metadata={"example": "revised the goal “Lead”"})
    subject = fields.Dict(
        keys=fields.String(),
        required=True,
        metadata={"description": "Which part of the plan: its kind, id and name or title."},
    )
    actor_id = fields.String(required=True, metadata={"description": "Who did it."})
    reason = fields.String(allow_none=True, required=True, metadata={"description": "Why."})
    changes = fields.Dict(
        keys=fields.String(), allow_none=True, required=True,
        metadata={"description": "The fields it set, with their new values."},
    )  # fmt: skip
    data = fields.Dict(
        keys=fields.String(), required=True, metadata={"description": "The event as recorded."}
    )
    proposal_id = fields.String(metadata={"description": "The proposal it carried out."})
    proposed_by = fields.String(allow_none=True, metadata={"description": "Its proposer."})
    private = boolean(required=True, metadata={"description": "Only its author sees it."})


class TimelinePageSchema(Schema):
    mentee_id = fields.String(required=True)
    items = fields.List(fields.Nested(TimelineItemSchema), required=True)
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass back as `cursor` for the next page; null at the end."},
    )
