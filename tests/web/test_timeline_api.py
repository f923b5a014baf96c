"""GET /api/v1/plans/<mentee>/timeline and /growth: fresh, private where it must be, strict."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from flask import Flask

from projections.timeline import timeline_for
from tests.web.conftest import MENTEE, MENTOR, Api, make_app, tracker
from tracker.clock import ManualClock

TIMELINE = f"/api/v1/plans/{MENTEE}/timeline"
GROWTH = f"/api/v1/plans/{MENTEE}/growth"


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(sqlite_url, clock)
    yield app
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    tracker(app).close()


def edit_vision(api: Api, statement: str, reason: str, version: int) -> None:
    path = f"/api/v1/plans/{MENTEE}/sections/vision_statement"
    api.ok("PATCH", path, {"fields": {"statement": statement}, "reason": reason}, version=version)


def types(answer: dict[str, Any]) -> list[str]:
    return [entry["type"] for entry in answer["items"]]


def test_the_timeline_shows_a_write_at_once(api: Api, clock: ManualClock) -> None:
    api.start_plan()
    clock.advance(days=3)
    edit_vision(api, "Lead with care", "first try", version=1)
    goal_id = api.draft_goal()
    answer = api.ok("GET", TIMELINE)
    assert types(answer) == ["Plan.Started", "Plan.SectionEdited", "Goal.Drafted"]
    edit = answer["items"][1]
    assert edit["what"] == "edited the section vision_statement"
    assert (edit["actor_id"], edit["reason"]) == (MENTEE, "first try")
    assert edit["at"].startswith("2025-01-09T09:00:00")
    goals = api.ok("GET", f"{TIMELINE}?kind=goal")
    assert [e["subject"]["id"] for e in goals["items"]] == [goal_id]
    first_days = api.ok("GET", f"{TIMELINE}?since=2025-01-06&until=2025-01-07")
    assert types(first_days) == ["Plan.Started"]


def test_private_reflections_only_reach_their_author(api: Api) -> None:
    api.start_plan()
    api.active_mentorship()
    api.ok("POST", f"/api/v1/plans/{MENTEE}/reflections", {"text": "Scared", "private": True})
    mine = api.ok("GET", f"{TIMELINE}?kind=reflection")
    assert [e["private"] for e in mine["items"]] == [True]
    theirs = api.ok("GET", TIMELINE, actor=MENTOR)
    assert "reflection" not in [e["kind"] for e in theirs["items"]]
    assert "Scared" not in str(theirs)


def openapi_nullable(schema: Any) -> Any:
    """An OpenAPI 3.0 schema as JSON Schema: `nullable: true` becomes a type that takes null."""
    if isinstance(schema, list):
        return [openapi_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    converted = {k: openapi_nullable(v) for k, v in schema.items() if k != "nullable"}
    if schema.get("nullable"):
        converted["type"] = [schema["type"], "null"]
    return converted


def test_the_timeline_is_the_view_as_its_openapi_schema_says(api: Api, app: Flask) -> None:
    api.start_plan()
    api.active_mentorship()
    goal_id = api.draft_goal()
    api.ok(
        "POST", f"/api/v1/plans/{MENTEE}/reflections", {"text": 'Sc\u00e4red "x"', "private": True}
    )
    proposal = {"changes": {"title": "Lead a team"}, "rationale": "Clearer"}
    api.ok("POST", f"/api/v1/goals/{goal_id}/proposals", proposal, actor=MENTOR)
    spec = api.get("/api/v1/openapi.json").get_json()
    page_schema = {
        "$ref": "#/components/schemas/TimelinePage",
        "components": openapi_nullable(spec["components"]),
    }
    store = app.extensions["projections"].fresh("timeline")
    for reader in (MENTEE, MENTOR):
        answer = api.ok("GET", TIMELINE, actor=reader)
        jsonschema.validate(answer, page_schema)
        view = timeline_for(store, MENTEE, viewer_id=reader, limit=50)["entries"]
        assert answer["items"] == view  # the stored entries, passed on unchanged
    assert [e["private"] for e in answer["items"]] == [False] * len(answer["items"])
    own = api.ok("GET", f"{TIMELINE}?kind=reflection&limit=1")
    assert [(e["data"]["text"], e["private"]) for e in own["items"]] == [('Sc\u00e4red "x"', True)]


def test_a_mentee_with_a_mentor_but_no_plan_has_no_timeline(api: Api) -> None:
    api.active_mentorship()  # her invitation is in the view, her plan is not
    assert api.get(TIMELINE).status_code == 404
    assert api.get(GROWTH).status_code == 404
    api.start_plan()
    assert "Plan.Started" in types(api.ok("GET", TIMELINE))


def test_growth_per_month(api: Api, clock: ManualClock) -> None:
    api.start_plan()
    edit_vision(api, "Lead with care", "first try", version=1)
    clock.advance(days=60)
    edit_vision(api, "Lead a team of five with care", "clearer", version=2)
    months = api.ok("GET", f"{GROWTH}?period=month")["points"]
    assert [p["period_start"] for p in months] == ["2025-01-01", "2025-02-01", "2025-03-01"]
    assert [p["section_words"]["vision_statement"] for p in months] == [3, 3, 7]
    weeks = api.ok("GET", GROWTH)["points"]
    assert weeks[0]["period_start"] == "2025-01-06"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"{TIMELINE}?kind=gossip", "kind"),
        (f"{TIMELINE}?since=yesterday", "since"),
        (f"{TIMELINE}?since=2025-02-01&until=2025-01-01", "until"),
        (f"{TIMELINE}?limit=0", "limit"),
        (f"{GROWTH}?period=year", "period"),
        (f"{GROWTH}?period=week&until=2999-01-01", "until"),
    ],
)
def test_bad_queries_are_422_problems(api: Api, query: str, field: str) -> None:
    api.start_plan()
    response = api.get(query)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]


def test_unknown_plan_and_missing_actor(api: Api) -> None:
    assert api.get("/api/v1/plans/nobody/timeline").status_code == 404
    assert api.get("/api/v1/plans/nobody/growth").status_code == 404
    assert api.get(TIMELINE, actor=None).status_code == 401
