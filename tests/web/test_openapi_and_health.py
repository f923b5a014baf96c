"""The OpenAPI document describes what is served; /readyz says whether the store answers."""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from domain.values import CRITERIA
from tracker.web.api import API_BLUEPRINTS
from tracker.web.api.health import health
from tracker.web.schemas.goals import GoalFieldsSchema

# The document itself, its reading page and the page's scripts are not part of the API.
NOT_API = (
    "static",
    "api-docs.openapi_json",
    "api-docs.openapi_swagger_ui",
    "swagger-ui-assets.static",
)


def test_the_openapi_document_lists_the_api(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = json.loads(response.get_data(as_text=True))
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/plans",
        "/api/v1/plans/{mentee_id}/sections/{section}",
        "/api/v1/goals/{goal_id}",
        "/api/v1/goals/{goal_id}/revisions",
        "/api/v1/proposals/{proposal_id}/accept",
        "/api/v1/check-ins/{check_in_id}/notes",
        "/healthz",
    ):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/v1/plans/{mentee_id}/sections/{section}"]) >= {"put", "patch"}


def test_every_route_served_is_documented(app: Flask, client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method != "parameters"
    }
    api_blueprints = {blueprint.name for blueprint in (*API_BLUEPRINTS, health)}
    served = {
        (re.sub(r"<(?:[^<>]*:)?([^<>:]+)>", r"{\1}", rule.rule), method)
        for rule in app.url_map.iter_rules()
        # The HTML pages (tracker.web.pages) are not the API's: only its blueprints count.
        if rule.endpoint not in NOT_API and rule.endpoint.split(".")[0] in api_blueprints
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }

    assert len(served) > 40
    assert served == documented


def test_writes_document_who_acts_and_which_version(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    revise = spec["paths"]["/api/v1/goals/{goal_id}/revisions"]["post"]

    refs = {p.get("$ref") for p in revise["parameters"]}
    assert refs == {
        "#/components/parameters/IfMatchRequired",
        "#/components/parameters/IdempotencyKey",
    }
    # Who acts is the signed-in user: a bearer token or the session cookie.
    assert revise["security"] == [{"bearerAuth": []}, {"sessionCookie": []}]
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"]["in"] == "cookie"
    for status in ("401", "409", "412", "422", "428"):
        assert status in revise["responses"]
    conflict = spec["components"]["responses"]["CONFLICT"]
    assert "application/problem+json" in conflict["content"]


def test_every_reference_in_the_document_resolves(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if "$ref" in node else []
            return own + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    found = refs(spec)

    assert len(found) > 100
    for ref in found:
        target: Any = spec
        for part in ref.removeprefix("#/").split("/"):
            assert part in target, ref
            target = target[part]


def test_the_goal_schema_knows_every_criterion_of_the_domain() -> None:
    criteria = {name for names in CRITERIA.values() for name in names}

    assert criteria <= set(GoalFieldsSchema().fields)


def test_healthz_says_the_store_answers(client: FlaskClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "sqlite"}


def test_readyz_is_a_503_when_the_store_does_not_answer(
    client: FlaskClient, sqlite_url: str
) -> None:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as db:
        db.execute("DROP TABLE stored_events")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert "Retry-After" in response.headers
