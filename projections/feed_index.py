"""The feed index: whose each stream is, and each mentee's events in log order.

The integrators' feed (tracker/feed) filters by mentee and names each event's mentee (its
CloudEvents `subject`), but only the first event of a stream carries `mentee_id`. This view
remembers it, at a cost per event that does not grow with history:

- documents "stream:<stream id>" -> {"mentee_id": ...}, written by the stream's first event;
- entries partition "mentee:<mentee id>", position = the event's notification id, kind = the
  record type ("Goal.Revised"), doc {"stream_id", "version"}: one row per event, so that a
  mentee's events are read a page at a time, optionally of some types only, without
  scanning anyone else's.

It holds no text, so it holds nothing private.
"""

from __future__ import annotations

from collections.abc import Iterable

from projections.records import EventRecord
from projections.store import Entry, ViewProjection, ViewStore, ViewTx

VIEW = "feed_index"
EVENT_ENTRY = "event"


def stream_key(stream_id: str) -> str:
    """The document key of a stream's owner."""
    return f"stream:{stream_id}"


def mentee_partition(mentee_id: str) -> str:
    """The partition of a mentee's events."""
    return f"mentee:{mentee_id}"


class FeedIndexProjection(ViewProjection):
    """Remembers each stream's mentee and lists each mentee's events."""

    name = VIEW

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        if record.version == 1 and record.data.get("mentee_id"):
            mentee_id = str(record.data["mentee_id"])
            tx.put(stream_key(record.stream_id), {"mentee_id": mentee_id})
        else:
            owner = tx.get(stream_key(record.stream_id))
            if owner is None:
                return  # a stream that names no mentee: nobody's to index
            mentee_id = str(owner["mentee_id"])
        doc = {"stream_id": record.stream_id, "version": record.version}
        tx.append(mentee_partition(mentee_id), record.position, record.at, record.type, doc)


def mentee_of(store: ViewStore, stream_id: str) -> str | None:
    """The mentee whose stream this is, or None if the view has not seen it created."""
    owner = store.get(stream_key(stream_id))
    return None if owner is None else str(owner["mentee_id"])


def mentee_events(
    store: ViewStore,
    mentee_id: str,
    *,
    after: int = 0,
    limit: int = 100,
    record_types: Iterable[str] | None = None,
    upto: int | None = None,
) -> list[Entry]:
    """The mentee's events after position `after` (up to `upto`), oldest first.

    Each entry's position is the event's notification id, its kind the record type, its
    doc the stream id and version.
    """
    return store.entries(
        mentee_partition(mentee_id), kinds=record_types, after=after, upto=upto, limit=limit
    )
