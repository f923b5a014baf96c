"""The interactive page for the OpenAPI document is served by the app itself (no CDN), and
the document says, per operation, which version and retry headers a write takes."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

DOCS = "/api/v1/docs"
PARAMETERS = "#/components/parameters/"
RECEIPT = {"$ref": "#/components/schemas/Receipt"}


def test_the_docs_page_and_its_scripts_and_styles_are_served_locally(
    client: FlaskClient,
) -> None:
    page = client.get(DOCS)

    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 3
    for asset in assets:
        assert asset.startswith("/api/v1/docs/assets/"), asset
        with client.get(asset) as served:
            assert served.status_code == 200, asset
            assert served.mimetype in ("text/css", "text/javascript", "application/javascript")
            assert len(served.get_data()) > 1000
    assert "/api/v1/openapi.json" in html


def test_the_docs_page_reaches_no_other_host(client: FlaskClient) -> None:
    page = client.get(DOCS)
    html = page.get_data(as_text=True)

    assert not re.search(r"https?://", html)
    assert '"validatorUrl": null' in html  # Swagger UI's badge would call its own host
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy
    with client.get("/api/v1/docs/assets/swagger-ui.css") as response:
        styles = response.get_data(as_text=True)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", styles)


def operation(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = spec["paths"][f"/api/v1{path}"][method]
    return found


def headers_of(op: dict[str, Any]) -> set[str]:
    return {p["$ref"].removeprefix(PARAMETERS) for p in op.get("parameters", []) if "$ref" in p}


def test_each_write_says_whether_if_match_is_required(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    components = spec["components"]["parameters"]

    revise = operation(spec, "/goals/{goal_id}/revisions", "post")
    feedback = operation(spec, "/goals/{goal_id}/feedback", "post")
    draft = operation(spec, "/plans/{mentee_id}/goals", "post")
    read = operation(spec, "/goals/{goal_id}", "get")

    assert {"IfMatchRequired", "IdempotencyKey"} <= headers_of(revise)
    assert {"412", "428"} <= set(revise["responses"])
    assert {"IfMatch", "IdempotencyKey"} <= headers_of(feedback)
    assert "428" not in feedback["responses"]
    assert "IfMatch" not in headers_of(draft)
    assert "IdempotencyKey" in headers_of(draft)
    assert "IfNoneMatch" in headers_of(read)
    assert "304" in read["responses"]
    assert components["IfMatchRequired"]["required"] is True
    assert components["IfMatch"]["required"] is False
    assert components["IdempotencyKey"]["name"] == "Idempotency-Key"


def receipt_of(op: dict[str, Any]) -> bool:
    """Whether an operation records something (it answers with a receipt)."""
    for status in ("200", "201"):
        content = op["responses"].get(status, {}).get("content", {})
        if content.get("application/json", {}).get("schema") == RECEIPT:
            return True
    return False


def test_every_write_takes_an_idempotency_key_and_one_if_match_rule(
    client: FlaskClient,
) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    writes = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in ("post", "put", "patch") and receipt_of(op)
    ]

    assert len(writes) > 40
    for path, method, op in writes:
        headers = headers_of(op)
        assert "IdempotencyKey" in headers, (method, path)
        created = "201" in op["responses"]
        if_match = headers & {"IfMatch", "IfMatchRequired"}
        assert len(if_match) == (0 if created else 1), (method, path)


def test_lists_document_their_pages(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()

    for path in (
        "/plans/{mentee_id}/goals",
        "/plans/{mentee_id}/proposals",
        "/plans/{mentee_id}/timeline",
    ):
        listed = operation(spec, path, "get")
        query = {p["name"]: p for p in listed["parameters"] if p.get("in") == "query"}
        assert query["limit"]["schema"]["maximum"] == 500, path
        assert "cursor" in query, path
        assert "Link" in listed["responses"]["200"]["headers"], path
