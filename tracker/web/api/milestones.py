"""Milestones: the steps toward a goal, with due dates that slip and are met."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tracker.web.actor import acting
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.schemas.common import NoBodySchema, ReasonSchema, ReceiptSchema
from tracker.web.schemas.goals import MilestoneSchema, RescheduleMilestoneSchema
from tracker.web.versions import Rendered, written
from tracker.web.writes import appends, overwrites

milestones = ApiBlueprint("milestones", __name__, description="Steps toward a goal.")

MILESTONE_PATH = "/goals/<uuid:goal_id>/milestones/<uuid:milestone_id>"


@milestones.post("/goals/<uuid:goal_id>/milestones")
@acting
@appends
@milestones.arguments(MilestoneSchema)
@milestones.response(200, ReceiptSchema)
def add_milestone(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Add a step with a due date and the skills it needs; `item_id` is its id."""
    return written(get_tracker().add_milestone(str(goal_id), **body, **write_context()))


@milestones.post(f"{MILESTONE_PATH}/reschedule")
@acting
@overwrites
@milestones.arguments(RescheduleMilestoneSchema)
@milestones.response(200, ReceiptSchema)
def reschedule_milestone(body: dict[str, Any], goal_id: UUID, milestone_id: UUID) -> Rendered:
    """Move a milestone's due date, saying why."""
    tracker = get_tracker()
    receipt = tracker.reschedule_milestone(
        str(goal_id), str(milestone_id), **body, **write_context()
    )
    return written(receipt)


@milestones.post(f"{MILESTONE_PATH}/complete")
@acting
@overwrites
@milestones.arguments(NoBodySchema, required=False)
@milestones.response(200, ReceiptSchema)
def complete_milestone(_: dict[str, Any], goal_id: UUID, milestone_id: UUID) -> Rendered:
    """Mark a milestone done (once)."""
    tracker = get_tracker()
    return written(tracker.complete_milestone(str(goal_id), str(milestone_id), **write_context()))


@milestones.post(f"{MILESTONE_PATH}/drop")
@acting
@overwrites
@milestones.arguments(ReasonSchema)
@milestones.response(200, ReceiptSchema)
def drop_milestone(body: dict[str, Any], goal_id: UUID, milestone_id: UUID) -> Rendered:
    """Drop a milestone, saying why."""
    tracker = get_tracker()
    receipt = tracker.drop_milestone(str(goal_id), str(milestone_id), **body, **write_context())
    return written(receipt)
