"""Two people edit the same record: the one holding a stale version is told, with the
current version, and nothing of theirs is written."""

from __future__ import annotations

from typing import Any

import pytest

MENTEE = "ada"


@pytest.fixture
def goal(api: Any) -> str:
    api.start_plan()
    return f"/api/v1/goals/{api.draft_goal()}"


def test_a_stale_if_match_is_a_412_naming_the_current_version(api: Any, goal: str) -> None:
    api.ok("POST", f"{goal}/revisions", {"changes": {"title": "One"}, "reason": "First"}, version=1)

    stale = api.post(
        f"{goal}/revisions", {"changes": {"title": "Two"}, "reason": "Late"}, version=1
    )

    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert stale.headers["ETag"] == '"2"'
    problem = stale.get_json()
    assert problem["current_version"] == 2
    assert "version 1" in problem["detail"]
    after = api.get(goal)
    assert after.headers["ETag"] == '"2"'
    assert after.get_json()["title"] == "One"


def test_the_current_if_match_is_accepted(api: Any, goal: str) -> None:
    response = api.post(f"{goal}/activate", version=1)

    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'


def test_a_stale_section_edit_writes_nothing(api: Any) -> None:
    api.start_plan()
    path = f"/api/v1/plans/{MENTEE}/sections/vision_statement"
    api.ok("PATCH", path, {"fields": {"statement": "Help teams grow"}}, version=1)

    stale = api.call("PATCH", path, {"fields": {"statement": "Other"}}, version=1)

    assert stale.status_code == 412
    plan = api.ok("GET", f"/api/v1/plans/{MENTEE}")
    assert plan["version"] == 2
    assert plan["sections"]["vision_statement"] == {"statement": "Help teams grow"}


@pytest.mark.parametrize("header", ["3", 'W/"1"', '"1", "2"', '"abc"'])
def test_an_if_match_that_is_not_one_version_is_a_400(api: Any, goal: str, header: str) -> None:
    response = api.post(f"{goal}/activate", **{"If-Match": header})

    assert response.status_code == 400
    assert "If-Match" in response.get_json()["detail"]
    assert api.get(goal).get_json()["status"] == "draft"


def test_a_second_plan_for_the_same_mentee_is_a_409(api: Any) -> None:
    api.start_plan()

    again = api.post("/api/v1/plans", {"mentee_id": MENTEE})

    assert again.status_code == 409
    assert again.get_json()["current_version"] == 1
    assert again.headers["ETag"] == '"1"'
