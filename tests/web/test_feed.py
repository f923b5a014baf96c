"""The event feed over HTTP: CloudEvents pages, caching, filters, privacy, streams, schemas."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.feed.story import ADA, BOB, PRIVATE_TEXT, Story, write_story
from tests.web.conftest import make_app, tracker
from tests.web.credentials import INTEGRATOR_SCOPES, Credentials
from tracker.access import Actor, acting_as
from tracker.application import build_application
from tracker.clock import ManualClock
from tracker.erasure import ERASED_TEXT
from tracker.settings import Settings

BATCH = "application/cloudevents-batch+json"


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    """The web app; its views' projector (started by the feed) stops before the store."""
    app = make_app(sqlite_url, clock)
    yield app
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    tracker(app).close()


@pytest.fixture
def story(app: Flask, clock: ManualClock) -> Story:
    return write_story(tracker(app), clock)


@pytest.fixture
def reader(app: Flask) -> dict[str, str]:
    """An integrator's token with the read:events scope."""
    return Credentials.of(app).integrator()


def revise_as_bob(app: Flask, goal_id: str, title: str) -> None:
    with acting_as(Actor(BOB)):
        tracker(app).revise_goal(goal_id, changes={"title": title}, reason="r", actor_id=BOB)


def replay(client: FlaskClient, url: str, headers: dict[str, str]) -> list[Any]:
    """Every event, following the Link header from page to page."""
    events: list[Any] = []
    while True:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        events += page
        if len(page) == 0:
            return events
        url = response.headers["Link"].split(">")[0].lstrip("<")


def test_a_page_is_a_cloudevents_batch_in_log_order(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    response = client.get("/api/v1/events?limit=4", headers=reader)

    assert response.status_code == 200
    assert response.mimetype == BATCH
    events = response.get_json()
    assert [int(e["sequence"]) for e in events] == [1, 2, 3, 4]
    first = events[0]
    assert first["specversion"] == "1.0"
    assert first["type"] == "org.tracker.plan.started.v1"
    assert first["subject"] == ADA
    assert first["actorid"] == ADA
    assert first["id"].endswith("/1")
    assert first["time"].startswith("2025-01-06T09:00")
    assert first["data"] == {"mentee_id": ADA}
    assert first["dataschema"].endswith("org.tracker.plan.started.v1")
    assert response.headers["Link"] == '</api/v1/events?after=4&limit=4>; rel="next"'


def test_replaying_from_zero_gives_the_same_sequence(
    app: Flask, client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    first = replay(client, "/api/v1/events?limit=3", reader)
    revise_as_bob(app, story.bob_goal, "Teach")
    second = replay(client, "/api/v1/events?limit=3", reader)

    assert len(first) == story.events
    assert second[: len(first)] == first
    assert len(second) == story.events + 1
    positions = [int(e["sequence"]) for e in second]
    assert positions == sorted(set(positions))


def test_a_full_page_is_immutable_and_a_short_one_is_not(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    full = client.get("/api/v1/events?limit=5", headers=reader)
    short = client.get("/api/v1/events?after=5&limit=100", headers=reader)

    # private: pages differ by reader (their own private text), so no shared cache keeps them
    assert full.headers["Cache-Control"] == "private, max-age=86400, immutable"
    assert short.headers["Cache-Control"] == "no-cache"
    assert {"Accept", "Authorization"} <= set(full.headers["Vary"].replace(" ", "").split(","))
    again = client.get(
        "/api/v1/events?limit=5", headers={**reader, "If-None-Match": full.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_full_page_read_again_is_the_same_page_for_each_reader(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    url = "/api/v1/events?limit=3"  # holds Ada's private reflection
    hers = Credentials.of(client.application).headers(ADA, INTEGRATOR_SCOPES)
    first = client.get(url, headers=reader)
    her_first = client.get(url, headers=hers)
    again, her_again = client.get(url, headers=reader), client.get(url, headers=hers)

    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Link"] == first.headers["Link"]
    assert PRIVATE_TEXT not in again.get_data(as_text=True)
    assert her_again.get_data() == her_first.get_data()
    assert PRIVATE_TEXT in her_again.get_data(as_text=True)
    # Read by its author first, the page stays hers: another reader never gets her text.
    other = Credentials.of(client.application).integrator("another-integrator")
    after_hers = client.get("/api/v1/events?limit=2", headers=hers)
    assert PRIVATE_TEXT in after_hers.get_data(as_text=True)
    assert PRIVATE_TEXT not in client.get("/api/v1/events?limit=2", headers=other).get_data(
        as_text=True
    )
    assert client.get(url, headers=other).get_data() == first.get_data()  # shared
    as_json = client.get(url, headers={**reader, "Accept": "application/json"})
    assert as_json.mimetype == "application/json"
    assert as_json.get_json()["events"] == first.get_json()


@pytest.mark.parametrize("where", ["this process", "another process"])
def test_a_full_page_read_again_after_an_erasure_shows_her_text_erased(
    app: Flask,
    client: FlaskClient,
    story: Story,
    reader: dict[str, str],
    sqlite_url: str,
    where: str,
) -> None:
    url = "/api/v1/events?limit=3"  # Ada's shared reflection is the third event
    assert client.get(url, headers=reader).get_json()[2]["data"]["text"].startswith("Shared")
    # The views' projector, started by the first read, keeps running: the erasure waits for
    # SQLite's write lock rather than failing.
    assert app.extensions["projections"].projector is not None
    keyring = tracker(app).shredding.keyring
    if where == "this process":
        keyring.erase(ADA)
    else:
        keyring.recheck_seconds = 0  # look at once, not within a few seconds
        other = build_application(Settings(database_url=sqlite_url))
        try:
            other.shredding.keyring.erase(ADA)
        finally:
            other.close()

    erased = client.get(url, headers=reader).get_json()

    assert erased[2]["data"]["text"] == ERASED_TEXT
    assert "Shared" not in json.dumps(erased)


def test_json_clients_get_the_next_link_in_the_body(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    response = client.get(
        "/api/v1/events?limit=2", headers={**reader, "Accept": "application/json"}
    )

    body = response.get_json()
    assert response.mimetype == "application/json"
    assert len(body["events"]) == 2
    assert body["next"] == "/api/v1/events?after=2&limit=2"
    assert body["next_after"] == 2
    assert body["full"] is True


def test_filters_by_type_and_mentee(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    revised = replay(client, "/api/v1/events?type=org.tracker.goal.revised&limit=2", reader)
    bobs = replay(client, f"/api/v1/events?mentee={BOB}", reader)
    adas_goals = replay(
        client, f"/api/v1/events?mentee={ADA}&type=org.tracker.goal.drafted.v1,"
        "org.tracker.goal.revised.v1", reader,
    )  # fmt: skip

    assert [e["type"] for e in revised] == ["org.tracker.goal.revised.v1"] * 3
    assert {e["subject"] for e in revised} == {ADA}
    assert [e["type"].split(".")[2:4] for e in bobs] == [["plan", "started"], ["goal", "drafted"]]
    assert [e["id"] for e in adas_goals] == [f"{story.ada_goal}/{v}" for v in (1, 2, 3, 4)]


def test_private_text_is_withheld_from_all_but_its_author(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    url = "/api/v1/events?type=org.tracker.plan.reflected"
    others = client.get(url, headers=reader).get_json()
    her_feed_token = Credentials.of(client.application).headers(ADA, INTEGRATOR_SCOPES)
    hers = client.get(url, headers=her_feed_token).get_json()

    assert [e["data"]["text"] for e in others] == [None, "Shared: I like coaching people"]
    assert others[0]["data"]["private"] is True
    assert hers[0]["data"]["text"] == PRIVATE_TEXT
    assert [e["id"] for e in hers] == [e["id"] for e in others]  # the same places


def test_one_stream_forward_and_backward(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    url = f"/api/v1/streams/{story.ada_goal}/events"
    forward = client.get(f"{url}?limit=3", headers=reader)
    backward = client.get(f"{url}?direction=backward&limit=2", headers=reader)
    middle = client.get(f"{url}?from_version=2&limit=2", headers=reader).get_json()

    assert [e["id"].rsplit("/", 1)[1] for e in forward.get_json()] == ["1", "2", "3"]
    assert "from_version=4&direction=forward&limit=3" in forward.headers["Link"]
    assert [e["id"].rsplit("/", 1)[1] for e in backward.get_json()] == ["4", "3"]
    assert "from_version=2&direction=backward" in backward.headers["Link"]
    assert [e["id"].rsplit("/", 1)[1] for e in middle] == ["2", "3"]
    assert all(e["subject"] == ADA for e in middle)
    sequences = [int(e["sequence"]) for e in forward.get_json()]
    assert sequences == sorted(sequences)


def test_an_unknown_stream_is_not_found(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    for stream in ("not-a-uuid", "00000000-0000-4000-8000-000000000000"):
        response = client.get(f"/api/v1/streams/{stream}/events", headers=reader)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=1001", "after=-1", "after=x", "type=org.tracker.goal.eaten", "wait=31",
     "mentee=a%20b", "type=org.tracker.goal.revised.v9"],
)  # fmt: skip
def test_bad_queries_are_422_problems(
    client: FlaskClient, story: Story, query: str, reader: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/events?{query}", headers=reader)

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_the_feed_needs_a_token_granted_for_it(client: FlaskClient, story: Story) -> None:
    stream = f"/api/v1/streams/{story.ada_goal}/events"
    plan_token = Credentials.of(client.application).headers(ADA)  # read:plan, write:plan
    for url in ("/api/v1/events", "/api/v1/events/stream", stream):
        assert client.get(url).status_code == 401
        refused = client.get(url, headers=plan_token)
        assert refused.status_code == 403
        assert "read:events" in refused.get_json()["detail"]
        assert PRIVATE_TEXT not in refused.get_data(as_text=True)


def test_a_long_poll_returns_as_soon_as_an_event_is_written(
    app: Flask, client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    after = story.events
    writer = threading.Timer(
        0.3,
        lambda: revise_as_bob(app, story.bob_goal, "Teach online well"),
    )
    started = time.monotonic()
    writer.start()
    response = client.get(f"/api/v1/events?after={after}&wait=10", headers=reader)
    writer.join()

    assert [e["id"] for e in response.get_json()] == [f"{story.bob_goal}/2"]
    assert 0.2 < time.monotonic() - started < 5


def test_a_long_poll_with_nothing_new_ends_after_the_wait(
    client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    started = time.monotonic()
    response = client.get(f"/api/v1/events?after={story.events}&wait=0.5", headers=reader)

    assert response.get_json() == []
    assert 0.4 < time.monotonic() - started < 3
    next_page = f"/api/v1/events?after={story.events}&limit=100"
    assert response.headers["Link"] == f'<{next_page}>; rel="next"'


def test_the_live_tail_sends_events_with_their_positions_as_ids(
    app: Flask, client: FlaskClient, story: Story, reader: dict[str, str]
) -> None:
    app.config.update(FEED_STREAM_SECONDS=0.5, FEED_HEARTBEAT_SECONDS=0.2)
    response = client.get(
        "/api/v1/events/stream", headers={**reader, "Last-Event-ID": str(story.events - 2)}
    )

    text = response.get_data(as_text=True)
    assert response.mimetype == "text/event-stream"
    ids = [line.removeprefix("id: ") for line in text.splitlines() if line.startswith("id: ")]
    assert ids == [str(story.events - 1), str(story.events)]
    assert ": keep-alive" in text
    bad = client.get("/api/v1/events/stream", headers={**reader, "Last-Event-ID": "seven"})
    assert bad.status_code == 400


def test_every_schema_is_served_and_listed(client: FlaskClient) -> None:
    index = client.get("/api/v1/event-schemas").get_json()["schemas"]
    types = {item["type"] for item in index}

    assert "org.tracker.goal.revised.v1" in types
    for item in index:
        schema = client.get(item["href"])
        assert schema.status_code == 200
        assert schema.mimetype == "application/schema+json"
        assert schema.get_json()["$id"] == item["id"]
    assert client.get("/api/v1/event-schemas/org.tracker.goal.eaten.v1").status_code == 404
