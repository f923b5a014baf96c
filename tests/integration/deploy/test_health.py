"""/healthz says the process is up; /readyz says the store answers and the views keep up."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from flask import Flask

from projections.registry import view_names
from tracker.access import Actor, acting_as
from tracker.app import close_app, create_app
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.projecting import Projections

MAX_LAG = 3


def make_app(database_url: str, clock: ManualClock) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "TRACKER_DATABASE_URL": database_url,
            "TRACKER_CLOCK": clock,
            "TRACKER_READY_MAX_LAG": MAX_LAG,
        }
    )


@pytest.fixture
def app(database_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    # As on PostgreSQL in production: the views are `tracker project`'s job, not the web's.
    monkeypatch.setenv("TRACKER_PROJECTOR", "off")
    app = make_app(database_url, clock)
    yield app
    close_app(app)


def write_events(app: Flask, count: int) -> None:
    tracker: TrackerApplication = app.extensions["tracker"]
    with acting_as(Actor("ada")):  # as the web layer does for a signed-in user
        tracker.start_plan(mentee_id="ada", actor_id="ada")
        for n in range(count - 1):
            tracker.reflect("ada", text=f"Day {n}", private=False, actor_id="ada")


def test_readyz_lists_every_view_with_its_lag(app: Flask) -> None:
    response = app.test_client().get("/readyz")

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["head"] == 0
    assert body["max_lag"] == MAX_LAG
    assert set(body["views"]) == set(view_names())
    assert body["views"]["timeline"] == {"position": 0, "lag": 0}


def test_readyz_is_a_503_with_the_lag_while_views_are_behind(app: Flask) -> None:
    client = app.test_client()
    client.get("/readyz")  # opens the views
    write_events(app, 5)

    behind = client.get("/readyz")

    assert behind.status_code == 503
    assert behind.content_type == "application/problem+json"
    assert "Retry-After" in behind.headers
    problem = behind.get_json()
    assert problem["head"] == 5
    assert problem["views"]["timeline"] == {"position": 0, "lag": 5}
    assert "tracker project" in problem["detail"]

    projections: Projections = app.extensions["projections"]
    for runner in projections.runners.values():
        runner.catch_up()
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert {view["lag"] for view in ready.get_json()["views"].values()} == {0}


def test_a_lag_at_the_limit_is_still_ready(app: Flask) -> None:
    client = app.test_client()
    client.get("/readyz")
    write_events(app, MAX_LAG)

    assert client.get("/readyz").status_code == 200


def test_healthz_answers_without_the_store_readyz_does_not(
    sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url, clock)
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        db.execute("DROP TABLE stored_events")
    client = app.test_client()

    assert client.get("/healthz").get_json() == {"status": "ok", "database": "sqlite"}
    assert client.get("/readyz").status_code == 503
    close_app(app)
