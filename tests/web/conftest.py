"""Fixtures for the JSON API: the app on a fresh SQLite file with a hand-moved clock.

`api` wraps the test client with JSON bodies and real authentication (a bearer token per
user id, made on first use: `tests.web.credentials`), so that tests read as the journeys
they check.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.credentials import Credentials
from tracker.app import create_app
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

MENTEE = "ada"
MENTOR = "grace"
SMARTY_GOAL = {
    "kind": "smarty",
    "title": "Lead a platform team",
    "specific": "Lead the payments platform team of five",
    "measurable": "Team ships its quarterly roadmap",
    "target_date": "2025-12-31",
}


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "tests only",
    "TRACKER_INSECURE_COOKIES": "1",
    # argon2id with tiny costs: the same code paths, in a millisecond.
    "TRACKER_PASSWORD_HASHER": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}


def make_app(database_url: str, clock: ManualClock, **config: Any) -> Flask:
    return create_app(
        {**TEST_CONFIG, "TRACKER_DATABASE_URL": database_url, "TRACKER_CLOCK": clock, **config}
    )


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(sqlite_url, clock)
    yield app
    close_app(app)


def close_app(app: Flask) -> None:
    """Stop the views' projector (the access policy opens the views) before the store."""
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    tracker(app).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def tracker(app: Flask) -> TrackerApplication:
    application: TrackerApplication = app.extensions["tracker"]
    return application


def hold(app: Flask, method: str, barrier: threading.Barrier, times: int = 1) -> None:
    """Make the app's next `times` calls of its `method` wait at `barrier`, each once it
    has returned, so that another writer can be brought to the same point."""
    application = tracker(app)
    call: Callable[..., Any] = getattr(application, method)
    left = [times]

    def held(*args: Any, **kwargs: Any) -> Any:
        result = call(*args, **kwargs)
        if left[0] > 0:
            left[0] -= 1
            barrier.wait()
        return result

    setattr(application, method, held)


class Api:
    """The test client speaking for one user at a time (the mentee unless told otherwise)."""

    mentee = MENTEE
    mentor = MENTOR

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.credentials = Credentials.of(client.application)

    def auth(self, actor: str) -> dict[str, str]:
        """The headers that make a request `actor`'s (a bearer token of theirs)."""
        return self.credentials.headers(actor)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        actor: str | None = MENTEE,
        version: int | None = None,
        **headers: str,
    ) -> TestResponse:
        if actor is not None:
            headers = {**self.auth(actor), **headers}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return self.client.open(path, method=method, json=body, headers=headers)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, body, **kwargs)

    def ok(self, method: str, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        """Call and insist on success; the JSON answer."""
        response = self.call(method, path, body, **kwargs)
        assert response.status_code in (200, 201), response.get_json()
        data: dict[str, Any] = response.get_json()
        return data

    # A few steps many tests start from.
    def start_plan(self, mentee: str = MENTEE) -> None:
        self.ok("POST", "/api/v1/plans", {"mentee_id": mentee}, actor=mentee)

    def draft_goal(self, fields: dict[str, Any] | None = None) -> str:
        goal = self.ok("POST", f"/api/v1/plans/{MENTEE}/goals", fields or SMARTY_GOAL)
        return str(goal["id"])

    def active_mentorship(self) -> str:
        invitation = {
            "mentee_id": MENTEE,
            "mentor_id": MENTOR,
            "help_wanted": "Moving from engineering into management",
            "duration": "a year",
            "frequency": "monthly",
        }
        mentorship_id = str(self.ok("POST", "/api/v1/mentorships", invitation)["id"])
        agreement = {"cadence_days": 30, "meeting_minutes": 60, "guidance": "career"}
        accept = f"/api/v1/mentorships/{mentorship_id}/accept"
        self.ok("POST", accept, agreement, actor=MENTOR, version=1)
        return mentorship_id


@pytest.fixture
def api(client: FlaskClient) -> Api:
    return Api(client)


@pytest.fixture
def smarty_goal() -> dict[str, Any]:
    """A SMARTY goal ready to become active."""
    return dict(SMARTY_GOAL)
