"""Real authentication for tests: an account and a bearer token per user id, on first use.

Tests name who acts by user id, as people do; `Credentials` turns that into the header a
client sends (`Authorization: Bearer trk_...`), creating the account (without a password:
tokens only, so no slow hashing) and a token the first time an id is used. Integrators get
`read:events` on top of the plan scopes a person's token has.
"""

from __future__ import annotations

from flask import Flask

from tracker.access import READ_EVENTS_SCOPE, READ_PLAN_SCOPE, WRITE_PLAN_SCOPE
from tracker.accounts import Accounts
from tracker.web.auth import get_accounts

PERSON_SCOPES = (READ_PLAN_SCOPE, WRITE_PLAN_SCOPE)
INTEGRATOR_SCOPES = (READ_EVENTS_SCOPE,)


class Credentials:
    """Bearer tokens by (user id, scopes), made on first use in the app's database."""

    def __init__(self, accounts: Accounts) -> None:
        self.accounts = accounts
        self.tokens: dict[tuple[str, tuple[str, ...]], str] = {}

    @classmethod
    def of(cls, app: Flask) -> Credentials:
        """The credentials of a Flask app (one set per app)."""
        found = app.extensions.get("test_credentials")
        if found is None:
            with app.app_context():
                found = app.extensions["test_credentials"] = cls(get_accounts())
        credentials: Credentials = found
        return credentials

    def account(self, user_id: str, *, password: str | None = None, admin: bool = False) -> None:
        """Make sure the account exists (a no-op if it does)."""
        if self.accounts.get(user_id) is None:
            self.accounts.create_account(
                user_id, display_name=user_id.title(), email=f"{user_id}@example.org",
                password=password, admin=admin,
            )  # fmt: skip

    def token(self, user_id: str, scopes: tuple[str, ...] = PERSON_SCOPES) -> str:
        """A bearer token of `user_id` with `scopes` (the same one each time)."""
        key = (user_id, tuple(sorted(scopes)))
        if key not in self.tokens:
            self.account(user_id)
            issued = self.accounts.issue_token(user_id, scopes=list(scopes), name="tests")
            self.tokens[key] = issued.secret
        return self.tokens[key]

    def headers(self, user_id: str, scopes: tuple[str, ...] = PERSON_SCOPES) -> dict[str, str]:
        """The Authorization header that makes a request `user_id`'s."""
        return {"Authorization": f"Bearer {self.token(user_id, scopes)}"}

    def integrator(self, user_id: str = "integrator") -> dict[str, str]:
        """The header of an integrator's feed token (`read:events`)."""
        return self.headers(user_id, INTEGRATOR_SCOPES)
