"""The accounts service: accounts with argon2 password hashes, personal API tokens, calendar
subscriptions (`calendar_feeds`, tracker.accounts.calendar_feeds), erasure.

Accounts are identity, not mentoring history, so they live in two conventional tables of the
events' database (`tracker_accounts`, `tracker_api_tokens`): they are changed and deleted in
place, which the right to erasure needs (docs/security.md says more).

- Passwords: argon2id (argon2-cffi's defaults, RFC 9106). `authenticate` spends the same
  hashing work whether or not the user exists, and re-hashes a password whose hash was made
  with other parameters.
- Tokens: "trk_" + 32 random bytes (url-safe base64), shown once; only the sha256 of the
  token is stored. A fast hash is enough for a secret with 256 bits of entropy (nobody can
  guess one to match a hash); slow hashes are for what people choose. A token verified in
  the database is trusted for `token_cache_seconds` more (5 by default) without reading it
  again (`tracker.accounts.token_cache`): revoking it, or disabling or erasing its account,
  takes effect at once in the process that does it and within those seconds in the others.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tracker.accounts.calendar_feeds import FEEDS_TABLE, CalendarFeeds
from tracker.accounts.records import (
    TOKEN_PREFIX,
    Account,
    AccountError,
    AccountExists,
    IssuedToken,
    TokenInfo,
    UnknownAccount,
    Verified,
    check_email,
    check_password,
    check_scopes,
    check_text,
    check_user_id,
)
from tracker.accounts.token_cache import DEFAULT_SECONDS, VerifiedTokens
from tracker.clock import Clock, system_clock
from tracker.erasure import KEYS_TABLE, KeyRing, SideTables

ACCOUNTS_TABLE = "tracker_accounts"
TOKENS_TABLE = "tracker_api_tokens"
ACCOUNT_COLUMNS = "user_id, display_name, email, admin, created, disabled, erased"
TOKEN_COLUMNS = "token_id, user_id, name, scopes, created, expires, last_used, revoked"
LAST_USED_EVERY = timedelta(minutes=1)  # a token used often is not written on every request
MAX_TOKEN_DAYS = 3650


class Accounts:
    """Create accounts, check passwords, issue and verify tokens, disable and erase."""

    def __init__(
        self,
        tables: SideTables,
        keyring: KeyRing,
        clock: Clock = system_clock,
        hasher: PasswordHasher | None = None,
        token_cache_seconds: float = DEFAULT_SECONDS,
    ) -> None:
        self.tables = tables
        self.keyring = keyring
        self.clock = clock
        self.hasher = hasher or PasswordHasher()
        self.verified = VerifiedTokens(token_cache_seconds)
        self.accounts = tables.table(ACCOUNTS_TABLE)
        self.tokens = tables.table(TOKENS_TABLE)
        self._decoy_hash: str | None = None
        self.create_tables()
        self.calendar_feeds = CalendarFeeds(tables, clock, self.accounts)

    @classmethod
    def for_application(
        cls,
        app: Any,
        hasher: PasswordHasher | None = None,
        token_cache_seconds: float = DEFAULT_SECONDS,
    ) -> Accounts:
        """The accounts of the tracker application's database (same connections, same clock)."""
        return cls(
            app.shredding.tables, app.shredding.keyring, app.clock, hasher, token_cache_seconds
        )

    def create_tables(self) -> None:
        """Create the tables if they do not exist."""
        when = self.tables.time_type()
        self.tables.create(
            [
                f"CREATE TABLE IF NOT EXISTS {self.accounts} (user_id TEXT PRIMARY KEY, "
                "display_name TEXT, email TEXT UNIQUE, password_hash TEXT, "
                f"admin BOOLEAN NOT NULL, created {when} NOT NULL, disabled {when}, "
                f"erased {when})",
                f"CREATE TABLE IF NOT EXISTS {self.tokens} (token_id TEXT PRIMARY KEY, "
                f"user_id TEXT NOT NULL REFERENCES {self.accounts} (user_id), "
                "name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL, "
                f"created {when} NOT NULL, expires {when}, last_used {when}, revoked {when})",
                f"CREATE INDEX IF NOT EXISTS {TOKENS_TABLE}_user ON {self.tokens} (user_id)",
            ]
        )

    # Accounts -----------------------------------------------------------------------------
    def create_account(
        self,
        user_id: str,
        *,
        display_name: str,
        email: str,
        password: str | None,
        admin: bool = False,
    ) -> Account:
        """A new account; without a password it signs in only through tokens."""
        user_id = check_user_id(user_id)
        name, address = check_text(display_name, "display_name", "name"), check_email(email)
        hashed = None if password is None else self.hasher.hash(check_password(password))
        now = self.clock()
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(
                f"SELECT user_id, erased FROM {self.accounts} WHERE user_id = ? OR email = ?",
                (user_id, address),
            )
            taken = sorted(cursor.all(), key=lambda row: row[0] != user_id)
            if taken:
                raise _taken(user_id, *taken[0])
            cursor.execute(
                f"INSERT INTO {self.accounts} (user_id, display_name, email, password_hash, "
                "admin, created) VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, name, address, hashed, bool(admin), self.tables.time_param(now)),
            )
        return Account(user_id, name, address, bool(admin), now)

    def get(self, user_id: str) -> Account | None:
        """The account (erased ones too), or None."""
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT {ACCOUNT_COLUMNS} FROM {self.accounts} WHERE user_id = ?", (user_id,)
            )
            row = cursor.one()
        return None if row is None else self._account(row)

    def list_accounts(self) -> list[Account]:
        """Every account, by user id."""
        with self.tables.transaction() as cursor:
            cursor.execute(f"SELECT {ACCOUNT_COLUMNS} FROM {self.accounts} ORDER BY user_id")
            return [self._account(row) for row in cursor.all()]

    def has_admin(self) -> bool:
        """Whether an active admin account exists."""
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {self.accounts} WHERE admin = ? AND disabled IS NULL "
                "AND erased IS NULL",
                (True,),
            )
            return cursor.one() is not None

    def disable(self, user_id: str) -> Account:
        """Stop the account signing in and its tokens working (history is untouched)."""
        account = self._active(user_id)
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(
                f"UPDATE {self.accounts} SET disabled = ? WHERE user_id = ? AND disabled IS NULL",
                (self.tables.time_param(self.clock()), user_id),
            )
        self.verified.forget(user_id=user_id)
        return self.get(account.user_id) or account

    # Passwords ----------------------------------------------------------------------------
    def authenticate(self, user_id: object, password: object) -> Account | None:
        """The account if the password is right and the account active; else None.

        Unknown users, disabled accounts and wrong passwords cost the same hashing work and
        give the same answer, so timing and answers tell nobody which ids exist.
        """
        row = self._password_row(user_id)
        stored = row[1] if row is not None and row[2] is None and row[3] is None else None
        matched = self._verify(stored or self._decoy(), password)
        if stored is None or not matched:
            return None
        if self.hasher.check_needs_rehash(stored):
            self._store_hash(str(user_id), self.hasher.hash(str(password)))
        return self.get(str(user_id))

    def set_password(self, user_id: str, password: str) -> None:
        """Replace the password of an active account."""
        self._active(user_id)
        self._store_hash(user_id, self.hasher.hash(check_password(password)))

    def _password_row(self, user_id: object) -> tuple[Any, ...] | None:
        if not isinstance(user_id, str) or len(user_id) > 64:
            return None
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT user_id, password_hash, disabled, erased FROM {self.accounts} "
                "WHERE user_id = ?",
                (user_id,),
            )
            return cursor.one()

    def _verify(self, hashed: str, password: object) -> bool:
        if not isinstance(password, str) or len(password) > 1024:
            password = ""  # still hash, so that a bad input costs the same
        try:
            return self.hasher.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        return self._decoy_hash

    def _store_hash(self, user_id: str, hashed: str) -> None:
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(
                f"UPDATE {self.accounts} SET password_hash = ? WHERE user_id = ?",
                (hashed, user_id),
            )

    # Tokens -------------------------------------------------------------------------------
    def issue_token(
        self,
        user_id: str,
        *,
        scopes: Sequence[str],
        name: str,
        expires_in: timedelta | None = None,
    ) -> IssuedToken:
        """A new token for an active account: the secret is in the answer, and only there."""
        self._active(user_id)
        chosen, label = check_scopes(scopes), check_text(name, "name", "token name", 100)
        if expires_in is not None and not timedelta(0) < expires_in <= timedelta(MAX_TOKEN_DAYS):
            raise AccountError(f"A token expires within 1 to {MAX_TOKEN_DAYS} days.", "expires")
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = self.clock()
        info = TokenInfo(
            "tok_" + secrets.token_hex(6), user_id, label, chosen, now,
            None if expires_in is None else now + expires_in, None, None,
        )  # fmt: skip
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(
                f"INSERT INTO {self.tokens} (token_id, user_id, name, token_hash, scopes, "
                "created, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    info.token_id, user_id, label, _digest(secret), " ".join(sorted(chosen)),
                    self.tables.time_param(now), self.tables.time_param(info.expires),
                ),
            )  # fmt: skip
        return IssuedToken(info, secret)

    def verify_token(self, token: object) -> Verified | None:
        """(user id, scopes) if the token is valid, unrevoked, unexpired and its account
        active; else None. A token verified in the last few seconds is not read again (see
        the module's docstring); its expiry is checked every time."""
        if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        digest, now = _digest(token), self.clock()
        info = self.verified.get(digest)
        if info is None:
            info = self._usable_token(digest)
            if info is None:
                return None
            if info.last_used is None or now - info.last_used >= LAST_USED_EVERY:
                self._touch(info.token_id, now)
            self.verified.put(digest, info)
        if not info.usable_at(now):
            return None
        return Verified(info.user_id, info.scopes)

    def _usable_token(self, digest: str) -> TokenInfo | None:
        """The token's row if its account is active (revocation checked by the caller)."""
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT t.token_hash, a.disabled, a.erased, {_prefixed(TOKEN_COLUMNS)} "
                f"FROM {self.tokens} t JOIN {self.accounts} a ON a.user_id = t.user_id "
                "WHERE t.token_hash = ?",
                (digest,),
            )
            row = cursor.one()
        if row is None or not hmac.compare_digest(str(row[0]), digest) or row[1] or row[2]:
            return None
        return self._token(row[3:])

    def list_tokens(self, user_id: str) -> list[TokenInfo]:
        """The account's tokens, newest first (revoked and expired ones too)."""
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT {TOKEN_COLUMNS} FROM {self.tokens} WHERE user_id = ? "
                "ORDER BY created DESC, token_id",
                (user_id,),
            )
            return [self._token(row) for row in cursor.all()]

    def revoke_token(self, user_id: str, token_id: str) -> bool:
        """Revoke one of the account's tokens; False if it has no such usable token."""
        if not self.tables.revoke_owned(self.tokens, "token_id", token_id, user_id, self.clock()):
            return False
        self.verified.forget(token_id=token_id)
        return True

    def _touch(self, token_id: str, now: datetime) -> None:
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(
                f"UPDATE {self.tokens} SET last_used = ? WHERE token_id = ?",
                (self.tables.time_param(now), token_id),
            )

    # Erasure ------------------------------------------------------------------------------
    def erase(self, user_id: str, *, compact: bool = True) -> int:
        """Erase the account: its name, e-mail, password and tokens are deleted, and its data
        key too, so that every personal text sealed with it reads as "[erased]". The user id
        stays reserved. Returns the number of data keys erased (0 if it never wrote any).

        `compact=False` leaves rewriting the files to the caller (who rebuilds the views
        first; see `tracker users erase`).
        """
        if not isinstance(user_id, str):
            raise UnknownAccount(str(user_id))
        now = self.tables.time_param(self.clock())
        # One transaction for the account and the key: never one erased without the other.
        with self.tables.secure_deletes() as cursor:
            cursor.execute(
                f"UPDATE {self.accounts} SET display_name = NULL, email = NULL, "
                "password_hash = NULL, erased = ?, disabled = COALESCE(disabled, ?) "
                "WHERE user_id = ? AND erased IS NULL",
                (now, now, user_id),
            )
            if cursor.rowcount != 1:
                raise UnknownAccount(user_id)  # never made, or erased already (rolled back)
            cursor.execute(f"DELETE FROM {self.tokens} WHERE user_id = ?", (user_id,))
            self.calendar_feeds.delete_for(cursor, user_id)
            erased = self.keyring.erase_in(cursor, user_id)
        self.verified.forget(user_id=user_id)
        self.keyring.forget()
        if compact:
            self.compact()
        return erased

    def compact(self, extra_tables: Sequence[str] = ()) -> None:
        """Rewrite the account and key tables (and any others named) without deleted bytes."""
        self.tables.compact([ACCOUNTS_TABLE, TOKENS_TABLE, FEEDS_TABLE, KEYS_TABLE, *extra_tables])

    # Rows ---------------------------------------------------------------------------------
    def _existing(self, user_id: str) -> Account:
        account = self.get(user_id) if isinstance(user_id, str) else None
        if account is None or account.erased is not None:
            raise UnknownAccount(str(user_id))
        return account

    def _active(self, user_id: str) -> Account:
        account = self._existing(user_id)
        if account.disabled is not None:
            raise AccountError(f"The account {user_id} is disabled.", field="user_id")
        return account

    def _account(self, row: tuple[Any, ...]) -> Account:
        read = self.tables.read_time
        created = cast(datetime, read(row[4]))  # a NOT NULL column
        return Account(row[0], row[1], row[2], bool(row[3]), created, read(row[5]), read(row[6]))

    def _token(self, row: tuple[Any, ...]) -> TokenInfo:
        read = self.tables.read_time
        created = cast(datetime, read(row[4]))  # a NOT NULL column
        scopes = frozenset(str(row[3]).split())
        return TokenInfo(
            row[0], row[1], row[2], scopes, created, read(row[5]), read(row[6]), read(row[7])
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _prefixed(columns: str) -> str:
    return ", ".join(f"t.{column.strip()}" for column in columns.split(","))


def _taken(user_id: str, taken_id: str, erased: Any) -> AccountExists:
    if taken_id != user_id:
        return AccountExists("Another account has this e-mail address.", field="email")
    if erased is not None:
        return AccountExists(f"The user id {user_id} was erased; ids are not reused.", "user_id")
    return AccountExists(f"There is already an account {user_id}.", field="user_id")
