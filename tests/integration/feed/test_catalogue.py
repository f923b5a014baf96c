"""Event type names and the feed index, without storage."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from eventsourcing.persistence import Tracking

from domain import CheckIn, Goal
from projections.feed_index import FeedIndexProjection, mentee_events, mentee_of
from projections.records import EventRecord
from projections.store import MemoryViewStore
from tracker.feed.catalogue import catalogue, event_type, topics_for_types
from tracker.feed.cloudevents import sequence


def test_types_are_derived_from_the_class_and_its_version() -> None:
    assert event_type(Goal.Revised) == "org.tracker.goal.revised.v1"
    assert event_type(CheckIn.AgendaItemAdded) == "org.tracker.check_in.agenda_item_added.v1"
    assert event_type(Goal.Revised, version=3) == "org.tracker.goal.revised.v3"
    types = [kind.type for kind in catalogue()]
    assert len(types) == len(set(types))
    assert "org.tracker.goal.created.v1" not in types  # never emitted: Drafted creates goals


def test_type_filters_take_names_with_or_without_the_current_version() -> None:
    assert topics_for_types(["org.tracker.goal.revised", "org.tracker.goal.revised.v1"]) == [
        "domain.goal:Goal.Revised",
        "domain.goal:Goal.Revised",
    ]
    with pytest.raises(KeyError):
        topics_for_types(["org.tracker.goal.revised.v2"])


def test_sequence_strings_sort_like_positions() -> None:
    positions = [9, 10, 2**63 - 1, 100]
    assert sorted(map(sequence, positions)) == [sequence(p) for p in sorted(positions)]
    assert int(sequence(42)) == 42


def record(position: int, stream: str, version: int, **data: object) -> EventRecord:
    at = datetime(2025, 1, 1, tzinfo=UTC)
    return EventRecord(position, stream, version, "Goal.Revised", at, "ada", dict(data))


def test_the_feed_index_follows_each_stream_to_its_mentee() -> None:
    store = MemoryViewStore("feed_index")
    projection = FeedIndexProjection(view=store)
    records = [
        record(1, "g1", 1, mentee_id="ada"),
        record(2, "g2", 1, mentee_id="bob"),
        record(3, "g1", 2, changes={}),
        record(5, "g2", 2, changes={}),  # positions may have gaps
        record(6, "lost", 4, changes={}),  # a stream never seen created is skipped
    ]
    for item in records:
        store.apply(
            Tracking("tracker", item.position), lambda tx, r=item: projection.process(r, tx)
        )

    assert mentee_of(store, "g1") == "ada"
    assert mentee_of(store, "lost") is None
    assert [e.position for e in mentee_events(store, "ada")] == [1, 3]
    assert [e.doc for e in mentee_events(store, "bob", after=2)] == [
        {"stream_id": "g2", "version": 2}
    ]
