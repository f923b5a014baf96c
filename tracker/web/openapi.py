"""The API extension: flask-smorest's `Api`, answering errors as problems and documenting
them as ``application/problem+json``, with the tracker's header parameters as components,
and the interactive page for reading the document at /api/v1/docs.

The page is Swagger UI from the installed ``swagger-ui-bundle`` package, served by this app
(no CDN), with its validator badge off and a Content-Security-Policy that lets the browser
load nothing from any other host.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Blueprint, Flask, render_template, url_for
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields
from swagger_ui_bundle import swagger_ui_path

from tracker.web.actor import SECURITY_SCHEMES
from tracker.web.idempotency import IDEMPOTENCY_COMPONENT, IDEMPOTENCY_PARAMETER, init_idempotency
from tracker.web.problems import PROBLEM_JSON, register_problem_handlers
from tracker.web.schemas.common import ProblemSchema
from tracker.web.versions import (
    IF_MATCH_COMPONENT,
    IF_MATCH_PARAMETER,
    IF_MATCH_REQUIRED_COMPONENT,
    IF_MATCH_REQUIRED_PARAMETER,
    IF_NONE_MATCH_COMPONENT,
    IF_NONE_MATCH_PARAMETER,
)

API_PREFIX = "/api/v1"
DOCS_PATH = "docs"
ASSETS = "swagger-ui-assets"
ASSETS_URL = f"{API_PREFIX}/{DOCS_PATH}/assets"
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'"
)
API_CONFIG: dict[str, Any] = {
    "API_TITLE": "Mentoring tracker",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": DOCS_PATH,
    "OPENAPI_SWAGGER_UI_URL": f"{ASSETS_URL}/",
    # No validator badge: it would send the document to a host of its own.
    "OPENAPI_SWAGGER_UI_CONFIG": {"validatorUrl": None},
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Career plans, goals, mentorships, proposals and check-ins, every change "
                "kept as an event. Errors are application/problem+json (RFC 9457). Records "
                "answer with an ETag (their version) and honour If-None-Match. Writes that "
                'overwrite state require If-Match: "<version>" (428 without, 412 if stale); '
                "appends take it optionally. Every write honours Idempotency-Key. Lists are "
                "pages: {items, next_cursor} and a Link header. See docs/http.md."
            )
        }
    },
}


class ChangeSchema(Schema):
    """One change made since the version a client had (on 412 problems)."""

    version = fields.Integer(required=True)
    type = fields.String(required=True, metadata={"example": "Goal.Revised"})
    actor_id = fields.String(allow_none=True, required=True)
    at = fields.String(required=True)
    changed = fields.List(fields.String(), required=True)
    reason = fields.String(allow_none=True)


class TrackerProblemSchema(ProblemSchema):
    changes_since = fields.List(
        fields.Nested(ChangeSchema),
        allow_none=True,
        metadata={"description": "On 412: what changed since the version you sent."},
    )


class TrackerApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with the tracker's problems, header parameters and docs page."""

    ERROR_SCHEMA = TrackerProblemSchema

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        init_idempotency(app)
        app.register_blueprint(
            Blueprint(ASSETS, __name__, static_folder=swagger_ui_path, static_url_path=ASSETS_URL)
        )
        super().init_app(app, *args, **kwargs)

    def _init_spec(self, **kwargs: Any) -> None:
        super()._init_spec(**kwargs)
        for scheme, description in SECURITY_SCHEMES.items():
            self.spec.components.security_scheme(scheme, description)
        for name, parameter in (
            (IF_MATCH_COMPONENT, IF_MATCH_PARAMETER),
            (IF_MATCH_REQUIRED_COMPONENT, IF_MATCH_REQUIRED_PARAMETER),
            (IF_NONE_MATCH_COMPONENT, IF_NONE_MATCH_PARAMETER),
            (IDEMPOTENCY_COMPONENT, IDEMPOTENCY_PARAMETER),
        ):
            self.spec.components.parameter(name, "header", parameter, lazy=True)

    def _openapi_swagger_ui(self) -> Any:
        """The Swagger UI page, its scripts and styles from this app's own URL."""
        stylesheet = url_for(f"{ASSETS}.static", filename="swagger-ui.css")
        page = render_template(
            "swagger_ui.html",
            title=self.spec.title,
            spec_url=url_for(f"{self._make_doc_blueprint_name()}.openapi_json"),
            swagger_ui_url=stylesheet.removesuffix("swagger-ui.css"),
            swagger_ui_config=self.config.get("OPENAPI_SWAGGER_UI_CONFIG", {}),
        )
        return page, 200, {"Content-Security-Policy": DOCS_POLICY}

    def _register_error_handlers(self) -> None:
        # Replaces flask-smorest's own JSON error format with problems (tracker.web.problems).
        register_problem_handlers(self._app)

    def _register_responses(self) -> None:
        """Document every error status as a problem, under its media type."""
        for status in HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "A problem", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_JSON)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, default, lazy=True)
