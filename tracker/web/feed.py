"""The integrators' feed over HTTP: the event log as CloudEvents, one stream's events, the
live tail (Server-Sent Events) and the JSON Schemas of event data.

Every feed route goes through `feed_access`, the one door to the feed: the reader must be
authenticated with a token that has the `read:events` scope (granted by an operator; a
signed-in session never has it), and private text is withheld from all but its author.
Pages differ by reader, so they are cached privately, never by shared caches. See
docs/integrators.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any

from flask import Response, current_app, request, stream_with_context, url_for
from marshmallow import Schema, ValidationError, fields, validate, validates
from webargs.fields import DelimitedList
from werkzeug.exceptions import BadRequest

from projections.feed_index import VIEW as FEED_INDEX
from tracker.access import Operation
from tracker.errors import NotFound
from tracker.feed.catalogue import known_types, topics_for_types
from tracker.feed.cloudevents import BATCH_CONTENT_TYPE, feed_source
from tracker.feed.page_cache import DEFAULT_MAX_BYTES, CachedPage, PageCache
from tracker.feed.reader import MAX_LIMIT, FeedQuery, FeedReader
from tracker.feed.schemas import event_schemas, schema_id
from tracker.feed.sse import CONTENT_TYPE as SSE_CONTENT_TYPE
from tracker.feed.sse import TailSettings, parse_last_event_id, tail
from tracker.web.actor import acting, acting_user
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker
from tracker.web.read_models import get_projections
from tracker.web.schemas.common import identifier

EXTENSION = "feed_reader"
PAGE_CACHE = "feed_page_cache"
MAX_WAIT = 30
FULL_PAGE_MAX_AGE = 86_400
_opening = threading.Lock()

feed = ApiBlueprint(
    "feed", __name__, description="The event feed for integrators, as CloudEvents 1.0."
)


def feed_access(view: Callable[..., Any]) -> Callable[..., Any]:
    """The door to every feed route: a reader whose token has the `read:events` scope."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        get_tracker().authorize(Operation.READ_EVENTS)
        return view(*args, **kwargs)

    return acting(guarded)


def get_reader() -> FeedReader:
    """This web app's feed reader (made on first use, shared by its threads)."""
    extensions = current_app.extensions
    with _opening:
        if EXTENSION not in extensions:
            projections = get_projections()
            extensions[EXTENSION] = FeedReader(
                get_tracker(), lambda position: projections.fresh(FEED_INDEX, position),
                feed_source(),
            )  # fmt: skip
    reader: FeedReader = extensions[EXTENSION]
    return reader


def get_page_cache() -> PageCache:
    """This web app's cache of rendered full pages (tracker.feed.page_cache), emptied when
    a key is erased; FEED_PAGE_CACHE_MIB in config or TRACKER_FEED_PAGE_CACHE_MIB in the
    environment sizes it (0: off)."""
    extensions = current_app.extensions
    with _opening:
        if PAGE_CACHE not in extensions:
            keyring = get_tracker().shredding.keyring
            mib = _setting("FEED_PAGE_CACHE_MIB", DEFAULT_MAX_BYTES / 2**20)
            cache = PageCache(int(mib * 2**20), check=keyring.refresh_if_due)
            keyring.on_erasure(cache.clear)
            extensions[PAGE_CACHE] = cache
    page_cache: PageCache = extensions[PAGE_CACHE]
    return page_cache


def _setting(name: str, default: float) -> float:
    value = current_app.config.get(name)
    if value is None or value == "":
        value = os.environ.get(f"TRACKER_{name}")
    return float(value) if value not in (None, "") else default


def tail_settings() -> TailSettings:
    """The live tail's pacing: config FEED_HEARTBEAT_SECONDS and FEED_STREAM_SECONDS, or
    the same names prefixed with TRACKER_ in the environment."""

    return TailSettings(
        heartbeat=_setting("FEED_HEARTBEAT_SECONDS", 15.0),
        lifetime=_setting("FEED_STREAM_SECONDS", 300.0),
    )


class FilterArgs(Schema):
    type = DelimitedList(
        fields.String(),
        metadata={"description": "Only these event types, comma-separated (with or without .vN)."},
    )
    mentee = identifier(metadata={"description": "Only events of this mentee's streams."})

    @validates("type")
    def _known(self, value: list[str], **kwargs: Any) -> None:
        try:
            topics_for_types(value)
        except KeyError as unknown:
            raise ValidationError(
                f"Unknown event type {unknown}; see /api/v1/event-schemas."
            ) from None


class EventsArgs(FilterArgs):
    after = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=2**63 - 1),
        metadata={"description": "Continue after this position (0: from the beginning)."},
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_LIMIT))
    wait = fields.Float(
        load_default=0,
        validate=validate.Range(min=0, max=MAX_WAIT),
        metadata={"description": f"Wait up to this many seconds for news (at most {MAX_WAIT})."},
    )


class TailArgs(FilterArgs):
    after = fields.Integer(
        validate=validate.Range(min=0, max=2**63 - 1),
        metadata={"description": "Start after this position; Last-Event-ID overrides it."},
    )


class StreamArgs(Schema):
    from_version = fields.Integer(
        validate=validate.Range(min=1, max=2**63 - 1),
        metadata={"description": "First version to return (default: the first, or the last)."},
    )
    direction = fields.String(
        load_default="forward", validate=validate.OneOf(["forward", "backward"])
    )
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_LIMIT))


@dataclass(frozen=True)
class Batch:
    """A page of events and where the next one is."""

    events: list[dict[str, Any]]
    next_url: str | None
    members: dict[str, Any]


def batch_mimetype() -> str:
    """The batch's media type for this request: the CloudEvents batch unless the client
    prefers plain JSON."""
    best = request.accept_mimetypes.best_match(
        [BATCH_CONTENT_TYPE, "application/json"], default=BATCH_CONTENT_TYPE
    )
    return best or BATCH_CONTENT_TYPE


def encode_batch(
    batch: Batch, mimetype: str, private_authors: frozenset[str] = frozenset()
) -> CachedPage:
    """The batch's body in `mimetype`: a JSON array of CloudEvents (`next` goes in the Link
    header), or, for application/json, an object with `events` and `next`."""
    body: Any = batch.events
    if mimetype == "application/json":
        body = {"events": batch.events, "next": batch.next_url, **batch.members}
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    etag = hashlib.sha256(data).hexdigest()[:32]
    return CachedPage(data, etag, mimetype, batch.next_url, private_authors)


def respond(page: CachedPage, cacheable: bool) -> Response:
    """The encoded page as a response with its entity tag, Link and caching headers."""
    response = Response(page.body, mimetype=page.mimetype)
    response.set_etag(page.etag)
    response.vary.update(("Accept", "Authorization"))
    if page.next_url is not None:
        response.headers["Link"] = f'<{page.next_url}>; rel="next"'
    if cacheable:
        # private: what a page shows depends on its reader (their own private notes).
        response.headers["Cache-Control"] = f"private, max-age={FULL_PAGE_MAX_AGE}, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    response.make_conditional(request)  # 304 when If-None-Match names this page
    return response


def render_batch(batch: Batch, cacheable: bool) -> Response:
    """The batch as this request prefers it (see `encode_batch`)."""
    return respond(encode_batch(batch, batch_mimetype()), cacheable)


def _filters(args: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if args.get("type"):
        found["type"] = ",".join(args["type"])
    if args.get("mentee"):
        found["mentee"] = args["mentee"]
    return found


@feed.get("/events")
@feed_access
@feed.arguments(EventsArgs, location="query")
@feed.response(200, content_type=BATCH_CONTENT_TYPE)
def events(args: dict[str, Any]) -> Response:
    """Events in log order as CloudEvents, after a position; follow `next` for more.

    A page holding `limit` events never changes and is cached (`immutable`); a shorter one
    is the end of the log for now: ask again from `next` (or pass `wait`). Private text is
    withheld (null) unless the reader wrote it.
    """
    query = FeedQuery(
        after=args["after"], limit=args["limit"], types=tuple(args.get("type") or ()),
        mentee=args.get("mentee"), reader_id=acting_user(),
    )  # fmt: skip
    mimetype, cache = batch_mimetype(), get_page_cache()
    shared, own = (replace(query, reader_id=None), mimetype), (query, mimetype)
    cached = cache.get(shared)
    if cached is None or query.reader_id in cached.private_authors:
        cached = cache.get(own)
    if cached is not None:
        return respond(cached, cacheable=True)
    generation = cache.generation
    page = get_reader().wait_for_page(query, args["wait"])
    next_url = url_for("feed.events", after=page.next_after, limit=query.limit, **_filters(args))
    members = {"next_after": page.next_after, "full": page.full}
    encoded = encode_batch(Batch(page.events, next_url, members), mimetype, page.private_authors)
    if page.full:
        # Read by one of its private texts' authors, the page is hers alone.
        mine = query.reader_id in page.private_authors
        cache.put(own if mine else shared, encoded, generation)
    return respond(encoded, cacheable=page.full)


@feed.get("/events/stream")
@feed_access
@feed.arguments(TailArgs, location="query")
@feed.response(200, content_type=SSE_CONTENT_TYPE)
@feed.alt_response(400, response="BAD_REQUEST")
def live_tail(args: dict[str, Any]) -> Response:
    """The live tail: events as Server-Sent Events, then new ones as they are written.

    Resumes after the position in `Last-Event-ID` (or `after`); sends `: keep-alive`
    comments while quiet; ends after a few minutes, and the client reconnects.
    """
    try:
        resume = parse_last_event_id(request.headers.get("Last-Event-ID"))
    except ValueError as error:
        raise BadRequest(str(error)) from None
    after = resume if resume is not None else args.get("after", 0)
    query = FeedQuery(
        after=after, types=tuple(args.get("type") or ()), mentee=args.get("mentee"),
        reader_id=acting_user(),
    )  # fmt: skip
    stream = tail(get_reader(), query, tail_settings())
    response = Response(stream_with_context(stream), mimetype=SSE_CONTENT_TYPE)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


@feed.get("/streams/<stream_id>/events")
@feed_access
@feed.arguments(StreamArgs, location="query")
@feed.response(200, content_type=BATCH_CONTENT_TYPE)
@feed.alt_response(404, response="NOT_FOUND")
def stream_events(args: dict[str, Any], stream_id: str) -> Response:
    """One stream's events (a plan, goal, mentorship, proposal or check-in), forward or
    backward from a version; `next` continues in the same direction."""
    backward = args["direction"] == "backward"
    page = get_reader().stream_page(
        stream_id, from_version=args.get("from_version"), backward=backward,
        limit=args["limit"], reader_id=acting_user(),
    )  # fmt: skip
    next_url = None
    if page.next_version is not None:
        next_url = url_for(
            "feed.stream_events", stream_id=stream_id, from_version=page.next_version,
            direction=args["direction"], limit=args["limit"],
        )  # fmt: skip
    return render_batch(Batch(page.events, next_url, {}), cacheable=False)


@feed.get("/event-schemas")
@feed.response(200)
def schema_index() -> dict[str, Any]:
    """Every event type with the link to the JSON Schema of its `data`."""
    schemas = event_schemas()
    current = set(known_types())
    return {
        "schemas": [
            {
                "type": type_name,
                "current": type_name in current,
                "id": schema_id(type_name),
                "href": url_for("feed.event_schema", type_name=type_name),
                "description": schema.get("description", ""),
            }
            for type_name, schema in sorted(schemas.by_type.items())
        ]
    }


@feed.get("/event-schemas/<type_name>")
@feed.response(200, content_type="application/schema+json")
@feed.alt_response(404, response="NOT_FOUND")
def event_schema(type_name: str) -> Response:
    """The JSON Schema (2020-12) of the `data` of one event type and version."""
    schema = event_schemas().get(type_name)
    if schema is None:
        raise NotFound("event schema", type_name)
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    response = Response(text, mimetype="application/schema+json")
    response.headers["Cache-Control"] = f"public, max-age={FULL_PAGE_MAX_AGE}"
    return response
