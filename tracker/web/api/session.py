"""Signing in and out over JSON: a session cookie for browsers' scripts and the curl guide.

`POST /session` checks the password and sets the session cookie (a new one each time);
writes riding on that cookie then need the `X-CSRF-Token` header, whose value the answer
(and `GET /session`) carries. Scripts and integrators use a bearer token instead.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema, ValidationError, fields, validate

from tracker.access import TOKEN_SCOPES
from tracker.web.actor import acting
from tracker.web.auth import (
    SignInFailed,
    SignInThrottled,
    csrf,
    csrf_token,
    current_actor,
    sign_in,
    sign_out,
    signed_in_with_token,
)
from tracker.web.blueprint import ApiBlueprint
from tracker.web.problems import Refused

session_api = ApiBlueprint(
    "session", __name__, description="Sign in and out with a password (a session cookie)."
)


def _encodable(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Must be valid Unicode text.") from None


def password_field() -> fields.String:
    """A password as typed: any valid Unicode, at most 1024 characters (never echoed)."""
    return fields.String(
        required=True, load_only=True, validate=[validate.Length(max=1024), _encodable]
    )


class SignInSchema(Schema):
    user_id = fields.String(
        required=True, validate=validate.Length(max=200), metadata={"example": "mentee-ana"}
    )
    password = password_field()


class SessionSchema(Schema):
    """Who is signed in, and how."""

    user_id = fields.String(required=True)
    admin = fields.Boolean(required=True)
    via = fields.String(
        required=True, metadata={"description": "`session` (the cookie) or `token`."}
    )
    scopes = fields.List(fields.String(), required=True)
    csrf_token = fields.String(
        metadata={"description": "Send as X-CSRF-Token on writes made with the cookie."}
    )


def whoami() -> dict[str, Any]:
    """The signed-in actor as `SessionSchema` data."""
    actor = current_actor()
    assert actor is not None  # under `acting`, or just signed in
    answer: dict[str, Any] = {
        "user_id": actor.user_id,
        "admin": actor.admin,
        "via": "token" if actor.scopes is not None else "session",
        "scopes": sorted(scope for scope in TOKEN_SCOPES if actor.has_scope(scope)),
    }
    if actor.scopes is None:
        answer["csrf_token"] = csrf_token()
    return answer


@session_api.post("/session")
@session_api.arguments(SignInSchema)
@session_api.response(200, SessionSchema)
@session_api.alt_response(401, response="UNAUTHORIZED")
@session_api.alt_response(429, response="TOO_MANY_REQUESTS")
def start_session(body: dict[str, Any]) -> dict[str, Any]:
    """Sign in with user id and password: the answer sets the session cookie.

    Exempt from CSRF (`tracker.web.auth`): a cross-site form cannot send JSON (415), so a
    sign-in cannot be forged.

    A wrong user id or password is a 401 (the same for both); after 5 failures for one
    user id (or 20 from one address) in 15 minutes, 429 with Retry-After.
    """
    if signed_in_with_token():
        raise Refused("bad-request", "Sign in without an Authorization header.")
    try:
        sign_in(body["user_id"], body["password"])
    except SignInThrottled as error:
        raise Refused(
            "too-many-requests", str(error), headers={"Retry-After": str(error.retry_after)}
        ) from None
    except SignInFailed as error:
        raise Refused("sign-in-failed", str(error)) from None
    return whoami()


@session_api.get("/session")
@acting
@session_api.response(200, SessionSchema)
def read_session() -> dict[str, Any]:
    """Who is signed in (the cookie or the bearer token), with the session's CSRF token."""
    return whoami()


@session_api.route("/session", methods=["DELETE"])
@session_api.response(204)
def end_session() -> Response:
    """Sign out: the session ends on the server and the cookie is emptied (always 204)."""
    sign_out()
    return Response(status=204)


csrf.exempt(start_session)
