"""The API extension: flask-smorest's `Api`, answering errors as problems and documenting
them as ``application/problem+json``, with the tracker's header parameters as components."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask_smorest import Api
from flask_smorest.utils import prepare_response

from tracker.web.actor import ACTOR_COMPONENT, ACTOR_PARAMETER
from tracker.web.problems import PROBLEM_JSON, register_problem_handlers
from tracker.web.schemas.common import ProblemSchema
from tracker.web.versions import IF_MATCH_COMPONENT, IF_MATCH_PARAMETER

API_PREFIX = "/api/v1"
API_CONFIG: dict[str, Any] = {
    "API_TITLE": "Mentoring tracker",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": API_PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "Career plans, goals, mentorships, proposals and check-ins, every change "
                "kept as an event. Errors are application/problem+json (RFC 9457). Reads "
                'answer with an ETag (the version); writes take If-Match: "<version>".'
            )
        }
    },
}


class TrackerApi(Api):  # type: ignore[misc]
    """flask-smorest's Api with the tracker's problems and header parameters."""

    ERROR_SCHEMA = ProblemSchema

    def _init_spec(self, **kwargs: Any) -> None:
        super()._init_spec(**kwargs)
        components = self.spec.components
        components.parameter(ACTOR_COMPONENT, "header", ACTOR_PARAMETER, lazy=True)
        components.parameter(IF_MATCH_COMPONENT, "header", IF_MATCH_PARAMETER, lazy=True)

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
