"""Every event type has a JSON Schema whose examples, and whose real events, fit it; old
event versions are upcast when read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from projections.feed_index import VIEW as FEED_INDEX
from tracker.application import TrackerApplication
from tracker.demo import StoryClock, load_demo
from tracker.feed.catalogue import catalogue, parse_type, unversioned
from tracker.feed.reader import FeedQuery, FeedReader
from tracker.feed.schemas import REPO_SCHEMAS_DIR, event_schemas, load_schemas
from tracker.projecting import Projections
from tracker.settings import Settings


class Journal(Aggregate):
    """A test-only aggregate whose `Noted` event is at version 2: v1 had no `mood`."""

    class Noted(Aggregate.Event):
        class_version = 2
        text: str
        mood: str
        actor_id: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["mood"] = "unknown"


@pytest.fixture
def demo_app() -> Iterator[TrackerApplication]:
    clock = StoryClock(datetime(2025, 12, 1, tzinfo=UTC))
    app = TrackerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    load_demo(app, clock)
    yield app
    app.close()


def feed_reader(app: TrackerApplication) -> Iterator[FeedReader]:
    projections = Projections(app, Settings(database_url="memory://"), [FEED_INDEX])
    runner = projections.runner(FEED_INDEX)

    def index(position: int) -> Any:
        runner.catch_up(upto=position)
        return runner.store

    yield FeedReader(app, index, "test")
    projections.close()


def test_every_event_class_has_a_schema_whose_examples_fit() -> None:
    schemas = event_schemas()
    missing = [kind.type for kind in catalogue() if schemas.get(kind.type) is None]

    assert not missing, f"Write a schema in schemas/events/ for: {', '.join(missing)}"
    for kind in catalogue():
        examples = schemas.by_type[kind.type]["examples"]
        assert examples, f"{kind.type} has no example"
        for example in examples:
            assert schemas.errors(kind.type, example) == [], kind.type


def test_every_schema_belongs_to_an_event_type_of_the_domain() -> None:
    current = {unversioned(kind.type): kind.version for kind in catalogue()}
    for type_name in load_schemas(REPO_SCHEMAS_DIR).by_type:
        parsed = parse_type(type_name)
        assert parsed is not None, type_name
        assert unversioned(type_name) in current, f"{type_name} names no event of the domain"
        assert parsed[2] <= current[unversioned(type_name)], type_name


def test_a_schema_refuses_data_that_does_not_fit() -> None:
    errors = event_schemas().errors(
        "org.tracker.goal.milestone_added.v1",
        {"milestone_id": "m", "title": "", "due": "next week", "skills": "sql"},
    )

    assert len(errors) == 3, errors


def test_every_event_of_a_year_of_mentoring_fits_its_schema(demo_app: TrackerApplication) -> None:
    schemas = event_schemas()
    for reader in feed_reader(demo_app):
        events = reader.page(FeedQuery(limit=1000, reader_id="mentee-ana")).events
        assert len(events) > 300
        for event in events:
            assert schemas.errors(event["type"], event["data"]) == [], event


def test_an_old_event_version_is_upcast_when_read(demo_app: TrackerApplication) -> None:
    stream_id = uuid4()
    v1_state = demo_app.mapper.transcoder.encode(
        {"timestamp": datetime(2020, 1, 1, tzinfo=UTC), "actor_id": "ada", "text": "Dear diary"}
    )
    demo_app.recorder.insert_events([StoredEvent(stream_id, 1, get_topic(Journal.Noted), v1_state)])
    for reader in feed_reader(demo_app):
        [event] = reader.page(FeedQuery(after=reader.head() - 1)).events

    assert event["type"] == "org.tracker.journal.noted.v2"
    assert event["data"] == {"text": "Dear diary", "mood": "unknown"}
    assert event["id"] == f"{stream_id}/1"
