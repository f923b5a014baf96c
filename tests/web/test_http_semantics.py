"""Versions over HTTP: 304 for what the client already has, 428 for an overwrite that does
not say which version it read, 412 (with what changed) for one that read an old version,
409 only for the race of two writers, and appends that never fail for unrelated writes."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.exceptions import TooManyRequests
from werkzeug.test import TestResponse

from tests.web.conftest import MENTEE, MENTOR, Api, hold, make_app, tracker
from tracker.clock import ManualClock
from tracker.web.problems import PROBLEM_BASE, PROBLEM_TYPES

HTTP_DOC = Path(__file__).parents[2] / "docs" / "http.md"


def problem_of(response: TestResponse, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem: dict[str, Any] = response.get_json()
    assert problem["type"] == f"{PROBLEM_BASE}{slug}"
    assert problem["status"] == status
    return problem


@pytest.fixture
def goal(api: Api) -> str:
    """Her goal, which her mentor (in an active mentorship) may read and comment on."""
    api.start_plan()
    api.active_mentorship()
    return f"/api/v1/goals/{api.draft_goal()}"


# Reads --------------------------------------------------------------------------------------
@pytest.mark.parametrize("held", ['"1"', 'W/"1"', '"7", "1"', "*"])
def test_a_read_of_what_the_client_holds_is_a_304_without_body(
    api: Api, goal: str, held: str
) -> None:
    response = api.get(goal, **{"If-None-Match": held})

    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == '"1"'


def test_a_read_after_a_change_answers_the_new_version(api: Api, goal: str) -> None:
    api.ok("POST", f"{goal}/activate", version=1)

    response = api.get(goal, **{"If-None-Match": '"1"'})

    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.get_json()["status"] == "active"


def test_every_record_honours_if_none_match(api: Api) -> None:
    api.start_plan()
    mentorship = f"/api/v1/mentorships/{api.active_mentorship()}"
    check_in = api.post(f"{mentorship}/check-ins", {"scheduled_for": "2025-02-03"})
    section = f"/api/v1/plans/{MENTEE}/sections/purpose_question"
    proposal = {"fields": {"question": "Why?"}, "rationale": "R"}
    made = api.post(f"{section}/proposals", proposal, actor=MENTOR)

    for path in (
        f"/api/v1/plans/{MENTEE}",
        mentorship,
        check_in.headers["Location"],
        made.headers["Location"],
    ):
        etag = api.get(path).headers["ETag"]
        assert api.get(path, **{"If-None-Match": etag}).status_code == 304, path


# Overwrites need If-Match --------------------------------------------------------------------
def overwrites(api: Api) -> list[tuple[str, str, Any]]:
    """One write of each kind that overwrites state, on records at version 1 or 2."""
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    milestone = api.ok("POST", f"{goal}/milestones", {"title": "Step", "due": "2025-03-01"})
    mentorship = f"/api/v1/mentorships/{api.active_mentorship()}"
    check_in = api.post(f"{mentorship}/check-ins", {"scheduled_for": "2025-02-03"})
    proposal = {"changes": {"title": "X"}, "rationale": "R"}
    made = api.post(f"{goal}/proposals", proposal, actor=MENTOR)
    agreement = {"cadence_days": 7, "meeting_minutes": 30, "guidance": "g"}
    return [
        ("POST", f"{goal}/revisions", {"changes": {"title": "New"}, "reason": "Why"}),
        ("POST", f"{goal}/activate", None),
        ("PATCH", f"/api/v1/plans/{MENTEE}/sections/vision_statement", {"fields": {}}),
        ("PUT", f"{mentorship}/agreement", agreement),
        ("POST", f"{made.headers['Location']}/accept", None),
        ("POST", f"{goal}/milestones/{milestone['item_id']}/complete", None),
        ("POST", f"{check_in.headers['Location']}/hold", {"held_on": "2025-02-03"}),
        ("POST", f"{check_in.headers['Location']}/answers", {"how_are_you_doing": "Well"}),
    ]  # fmt: skip


@pytest.mark.parametrize("if_match", [None, "*"])
def test_an_overwrite_without_a_version_is_a_428_and_writes_nothing(
    app: Flask, api: Api, if_match: str | None
) -> None:
    writes = overwrites(api)
    head = tracker(app).recorder.max_notification_id()

    for method, path, body in writes:
        headers = {} if if_match is None else {"If-Match": if_match}
        problem = problem_of(api.call(method, path, body, **headers), 428, "precondition-required")
        assert "If-Match" in problem["detail"], path

    assert tracker(app).recorder.max_notification_id() == head


def test_a_stale_overwrite_is_a_412_saying_what_changed_since(
    app: Flask, api: Api, goal: str, clock: ManualClock
) -> None:
    api.ok("POST", f"{goal}/activate", version=1)
    clock.advance(days=2)
    retarget = {"changes": {"target_date": "2026-06-30", "title": "Lead"}, "reason": "Reorg"}
    api.ok("POST", f"{goal}/revisions", retarget, version=2)
    head = tracker(app).recorder.max_notification_id()

    late = {"changes": {"title": "Mine"}, "reason": "Late"}
    response = api.post(f"{goal}/revisions", late, version=1)

    problem = problem_of(response, 412, "stale-version")
    assert response.headers["ETag"] == '"3"'
    assert problem["current_version"] == 3
    assert [(c["version"], c["type"], c["actor_id"]) for c in problem["changes_since"]] == [
        (2, "Goal.Activated", MENTEE),
        (3, "Goal.Revised", MENTEE),
    ]
    revised = problem["changes_since"][1]
    assert sorted(revised["changed"]) == ["target_date", "title"]
    assert revised["reason"] == "Reorg"
    assert revised["at"].startswith("2025-01-08")
    assert "2026-06-30" not in str(problem)  # names of fields, not their values
    assert tracker(app).recorder.max_notification_id() == head
    assert api.ok("GET", goal)["title"] == "Lead"


def test_what_changed_leaves_out_others_private_reflections(api: Api) -> None:
    api.start_plan()
    api.active_mentorship()  # her mentor reads her plan, but not her private reflections
    api.ok("POST", f"/api/v1/plans/{MENTEE}/reflections", {"text": "Scared", "private": True})
    api.ok("POST", f"/api/v1/plans/{MENTEE}/reflections", {"text": "Proud", "private": False})
    section = f"/api/v1/plans/{MENTEE}/sections/vision_statement"
    edit = {"fields": {"statement": "Grow"}}

    theirs = problem_of(
        api.call("PATCH", section, edit, actor=MENTOR, version=1), 412, "stale-version"
    )
    mine = problem_of(api.call("PATCH", section, edit, version=1), 412, "stale-version")

    assert [c["version"] for c in theirs["changes_since"]] == [3]
    assert [c["version"] for c in mine["changes_since"]] == [2, 3]
    assert "Scared" not in str(mine)


@pytest.mark.parametrize("header", ["3", 'W/"1"', '"1", "2"', '"abc"'])
def test_an_if_match_that_is_not_one_version_is_a_400(api: Api, goal: str, header: str) -> None:
    problem_of(api.post(f"{goal}/activate", **{"If-Match": header}), 400, "bad-request")


# Appends commute -------------------------------------------------------------------------------
def test_appends_need_no_version_and_are_not_refused_for_unrelated_changes(
    api: Api, goal: str
) -> None:
    api.ok("POST", f"{goal}/activate", version=1)

    feedback = api.post(f"{goal}/feedback", {"text": "Good", "source": "mentor"}, actor=MENTOR)
    step = api.post(f"{goal}/milestones", {"title": "Shadow a lead", "due": "2025-03-01"})

    assert (feedback.status_code, step.status_code) == (200, 200)
    assert step.headers["ETag"] == '"4"'


def test_an_append_with_a_stale_version_is_a_412(api: Api, goal: str) -> None:
    api.ok("POST", f"{goal}/activate", version=1)

    stale = api.post(f"{goal}/feedback", {"text": "Late", "source": "mentee"}, version=1)

    assert problem_of(stale, 412, "stale-version")["current_version"] == 2
    assert api.ok("GET", goal)["feedback"] == []


def test_appends_racing_on_one_goal_all_land(sqlite_url: str, clock: ManualClock) -> None:
    apps = [make_app(sqlite_url, clock) for _ in range(2)]
    api = Api(apps[0].test_client())
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    both_loaded = threading.Barrier(2, timeout=20)
    for app in apps:
        hold_after_load(app, both_loaded, times=1)

    def give(index: int) -> int:
        body = {"text": f"Note {index}", "source": "mentee"}
        return Api(apps[index].test_client()).post(f"{goal}/feedback", body).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(give, range(2)))

    assert statuses == [200, 200]
    assert sorted(f["text"] for f in api.ok("GET", goal)["feedback"]) == ["Note 0", "Note 1"]
    for app in apps:
        tracker(app).close()


def test_of_two_overwrites_racing_from_the_current_version_one_gets_a_409(
    sqlite_url: str, clock: ManualClock
) -> None:
    apps = [make_app(sqlite_url, clock) for _ in range(3)]
    api = Api(apps[2].test_client())  # a third worker writes it: neither racer has a copy
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    both_loaded = threading.Barrier(2, timeout=20)
    for app in apps[:2]:
        hold_after_load(app, both_loaded, times=1)

    def revise(index: int) -> TestResponse:
        body = {"changes": {"title": f"Title {index}"}, "reason": "Mine"}
        return Api(apps[index].test_client()).post(f"{goal}/revisions", body, version=1)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(revise, range(2)))

    assert sorted(a.status_code for a in answers) == [200, 409]
    [lost] = [a for a in answers if a.status_code == 409]
    assert problem_of(lost, 409, "conflict")["current_version"] == 2
    assert api.ok("GET", goal)["version"] == 2
    for app in apps:
        tracker(app).close()


def hold_after_load(app: Flask, barrier: threading.Barrier, times: int) -> None:
    """Make the app's next `times` loads wait for the other writer's, so both save on top
    of the same version."""
    hold(app, "load", barrier, times)


# Problems ------------------------------------------------------------------------------------
def test_429_and_503_say_when_to_retry(app: Flask) -> None:
    def busy() -> str:
        raise TooManyRequests()

    app.add_url_rule("/busy", view_func=busy)

    response = app.test_client().get("/busy")

    problem_of(response, 429, "too-many-requests")
    assert response.headers["Retry-After"].isdigit()


def test_every_problem_type_is_documented() -> None:
    documented = set(re.findall(r"^\| `([a-z-]+)` \| (\d{3}) \|", HTTP_DOC.read_text(), re.M))

    assert documented == {(slug, str(status)) for slug, (status, _) in PROBLEM_TYPES.items()}


def test_each_status_the_api_answers_has_a_stable_documented_type(api: Api, goal: str) -> None:
    answers = {
        400: api.post(f"{goal}/activate", **{"If-Match": "one"}),
        401: api.get(f"/api/v1/plans/{MENTEE}", actor=None),
        403: api.post(f"{goal}/activate", actor=MENTOR, version=1),
        404: api.get("/api/v1/nowhere"),
        405: api.call("DELETE", goal),
        409: api.post("/api/v1/plans", {"mentee_id": MENTEE}),
        412: api.post(f"{goal}/activate", version=9),
        413: api.post(f"{goal}/feedback", {"text": "x" * 300_000, "source": "mentee"}),
        415: api.client.post(f"{goal}/feedback", data="text", headers=api.auth(MENTEE)),
        422: api.post(f"{goal}/feedback", {"text": "", "source": "boss"}),
        428: api.post(f"{goal}/activate"),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.get_data(as_text=True))
        assert response.mimetype == "application/problem+json"
        slug = response.get_json()["type"].removeprefix(PROBLEM_BASE)
        assert PROBLEM_TYPES[slug][0] == status
