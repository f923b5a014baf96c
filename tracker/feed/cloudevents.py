"""One stored event as a CloudEvent 1.0 (JSON format), with private text withheld.

    {"specversion": "1.0", "id": "<stream id>/<version>", "source": ..., "type":
     "org.tracker.goal.revised.v1", "subject": "<mentee id>", "time": "...", "sequence":
     "0000000000000000042", "datacontenttype": "application/json", "dataschema": ...,
     "actorid": "<who did it>", "data": {...}}

`sequence` is the event's position in the log (its notification id), zero-padded to 19
digits as the CloudEvents sequence extension wants a string whose order is the events'
order; `int(sequence)` gives the position back. `data` holds JSON values only (dates as ISO
strings, enums as their values), and fits the schema named by `dataschema`.

Privacy: a private reflection or a private check-in note keeps its place in the feed (same
id, sequence and version, so every stream stays complete), but its text is null unless the
reader wrote it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from projections.records import EventRecord
from tracker.feed.schemas import schema_id

SPEC_VERSION = "1.0"
BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
DATA_CONTENT_TYPE = "application/json"
DEFAULT_SOURCE = "tag:mentoring-tracker,2025:tracker"
SOURCE_ENV = "TRACKER_FEED_SOURCE"
SEQUENCE_DIGITS = 19  # 2**63 - 1, the largest position, has 19 digits

# Which record types hold private text, and in which fields.
PRIVATE_TEXT_FIELDS: Mapping[str, tuple[str, ...]] = {
    "Plan.Reflected": ("text",),
    "CheckIn.NoteWritten": ("text",),
}


def feed_source() -> str:
    """The CloudEvents `source` of this installation (TRACKER_FEED_SOURCE to name it)."""
    return os.environ.get(SOURCE_ENV) or DEFAULT_SOURCE


def sequence(position: int) -> str:
    """A position as the CloudEvents `sequence` string (ordered as text and as numbers)."""
    return f"{position:0{SEQUENCE_DIGITS}d}"


def is_private(record_type: str, data: Mapping[str, Any]) -> bool:
    """Whether an event holds text only its author may read."""
    return record_type in PRIVATE_TEXT_FIELDS and bool(data.get("private"))


def withheld(
    record_type: str, data: dict[str, Any], author_id: str, reader_id: str | None
) -> dict[str, Any]:
    """`data` with private text set to null unless `reader_id` is its author."""
    if not is_private(record_type, data) or (reader_id is not None and reader_id == author_id):
        return data
    return {**data, **dict.fromkeys(PRIVATE_TEXT_FIELDS[record_type])}


def to_cloudevent(
    record: EventRecord,
    *,
    type_name: str,
    subject: str | None,
    reader_id: str | None,
    source: str,
) -> dict[str, Any]:
    """The CloudEvent of one record, as the reader may see it."""
    event: dict[str, Any] = {
        "specversion": SPEC_VERSION,
        "id": f"{record.stream_id}/{record.version}",
        "source": source,
        "type": type_name,
        **({} if subject is None else {"subject": subject}),
        "time": record.at.isoformat(),
        "sequence": sequence(record.position),
        "datacontenttype": DATA_CONTENT_TYPE,
        "dataschema": schema_id(type_name),
        "actorid": record.actor_id,
        "data": withheld(record.type, record.data, record.actor_id, reader_id),
    }
    return event
