"""Idempotency-Key: a client that retries a write gets the first answer and nothing is
recorded twice, across restarts and workers, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.web.conftest import MENTEE, MENTOR, SMARTY_GOAL, Api, make_app, tracker
from tracker.clock import ManualClock
from tracker.web.problems import PROBLEM_BASE

GOALS = f"/api/v1/plans/{MENTEE}/goals"


def key(name: str) -> dict[str, str]:
    return {"Idempotency-Key": name}


def events(app: Flask) -> int:
    return int(tracker(app).recorder.max_notification_id() or 0)


def same_answer(first: TestResponse, again: TestResponse) -> None:
    assert again.status_code == first.status_code
    assert again.get_data() == first.get_data()
    for header in ("Location", "ETag", "Content-Type"):
        assert again.headers.get(header) == first.headers.get(header), header
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers


@pytest.fixture
def plan(api: Api) -> Api:
    api.start_plan()
    return api


def test_a_retried_create_gets_the_first_answer_and_creates_nothing(app: Flask, plan: Api) -> None:
    first = plan.post(GOALS, SMARTY_GOAL, **key("goal-1"))
    written = events(app)

    again = plan.post(GOALS, dict(reversed(SMARTY_GOAL.items())), **key("goal-1"))

    assert first.status_code == 201
    same_answer(first, again)
    assert events(app) == written


def test_the_same_key_for_another_request_is_a_422_and_writes_nothing(
    app: Flask, plan: Api
) -> None:
    plan.post(GOALS, SMARTY_GOAL, **key("goal-1"))
    written = events(app)

    other = plan.post(GOALS, {**SMARTY_GOAL, "title": "Another goal"}, **key("goal-1"))

    assert other.status_code == 422
    assert other.get_json()["type"] == f"{PROBLEM_BASE}idempotency-key-reused"
    assert events(app) == written


def test_keys_belong_to_the_actor_who_sent_them(app: Flask, plan: Api) -> None:
    mentorship = plan.active_mentorship()
    path = f"/api/v1/mentorships/{mentorship}/check-ins"

    mine = plan.post(path, {"scheduled_for": "2025-02-03"}, **key("monday"))
    theirs = plan.post(path, {"scheduled_for": "2025-02-03"}, actor=MENTOR, **key("monday"))

    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert mine.headers["Location"] != theirs.headers["Location"]


def test_a_refused_first_attempt_is_not_kept(plan: Api) -> None:
    refused = plan.post("/api/v1/plans/bea/goals", SMARTY_GOAL, actor="bea", **key("k"))
    plan.start_plan("bea")

    again = plan.post("/api/v1/plans/bea/goals", SMARTY_GOAL, actor="bea", **key("k"))

    assert (refused.status_code, again.status_code) == (404, 201)
    assert "Idempotent-Replayed" not in again.headers


def test_a_retried_overwrite_gets_its_receipt_not_a_412(app: Flask, plan: Api) -> None:
    goal = f"/api/v1/goals/{plan.draft_goal()}"
    revision = {"changes": {"title": "Lead two teams"}, "reason": "Bigger"}
    first = plan.post(f"{goal}/revisions", revision, version=1, **key("revise"))
    written = events(app)

    again = plan.post(f"{goal}/revisions", revision, version=1, **key("revise"))

    same_answer(first, again)
    assert events(app) == written


def test_an_append_retried_is_recorded_once(plan: Api) -> None:
    plan.active_mentorship()
    goal = f"/api/v1/goals/{plan.draft_goal()}"
    feedback = {"text": "Ask for the budget", "source": "mentor"}

    for _ in range(3):
        plan.ok("POST", f"{goal}/feedback", feedback, actor=MENTOR, **key("fb"))

    assert len(plan.ok("GET", goal)["feedback"]) == 1


@pytest.mark.parametrize("bad", ["", "x" * 256, "caf\u00e9", "two words"])
def test_an_unusable_key_is_a_400(plan: Api, bad: str) -> None:
    response = plan.client.post(
        GOALS, json=SMARTY_GOAL, headers={**plan.auth(MENTEE), "Idempotency-Key": bad}
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.get_json()["detail"]


def test_keys_are_forgotten_after_24_hours(plan: Api, clock: ManualClock) -> None:
    plan.post(GOALS, SMARTY_GOAL, **key("daily"))
    clock.advance(hours=23)
    assert plan.post(GOALS, {**SMARTY_GOAL, "title": "Other"}, **key("daily")).status_code == 422

    clock.advance(hours=2)
    later = plan.post(GOALS, {**SMARTY_GOAL, "title": "Other"}, **key("daily"))

    assert later.status_code == 201


def test_how_long_keys_are_kept_is_configurable(sqlite_url: str, clock: ManualClock) -> None:
    app = make_app(sqlite_url, clock, TRACKER_IDEMPOTENCY_TTL=60)
    api = Api(app.test_client())
    api.start_plan()
    api.post(GOALS, SMARTY_GOAL, **key("minute"))
    clock.advance(seconds=61)

    assert api.post(GOALS, SMARTY_GOAL, **key("minute")).headers.get("Idempotent-Replayed") is None
    tracker(app).close()


@pytest.fixture
def two_workers(database_url: str, clock: ManualClock) -> Iterator[list[Flask]]:
    """Two apps on one database, as two gunicorn workers (or a restart) would be."""
    apps = [make_app(database_url, clock) for _ in range(2)]
    yield apps
    for app in apps:
        tracker(app).close()


def test_keys_survive_a_restart_and_are_shared_by_workers(two_workers: list[Flask]) -> None:
    first_worker, second_worker = (Api(app.test_client()) for app in two_workers)
    first_worker.start_plan()
    first = first_worker.post(GOALS, SMARTY_GOAL, **key("shared"))
    tracker(two_workers[0]).close()  # the first worker goes away

    again = second_worker.post(GOALS, SMARTY_GOAL, **key("shared"))

    same_answer(first, again)
    assert events(two_workers[1]) == 2  # the plan and one goal


def test_two_retries_racing_create_exactly_one(two_workers: list[Flask]) -> None:
    Api(two_workers[0].test_client()).start_plan()
    slow_down_drafting(two_workers[0], seconds=0.5)

    def send(index: int) -> TestResponse:
        time.sleep(index * 0.1)  # the second arrives while the first is still writing
        return Api(two_workers[index].test_client()).post(GOALS, SMARTY_GOAL, **key("race"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(send, range(2))

    same_answer(first, second)
    assert events(two_workers[1]) == 2


def test_a_retry_gives_up_waiting_with_a_409_and_retry_after(
    sqlite_url: str, clock: ManualClock
) -> None:
    apps = [make_app(sqlite_url, clock, TRACKER_IDEMPOTENCY_WAIT=0.1) for _ in range(2)]
    Api(apps[0].test_client()).start_plan()
    started = slow_down_drafting(apps[0], seconds=1.0)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(Api(apps[0].test_client()).post, GOALS, SMARTY_GOAL, **key("slow"))
        assert started.wait(timeout=5)
        impatient = Api(apps[1].test_client()).post(GOALS, SMARTY_GOAL, **key("slow"))
        assert first.result().status_code == 201

    assert impatient.status_code == 409
    assert impatient.get_json()["type"] == f"{PROBLEM_BASE}idempotency-key-in-use"
    assert impatient.headers["Retry-After"].isdigit()
    for app in apps:
        tracker(app).close()


def slow_down_drafting(app: Flask, seconds: float) -> threading.Event:
    """Make drafting a goal on this app take a while; the event is set when it starts."""
    application = tracker(app)
    draft = application.draft_goal
    started = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(seconds)
        return draft(*args, **kwargs)

    application.draft_goal = slow  # type: ignore[method-assign]
    return started
