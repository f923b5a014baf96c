"""Every event of every aggregate: named in the past tense, carrying who acted and when.

The other unit tests check this for the events a story happens to write; this one walks the
event classes themselves, so an event added later without an actor (or named as a command)
is caught even before a test writes one.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, event

from domain import CheckIn, Goal, Mentorship, Plan, Proposal

AGGREGATES: tuple[type[Aggregate], ...] = (Plan, Goal, Mentorship, Proposal, CheckIn)
# Past participles that do not end in -ed, as the domain uses them.
IRREGULAR = {"Made", "Done", "Given", "Held", "Written", "Withdrawn"}


def event_classes(aggregate: type[Aggregate]) -> dict[str, type[Any]]:
    """The aggregate's own event classes (its @event methods), by name."""
    return {
        name: value
        for name, value in vars(aggregate).items()
        if isinstance(value, type)
        and issubclass(value, aggregate.Event)
        and name not in ("Event", "Created")
    }


def annotations_of(event_class: type[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for klass in reversed(event_class.__mro__):
        found.update(getattr(klass, "__annotations__", {}))
    return found


PREPOSITIONS = {"With", "To", "From", "For", "On", "Of", "By"}


def is_past_tense(name: str) -> bool:
    """Whether the verb, the last word before any preposition, is a past participle:
    MilestoneAdded, SharedWithSupporter, Made."""
    words = re.findall(r"[A-Z][a-z]*", name)
    for index, word in enumerate(words):
        if word in PREPOSITIONS and index > 0:
            words = words[:index]
            break
    return words[-1].endswith("ed") or words[-1] in IRREGULAR


ALL_EVENTS = [
    pytest.param(event_class, id=f"{aggregate.__name__}.{name}")
    for aggregate in AGGREGATES
    for name, event_class in event_classes(aggregate).items()
]


def test_each_aggregate_has_events_to_check() -> None:
    assert all(event_classes(aggregate) for aggregate in AGGREGATES)
    assert len(ALL_EVENTS) >= 40


@pytest.mark.parametrize("event_class", ALL_EVENTS)
def test_every_event_is_named_in_the_past_tense(event_class: type[Any]) -> None:
    assert is_past_tense(event_class.__name__), event_class.__qualname__


@pytest.mark.parametrize("event_class", ALL_EVENTS)
def test_every_event_carries_the_actor_and_its_moment(event_class: type[Any]) -> None:
    fields = annotations_of(event_class)
    assert "actor_id" in fields, f"{event_class.__qualname__} does not say who acted"
    assert "timestamp" in fields, event_class.__qualname__


def test_the_checks_would_catch_a_command_name_and_a_missing_actor() -> None:
    class Sketch(Aggregate):
        @event("Revise")
        def revise(self, title: str) -> None:
            self.title = title

    (revise,) = event_classes(Sketch).values()
    assert not is_past_tense(revise.__name__)
    assert not is_past_tense("ShareWithSupporter")
    assert "actor_id" not in annotations_of(revise)
