"""Whatever goes wrong, the client gets an application/problem+json answer that says what,
never a stack trace and never a 500; and nothing is written."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.web.conftest import close_app, make_app
from tests.web.credentials import Credentials
from tracker.clock import ManualClock

MENTEE = "ada"
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response: TestResponse, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    problem: dict[str, Any] = response.get_json()
    assert set(problem) >= PROBLEM_MEMBERS
    assert problem["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return problem


@pytest.fixture
def goal(api: Any) -> str:
    api.start_plan()
    return f"/api/v1/goals/{api.draft_goal()}"


def test_invalid_fields_are_a_422_listing_each_field(api: Any) -> None:
    api.start_plan()
    body = {"kind": "okr", "title": "x" * 600, "target_date": "next spring", "colour": "blue"}

    problem = assert_problem(api.post(f"/api/v1/plans/{MENTEE}/goals", body), 422)

    assert set(problem["errors"]) == {"kind", "title", "target_date", "colour"}
    assert problem["errors"]["colour"] == ["Unknown field."]
    assert problem["instance"] == f"/api/v1/plans/{MENTEE}/goals"


def test_a_broken_rule_is_a_422_naming_its_field(api: Any) -> None:
    api.start_plan()
    vague = {
        "kind": "smarty",
        "title": "Grow",
        "specific": "Lead a team",
        "target_date": "2026-01-01",
    }
    goal = f"/api/v1/goals/{api.draft_goal(vague)}"

    problem = assert_problem(api.post(f"{goal}/activate", version=1), 422)

    assert "measurable" in problem["detail"]
    assert problem["errors"] == {"measurable": [problem["detail"]]}
    assert api.ok("GET", goal)["status"] == "draft"


def test_a_criterion_of_the_other_framework_is_refused(api: Any) -> None:
    api.start_plan()
    body = {"kind": "smarty", "title": "Learn", "engaging": "Pairing with seniors"}

    problem = assert_problem(api.post(f"/api/v1/plans/{MENTEE}/goals", body), 422)

    assert "engaging" in problem["errors"]


def test_acting_for_someone_else_is_a_403(api: Any, goal: str) -> None:
    api.active_mentorship()  # grace may read the goal, not activate it

    problem = assert_problem(api.post(f"{goal}/activate", actor="grace", version=1), 403)

    assert "Only the mentee" in problem["detail"]


def test_a_write_without_an_actor_is_a_401_before_the_body_is_read(api: Any) -> None:
    response = api.post("/api/v1/plans", {"nonsense": True}, actor=None)

    problem = assert_problem(response, 401)
    assert "Authorization: Bearer" in problem["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["Bearer trk_forged", "Basic YWRhOnB3", "Bearer", "ada"])
def test_an_unusable_authorization_is_a_401(api: Any, header: str) -> None:
    body = {"mentee_id": MENTEE}
    response = api.post("/api/v1/plans", body, actor=None, Authorization=header)

    assert "valid" in assert_problem(response, 401)["detail"]


def test_an_unknown_record_is_a_404(api: Any) -> None:
    problem = assert_problem(api.get("/api/v1/goals/5f0c3a8e-4a5b-4c8d-9e1f-0a1b2c3d4e5f"), 404)

    assert "No goal" in problem["detail"]


def test_an_id_of_another_kind_is_a_404(api: Any) -> None:
    api.start_plan()
    mentorship = api.active_mentorship()

    assert_problem(api.get(f"/api/v1/goals/{mentorship}"), 404)


@pytest.mark.parametrize(
    "path", ["/api/v1/nowhere", "/api/v1/goals/not-a-uuid", "/api/v1/plans/ada/sections/hobbies"]
)
def test_an_unknown_url_is_a_404(api: Any, path: str) -> None:
    assert_problem(api.get(path), 404)


def test_a_wrong_method_is_a_405_saying_which_are_allowed(api: Any, goal: str) -> None:
    response = api.call("DELETE", goal)

    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_malformed_json_is_a_400(api: Any) -> None:
    response = api.client.post(
        "/api/v1/plans",
        data='{"mentee_id": ',
        headers={**api.auth(MENTEE), "Content-Type": "application/json"},
    )

    assert assert_problem(response, 400)["detail"] == "The body is not valid JSON."


def test_json_nested_beyond_reason_is_a_400(api: Any) -> None:
    response = api.client.post(
        "/api/v1/plans",
        data="[" * 100_000 + "]" * 100_000,
        headers={**api.auth(MENTEE), "Content-Type": "application/json"},
    )

    assert_problem(response, 400)


def test_a_body_that_is_not_json_is_a_415(api: Any) -> None:
    response = api.client.post("/api/v1/plans", data="mentee_id=ada", headers=api.auth(MENTEE))

    assert_problem(response, 415)


def test_a_body_over_the_limit_is_a_413_and_writes_nothing(api: Any, goal: str) -> None:
    huge = {"changes": {"title": "x" * 300_000}, "reason": "Big"}

    assert_problem(api.post(f"{goal}/revisions", huge), 413)
    # Even where the endpoint reads no body, the declared size is refused up front.
    assert_problem(api.post(f"{goal}/activate", huge), 413)
    assert api.ok("GET", goal)["version"] == 1


def test_a_body_that_is_not_an_object_is_a_422(api: Any) -> None:
    problem = assert_problem(api.post("/api/v1/plans", ["ada"]), 422)

    assert "body" in problem["errors"]


@pytest.mark.parametrize("text", ["\ud800", "nul\x00byte"])
def test_text_the_store_cannot_keep_is_a_422(api: Any, goal: str, text: str) -> None:
    response = api.post(f"{goal}/feedback", {"text": text, "source": "mentee"})

    assert "text" in assert_problem(response, 422)["errors"]


@pytest.mark.parametrize(
    ("text", "code"), [("esc\x1b[2J", "U+001B"), ("del\x7f", "U+007F"), ("nel\x85", "U+0085")]
)
def test_text_with_a_control_character_is_a_422_naming_it(
    api: Any, goal: str, text: str, code: str
) -> None:
    response = api.post(f"{goal}/feedback", {"text": text, "source": "mentee"})

    assert f"control characters (found {code})" in str(assert_problem(response, 422)["errors"])


def test_a_version_beyond_reason_is_a_422(api: Any, goal: str) -> None:
    assert "version" in assert_problem(api.get(f"{goal}?version={10**30}"), 422)["errors"]


def test_a_locked_database_is_a_503_with_retry_after_and_nothing_written(
    sqlite_url: str, clock: ManualClock
) -> None:
    app = make_app(sqlite_url, clock, TRACKER_EVENTSOURCING_ENV={"SQLITE_LOCK_TIMEOUT": "1"})
    client = app.test_client()
    headers = Credentials.of(app).headers(MENTEE)
    blocker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/api/v1/plans", json={"mentee_id": MENTEE}, headers=headers)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    assert_problem(response, 503)
    assert response.headers["Retry-After"].isdigit()
    assert client.get(f"/api/v1/plans/{MENTEE}", headers=headers).status_code == 404
    close_app(app)


def test_a_bug_is_a_500_problem_without_its_trace(app: Flask) -> None:
    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/broken", view_func=broken)

    response = app.test_client().get("/broken")

    assert_problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
