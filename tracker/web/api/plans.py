"""Plans: one per mentee, started by her, edited section by section, never final."""

from __future__ import annotations

from typing import Any

from flask import url_for

from domain.values import PLAN_SECTIONS
from tracker.web.actor import acting, acting_user
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.schemas.common import ReceiptSchema
from tracker.web.schemas.plans import (
    PlanSchema,
    ReflectionSchema,
    SectionEditSchema,
    StartPlanSchema,
)
from tracker.web.versions import Rendered, conditional, created, with_etag, written
from tracker.web.writes import appends, creates, overwrites

plans = ApiBlueprint("plans", __name__, description="A mentee's career plan and its sections.")

# An unknown section is an unknown URL (404); the OpenAPI document lists the known ones.
SECTION_PATH = f"/plans/<mentee_id>/sections/<any({', '.join(PLAN_SECTIONS)}):section>"


@plans.post("/plans")
@acting
@creates
@plans.arguments(StartPlanSchema)
@plans.response(201, ReceiptSchema)
@plans.alt_response(409, response="CONFLICT")
def start_plan(body: dict[str, Any]) -> Rendered:
    """Start the mentee's plan: she starts her own, once (a second start is a 409)."""
    receipt = get_tracker().start_plan(mentee_id=body["mentee_id"], actor_id=acting_user())
    return created(receipt, url_for("plans.get_plan", mentee_id=body["mentee_id"]))


@plans.get("/plans/<mentee_id>")
@acting
@conditional
@plans.response(200, PlanSchema)
@plans.alt_response(404, response="NOT_FOUND")
def get_plan(mentee_id: str) -> Rendered:
    """Read the mentee's plan; private reflections only when she reads it."""
    return with_etag(get_tracker().get_plan(mentee_id, viewer_id=acting_user()))


@plans.patch(SECTION_PATH)
@acting
@overwrites
@plans.arguments(SectionEditSchema)
@plans.response(200, ReceiptSchema)
def edit_section(body: dict[str, Any], mentee_id: str, section: str) -> Rendered:
    """Write new text into some fields of a section; the others keep theirs."""
    tracker = get_tracker()
    receipt = tracker.edit_plan_section(mentee_id, section=section, **body, **write_context())
    return written(receipt)


@plans.put(SECTION_PATH)
@acting
@overwrites
@plans.arguments(SectionEditSchema)
@plans.response(200, ReceiptSchema)
def replace_section(body: dict[str, Any], mentee_id: str, section: str) -> Rendered:
    """Replace a section's text: its fields left out of `fields` are cleared."""
    body["fields"] = {**dict.fromkeys(PLAN_SECTIONS[section], ""), **body["fields"]}
    tracker = get_tracker()
    receipt = tracker.edit_plan_section(mentee_id, section=section, **body, **write_context())
    return written(receipt)


@plans.post("/plans/<mentee_id>/reflections")
@acting
@appends
@plans.arguments(ReflectionSchema)
@plans.response(200, ReceiptSchema)
def reflect(body: dict[str, Any], mentee_id: str) -> Rendered:
    """The mentee writes a reflection, private or shared; `item_id` is its id."""
    return written(get_tracker().reflect(mentee_id, **body, **write_context()))
