"""Personal API tokens over JSON: create (the secret is shown once), list, revoke.

Only a user signed in with her password manages her tokens: a token cannot mint or revoke
tokens, so a leaked one cannot make itself a successor. She may grant `read:plan` and
`write:plan`; `read:events` (the whole feed) is granted by an operator with
`tracker users token`. Creating a token is deliberately not idempotent: a replayed answer
would have to keep the secret, which is never stored.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, url_for
from marshmallow import Schema, fields, validate

from tracker.access import READ_PLAN_SCOPE, WRITE_PLAN_SCOPE, AccessDenied
from tracker.accounts import TokenInfo
from tracker.errors import NotFound
from tracker.web.actor import acting, acting_user
from tracker.web.auth import get_accounts, signed_in_with_token
from tracker.web.blueprint import ApiBlueprint
from tracker.web.schemas.common import text, whole_number

SELF_SERVED_SCOPES = (READ_PLAN_SCOPE, WRITE_PLAN_SCOPE)

tokens_api = ApiBlueprint(
    "tokens", __name__, description="Your personal API tokens (manage them signed in)."
)


class NewTokenSchema(Schema):
    name = text(required=True, max_length=100)
    scopes = fields.List(
        fields.String(validate=validate.OneOf(SELF_SERVED_SCOPES)),
        required=True,
        validate=validate.Length(min=1, max=len(SELF_SERVED_SCOPES)),
    )
    expires_in_days = whole_number(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=3650)
    )


class TokenSchema(Schema):
    """A token as listed: never its secret."""

    token_id = fields.String(required=True)
    name = fields.String(required=True)
    scopes = fields.List(fields.String(), required=True)
    created = fields.DateTime(required=True)
    expires = fields.DateTime(allow_none=True)
    last_used = fields.DateTime(allow_none=True)
    revoked = fields.DateTime(allow_none=True)


class IssuedTokenSchema(TokenSchema):
    secret = fields.String(
        required=True, metadata={"description": "Shown this once: store it now."}
    )


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


def token_owner() -> str:
    """The signed-in user, who must have signed in with her password (not a token)."""
    user_id = acting_user()
    if signed_in_with_token():
        raise AccessDenied("Tokens are managed signed in with your password, not with a token.")
    return user_id


def token_data(info: TokenInfo) -> dict[str, Any]:
    """A token as `TokenSchema` data."""
    return {**vars(info), "scopes": sorted(info.scopes)}


@tokens_api.get("/account/tokens")
@acting
@tokens_api.response(200, TokenListSchema)
def list_tokens() -> dict[str, Any]:
    """Your tokens, newest first, revoked and expired ones too (one page: `next_cursor` is
    always null)."""
    tokens = get_accounts().list_tokens(token_owner())
    return {"items": [token_data(info) for info in tokens], "next_cursor": None}


@tokens_api.post("/account/tokens")
@acting
@tokens_api.arguments(NewTokenSchema)
@tokens_api.response(201, IssuedTokenSchema)
def create_token(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """A new token with the scopes you choose; its `secret` is in this answer only."""
    days = body["expires_in_days"]
    issued = get_accounts().issue_token(
        token_owner(),
        scopes=body["scopes"],
        name=body["name"],
        expires_in=None if days is None else timedelta(days=days),
    )
    answer = {**token_data(issued.info), "secret": issued.secret}
    return answer, 201, {"Location": url_for("tokens.list_tokens"), "Cache-Control": "no-store"}


@tokens_api.route("/account/tokens/<token_id>", methods=["DELETE"])
@acting
@tokens_api.response(204)
@tokens_api.alt_response(404, response="NOT_FOUND")
def revoke_token(token_id: str) -> Response:
    """Revoke one of your tokens at once; 404 if you have no such active token."""
    if not get_accounts().revoke_token(token_owner(), token_id):
        raise NotFound("token", token_id)
    return Response(status=204)
