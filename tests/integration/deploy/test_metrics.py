"""GET /metrics in one process: what a Prometheus scrape finds after some requests."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families

from projections.registry import view_names
from tests.integration.deploy.conftest import credentials
from tracker.app import close_app, create_app
from tracker.clock import ManualClock


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "TRACKER_DATABASE_URL": sqlite_url, "TRACKER_CLOCK": clock})
    yield app
    close_app(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ada(app: Flask) -> dict[str, str]:
    return credentials(app.extensions["tracker"], "ada", "read:plan", "write:plan")


Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: FlaskClient) -> Samples:
    """Every sample of /metrics by (name, labels)."""
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_method_and_status(
    client: FlaskClient, ada: dict[str, str]
) -> None:
    before = scrape(client)
    goal = uuid.uuid4()
    assert client.post("/api/v1/plans", json={"mentee_id": "ada"}, headers=ada).status_code == 201
    assert client.get("/api/v1/plans/ada", headers=ada).status_code == 200
    assert client.get(f"/api/v1/goals/{goal}", headers=ada).status_code == 404
    assert client.get("/no/such/page").status_code == 404

    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "tracker_http_requests_total"
    assert grew(requests, method="POST", route="/api/v1/plans", status="201") == 1
    assert grew(requests, method="GET", route="/api/v1/plans/<mentee_id>", status="200") == 1
    assert grew(requests, method="GET", route="/api/v1/goals/<uuid:goal_id>", status="404") == 1
    assert grew(requests, method="GET", route="<unmatched>", status="404") == 1
    assert not any(str(goal) in dict(labels).get("route", "") for _, labels in after)
    latency = "tracker_http_request_duration_seconds_count"
    assert grew(latency, method="POST", route="/api/v1/plans") == 1
    assert grew("tracker_events_written_total", type="Plan.Started") == 1


def test_the_scrape_reports_the_head_and_each_views_lag(
    client: FlaskClient, ada: dict[str, str]
) -> None:
    client.post("/api/v1/plans", json={"mentee_id": "ada"}, headers=ada)
    client.get("/api/v1/plans/ada/timeline", headers=ada)  # a fresh read: timeline caught up

    samples = scrape(client)

    assert value(samples, "tracker_store_up") == 1
    assert value(samples, "tracker_event_log_head") == 1
    for view in view_names():
        assert ("tracker_projection_lag_events", frozenset({("view", view)})) in samples
    assert value(samples, "tracker_projection_position", view="timeline") == 1
    assert value(samples, "tracker_projection_lag_events", view="timeline") == 0


def test_metrics_still_answer_when_the_store_does_not(client: FlaskClient, sqlite_url: str) -> None:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        db.execute("DROP TABLE stored_events")

    samples = scrape(client)

    assert value(samples, "tracker_store_up") == 0
    assert not any(name == "tracker_projection_lag_events" for name, _ in samples)


def test_metrics_can_be_turned_off(
    sqlite_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_METRICS", "off")
    app = create_app({"TESTING": True, "TRACKER_DATABASE_URL": sqlite_url, "TRACKER_CLOCK": clock})

    response = app.test_client().get("/metrics")

    assert response.status_code == 404
    close_app(app)
