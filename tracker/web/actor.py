"""Who acts: the signed-in user (a bearer token or the session cookie, `tracker.web.auth`).

This module used to read an ``X-Actor-Id`` header; since accounts exist, the actor is the
authenticated user and nobody else. Routes keep importing `acting` and `acting_user` from
here: `acting` refuses an anonymous request with 401 before its body is read, and documents
the operation's security requirement in the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from tracker.web.apidoc import document
from tracker.web.auth import NotSignedIn, acting_user

# Letters, digits and a few separators: ids appear in URLs (/plans/<mentee_id>) and logs.
ACTOR_ID_PATTERN = r"^[\w.@:+-]{1,200}$"
MissingActor = NotSignedIn  # the old name, for callers that catch it

BEARER_SCHEME = "bearerAuth"
COOKIE_SCHEME = "sessionCookie"
SECURITY_SCHEMES: dict[str, dict[str, Any]] = {
    BEARER_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "description": (
            "A personal API token (`tracker users token USER --scope ...`, or POST "
            "/api/v1/account/tokens), with scopes read:plan, write:plan or read:events."
        ),
    },
    COOKIE_SCHEME: {
        "type": "apiKey",
        "in": "cookie",
        "name": "tracker_session",
        "description": (
            "The session cookie set by POST /api/v1/session; writes with it also need "
            "the X-CSRF-Token header (its value is in GET /api/v1/session)."
        ),
    },
}
SECURITY: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}, {COOKIE_SCHEME: []}]

__all__ = ["ACTOR_ID_PATTERN", "SECURITY_SCHEMES", "MissingActor", "acting", "acting_user"]


def acting(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a signed-in user before the body is read, and say so in the OpenAPI document."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        acting_user()
        return view(*args, **kwargs)

    document(checked, responses=[401, 403])
    manual = checked._apidoc.setdefault("manual_doc", {})  # type: ignore[attr-defined]
    manual["security"] = SECURITY
    return checked
