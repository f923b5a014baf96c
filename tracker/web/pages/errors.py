"""Errors on pages: an HTML page that says what happened and where to go, never a trace.

Errors raised while serving a page are answered by the page blueprints' handlers; a URL
that matches no route (404, 405) is answered by the app's handler, which renders HTML for
browsers outside the API and leaves every other request to the JSON problems
(`tracker.web.problems`).
"""

from __future__ import annotations

from eventsourcing.persistence import PersistenceError
from flask import Blueprint, Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from domain.errors import DomainError, NotAllowed
from tracker.errors import Conflict, NotFound, StorageUnavailable
from tracker.web.auth import NotSignedIn
from tracker.web.pages.base import SignInRequired, sign_in_redirect
from tracker.web.problems import PROBLEM_JSON, RETRY_AFTER_SECONDS, http_problem

NOT_PAGES = ("/api/", "/healthz", "/readyz", "/metrics")
TITLES = {
    400: "That request could not be read",
    403: "Not yours to see or do",
    404: "Nothing here",
    405: "Not like that",
    409: "Changed by someone else",
    413: "Too much at once",
    422: "A rule says no",
    429: "Too many tries",
    500: "Something went wrong on our side",
    503: "Busy for a moment",
}


def error_page(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error page for a status, with a message in plain words."""
    html = render_template(
        "errors/error.html",
        status=status,
        title=TITLES.get(status, "Something is not right"),
        message=message,
    )
    response = current_app.response_class(html, status=status, mimetype="text/html")
    response.headers.update(headers or {})
    return response


def wants_html() -> bool:
    """A browser asking for a page (not the API, health checks or a JSON client)."""
    if request.path.startswith(NOT_PAGES):
        return False
    best = request.accept_mimetypes.best_match(["application/json", PROBLEM_JSON, "text/html"])
    return best == "text/html"


# Handlers ----------------------------------------------------------------------------------
def _sign_in(_: Exception) -> Response:
    return sign_in_redirect()


def _not_found(error: NotFound) -> Response:
    return error_page(404, error.message)


def _not_allowed(error: NotAllowed) -> Response:
    return error_page(403, error.message)


def _rule_broken(error: DomainError) -> Response:
    return error_page(422, error.message)


def _conflict(error: Conflict) -> Response:
    return error_page(409, error.message)


def _csrf(_: CSRFError) -> Response:
    return error_page(
        400,
        "This form was open too long or came from elsewhere, so it was not sent. "
        "Go back, reload the page and send it again.",
    )


def _unavailable(error: Exception) -> Response:
    current_app.logger.warning("A page found the store unavailable: %s", error)
    return error_page(
        503,
        "The database is busy or catching up; try again in a moment.",
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _http(error: HTTPException) -> Response:
    status = error.code or 500
    if status >= 500:
        return _unexpected(error)
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return error_page(status, error.description or TITLES.get(status, ""), headers)


def _unexpected(error: Exception) -> Response:
    current_app.logger.exception("Unexpected error on page %s %s", request.method, request.path)
    return error_page(500, "It has been logged. Go back and try again, or try later.")


def _app_http(error: HTTPException) -> Response:
    """No route matched (404, 405): a page for browsers, a problem for everyone else."""
    return _http(error) if wants_html() else http_problem(error)


def register_page_errors(blueprint: Blueprint) -> None:
    """Answer every error of the blueprint's pages with an HTML page (or sign-in redirect)."""
    for kind, handler in (
        (SignInRequired, _sign_in),
        (NotSignedIn, _sign_in),
        (NotFound, _not_found),
        (NotAllowed, _not_allowed),
        (Conflict, _conflict),
        (DomainError, _rule_broken),
        (CSRFError, _csrf),
        (StorageUnavailable, _unavailable),
        (PersistenceError, _unavailable),
        (HTTPException, _http),
        (Exception, _unexpected),
    ):
        blueprint.register_error_handler(kind, handler)


def register_app_errors(app: Flask) -> None:
    """Unmatched URLs: HTML for browsers outside the API (replaces the app-wide handler)."""
    app.register_error_handler(HTTPException, _app_http)
