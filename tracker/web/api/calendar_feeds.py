"""Calendar subscriptions over JSON: make one (its URL is shown once), list, revoke.

A subscription is a secret URL for calendar apps, which send no Authorization header
(`tracker.accounts.calendar_feeds`). Anyone who may read a mentee's plan may subscribe to
her calendar: she to her own, her mentors to theirs with her. Making one is not idempotent:
a replayed answer would have to keep the secret, which is never stored.
"""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from marshmallow import Schema, fields

from tracker.accounts.calendar_feeds import READ_CALENDAR_SCOPE, CalendarFeed
from tracker.errors import NotFound
from tracker.web.actor import acting, acting_user
from tracker.web.auth import get_accounts
from tracker.web.blueprint import ApiBlueprint
from tracker.web.calendar import subscription_urls
from tracker.web.read_models import plan_access
from tracker.web.schemas.common import identifier

calendar_feeds_api = ApiBlueprint(
    "calendar_feeds",
    __name__,
    description="Your calendar subscriptions: secret URLs for calendar apps.",
)


class NewCalendarFeedSchema(Schema):
    mentee_id = identifier(
        required=True, metadata={"description": "Whose calendar: yours, or a mentee's you read."}
    )


class CalendarFeedSchema(Schema):
    """A subscription as listed: never its secret URL."""

    feed_id = fields.String(required=True)
    mentee_id = fields.String(required=True)
    scope = fields.String(required=True, metadata={"example": READ_CALENDAR_SCOPE})
    created = fields.DateTime(required=True)
    revoked = fields.DateTime(allow_none=True)


class IssuedCalendarFeedSchema(CalendarFeedSchema):
    url = fields.String(
        required=True, metadata={"description": "The https URL: shown this once, store it now."}
    )
    webcal_url = fields.String(
        required=True, metadata={"description": "The same URL as webcal://, for calendar apps."}
    )


class CalendarFeedListSchema(Schema):
    items = fields.List(fields.Nested(CalendarFeedSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


def feed_data(feed: CalendarFeed) -> dict[str, Any]:
    """A subscription as `CalendarFeedSchema` data."""
    return {
        "feed_id": feed.feed_id,
        "mentee_id": feed.mentee_id,
        "scope": READ_CALENDAR_SCOPE,
        "created": feed.created,
        "revoked": feed.revoked,
    }


@calendar_feeds_api.get("/account/calendar-feeds")
@acting
@calendar_feeds_api.response(200, CalendarFeedListSchema)
def list_calendar_feeds() -> dict[str, Any]:
    """Your calendar subscriptions, newest first, revoked ones too (one page:
    `next_cursor` is always null)."""
    feeds = get_accounts().calendar_feeds.list(acting_user())
    return {"items": [feed_data(feed) for feed in feeds], "next_cursor": None}


@calendar_feeds_api.post("/account/calendar-feeds")
@acting
@calendar_feeds_api.arguments(NewCalendarFeedSchema)
@calendar_feeds_api.response(201, IssuedCalendarFeedSchema)
@calendar_feeds_api.alt_response(404, response="NOT_FOUND")
def create_calendar_feed(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A secret URL of the mentee's calendar for your calendar app (in this answer only);
    404 if you may not read her plan."""
    mentee_id = body["mentee_id"]
    plan_access(mentee_id)  # NotFound unless you may read her plan
    issued = get_accounts().calendar_feeds.create(acting_user(), mentee_id)
    answer = {**feed_data(issued.info), **subscription_urls(issued.secret)}
    headers = {
        "Location": url_for("calendar_feeds.list_calendar_feeds"),
        "Cache-Control": "no-store",
    }
    return answer, 201, headers


@calendar_feeds_api.route("/account/calendar-feeds/<feed_id>", methods=["DELETE"])
@acting
@calendar_feeds_api.response(204)
@calendar_feeds_api.alt_response(404, response="NOT_FOUND")
def revoke_calendar_feed(feed_id: str) -> Response:
    """Revoke one of your calendar subscriptions: its URL answers 404 from now on."""
    if not get_accounts().calendar_feeds.revoke(acting_user(), feed_id):
        raise NotFound("calendar subscription", feed_id)
    return Response(status=204)
