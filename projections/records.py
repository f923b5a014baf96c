"""The backend-neutral, JSON-safe form of a stored domain event that every read model consumes.

Projections never hold aggregates: they see `EventRecord`s, whose `data` holds only JSON
values (dates as ISO strings, enums as their values), so that the same record can be kept in
a view, replayed, compared and exported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import cached_property
from typing import Any
from uuid import UUID

ENVELOPE = ("originator_id", "originator_version", "timestamp", "originator_topic", "actor_id")


# Values of these exact types are JSON already (subclasses, e.g. str enums, are not).
_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})
_ENVELOPE = frozenset(ENVELOPE)


def jsonable(value: Any) -> Any:
    """Dates to ISO strings, enums to values, UUIDs to str, recursively.

    Containers are always copied, so the result shares no dict or list with `value`.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        # The common case first (decoded event state): exact dicts with str keys.
        return {
            (k if type(k) is str else str(k)): (v if type(v) in _PLAIN else jsonable(v))
            for k, v in value.items()
        }
    if kind is list:
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class EventRecord:
    """One event as read models see it: where it stands, what it is, who did it, its data."""

    position: int
    stream_id: str
    version: int
    type: str
    at: datetime
    actor_id: str
    data: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def at_iso(self) -> str:
        """`at.isoformat()`, worked out once: several views write it for each event."""
        return self.at.isoformat()

    @property
    def aggregate(self) -> str:
        """'Goal' for 'Goal.Revised'."""
        return self.type.split(".", 1)[0]

    @property
    def name(self) -> str:
        """'Revised' for 'Goal.Revised'."""
        return self.type.rsplit(".", 1)[-1]


def new_record(
    position: int, stream_id: str, version: int, type_: str, at: datetime, actor_id: str,
    data: dict[str, Any],
) -> EventRecord:  # fmt: skip
    """`EventRecord(position, stream_id, version, type_, at, actor_id, data)`, the same
    record, built by setting its attribute dict at once: the frozen dataclass's `__init__`
    sets each field through `object.__setattr__`, the larger part of a record's cost on a
    catch-up's hot path. The fields are taken as given (no conversion either way)."""
    record = _new(EventRecord)
    _set(record, "__dict__", {
        "position": position, "stream_id": stream_id, "version": version, "type": type_,
        "at": at, "actor_id": actor_id, "data": data,
    })  # fmt: skip
    return record


_new = object.__new__
_set = object.__setattr__


def to_record(domain_event: Any, position: int) -> EventRecord:
    """Turn a domain event read from the store into an EventRecord.

    The record's data shares no container with the event: each caller gets its own.
    """
    attributes = vars(domain_event)
    return EventRecord(
        position=position,
        stream_id=str(domain_event.originator_id),
        version=int(domain_event.originator_version),
        type=type(domain_event).__qualname__,
        at=domain_event.timestamp,
        actor_id=str(attributes.get("actor_id", "")),
        data={
            k: (v if type(v) in _PLAIN else jsonable(v))
            for k, v in attributes.items()
            if k not in _ENVELOPE
        },
    )
