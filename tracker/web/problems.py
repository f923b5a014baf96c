"""Every error answers as ``application/problem+json`` (RFC 9457), mapped here and only here.

A problem has ``type``, ``title``, ``status``, ``detail`` and ``instance`` (the path asked
for). Its ``type`` is a stable URI, ``https://tracker.example/problems/<slug>``, one per kind
of problem (`PROBLEM_TYPES`, listed in docs/http.md); an HTTP error with no slug of its own
gets its status phrase in kebab case. Validation problems add ``errors`` (messages by
field); version problems add ``current_version``, the current ETag and, when the client
named a stale version, ``changes_since``. 429 and 503 say when to retry (Retry-After).
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
from tracker.errors import AlreadyExists, Conflict, NotFound, StaleVersion, StorageUnavailable
from tracker.web.actor import MissingActor, acting_user
from tracker.web.context import get_tracker
from tracker.web.versions import etag

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://tracker.example/problems/"
RETRY_AFTER_SECONDS = 2

# slug -> (status, title): every kind of problem the API answers with.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "bad-request": (400, "Bad request"),
    "missing-actor": (401, "Who acts?"),
    "sign-in-failed": (401, "Sign-in failed"),
    "not-allowed": (403, "Not allowed"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "conflict": (409, "Changed by someone else"),
    "already-exists": (409, "Already exists"),
    "idempotency-key-in-use": (409, "The first request with this key is still running"),
    "stale-version": (412, "Changed since you read it"),
    "body-too-large": (413, "Body too large"),
    "unsupported-media-type": (415, "Not JSON"),
    "invalid-fields": (422, "Invalid fields"),
    "rule-broken": (422, "A rule says no"),
    "idempotency-key-reused": (422, "Idempotency key reused for another request"),
    "precondition-required": (428, "If-Match required"),
    "too-many-requests": (429, "Too many requests"),
    "internal-error": (500, "Internal error"),
    "storage-unavailable": (503, "Storage unavailable"),
    "unavailable": (503, "Unavailable"),
}
# Plain HTTP errors (werkzeug's, webargs') by status; others are named after their phrase.
HTTP_KINDS = {
    400: "bad-request",
    401: "missing-actor",
    403: "not-allowed",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "body-too-large",
    415: "unsupported-media-type",
    422: "invalid-fields",
    428: "precondition-required",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
}
MUST_SAY_WHEN_TO_RETRY = (429, 503)


class Refused(Exception):
    """A request the web layer refuses itself, answered as the problem of kind `kind`."""

    def __init__(
        self, kind: str, detail: str, *, headers: Mapping[str, str] | None = None, **members: Any
    ) -> None:
        if kind not in PROBLEM_TYPES:
            raise ValueError(f"No problem type {kind!r}: add it to PROBLEM_TYPES and docs/http.md")
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.headers = dict(headers or {})
        self.members = members


def problem_type(kind: str) -> str:
    """The stable type URI of a kind of problem."""
    return PROBLEM_BASE + kind


def kind_of_status(status: int) -> str:
    """The slug of a plain HTTP error: ours if we name it, else its phrase in kebab case."""
    if status in HTTP_KINDS:
        return HTTP_KINDS[status]
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")
    except ValueError:
        return f"status-{status}"


def problem(
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    headers: Mapping[str, str] | None = None,
    **members: Any,
) -> Response:
    """A problem response of the given kind (by default, the one of its status)."""
    kind = kind or kind_of_status(status)
    default_title = PROBLEM_TYPES.get(kind, (status, ""))[1] or _phrase(status)
    body = {
        "type": problem_type(kind),
        "title": title or default_title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        **members,
    }
    response = current_app.response_class(
        current_app.json.dumps(body), status=status, mimetype=PROBLEM_JSON
    )
    response.headers.update(headers or {})
    if status in MUST_SAY_WHEN_TO_RETRY:
        response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return response


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def register_problem_handlers(app: Flask) -> None:
    """Route every error the app can meet to its problem response."""
    app.register_error_handler(HTTPException, http_problem)
    app.register_error_handler(Refused, refused)
    app.register_error_handler(MissingActor, missing_actor)
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(StaleVersion, stale_version)
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
    # Keep what the error says about itself (Allow, Retry-After), not its HTML type.
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    if status == 422 and isinstance(messages, Mapping):
        errors = field_errors(messages)
        return problem(
            422,
            f"Some fields are not valid: {', '.join(sorted(errors))}.",
            headers=headers,
            errors=errors,
        )
    if status == 400 and messages:
        return problem(400, "The body is not valid JSON.", headers=headers)
    return problem(status, error.description or _phrase(status), headers=headers)


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


def refused(error: Refused) -> Response:
    status = PROBLEM_TYPES[error.kind][0]
    return problem(status, error.detail, kind=error.kind, headers=error.headers, **error.members)


def missing_actor(error: MissingActor) -> Response:
    return problem(
        401,
        str(error),
        kind="missing-actor",
        headers={"WWW-Authenticate": 'Bearer realm="tracker"'},
    )


def not_found(error: NotFound) -> Response:
    return problem(404, error.message, kind="not-found")


def stale_version(error: StaleVersion) -> Response:
    """If-Match named a version the record has moved on from: 412, and what changed since."""
    return problem(
        412,
        error.message,
        kind="stale-version",
        headers={"ETag": etag(error.current)},
        current_version=error.current,
        changes_since=_changes_since(error),
    )


def _changes_since(error: StaleVersion) -> list[dict[str, Any]] | None:
    """The events after the version the client had, as far as it may see them (None if the
    store cannot say right now: the 412 stands without them)."""
    try:
        viewer = acting_user()
    except MissingActor:
        viewer = None
    try:
        return get_tracker().changes_since(error.aggregate_id, error.had, viewer_id=viewer)
    except (PersistenceError, StorageUnavailable):
        return None


def conflict(error: Conflict | AlreadyExists) -> Response:
    """Two writers at the same moment (or a second create): 409 with the current version."""
    return problem(
        409,
        error.message,
        kind="conflict" if isinstance(error, Conflict) else "already-exists",
        headers={"ETag": etag(error.current)},
        current_version=error.current,
    )


def not_allowed(error: NotAllowed) -> Response:
    return problem(403, error.message, kind="not-allowed")


def rule_broken(error: DomainError) -> Response:
    """A rule of the domain said no; the field it names carries the message."""
    members: dict[str, Any] = {"errors": {error.field: [error.message]}} if error.field else {}
    return problem(422, error.message, kind="rule-broken", **members)


def storage_unavailable(error: Exception) -> Response:
    current_app.logger.warning("The event store is unavailable: %s", error)
    return problem(
        503,
        "The database is busy or unreachable; try again in a moment.",
        kind="storage-unavailable",
    )


def unexpected(error: Exception) -> Response:
    """A bug: logged with its trace on the server, never shown to the client."""
    current_app.logger.exception("Unexpected error on %s %s", request.method, request.path)
    return problem(500, "Something went wrong on our side; it has been logged.")
