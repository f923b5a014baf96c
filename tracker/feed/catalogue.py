"""Every domain event class, named for integrators: `org.tracker.<aggregate>.<event>.v<N>`.

The name is derived from the class (`Goal.Revised` -> `org.tracker.goal.revised.v1`) and its
`class_version`, so a new event class or a new version gets its name without a table to keep.
Events are upcast to their class's current version when read, so the feed only ever carries
current versions; older versions keep their names and schemas for archives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from eventsourcing import domain as es_domain
from eventsourcing.domain import Aggregate, DecoratedFuncCaller
from eventsourcing.utils import get_topic

from domain import CheckIn, Goal, Mentorship, Plan, Proposal

TYPE_PREFIX = "org.tracker."
AGGREGATES: tuple[type[Aggregate], ...] = (Mentorship, Plan, Goal, Proposal, CheckIn)
_TYPE_PATTERN = re.compile(r"^org\.tracker\.([a-z_]+)\.([a-z_]+)\.v([1-9][0-9]*)$")


def snake(name: str) -> str:
    """'AgendaItemAdded' -> 'agenda_item_added', 'CheckIn' -> 'check_in'."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def class_version(event_class: type) -> int:
    """The event class's current version (eventsourcing's `class_version`, 1 if unset)."""
    return int(getattr(event_class, "class_version", 1))


def event_type(event_class: type, version: int | None = None) -> str:
    """The CloudEvents type of an event class, at its current version unless told."""
    aggregate, _, name = event_class.__qualname__.rpartition(".")
    number = class_version(event_class) if version is None else version
    return f"{TYPE_PREFIX}{snake(aggregate)}.{snake(name)}.v{number}"


def unversioned(type_name: str) -> str:
    """'org.tracker.goal.revised.v2' -> 'org.tracker.goal.revised'."""
    return type_name.rpartition(".v")[0]


def parse_type(type_name: str) -> tuple[str, str, int] | None:
    """(aggregate, event, version) in snake case, or None if it is not one of our names."""
    match = _TYPE_PATTERN.match(type_name)
    return None if match is None else (match[1], match[2], int(match[3]))


def event_classes(aggregate: type[Aggregate]) -> Iterator[type]:
    """The classes of the events an aggregate emits: its creating event, then the others."""
    # eventsourcing keeps the creating event class(es) here; the default `Created` class
    # that every aggregate also carries is never emitted when __init__ names its own.
    yield from es_domain._created_event_classes.get(aggregate, [])
    for value in vars(aggregate).values():
        if isinstance(value, type) and issubclass(value, DecoratedFuncCaller):
            yield value


@dataclass(frozen=True)
class EventKind:
    """One event class as integrators see it."""

    event_class: type
    type: str  # at the class's current version
    topic: str  # eventsourcing's topic, as stored
    record_type: str  # 'Goal.Revised', as read models name it

    @property
    def version(self) -> int:
        return class_version(self.event_class)


def kind_of(event_class: type) -> EventKind:
    """An event class's names."""
    return EventKind(
        event_class=event_class,
        type=event_type(event_class),
        topic=get_topic(event_class),
        record_type=event_class.__qualname__,
    )


@cache
def catalogue() -> tuple[EventKind, ...]:
    """Every event class of the domain, by aggregate and declaration order."""
    return tuple(
        kind_of(event_class) for aggregate in AGGREGATES for event_class in event_classes(aggregate)
    )


@cache
def _by_topic() -> dict[str, EventKind]:
    return {kind.topic: kind for kind in catalogue()}


@cache
def _by_type() -> dict[str, EventKind]:
    return {kind.type: kind for kind in catalogue()}


@cache
def _by_unversioned_type() -> dict[str, EventKind]:
    return {unversioned(kind.type): kind for kind in catalogue()}


def kind_for_topic(topic: str) -> EventKind | None:
    """The event kind stored under `topic`, or None for a class outside the domain."""
    return _by_topic().get(topic)


def type_for_topic(topic: str, event_class: type | None = None) -> str:
    """The CloudEvents type of a stored event's topic (any class, even outside the domain)."""
    kind = kind_for_topic(topic)
    if kind is not None:
        return kind.type
    if event_class is None:
        raise KeyError(f"Unknown event topic {topic!r}")
    return event_type(event_class)


def topics_for_types(type_names: Iterable[str]) -> list[str]:
    """The stored topics of the given types (current `.vN` or no version); KeyError names
    the first unknown one."""
    topics = []
    for name in type_names:
        kind = _by_type().get(name) or _by_unversioned_type().get(name)
        if kind is None:
            raise KeyError(name)
        topics.append(kind.topic)
    return topics


def known_types() -> list[str]:
    """Every current CloudEvents type, in catalogue order."""
    return [kind.type for kind in catalogue()]
