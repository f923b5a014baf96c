"""Options of a plan: possibilities generated, researched and narrowed down."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from tracker.web.actor import acting
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker, write_context
from tracker.web.schemas.common import NoBodySchema, ReasonSchema, ReceiptSchema
from tracker.web.schemas.plans import OptionSchema, ResearchSchema
from tracker.web.versions import Rendered, written
from tracker.web.writes import appends, overwrites

options = ApiBlueprint("options", __name__, description="Options the mentee considers.")

OPTION_PATH = "/plans/<mentee_id>/options/<uuid:option_id>"


@options.post("/plans/<mentee_id>/options")
@acting
@appends
@options.arguments(OptionSchema)
@options.response(200, ReceiptSchema)
def add_option(body: dict[str, Any], mentee_id: str) -> Rendered:
    """Record an option to research; `item_id` is its id."""
    return written(get_tracker().add_option(mentee_id, **body, **write_context()))


@options.post(f"{OPTION_PATH}/research")
@acting
@appends
@options.arguments(ResearchSchema)
@options.response(200, ReceiptSchema)
def research_option(body: dict[str, Any], mentee_id: str, option_id: UUID) -> Rendered:
    """Record research on an option, keeping facts apart from opinions."""
    tracker = get_tracker()
    return written(tracker.research_option(mentee_id, str(option_id), **body, **write_context()))


@options.post(f"{OPTION_PATH}/shortlist")
@acting
@overwrites
@options.arguments(NoBodySchema, required=False)
@options.response(200, ReceiptSchema)
def shortlist_option(_: dict[str, Any], mentee_id: str, option_id: UUID) -> Rendered:
    """Shortlist an option: it fits the ideal occupation."""
    tracker = get_tracker()
    return written(tracker.shortlist_option(mentee_id, str(option_id), **write_context()))


@options.post(f"{OPTION_PATH}/discard")
@acting
@overwrites
@options.arguments(ReasonSchema)
@options.response(200, ReceiptSchema)
def discard_option(body: dict[str, Any], mentee_id: str, option_id: UUID) -> Rendered:
    """Discard an option, saying why."""
    tracker = get_tracker()
    return written(tracker.discard_option(mentee_id, str(option_id), **body, **write_context()))
