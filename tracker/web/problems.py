"""Every error answers as ``application/problem+json`` (RFC 9457), mapped here and only here.

A problem has ``type``, ``title``, ``status``, ``detail`` and ``instance`` (the path asked
for). Plain HTTP errors (404, 405, 413, ...) have type ``about:blank`` and the status phrase
as title; the tracker's own problems have a ``tag:`` type naming them. Validation problems
add ``errors`` (messages by field); conflicts add ``current_version`` and the current ETag.
No error, expected or not, sends a stack trace to the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from eventsourcing.persistence import PersistenceError
from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from domain.errors import DomainError, NotAllowed
from tracker.errors import AlreadyExists, Conflict, NotFound, StorageUnavailable
from tracker.web.actor import ACTOR_HEADER, MissingActor
from tracker.web.versions import etag

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "tag:mentoring-tracker,2025:problems/"
RETRY_AFTER_SECONDS = 2


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
) -> Response:
    """A problem response; `kind` names the tracker's own problem types."""
    body = {
        "type": PROBLEM_TYPE + kind if kind else "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **members,
    }
    response = current_app.response_class(
        current_app.json.dumps(body), status=status, mimetype=PROBLEM_JSON
    )
    response.headers.update(headers or {})
    return response


def register_problem_handlers(app: Flask) -> None:
    """Route every error the app can meet to its problem response."""
    app.register_error_handler(HTTPException, http_problem)
    app.register_error_handler(MissingActor, missing_actor)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(Conflict, conflict)
    app.register_error_handler(AlreadyExists, conflict)
    app.register_error_handler(NotAllowed, not_allowed)
    app.register_error_handler(DomainError, rule_broken)
    # Locked, down, or missing its tables: the store does not answer as it should.
    app.register_error_handler(StorageUnavailable, storage_unavailable)
    app.register_error_handler(PersistenceError, storage_unavailable)
    app.register_error_handler(Exception, unexpected)


def http_problem(error: HTTPException) -> Response:
    """Werkzeug's and webargs' errors: unknown route, wrong method, bad body, validation."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    # Keep what the error says about itself (Allow, WWW-Authenticate), not its HTML type.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    if status == 422 and isinstance(messages, Mapping):
        errors = field_errors(messages)
        return problem(
            422,
            f"Some fields are not valid: {', '.join(sorted(errors))}.",
            kind="invalid-fields",
            title="Invalid fields",
            headers=headers,
            errors=errors,
        )
    if status == 400 and messages:
        return problem(400, "The body is not valid JSON.", headers=headers)
    return problem(status, error.description or HTTPStatus(status).phrase, headers=headers)


def field_errors(messages: Mapping[str, Any]) -> dict[str, Any]:
    """webargs' messages by location (json, query, ...) as one mapping of field to messages."""
    errors: dict[str, Any] = {}
    for location, by_field in messages.items():
        if isinstance(by_field, Mapping):
            errors.update(by_field)
        else:
            errors[location] = by_field
    # marshmallow names errors of the whole body `_schema`; people call it the body.
    if "_schema" in errors:
        errors["body"] = errors.pop("_schema")
    return errors


def missing_actor(error: MissingActor) -> Response:
    return problem(
        401,
        str(error),
        kind="missing-actor",
        title="Who acts?",
        headers={"WWW-Authenticate": f'{ACTOR_HEADER.replace("-", "")} realm="tracker"'},
    )


def not_found(error: NotFound) -> Response:
    return problem(404, error.message, kind="not-found", title="Not found")


def conflict(error: Conflict | AlreadyExists) -> Response:
    return problem(
        409,
        error.message,
        kind="conflict",
        title="Changed by someone else" if isinstance(error, Conflict) else "Already exists",
        headers={"ETag": etag(error.current)},
        current_version=error.current,
    )


def not_allowed(error: NotAllowed) -> Response:
    return problem(403, error.message, kind="not-allowed", title="Not allowed")


def rule_broken(error: DomainError) -> Response:
    """A rule of the domain said no; the field it names carries the message."""
    members: dict[str, Any] = {"errors": {error.field: [error.message]}} if error.field else {}
    return problem(422, error.message, kind="rule-broken", title="A rule says no", **members)


def storage_unavailable(error: Exception) -> Response:
    current_app.logger.warning("The event store is unavailable: %s", error)
    return problem(
        503,
        "The database is busy or unreachable; try again in a moment.",
        kind="storage-unavailable",
        title="Storage unavailable",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def unexpected(error: Exception) -> Response:
    """A bug: logged with its trace on the server, never shown to the client."""
    current_app.logger.exception("Unexpected error on %s %s", request.method, request.path)
    return problem(500, "Something went wrong on our side; it has been logged.")
