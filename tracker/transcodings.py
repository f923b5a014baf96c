"""JSON transcodings for the values our events carry: dates and enums (never pickles).

Domain enums are plain Enums (not str subclasses) so that the JSON encoder hands them to
these transcodings and they come back as enum members, in events and in snapshots alike.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from eventsourcing.persistence import JSONTranscoder, Transcoding

from domain import values


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def enum_transcoding(enum_class: type[Enum]) -> Transcoding:
    """A transcoding that stores an enum member as its value, under the enum's name."""

    class EnumAsValue(Transcoding):
        type = enum_class
        name = enum_class.__name__

        def encode(self, obj: Enum) -> str:
            return str(obj.value)

        def decode(self, data: str) -> Enum:
            return enum_class(data)

    return EnumAsValue()


DOMAIN_ENUMS: tuple[type[Enum], ...] = tuple(
    obj
    for obj in vars(values).values()
    if isinstance(obj, type) and issubclass(obj, Enum) and obj is not Enum
)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    """Teach the transcoder every value type the domain puts in events and snapshots."""
    transcoder.register(DateAsISO())
    for enum_class in DOMAIN_ENUMS:
        transcoder.register(enum_transcoding(enum_class))
