"""The same JSON journey on real PostgreSQL: plan, section, goal, revision, conflict."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import close_app, make_app
from tests.web.credentials import Credentials
from tracker.clock import ManualClock

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_app(postgres_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(postgres_url, clock)
    yield app
    close_app(app)


def test_a_goal_journey_on_postgres(postgres_app: Flask, clock: ManualClock) -> None:
    client: FlaskClient = postgres_app.test_client()
    MENTEE = Credentials.of(postgres_app).headers("ada")  # noqa: N806 (reads as a constant)
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "postgres"}
    assert (
        client.post("/api/v1/plans", json={"mentee_id": "ada"}, headers=MENTEE).status_code == 201
    )
    edit = {"fields": {"statement": "Help teams grow"}, "reason": "First go"}
    section = "/api/v1/plans/ada/sections/vision_statement"
    assert (
        client.patch(section, json=edit, headers={**MENTEE, "If-Match": '"1"'}).status_code == 200
    )
    goal = {
        "kind": "real",
        "title": "Mentor juniors",
        "relevant": "Leads to staff",
        "actionable": "Weekly pairing",
    }
    location = client.post("/api/v1/plans/ada/goals", json=goal, headers=MENTEE).headers["Location"]
    assert (
        client.post(f"{location}/activate", headers={**MENTEE, "If-Match": '"1"'}).status_code
        == 200
    )
    clock.advance(days=14)
    revision = {"changes": {"engaging": "I enjoy it"}, "reason": "Noticed it"}
    revised = client.post(
        f"{location}/revisions", json=revision, headers={**MENTEE, "If-Match": '"2"'}
    )
    assert revised.headers["ETag"] == '"3"'

    stale = client.post(
        f"{location}/revisions",
        json={"changes": {"engaging": "Late"}, "reason": "Late"},
        headers={**MENTEE, "If-Match": '"2"'},
    )

    assert stale.status_code == 412
    assert stale.get_json()["current_version"] == 3
    assert client.get(location, headers=MENTEE).get_json()["engaging"] == "I enjoy it"
    assert client.get(f"{location}?version=2", headers=MENTEE).get_json()["engaging"] is None
