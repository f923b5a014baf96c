"""Accounts over JSON: your own account (and its erasure), sign-up, and what admins manage.

- `GET /account`: who you are. `DELETE /account` with your password: the right to erasure
  (`tracker.erasure`): your data key is deleted, so every personal text of yours reads
  "[erased]" in records, views and the feed; the views are rebuilt and the files compacted
  before the answer, as `tracker users erase` does.
- `POST /accounts`: sign-up, only when `TRACKER_SIGNUP=open`.
- `GET /accounts`, `POST /accounts/<user_id>/disable`: admins, signed in with a password,
  manage accounts; being an admin shows nobody's plans.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, url_for
from marshmallow import Schema, fields

from projections.store_sql import table_names
from tracker.access import AccessDenied, Operation
from tracker.accounts import Account, AccountError, AccountExists
from tracker.web.actor import acting, acting_user
from tracker.web.api.session import password_field
from tracker.web.auth import (
    SignInFailed,
    SignInThrottled,
    get_accounts,
    get_auth,
    reauthenticate,
    sign_out,
)
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker
from tracker.web.problems import Refused, problem
from tracker.web.read_models import projections_of
from tracker.web.sessions import SESSIONS_TABLE

account_api = ApiBlueprint(
    "account", __name__, description="Your account, sign-up, erasure; accounts for admins."
)


class AccountSchema(Schema):
    user_id = fields.String(required=True)
    display_name = fields.String(allow_none=True, required=True)
    email = fields.String(allow_none=True, required=True)
    admin = fields.Boolean(required=True)
    created = fields.DateTime(required=True)
    status = fields.String(required=True, metadata={"description": "active or disabled"})


class AccountListSchema(Schema):
    items = fields.List(fields.Nested(AccountSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class SignUpSchema(Schema):
    user_id = fields.String(required=True, metadata={"example": "mentee-ana"})
    display_name = fields.String(required=True, metadata={"example": "Ana Lima"})
    email = fields.String(required=True, metadata={"example": "ana@example.org"})
    password = password_field()


class PasswordSchema(Schema):
    password = password_field()


def account_problem(error: AccountError) -> Response:
    """An account request the accounts service refused, by field."""
    errors = {error.field: [error.message]} if error.field else {}
    if isinstance(error, AccountExists):
        return problem(409, error.message, kind="already-exists", errors=errors)
    return problem(422, error.message, kind="invalid-fields", errors=errors)


account_api.register_error_handler(AccountError, account_problem)


def account_data(account: Account) -> dict[str, Any]:
    """An account as `AccountSchema` data."""
    status = "erased" if account.erased else "disabled" if account.disabled else "active"
    return {**vars(account), "status": status}


@account_api.get("/account")
@acting
@account_api.response(200, AccountSchema)
def read_account() -> dict[str, Any]:
    """Your account: user id, name, e-mail address, whether you are an admin."""
    account = get_accounts().get(acting_user())
    assert account is not None  # a signed-in user's account exists and is active
    return account_data(account)


@account_api.route("/account", methods=["DELETE"])
@acting
@account_api.arguments(PasswordSchema)
@account_api.response(204)
@account_api.alt_response(429, response="TOO_MANY_REQUESTS")
def erase_account(body: dict[str, Any]) -> Response:
    """Erase your account, for good: confirm with your password.

    Your sessions and tokens end; your data key is deleted, so every personal text in your
    plan, goals, proposals and check-ins reads "[erased]" everywhere (records, views, the
    feed); the events stay, with their dates and who did what. Your user id is never reused.
    """
    user_id = acting_user()
    try:
        reauthenticate(user_id, body["password"])
    except SignInThrottled as error:
        raise Refused(
            "too-many-requests", str(error), headers={"Retry-After": str(error.retry_after)}
        ) from None
    except SignInFailed:
        raise AccessDenied("The password is not right: nothing was erased.") from None
    erase_everywhere(user_id)
    sign_out()
    return Response(status=204)


def erase_everywhere(user_id: str) -> None:
    """Erase the account, end its sessions, rebuild every view, compact the files.

    The account and its key go in one transaction (all or nothing). If what follows fails
    (a 503), she is erased but the views may still hold her words until an operator runs
    `tracker users erase` for her again, as the log says.
    """
    auth = get_auth()
    auth.accounts.erase(user_id, compact=False)
    try:
        auth.sessions.end_all(user_id)
        projections = projections_of(current_app)
        for name in projections.names:
            projections.rebuild(name)
        views = [table for name in projections.names for table in table_names(name)[:2]]
        auth.accounts.compact([*views, SESSIONS_TABLE])
    except Exception:
        current_app.logger.error(
            "Erased %s, but the views were not rebuilt or the files not compacted: "
            "run `tracker users erase %s` to finish",
            user_id,
            user_id,
        )
        raise


@account_api.post("/accounts")
@account_api.arguments(SignUpSchema)
@account_api.response(201, AccountSchema)
@account_api.alt_response(403, response="FORBIDDEN")
@account_api.alt_response(409, response="CONFLICT")
def sign_up(body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Make an account for yourself (only if sign-up is open); then sign in."""
    accounts = get_accounts()
    if not get_auth().signup_open:
        raise AccessDenied("Sign-up is closed: ask an admin for an account.")
    if not accounts.has_admin():
        raise AccessDenied("The first account is an admin's: `tracker users create --admin`.")
    account = accounts.create_account(
        body["user_id"], display_name=body["display_name"], email=body["email"],
        password=body["password"],
    )  # fmt: skip
    return account_data(account), 201, {"Location": url_for("account.read_account")}


@account_api.get("/accounts")
@acting
@account_api.response(200, AccountListSchema)
def list_accounts() -> dict[str, Any]:
    """Every account (admins only, signed in with a password): one page."""
    get_tracker().authorize(Operation.MANAGE_ACCOUNTS)
    found = get_accounts().list_accounts()
    return {"items": [account_data(account) for account in found], "next_cursor": None}


@account_api.post("/accounts/<user_id>/disable")
@acting
@account_api.response(200, AccountSchema)
@account_api.alt_response(404, response="NOT_FOUND")
def disable_account(user_id: str) -> dict[str, Any]:
    """Stop an account signing in and its tokens working (admins only); history stays."""
    get_tracker().authorize(Operation.MANAGE_ACCOUNTS)
    get_auth().sessions.end_all(user_id)
    return account_data(get_accounts().disable(user_id))
