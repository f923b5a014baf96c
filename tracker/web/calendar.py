"""GET /api/v1/plans/<mentee_id>/calendar.ics: the mentee's check-ins, milestones and action
items as an iCalendar feed (RFC 5545), for the calendar people already use.

Calendar apps subscribe to a URL and send no Authorization header: GET
/api/v1/calendars/<secret>.ics answers the same calendar to whoever holds a subscription's
secret (`tracker.accounts.calendar_feeds`, made under /api/v1/account/calendar-feeds or on
the account page), as its subscriber may see it now; an unknown or revoked secret is a 404.

Every item is an all-day event with a stable UID; its SEQUENCE grows when it moves or its
status changes, and a cancelled check-in or dropped milestone stays in the feed with
STATUS:CANCELLED so that calendars remove it. DTSTAMP and LAST-MODIFIED are the time of the
item's last change, so the same history always gives the same bytes: the ETag is their
hash, and a client sending it back in If-None-Match gets 304 Not Modified.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Response, current_app, request, url_for

from projections.calendar import VIEW, calendar_for
from tracker.access import READ_PLAN_SCOPE, Actor, acting_as
from tracker.errors import NotFound
from tracker.web.actor import acting, acting_user
from tracker.web.auth import get_accounts
from tracker.web.blueprint import ApiBlueprint
from tracker.web.read_models import get_projections, plan_access
from tracker.web.versions import conditional

ICALENDAR = "text/calendar"
ICALENDAR_SCHEMA = {"type": "string", "description": "An iCalendar (RFC 5545) document."}
PRODID = "-//Mentoring tracker//Calendar feed 1.0//EN"
UID_DOMAIN = "mentoring-tracker"
CATEGORIES = {"check_in": "Check-in", "milestone": "Milestone", "action_item": "Action item"}
# RFC 5545 3.1: content lines are folded at 75 octets.
LINE_OCTETS = 75
# TEXT may hold no control characters but the tab; newlines are escaped as \n.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

calendar = ApiBlueprint(
    "calendar", __name__, description="A mentee's dates, as a calendar feed (iCalendar)."
)


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped."""
    value = _CONTROL.sub(" ", value.replace("\r\n", "\n").replace("\r", "\n"))
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(raw, escaped)
    return value


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a character."""
    pieces: list[str] = []
    current, size = "", 0
    for char in line:
        octets = len(char.encode())
        limit = LINE_OCTETS if not pieces else LINE_OCTETS - 1  # continuations start with " "
        if size + octets > limit:
            pieces.append(current)
            current, size = "", 0
        current += char
        size += octets
    pieces.append(current)
    return "\r\n ".join(pieces)


def utc_stamp(moment: str) -> str:
    """An ISO date-time as an RFC 5545 UTC DATE-TIME (20250106T090000Z)."""
    return datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def event_lines(entry: dict[str, Any]) -> Iterator[str]:
    """The content lines of one all-day VEVENT (unfolded)."""
    day = date.fromisoformat(entry["date"])
    stamp = utc_stamp(entry["modified"])
    yield "BEGIN:VEVENT"
    yield f"UID:{entry['uid']}@{UID_DOMAIN}"
    yield f"DTSTAMP:{stamp}"
    yield f"DTSTART;VALUE=DATE:{_day(day)}"
    yield f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}"  # the end is exclusive
    yield f"SEQUENCE:{entry['sequence']}"
    yield f"STATUS:{entry['status'].upper()}"
    yield f"SUMMARY:{escape_text(entry['summary'])}"
    yield f"DESCRIPTION:{escape_text(entry['description'])}"
    yield f"CATEGORIES:{escape_text(CATEGORIES[entry['kind']])}"
    yield "TRANSP:TRANSPARENT"  # a reminder, not a busy day
    yield f"CREATED:{utc_stamp(entry['created'])}"
    yield f"LAST-MODIFIED:{stamp}"
    yield "END:VEVENT"


def ics_calendar(found: dict[str, Any]) -> str:
    """The whole VCALENDAR of one mentee's calendar entries, CRLF line ends, folded."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text('Mentoring: ' + found['mentee_id'])}",
    ]
    for entry in found["entries"]:
        lines.extend(event_lines(entry))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


@calendar.get("/plans/<mentee_id>/calendar.ics")
@acting
@conditional
@calendar.response(
    200,
    ICALENDAR_SCHEMA,
    content_type=ICALENDAR,
    description="The calendar; its ETag changes whenever any of its items does.",
)
@calendar.alt_response(404, response="NOT_FOUND")
def plan_calendar(mentee_id: str) -> Response:
    """The mentee's check-ins, milestone due dates and action-item due dates, as iCalendar.

    All-day events with stable UIDs; a moved item keeps its UID with a higher SEQUENCE, a
    cancelled check-in or dropped milestone has STATUS:CANCELLED. Private notes never
    appear; a mentor sees only his own check-ins with her, a supporter only milestones
    (and only if she shares her goals). Send the ETag back in If-None-Match to get 304
    when nothing changed.
    """
    return calendar_answer(mentee_id, acting_user(), vary=("Authorization", "Cookie"))


@calendar.get("/calendars/<secret>.ics")
@conditional
@calendar.response(
    200,
    ICALENDAR_SCHEMA,
    content_type=ICALENDAR,
    description="The subscribed calendar; its ETag changes whenever any of its items does.",
)
@calendar.alt_response(404, response="NOT_FOUND")
def subscribed_calendar(secret: str) -> Response:
    """A calendar subscription: the secret URL made under /account/calendar-feeds, for
    calendar apps (no Authorization header). It reads that one calendar, as its subscriber
    may see it now, and nothing else; 404 once revoked."""
    feed = get_accounts().calendar_feeds.resolve(secret)
    if feed is None:
        raise NotFound("calendar subscription", secret[:8] + "…")
    # The subscriber, with the plan-reading scope only for this one read.
    with acting_as(Actor(feed.user_id, scopes=frozenset({READ_PLAN_SCOPE}))):
        return calendar_answer(feed.mentee_id, feed.user_id, vary=())


def subscription_urls(secret: str) -> dict[str, str]:
    """The https and webcal:// URLs of a subscription's secret."""
    url = url_for("calendar.subscribed_calendar", secret=secret, _external=True)
    return {"url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


def calendar_answer(mentee_id: str, viewer_id: str, vary: tuple[str, ...]) -> Response:
    """The mentee's calendar as `viewer_id` may see it (the policy asks the acting user)."""
    parts = plan_access(mentee_id)
    store = get_projections().fresh(VIEW)
    found = calendar_for(store, mentee_id, viewer_id, milestones=parts is None or "goals" in parts)
    if found is None:
        raise NotFound("plan", mentee_id)
    body = ics_calendar(found).encode()
    response = current_app.response_class(body, content_type=f"{ICALENDAR}; charset=utf-8")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    # What it holds depends on who reads it: private caches only, and ask before reusing.
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.update(vary)
    response.make_conditional(request)  # 304 when If-None-Match holds the ETag
    return response
