"""Goals: drafted in a plan, read as now or as at a past version, revised with a reason,
moved through their lifecycle, recognised when reached."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for

from tracker.web.actor import acting, acting_user
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.listings import goals_of_plan, listed
from tracker.web.pagination import link_headers
from tracker.web.schemas.common import NoBodySchema, ReasonSchema, ReceiptSchema
from tracker.web.schemas.goals import (
    AchievementSchema,
    AchieveSchema,
    DraftGoalSchema,
    FeedbackSchema,
    GoalSchema,
    GoalVersionQuery,
    RevisionSchema,
)
from tracker.web.schemas.lists import GoalListQuery, GoalPage
from tracker.web.versions import Rendered, conditional, created, with_etag, written
from tracker.web.writes import appends, creates, overwrites

goals = ApiBlueprint("goals", __name__, description="Goals written with SMARTY or REAL.")

GOAL_PATH = "/goals/<uuid:goal_id>"


@goals.post("/plans/<mentee_id>/goals")
@acting
@creates
@goals.arguments(DraftGoalSchema)
@goals.response(201, ReceiptSchema)
def draft_goal(body: dict[str, Any], mentee_id: str) -> Rendered:
    """Draft a goal in the mentee's plan: its kind, a title, and any criteria so far."""
    receipt = get_tracker().draft_goal(mentee_id, **body, actor_id=acting_user())
    return created(receipt, url_for("goals.get_goal", goal_id=receipt.id))


@goals.get("/plans/<mentee_id>/goals")
@acting
@goals.arguments(GoalListQuery, location="query")
@goals.response(200, GoalPage, headers=link_headers())
@goals.alt_response(404, response="NOT_FOUND")
def list_goals(query: dict[str, Any], mentee_id: str) -> Rendered:
    """The goals of the mentee's plan in the order drafted, `?status=` to keep one status."""
    return listed(goals_of_plan(mentee_id, query.get("status")), query)


@goals.get(GOAL_PATH)
@acting
@goals.arguments(GoalVersionQuery, location="query")
@conditional
@goals.response(200, GoalSchema)
@goals.alt_response(404, response="NOT_FOUND")
def get_goal(query: dict[str, Any], goal_id: UUID) -> Rendered:
    """Read a goal as it is now, or as it was at `?version=N`; its ETag is that version."""
    return with_etag(get_tracker().get_goal(str(goal_id), version=query.get("version")))


@goals.post(f"{GOAL_PATH}/revisions")
@acting
@overwrites
@goals.arguments(RevisionSchema)
@goals.response(200, ReceiptSchema)
def revise_goal(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Revise a goal's fields, saying why; only the fields that change are recorded."""
    return written(get_tracker().revise_goal(str(goal_id), **body, **write_context()))


@goals.post(f"{GOAL_PATH}/activate")
@acting
@overwrites
@goals.arguments(NoBodySchema, required=False)
@goals.response(200, ReceiptSchema)
def activate_goal(_: dict[str, Any], goal_id: UUID) -> Rendered:
    """Draft -> active, once the framework's essential criteria are written."""
    return written(get_tracker().activate_goal(str(goal_id), **write_context()))


@goals.post(f"{GOAL_PATH}/achieve")
@acting
@overwrites
@goals.arguments(AchieveSchema, required=False)
@goals.response(200, ReceiptSchema)
def achieve_goal(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Active -> achieved, with evidence if there is some."""
    return written(get_tracker().achieve_goal(str(goal_id), **body, **write_context()))


@goals.post(f"{GOAL_PATH}/abandon")
@acting
@overwrites
@goals.arguments(ReasonSchema)
@goals.response(200, ReceiptSchema)
def abandon_goal(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Give a goal up, saying why."""
    return written(get_tracker().abandon_goal(str(goal_id), **body, **write_context()))


@goals.post(f"{GOAL_PATH}/defer")
@acting
@overwrites
@goals.arguments(ReasonSchema)
@goals.response(200, ReceiptSchema)
def defer_goal(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Active -> deferred, saying why."""
    return written(get_tracker().defer_goal(str(goal_id), **body, **write_context()))


@goals.post(f"{GOAL_PATH}/reopen")
@acting
@overwrites
@goals.arguments(ReasonSchema)
@goals.response(200, ReceiptSchema)
def reopen_goal(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Achieved, abandoned or deferred -> active again, saying why."""
    return written(get_tracker().reopen_goal(str(goal_id), **body, **write_context()))


@goals.post(f"{GOAL_PATH}/feedback")
@acting
@appends
@goals.arguments(FeedbackSchema)
@goals.response(200, ReceiptSchema)
def give_feedback(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Feedback on a goal from the mentor, the mentee or a member of her support network."""
    return written(get_tracker().give_feedback(str(goal_id), **body, **write_context()))


@goals.post(f"{GOAL_PATH}/achievements")
@acting
@appends
@goals.arguments(AchievementSchema)
@goals.response(200, ReceiptSchema)
def recognise_achievement(body: dict[str, Any], goal_id: UUID) -> Rendered:
    """Recognise what was reached: a completed milestone, or the achieved goal itself."""
    tracker = get_tracker()
    return written(tracker.recognise_achievement(str(goal_id), **body, **write_context()))
