"""Check-ins: the regular conversation of a mentorship around the four questions, and
what comes out of it (feedback, lessons, action items, notes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for

from tracker.web.actor import acting, acting_user
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.listings import check_ins_of_mentorship, listed
from tracker.web.pagination import link_headers
from tracker.web.schemas.checkins import (
    ActionItemSchema,
    AnswersSchema,
    CheckInSchema,
    HoldSchema,
    NoteSchema,
    RescheduleSchema,
    ScheduleSchema,
)
from tracker.web.schemas.common import NoBodySchema, ReasonSchema, ReceiptSchema, TextSchema
from tracker.web.schemas.lists import CheckInListQuery, CheckInPage
from tracker.web.versions import Rendered, conditional, created, with_etag, written
from tracker.web.writes import appends, creates, overwrites

check_ins = ApiBlueprint("check-ins", __name__, description="Meetings of a mentorship.")

CHECK_IN_PATH = "/check-ins/<uuid:check_in_id>"


@check_ins.post("/mentorships/<uuid:mentorship_id>/check-ins")
@acting
@creates
@check_ins.arguments(ScheduleSchema)
@check_ins.response(201, ReceiptSchema)
def schedule_check_in(body: dict[str, Any], mentorship_id: UUID) -> Rendered:
    """Put the next check-in of an active mentorship in the diary."""
    tracker = get_tracker()
    receipt = tracker.schedule_check_in(str(mentorship_id), **body, actor_id=acting_user())
    return created(receipt, url_for("check-ins.get_check_in", check_in_id=receipt.id))


@check_ins.get("/mentorships/<uuid:mentorship_id>/check-ins")
@acting
@check_ins.arguments(CheckInListQuery, location="query")
@check_ins.response(200, CheckInPage, headers=link_headers())
@check_ins.alt_response(404, response="NOT_FOUND")
def list_check_ins(query: dict[str, Any], mentorship_id: UUID) -> Rendered:
    """The check-ins of a mentorship by date, `?status=` to keep one status."""
    return listed(check_ins_of_mentorship(str(mentorship_id), query.get("status")), query)


@check_ins.get(CHECK_IN_PATH)
@acting
@conditional
@check_ins.response(200, CheckInSchema)
@check_ins.alt_response(404, response="NOT_FOUND")
def get_check_in(check_in_id: UUID) -> Rendered:
    """Read a check-in; private notes only for their author."""
    return with_etag(get_tracker().get_check_in(str(check_in_id), viewer_id=acting_user()))


@check_ins.post(f"{CHECK_IN_PATH}/reschedule")
@acting
@overwrites
@check_ins.arguments(RescheduleSchema)
@check_ins.response(200, ReceiptSchema)
def reschedule_check_in(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Move the check-in to another day, saying why."""
    tracker = get_tracker()
    return written(tracker.reschedule_check_in(str(check_in_id), **body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/agenda")
@acting
@appends
@check_ins.arguments(TextSchema)
@check_ins.response(200, ReceiptSchema)
def add_agenda_item(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Bring an item to the agenda (with possible solutions, not only problems)."""
    tracker = get_tracker()
    return written(tracker.add_agenda_item(str(check_in_id), **body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/answers")
@acting
@overwrites
@check_ins.arguments(AnswersSchema)
@check_ins.response(200, ReceiptSchema)
def answer_four_questions(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Answer any of the four questions; a later answer replaces an earlier one."""
    tracker = get_tracker()
    return written(tracker.answer_four_questions(str(check_in_id), answers=body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/hold")
@acting
@overwrites
@check_ins.arguments(HoldSchema)
@check_ins.response(200, ReceiptSchema)
def hold_check_in(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Record that the meeting took place."""
    tracker = get_tracker()
    return written(tracker.hold_check_in(str(check_in_id), **body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/cancel")
@acting
@overwrites
@check_ins.arguments(ReasonSchema)
@check_ins.response(200, ReceiptSchema)
def cancel_check_in(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Cancel a scheduled check-in, saying why."""
    tracker = get_tracker()
    return written(tracker.cancel_check_in(str(check_in_id), **body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/feedback")
@acting
@appends
@check_ins.arguments(TextSchema)
@check_ins.response(200, ReceiptSchema)
def record_feedback(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Record feedback given in the conversation."""
    tracker = get_tracker()
    return written(tracker.record_check_in_feedback(str(check_in_id), **body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/lessons")
@acting
@appends
@check_ins.arguments(TextSchema)
@check_ins.response(200, ReceiptSchema)
def record_lesson(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Record a lesson learned."""
    tracker = get_tracker()
    return written(tracker.record_lesson(str(check_in_id), **body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/action-items")
@acting
@appends
@check_ins.arguments(ActionItemSchema)
@check_ins.response(200, ReceiptSchema)
def assign_action_item(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Assign an action item with a due date to the mentee or mentor; `item_id` is its id."""
    tracker = get_tracker()
    return written(tracker.assign_action_item(str(check_in_id), **body, **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/action-items/<uuid:item_id>/done")
@acting
@overwrites
@check_ins.arguments(NoBodySchema, required=False)
@check_ins.response(200, ReceiptSchema)
def complete_action_item(_: dict[str, Any], check_in_id: UUID, item_id: UUID) -> Rendered:
    """Mark an action item done."""
    tracker = get_tracker()
    return written(tracker.complete_action_item(str(check_in_id), str(item_id), **write_context()))


@check_ins.post(f"{CHECK_IN_PATH}/notes")
@acting
@appends
@check_ins.arguments(NoteSchema)
@check_ins.response(200, ReceiptSchema)
def write_note(body: dict[str, Any], check_in_id: UUID) -> Rendered:
    """Write a note, private (the author's alone) or shared; `item_id` is its id."""
    tracker = get_tracker()
    return written(tracker.write_note(str(check_in_id), **body, **write_context()))
