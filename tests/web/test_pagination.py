"""Lists come in pages: {items, next_cursor} and a Link to the next page, with opaque
cursors and a bounded limit; the goals, proposals and check-ins a user needs are listed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import MENTEE, MENTOR, SMARTY_GOAL, Api, make_app, tracker
from tracker.clock import ManualClock
from tracker.web.pagination import decode_cursor, encode_cursor, page_of

GOALS = f"/api/v1/plans/{MENTEE}/goals"
PROPOSALS = f"/api/v1/plans/{MENTEE}/proposals"
TIMELINE = f"/api/v1/plans/{MENTEE}/timeline"


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(sqlite_url, clock)
    yield app
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    tracker(app).close()


def every_page(api: Api, path: str) -> list[list[dict[str, Any]]]:
    """Follow the Link headers from `path` to the last page; each page's items."""
    pages = []
    while True:
        response = api.get(path)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append(body["items"])
        if body["next_cursor"] is None:
            assert "Link" not in response.headers
            return pages
        link = response.headers["Link"]
        assert link.endswith('>; rel="next"')
        path = link[1 : link.index(">")]
        assert f"cursor={body['next_cursor']}" in path


def draft(api: Api, titles: list[str]) -> list[str]:
    return [api.draft_goal({**SMARTY_GOAL, "title": title}) for title in titles]


def test_goals_come_in_pages_in_the_order_drafted(api: Api) -> None:
    api.start_plan()
    ids = draft(api, ["One", "Two", "Three", "Four", "Five"])

    pages = every_page(api, f"{GOALS}?limit=2")

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [goal["id"] for page in pages for goal in page] == ids
    assert pages[0][0]["title"] == "One"
    assert pages[0][0]["status"] == "draft"


def test_a_page_keeps_the_filter_it_was_asked_with(api: Api) -> None:
    api.start_plan()
    ids = draft(api, ["One", "Two", "Three", "Four"])
    for goal_id in ids[1:]:
        api.ok("POST", f"/api/v1/goals/{goal_id}/activate", version=1)

    pages = every_page(api, f"{GOALS}?status=active&limit=2")

    assert [g["id"] for page in pages for g in page] == ids[1:]
    assert api.ok("GET", f"{GOALS}?status=achieved") == {"items": [], "next_cursor": None}


def test_the_default_page_is_50(api: Api) -> None:
    api.start_plan()
    draft(api, [f"Goal {n}" for n in range(51)])

    first = api.ok("GET", GOALS)

    assert len(first["items"]) == 50
    assert len(api.ok("GET", f"{GOALS}?cursor={first['next_cursor']}")["items"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=ten", "limit"),
        ("cursor=not-a-cursor!", "cursor"),
        ("cursor=" + base64.urlsafe_b64encode(b'{"a": 1}').decode(), "cursor"),
        ("status=finished", "status"),
    ],
)
def test_a_bad_limit_or_cursor_is_a_422(api: Api, query: str, field: str) -> None:
    api.start_plan()

    response = api.get(f"{GOALS}?{query}")

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_a_plan_nobody_started_has_no_lists(api: Api) -> None:
    assert api.get("/api/v1/plans/nobody/goals").status_code == 404
    assert api.get("/api/v1/plans/nobody/proposals").status_code == 404
    assert api.get(GOALS, actor=None).status_code == 401


def test_proposals_are_listed_with_what_became_of_them(api: Api) -> None:
    api.start_plan()
    api.active_mentorship()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    made = [
        api.ok("POST", f"{goal}/proposals", {"changes": {"title": t}, "rationale": t}, actor=MENTOR)
        for t in ("Lead", "Manage", "Coach")
    ]
    api.ok("POST", f"/api/v1/proposals/{made[0]['id']}/decline", {"reason": "No"}, version=1)

    every = [p for page in every_page(api, f"{PROPOSALS}?limit=2") for p in page]
    pending = api.ok("GET", f"{PROPOSALS}?status=pending")["items"]

    assert [p["id"] for p in every] == [m["id"] for m in made]
    first = every[0]
    assert (first["status"], first["decided_by"], first["decision_reason"]) == (
        "declined",
        MENTEE,
        "No",
    )
    assert (first["proposed_by"], first["changes"], first["target"]) == (
        MENTOR,
        {"title": "Lead"},
        "goal",
    )
    assert [p["id"] for p in pending] == [made[1]["id"], made[2]["id"]]


def test_check_ins_of_a_mentorship_are_listed_by_date(api: Api) -> None:
    mentorship = api.active_mentorship()
    path = f"/api/v1/mentorships/{mentorship}/check-ins"
    days = ["2025-03-03", "2025-02-03", "2025-04-07"]
    ids = {day: api.ok("POST", path, {"scheduled_for": day})["id"] for day in days}
    api.ok(
        "POST", f"/api/v1/check-ins/{ids['2025-02-03']}/hold", {"held_on": "2025-02-03"}, version=1
    )

    listed = [c for page in every_page(api, f"{path}?limit=2") for c in page]
    scheduled = api.ok("GET", f"{path}?status=scheduled")["items"]

    assert [c["scheduled_for"] for c in listed] == sorted(days)
    assert [c["id"] for c in listed] == [ids[day] for day in sorted(days)]
    assert listed[0]["status"] == "held"
    assert [c["scheduled_for"] for c in scheduled] == ["2025-03-03", "2025-04-07"]
    unknown = "/api/v1/mentorships/5f0c3a8e-4a5b-4c8d-9e1f-0a1b2c3d4e5f/check-ins"
    assert api.get(unknown).status_code == 404


def test_the_timeline_comes_in_pages(api: Api) -> None:
    api.start_plan()
    draft(api, ["One", "Two", "Three"])

    pages = every_page(api, f"{TIMELINE}?limit=2")

    assert [len(page) for page in pages] == [2, 2]
    types = [entry["type"] for page in pages for entry in page]
    assert types == ["Plan.Started", "Goal.Drafted", "Goal.Drafted", "Goal.Drafted"]
    another_lists = encode_cursor(["2025-02-03", "a1b2"])
    assert api.get(f"{TIMELINE}?cursor={another_lists}").status_code == 422


def test_cursors_are_opaque_and_give_back_their_position() -> None:
    for position in (0, 42, "2025-02-03", ["2025-02-03", "a1b2"]):
        cursor = encode_cursor(position)
        assert cursor.isascii()
        assert "=" not in cursor
        assert decode_cursor(cursor) == position
    for junk in ("", "%%%", encode_cursor(0)[:-1] + "!", "x" * 2000, encode_cursor(2**64)):
        with pytest.raises(ValueError, match=r"cursor|position|long"):
            decode_cursor(junk)


def test_a_page_in_memory_continues_after_its_cursor() -> None:
    numbers = [5, 1, 4, 2, 3]

    first = page_of(numbers, key=lambda n: n, after=None, limit=2)
    second = page_of(numbers, key=lambda n: n, after=first.next_position, limit=2)
    last = page_of(numbers, key=lambda n: n, after=second.next_position, limit=2)

    assert (first.items, second.items, last.items) == ([1, 2], [3, 4], [5])
    assert last.next_position is None


def test_a_goals_history_comes_in_pages(api: Api) -> None:
    api.start_plan()
    goal_id = api.draft_goal()
    for version, title in enumerate(("Lead", "Lead well", "Lead a team"), start=1):
        revision = {"changes": {"title": title}, "reason": "Sharper"}
        api.ok("POST", f"/api/v1/goals/{goal_id}/revisions", revision, version=version)

    pages = every_page(api, f"/api/v1/goals/{goal_id}/history?limit=3")

    assert [len(page) for page in pages] == [3, 1]
    assert [r["event"] for r in pages[0]] == ["drafted", "revised", "revised"]
    assert api.ok("GET", f"/api/v1/goals/{goal_id}/history")["title"] == "Lead a team"
