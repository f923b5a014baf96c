"""Read models in the JSON API: a mentee's plan timeline and its growth series.

Every read asks the access policy first (`plan_access`): who may not know the plan exists
gets the same 404 as for a plan that does not; a supporter she shares only parts with is
refused (403) views of the whole plan. Reads are fresh: each waits (at most
`tracker.projecting.READ_TIMEOUT` seconds, for the projector or catching up inline: see
`Projections.fresh`) until the view holds every event written before the request, so a
client sees its own writes; past the timeout it gets a 503 problem with Retry-After. The
views and, unless TRACKER_PROJECTOR=off, the background projector start with the first read.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, time
from typing import Any

from flask import Flask, Response, current_app
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from projections.growth import PERIODS, growth_for
from projections.store import ViewStore
from projections.timeline import KINDS, VIEW, TimelineItem
from tracker.access import AccessDenied, Operation, Resource, signed_in
from tracker.errors import NotFound
from tracker.projecting import Projections, projector_mode
from tracker.services.timeline_pages import TimelinePage, timeline_items_page
from tracker.services.visibility import Visibility
from tracker.settings import Settings
from tracker.web.actor import acting, acting_user
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import EXTENSION as TRACKER
from tracker.web.context import get_tracker
from tracker.web.encoding import json_text, spliced_object
from tracker.web.pagination import NumberedPageQuery, Page, link_headers, paged_json
from tracker.web.schemas.timeline import TimelinePageSchema

EXTENSION = "projections"
_opening = threading.Lock()

read_models = ApiBlueprint(
    "read_models", __name__, description="How a mentee's plan changed and grew over time."
)


class Moment(fields.Field):  # type: ignore[type-arg]
    """A date (its midnight, UTC) or an ISO date-time (UTC when no offset is given)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        try:
            if isinstance(value, str) and len(value) == 10:
                return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError("Give a date (2025-03-01) or a date-time.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class RangeQuery(Schema):
    since = Moment(metadata={"description": "From this date or time on (included)."})
    until = Moment(metadata={"description": "Before this date or time (excluded)."})

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "since" in data and "until" in data and data["since"] >= data["until"]:
            raise ValidationError("Must be later than `since`.", field_name="until")


class TimelineQuery(RangeQuery, NumberedPageQuery):
    kind = DelimitedList(
        fields.String(validate=validate.OneOf(KINDS)),
        metadata={"description": f"Only these kinds, comma-separated: {', '.join(KINDS)}."},
    )


class GrowthQuery(RangeQuery):
    period = fields.String(load_default="week", validate=validate.OneOf(PERIODS))


def plan_access(
    mentee_id: str,
    part: str | None = None,
    operation: Operation = Operation.READ_PLAN,
    *,
    missing: NotFound | None = None,
    mentorship_id: str | None = None,
) -> frozenset[str] | None:
    """Refuse a reader who may not read the mentee's plan (or `part` of it, or `operation`
    on it): `missing` (by default NotFound for her plan) if she may not even know it exists,
    else AccessDenied. Returns the parts of the plan shown to her (None: all)."""
    access = get_tracker().access
    if access is None:
        return None
    resource = Resource(mentee_id, mentorship_id=mentorship_id, part=part)
    decision = access.decide(signed_in(), operation, resource)
    if decision.hidden:
        raise missing or NotFound("plan", mentee_id)
    if not decision.allowed:
        raise AccessDenied(decision.reason)
    return access.visible_parts(mentee_id)


def whole_plan_access(mentee_id: str) -> None:
    """Views of the whole plan and its history are for her and her active mentors only."""
    if plan_access(mentee_id) is not None:
        raise AccessDenied(
            "She shares only parts of her plan with you: its history is for her and her mentors."
        )


def get_projections() -> Projections:
    """The read models of this web app, opened (and their projector started) on first use."""
    return projections_of(current_app)


def projections_of(app: Flask) -> Projections:
    """The read models of `app`, opened (and their projector started) on first use."""
    extensions = app.extensions
    with _opening:
        if EXTENSION not in extensions:
            settings = replace(
                Settings.from_env(),
                database_url=app.config["TRACKER_DATABASE_URL"],
                extra_env=dict(app.config.get("TRACKER_EVENTSOURCING_ENV") or {}),
            )
            projections = Projections(app.extensions[TRACKER], settings)
            if projector_mode(settings) == "thread":
                projections.start_projector()
            extensions[EXTENSION] = projections
    projections_: Projections = extensions[EXTENSION]
    return projections_


@read_models.get("/plans/<mentee_id>/timeline")
@acting
@read_models.arguments(TimelineQuery, location="query")
@read_models.response(200, TimelinePageSchema, headers=link_headers())
@read_models.alt_response(404, response="NOT_FOUND")
def timeline(query: dict[str, Any], mentee_id: str) -> Response:
    """Every change to the mentee's plan in order: what, which part, who, when and why.

    Pages of `limit` entries (`items`); pass `next_cursor` back as `cursor`, or follow the
    Link header, for the next page. Private reflections and notes appear only to their
    author; a mentor sees his own mentorship and check-ins, not those with her other
    mentors, and their proposals only once she accepted them. Pages are full: entries a
    reader does not see are skipped, not counted.
    """
    whole_plan_access(mentee_id)
    projections = get_projections()
    seen = visibility_for(mentee_id, acting_user())

    def read(store: ViewStore) -> TimelinePage:
        if not projections.plan_started(mentee_id, store):
            raise NotFound("plan", mentee_id)
        return timeline_items_page(
            store, seen, kinds=query.get("kind"), since=query.get("since"),
            until=query.get("until"), after=query.get("cursor"), limit=query["limit"],
        )  # fmt: skip

    # On PostgreSQL the log's head and the view's position come with the page (read_fresh).
    found = projections.read_fresh(VIEW, read)
    # The entries were checked when the view stored them: passed on as text (see schema).
    items = [timeline_item_json(item) for item in found.items]
    return paged_json(Page(items, found.next_after), mentee_id=mentee_id)


def timeline_item_json(item: TimelineItem) -> str:
    """One timeline item as JSON text, its stored document spliced in (TimelineItemSchema)."""
    # An ISO date-time is digits, "-", ":", ".", "+" and "T": its JSON is itself in quotes.
    at = item.at.isoformat()
    head = f'"position":{int(item.position)},"at":"{at}","kind":{_kind_json(item.kind)}'
    return spliced_object(head, item.text, '"private":true' if item.private else '"private":false')


_KINDS_JSON = {kind: json_text(kind) for kind in KINDS}


def _kind_json(kind: str) -> str:
    """An entry's kind as JSON text (the known kinds encoded once)."""
    known = _KINDS_JSON.get(kind)
    return json_text(kind) if known is None else known


def visibility_for(mentee_id: str, viewer_id: str) -> Visibility:
    """What the reader sees of the mentee's records (tracker.services.visibility)."""
    return Visibility(mentee_id, viewer_id, get_projections().fresh)


@read_models.get("/plans/<mentee_id>/growth")
@acting
@read_models.arguments(GrowthQuery, location="query")
@read_models.response(200)
@read_models.alt_response(404, response="NOT_FOUND")
def growth(query: dict[str, Any], mentee_id: str) -> dict[str, Any]:
    """How the plan grew, one point per week or month: goals by status, milestones planned,
    met and slipped, achievements, check-ins held, and each section's size in words."""
    whole_plan_access(mentee_id)
    projections = get_projections()
    store = projections.fresh(VIEW)
    if not projections.plan_started(mentee_id, store):
        raise NotFound("plan", mentee_id)
    try:
        return growth_for(
            store, mentee_id, query["period"], since=query.get("since"), until=query.get("until")
        )
    except ValueError as error:  # too many points for the range asked
        abort(422, messages={"query": {"until": [str(error)]}})
        raise  # abort raises; this line only tells mypy so
