"""Reading the feed: pages of the global log and of one stream, as CloudEvents.

Pages follow positions (notification ids), which never change once given: replaying from
0 always gives the same events in the same order. Positions may have gaps (PostgreSQL's
sequence skips the ids of rolled-back writes), so a client continues from the last
position it saw, never from a count. A page holding `limit` events is final: events are
committed in position order, so none can appear later among them.

Filters: by type (stored topics, in the log's own query) and by mentee (the feed index view,
`projections.feed_index`, lists each mentee's positions, so a filtered page costs what its
events cost, however long the log). The mentee of each event (its `subject`) comes from the
stream's first event when it is on the page, else from the view, through a bounded cache:
a stream's mentee never changes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Notification
from eventsourcing.utils import resolve_topic

from projections.decoding import RecordDecoder
from projections.feed_index import mentee_events, mentee_of
from projections.records import EventRecord
from projections.store import ViewStore
from tracker.errors import NotFound
from tracker.feed.catalogue import catalogue, kind_for_topic, topics_for_types, type_for_topic
from tracker.feed.cloudevents import PRIVATE_TEXT_FIELDS, to_cloudevent
from tracker.feed.streams import stream_notifications

MAX_LIMIT = 1000
LAST_VERSION = 2**63 - 1
FreshIndex = Callable[[int], ViewStore]  # the feed index, caught up to a position
_PRIVATE_TYPES = frozenset(
    kind.type for kind in catalogue() if kind.record_type in PRIVATE_TEXT_FIELDS
)


@dataclass(frozen=True)
class FeedQuery:
    """Which events a client asks for, and who reads them."""

    after: int = 0
    limit: int = 100
    types: tuple[str, ...] = ()
    mentee: str | None = None
    reader_id: str | None = None


@dataclass(frozen=True)
class FeedPage:
    """Events after a position; `next_after` continues; a `full` page never changes."""

    events: list[dict[str, Any]]
    next_after: int
    full: bool
    private_authors: frozenset[str] = frozenset()  # readers who would see more of it


@dataclass(frozen=True)
class StreamPage:
    """Events of one stream; `next_version` continues in the same direction (None: done)."""

    events: list[dict[str, Any]]
    next_version: int | None


@dataclass
class _SubjectCache:
    size: int
    known: OrderedDict[str, str] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, stream_id: str) -> str | None:
        with self.lock:
            mentee = self.known.get(stream_id)
            if mentee is not None:
                self.known.move_to_end(stream_id)
            return mentee

    def put(self, stream_id: str, mentee_id: str) -> None:
        with self.lock:
            self.known[stream_id] = mentee_id
            self.known.move_to_end(stream_id)
            while len(self.known) > self.size:
                self.known.popitem(last=False)


class FeedReader:
    """Pages of CloudEvents from one application's log."""

    def __init__(
        self, app: Application[Any], index: FreshIndex, source: str, cache_size: int = 10_000
    ) -> None:
        self.app = app
        self.index = index
        self.source = source
        self._subjects = _SubjectCache(cache_size)
        # Records straight from the stored JSON, as catch-ups read them (upcast if need be).
        self._decoder = RecordDecoder(app.mapper)

    def head(self) -> int:
        """The position of the last event in the log (0 when empty)."""
        return self.app.recorder.max_notification_id() or 0

    def page(self, query: FeedQuery) -> FeedPage:
        """Up to `query.limit` events after `query.after` that pass the filters."""
        notifications: Sequence[Notification]
        if query.mentee is not None:
            head = self.head()
            notifications = mentee_notifications(
                self.app, self.index(head), query.mentee, after=query.after,
                limit=query.limit, types=query.types, upto=head,
            )  # fmt: skip
        else:
            notifications = self.app.recorder.select_notifications(
                start=query.after,
                limit=query.limit,
                topics=topics_for_types(query.types) if query.types else (),
                inclusive_of_start=False,
            )
        events = self.cloudevents(notifications, query.reader_id)
        next_after = notifications[-1].id if notifications else query.after
        authors = frozenset(
            str(event["actorid"]) for event in events if event["type"] in _PRIVATE_TYPES
            and event["data"].get("private")
        )  # fmt: skip
        return FeedPage(events, next_after, len(events) == query.limit, authors)

    def wait_for_page(
        self, query: FeedQuery, seconds: float, stop: threading.Event | None = None
    ) -> FeedPage:
        """The next page, waiting up to `seconds` for an event if there is none yet."""
        deadline = time.monotonic() + seconds
        page = self.page(query)
        seen = self.head()
        delay = 0.05
        while not page.events and time.monotonic() < deadline:
            pause = min(delay, max(deadline - time.monotonic(), 0))
            if stop is not None and stop.wait(pause):
                break
            if stop is None:
                time.sleep(pause)
            delay = min(delay * 2, 0.5)
            head = self.head()
            if head != seen:
                seen = head
                page = self.page(query)
        return page

    def stream_page(
        self,
        stream_id: str,
        *,
        from_version: int | None,
        backward: bool,
        limit: int,
        reader_id: str | None,
    ) -> StreamPage:
        """Events of one stream from a version (default: its first, or last going back)."""
        try:
            ident = UUID(stream_id)
        except ValueError:
            raise NotFound("stream", stream_id) from None
        start = from_version if from_version is not None else (LAST_VERSION if backward else 1)
        notifications = stream_notifications(self.app.recorder, ident, start, backward, limit)
        if not notifications and not self.app.recorder.select_events(ident, limit=1):
            raise NotFound("stream", stream_id)
        next_version = None
        if len(notifications) == limit:
            last = notifications[-1].originator_version
            next_version = last - 1 if backward else last + 1
            next_version = next_version if next_version >= 1 else None
        return StreamPage(self.cloudevents(notifications, reader_id), next_version)

    def records(self, notifications: Sequence[Notification]) -> list[EventRecord]:
        """The notifications as records (upcast to their classes' current versions)."""
        return self._decoder.records(notifications)

    def cloudevents(
        self, notifications: Sequence[Notification], reader_id: str | None
    ) -> list[dict[str, Any]]:
        """The notifications as CloudEvents for `reader_id`."""
        records = self._decoder.records(notifications)
        subjects = self.subjects(records)
        return [
            to_cloudevent(
                record,
                type_name=_type_name(n.topic),
                subject=subjects.get(record.stream_id),
                reader_id=reader_id,
                source=self.source,
            )
            for n, record in zip(notifications, records, strict=True)
        ]

    def subjects(self, records: Sequence[EventRecord]) -> dict[str, str]:
        """The mentee of each record's stream (left out when unknown)."""
        found: dict[str, str] = {}
        for record in records:
            if record.version == 1 and record.data.get("mentee_id"):
                found[record.stream_id] = str(record.data["mentee_id"])
                self._subjects.put(record.stream_id, found[record.stream_id])
        missing = set()
        for record in records:
            if record.stream_id not in found:
                cached = self._subjects.get(record.stream_id)
                if cached is None:
                    missing.add(record.stream_id)
                else:
                    found[record.stream_id] = cached
        if missing:
            store = self.index(max(r.position for r in records))
            for stream_id in sorted(missing):
                mentee = mentee_of(store, stream_id)
                if mentee is not None:
                    found[stream_id] = mentee
                    self._subjects.put(stream_id, mentee)
        return found


def _type_name(topic: str) -> str:
    """The CloudEvents type of a topic; a class outside the catalogue is resolved."""
    if kind_for_topic(topic) is not None:
        return type_for_topic(topic)
    return type_for_topic(topic, resolve_topic(topic))


def mentee_notifications(
    app: Application[Any],
    index: ViewStore,
    mentee_id: str,
    *,
    after: int,
    limit: int,
    types: Sequence[str] = (),
    upto: int | None = None,
) -> list[Notification]:
    """Up to `limit` events of the mentee's streams after `after`, in log order, found
    through the feed index (which must have applied the log up to `upto`)."""
    record_types = None
    if types:
        kinds = (kind_for_topic(topic) for topic in topics_for_types(types))
        record_types = [kind.record_type for kind in kinds if kind is not None]
    entries = mentee_events(
        index, mentee_id, after=after, limit=limit, record_types=record_types, upto=upto
    )
    by_stream: dict[str, list[int]] = {}
    for entry in entries:
        by_stream.setdefault(str(entry.doc["stream_id"]), []).append(int(entry.doc["version"]))
    found: list[Notification] = []
    for stream_id, versions in by_stream.items():
        found += _stream_versions(app, UUID(stream_id), versions)
    return sorted(found, key=lambda n: n.id)


def _stream_versions(
    app: Application[Any], stream_id: UUID, versions: list[int]
) -> list[Notification]:
    """These versions of one stream: one read of their span, or one read each when they
    are sparse (a type filter picks a few versions of a long stream)."""
    span = max(versions) - min(versions) + 1
    recorder = app.recorder
    if span > 2 * len(versions):
        singles = (stream_notifications(recorder, stream_id, v, False, 1) for v in versions)
        return [n for single in singles for n in single]
    wanted = set(versions)
    read = stream_notifications(recorder, stream_id, min(versions), False, span)
    return [n for n in read if n.originator_version in wanted]
