"""Signed-in sessions, kept on the server so that signing out (or erasure) ends them.

The Flask session cookie is signed but lives on the client: on its own it could not be
revoked. It therefore carries only a random session id; the table `tracker_web_sessions`
keeps the id's sha256 (like API tokens: a stolen table opens no session), the user and the
expiry. A request counts as signed in only if its session row exists, has not expired and
its account is still active (one indexed lookup joined with the account), so signing out,
disabling or erasing an account ends its sessions at once, in every worker.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

from eventsourcing.persistence import IntegrityError

from tracker.accounts import ACCOUNTS_TABLE
from tracker.clock import Clock, system_clock
from tracker.erasure import SideTables

SESSIONS_TABLE = "tracker_web_sessions"
DEFAULT_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class SessionUser:
    """Whose session it is."""

    user_id: str
    admin: bool


class SessionStore:
    """Start, find and end server-side sessions in the events' database."""

    def __init__(
        self,
        tables: SideTables,
        clock: Clock = system_clock,
        lifetime: timedelta = DEFAULT_LIFETIME,
    ) -> None:
        self.tables = tables
        self.clock = clock
        self.lifetime = lifetime
        self.sessions = tables.table(SESSIONS_TABLE)
        self.accounts = tables.table(ACCOUNTS_TABLE)
        create_tables(
            tables,
            [
                f"CREATE TABLE IF NOT EXISTS {self.sessions} (session_hash TEXT PRIMARY KEY, "
                "user_id TEXT NOT NULL, created BIGINT NOT NULL, expires BIGINT NOT NULL)",
                f"CREATE INDEX IF NOT EXISTS {SESSIONS_TABLE}_user ON {self.sessions} (user_id)",
            ],
        )

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def start(self, user_id: str) -> str:
        """A new session for the user; the id (for the cookie) is returned and not stored."""
        session_id = secrets.token_urlsafe(32)
        now = self._now()
        with self.tables.transaction(write=True) as cursor:
            # Expired rows of anyone go as new ones come: the table stays small.
            cursor.execute(f"DELETE FROM {self.sessions} WHERE expires <= ?", (now,))
            cursor.execute(
                f"INSERT INTO {self.sessions} (session_hash, user_id, created, expires) "
                "VALUES (?, ?, ?, ?)",
                (_digest(session_id), user_id, now, now + int(self.lifetime.total_seconds())),
            )
        return session_id

    def user_of(self, session_id: object) -> SessionUser | None:
        """The user of a live session whose account is active; else None."""
        if not isinstance(session_id, str) or not 20 <= len(session_id) <= 100:
            return None
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT a.user_id, a.admin FROM {self.sessions} s "
                f"JOIN {self.accounts} a ON a.user_id = s.user_id "
                "WHERE s.session_hash = ? AND s.expires > ? "
                "AND a.disabled IS NULL AND a.erased IS NULL",
                (_digest(session_id), self._now()),
            )
            row = cursor.one()
        return None if row is None else SessionUser(str(row[0]), bool(row[1]))

    def end(self, session_id: object) -> None:
        """End one session (signing out); an unknown id is no error."""
        if isinstance(session_id, str):
            with self.tables.transaction(write=True) as cursor:
                cursor.execute(
                    f"DELETE FROM {self.sessions} WHERE session_hash = ?", (_digest(session_id),)
                )

    def end_all(self, user_id: str) -> None:
        """End every session of the user (erasure, a new password)."""
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(f"DELETE FROM {self.sessions} WHERE user_id = ?", (user_id,))


def create_tables(tables: SideTables, statements: list[str]) -> None:
    """Create tables if they do not exist; workers starting together may race to it."""
    # PostgreSQL: another worker may create them at the same moment (a unique violation).
    with suppress(IntegrityError):
        tables.create(statements)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()
