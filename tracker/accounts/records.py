"""What the accounts service hands out (plain values), its errors, and input checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from tracker.access import TOKEN_SCOPES
from tracker.errors import ApplicationError, NotFound

USER_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1, as domain.rules refuses
MIN_PASSWORD, MAX_PASSWORD = 12, 1024
TOKEN_PREFIX = "trk_"


class AccountError(ApplicationError):
    """An account request that cannot be done; the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AccountExists(AccountError):
    """The user id (or e-mail) is taken, or was erased (erased ids are never reused)."""


class UnknownAccount(NotFound):
    """No account with this user id (or it was erased)."""

    def __init__(self, user_id: str) -> None:
        super().__init__("account", user_id)


@dataclass(frozen=True)
class Account:
    """An account; `display_name` and `email` are None once erased."""

    user_id: str
    display_name: str | None
    email: str | None
    admin: bool
    created: datetime
    disabled: datetime | None = None
    erased: datetime | None = None

    @property
    def active(self) -> bool:
        """Whether it may sign in and use tokens."""
        return self.disabled is None and self.erased is None


@dataclass(frozen=True)
class TokenInfo:
    """A personal API token as listed: never the secret itself."""

    token_id: str
    user_id: str
    name: str
    scopes: frozenset[str]
    created: datetime
    expires: datetime | None
    last_used: datetime | None
    revoked: datetime | None

    def usable_at(self, now: datetime) -> bool:
        """Not revoked and not expired at `now`."""
        return self.revoked is None and (self.expires is None or now < self.expires)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `secret` is shown once and never stored (only its sha256 is)."""

    info: TokenInfo
    secret: str


class Verified(NamedTuple):
    """Who a valid token acts for, and what it may be used for."""

    user_id: str
    scopes: frozenset[str]


def check_user_id(user_id: object) -> str:
    """A readable slug: lower-case letters and digits, joined by - _ or ., 2 to 64 long."""
    if not isinstance(user_id, str) or not 2 <= len(user_id) <= 64:
        raise AccountError("A user id is 2 to 64 characters long.", field="user_id")
    if not USER_ID_PATTERN.match(user_id):
        raise AccountError(
            "A user id is lower-case letters and digits, joined by - _ or . (e.g. mentee-ana).",
            field="user_id",
        )
    return user_id


def check_text(value: object, field: str, label: str, longest: int = 200) -> str:
    """One line of text, trimmed, 1 to `longest` characters."""
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > longest or CONTROL.search(text):
        raise AccountError(f"The {label} is 1 to {longest} characters on one line.", field=field)
    return text


def check_email(value: object) -> str:
    """An e-mail address (lower-cased), checked for shape only."""
    email = check_text(value, "email", "e-mail address", longest=254).lower()
    if not EMAIL_PATTERN.match(email):
        raise AccountError("This is not an e-mail address.", field="email")
    return email


def check_password(value: object) -> str:
    """A password of 12 to 1024 characters (length is what makes it strong)."""
    if not isinstance(value, str) or not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise AccountError(
            f"A password is {MIN_PASSWORD} to {MAX_PASSWORD} characters long.", field="password"
        )
    return value


def check_scopes(scopes: object) -> frozenset[str]:
    """At least one known token scope."""
    if isinstance(scopes, str) or not isinstance(scopes, list | tuple | set | frozenset):
        raise AccountError("Scopes are a list of scope names.", field="scopes")
    chosen = frozenset(scopes)
    unknown = sorted(str(s) for s in chosen - set(TOKEN_SCOPES))
    if unknown or not chosen:
        raise AccountError(
            f"A token needs one or more of the scopes {', '.join(TOKEN_SCOPES)}"
            + (f"; unknown: {', '.join(unknown)}." if unknown else "."),
            field="scopes",
        )
    return chosen
