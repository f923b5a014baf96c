"""`tracker export`: the event store (or one mentee's streams) as NDJSON with a manifest.

The file has one JSON object per line:

1. a header: {"format": "tracker-export", "format_version": 1, "exported_at", "source",
   "mentee" (null for the whole store), "private_text": "withheld" | "included" |
   "withheld except by <reader>"};
2. one line per event, in log order: {"position", "stream_id", "version", "type", "topic",
   "state"}, where `state` is the event's attributes (time, actor, data) in the store's own
   JSON encoding, with text in the clear (erased text reads "[erased]": it stays erased);
3. the manifest: {"manifest": {"events", "streams", "by_type", "first_position",
   "last_position", "private_texts_withheld", "sha256"}}, `sha256` being the hash of every
   byte before the manifest line.

Events are read a page at a time and written as they come, so memory stays flat whatever
the store's size: even the keys and stream owners that reading learns are forgotten every
`WINDOW` events (`WindowedMapper`), instead of piling up in the application's caches.
Private reflections and notes keep their place with their text null, unless the export
includes private text or the reader named wrote them.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification

from projections.store import ViewStore
from tracker.erasure import KeyRing, ShreddingMapper
from tracker.feed.catalogue import type_for_topic
from tracker.feed.cloudevents import PRIVATE_TEXT_FIELDS, feed_source, is_private
from tracker.feed.reader import mentee_notifications

FORMAT = "tracker-export"
FORMAT_VERSION = 1
PAGE_SIZE = 500
WINDOW = 10_000  # events per mapper: what it remembers (keys, stream owners) stays bounded
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ExportScope:
    """What to export, and whose private text may go with it."""

    mentee: str | None = None
    reader_id: str | None = None
    include_private: bool = False

    def private_text(self) -> str:
        """How the header describes private text."""
        if self.include_private:
            return "included"
        return f"withheld except by {self.reader_id}" if self.reader_id else "withheld"

    def may_read(self, author_id: str) -> bool:
        """Whether private text by `author_id` goes in the export."""
        return self.include_private or (self.reader_id is not None and author_id == self.reader_id)


@dataclass
class Manifest:
    """Counts and the hash of an export, as its last line states them."""

    events: int = 0
    streams: int = 0
    by_type: Counter[str] = field(default_factory=Counter)
    first_position: int | None = None
    last_position: int | None = None
    private_texts_withheld: int = 0
    sha256: str = ""

    def as_json(self) -> dict[str, Any]:
        """The manifest line's content."""
        return {
            "events": self.events,
            "streams": self.streams,
            "by_type": dict(sorted(self.by_type.items())),
            "first_position": self.first_position,
            "last_position": self.last_position,
            "private_texts_withheld": self.private_texts_withheld,
            "sha256": self.sha256,
        }


def plain_mapper(app: Application[Any]) -> Mapper[Any]:
    """A mapper with the application's transcodings but no encryption: text in the clear."""
    return Mapper(transcoder=app.mapper.transcoder)


class WindowedMapper:
    """The application's mapper for one long pass over the log (an export, an import),
    remade every `WINDOW` events so that the data keys and stream owners it learns (one per
    mentee, one per stream) never hold more than a window's worth, whatever the store's size.

    Each new mapper works as the application's does (same transcoder, encryption setting and
    key table) but with a key ring of its own, and finds a stream's owner (needed to seal
    text) from the stream's first event, decoded without opening any text. The caller says
    when events are done (`done`), after they are written: a new mapper must find the
    owners of streams begun earlier in the store.
    """

    def __init__(self, app: Application[Any], window: int | None = None) -> None:
        self.app = app
        self.window = WINDOW if window is None else window
        own = app.mapper  # reads events as stored, without opening text (owners are plain)
        self._unopened: Mapper[Any] = Mapper(
            own.transcoder, compressor=own.compressor, cipher=own.cipher
        )
        self.mapper = self._fresh()
        self._done = 0

    def done(self, events: int) -> None:
        """`events` more are read or written; past the window, the next use a new mapper."""
        self._done += events
        if self._done >= self.window:
            self.mapper = self._fresh()
            self._done = 0

    def _fresh(self) -> Mapper[Any]:
        mapper = self.app.mapper
        if not isinstance(mapper, ShreddingMapper):
            return mapper  # remembers nothing per stream
        ring = mapper.keyring
        keyring = KeyRing(ring.tables, clock=ring.clock, recheck_seconds=ring.recheck_seconds)
        return ShreddingMapper(
            mapper.transcoder, mapper.compressor, mapper.cipher, keyring=keyring,
            encrypt=mapper.encrypt, find_owner=self._first_event_owner,
        )  # fmt: skip

    def _first_event_owner(self, stream_id: UUID) -> str | None:
        stored = self.app.recorder.select_events(stream_id, lte=1, limit=1)
        if not stored:
            return None
        owner = vars(self._unopened.to_domain_event(stored[0])).get("mentee_id")
        return owner if isinstance(owner, str) else None


def dump_line(obj: Any) -> bytes:
    """One NDJSON line."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class Exporter:
    """Writes one export; `run` returns its manifest."""

    def __init__(self, app: Application[Any], scope: ExportScope, index: ViewStore | None):
        if scope.mentee is not None and index is None:
            raise ValueError("A mentee's export needs the feed index")
        self.app = app
        self.scope = scope
        self.index = index
        self.plain = plain_mapper(app)
        self.reading = WindowedMapper(app)
        self.manifest = Manifest()
        self._hash = hashlib.sha256()

    def run(self, out: BinaryIO, progress: Progress | None = None) -> Manifest:
        """Write header, events and manifest to `out`."""
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": datetime.now(tz=UTC).isoformat(),
            "source": feed_source(),
            "mentee": self.scope.mentee,
            "private_text": self.scope.private_text(),
        }
        self._write(out, dump_line(header))
        for page in self._pages():
            for notification in page:
                self._write(out, dump_line(self.line(notification)))
            self.reading.done(len(page))
            if progress is not None:
                progress(page[-1].id)
        self.manifest.sha256 = self._hash.hexdigest()
        out.write(dump_line({"manifest": self.manifest.as_json()}))
        return self.manifest

    def line(self, notification: Notification) -> dict[str, Any]:
        """The export line of one event (counted in the manifest)."""
        event = self.reading.mapper.to_domain_event(notification)  # opened, upcast
        event = self._without_private_text(event)
        stored = self.plain.to_stored_event(event)
        type_name = type_for_topic(notification.topic, type(event))
        manifest = self.manifest
        manifest.events += 1
        manifest.streams += notification.originator_version == 1
        manifest.by_type[type_name] += 1
        manifest.first_position = manifest.first_position or notification.id
        manifest.last_position = notification.id
        return {
            "position": notification.id,
            "stream_id": str(notification.originator_id),
            "version": notification.originator_version,
            "type": type_name,
            "topic": stored.topic,
            "state": json.loads(stored.state),
        }

    def _without_private_text(self, event: Any) -> Any:
        state = vars(event)
        record_type = type(event).__qualname__
        if not is_private(record_type, state) or self.scope.may_read(str(state.get("actor_id"))):
            return event
        self.manifest.private_texts_withheld += 1
        copy = object.__new__(type(event))
        hidden = dict.fromkeys(PRIVATE_TEXT_FIELDS[record_type])
        object.__setattr__(copy, "__dict__", {**state, **hidden})
        return copy

    def _pages(self) -> Iterator[list[Notification]]:
        after = 0
        head = self.app.recorder.max_notification_id() or 0
        while True:
            if self.scope.mentee is None:
                page = list(
                    self.app.recorder.select_notifications(
                        start=after, limit=PAGE_SIZE, stop=head, inclusive_of_start=False
                    )
                )
            else:
                assert self.index is not None
                page = mentee_notifications(
                    self.app, self.index, self.scope.mentee, after=after, limit=PAGE_SIZE,
                    upto=head,
                )  # fmt: skip
            if not page:
                return
            yield page
            after = page[-1].id

    def _write(self, out: BinaryIO, line: bytes) -> None:
        self._hash.update(line)
        out.write(line)
