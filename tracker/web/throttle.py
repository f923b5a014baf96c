"""Failed sign-ins, counted per user id and per client address, in the events' database.

Counting in a table (not in memory) makes the limit hold across gunicorn workers and
restarts. Each subject ("user:<id>", "address:<ip>") has a fixed window: the first failure
opens it; once `limit` failures fall in it, sign-ins for that subject are refused until it
closes (`Retry-After` says when). A success clears the user's count, not the address's, so
one good password does not reset a guesser spraying many accounts from one address.
Ids that do not exist are counted like any other, so throttling tells nothing about which
accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.clock import Clock, system_clock
from tracker.erasure import SideTables
from tracker.web.sessions import create_tables

FAILURES_TABLE = "tracker_sign_in_failures"


@dataclass(frozen=True)
class Limits:
    """How many failures a user id and an address may have per window (seconds)."""

    per_user: int = 5
    per_address: int = 20
    window: int = 15 * 60


class SignInThrottle:
    """Count failed sign-ins and say how long a subject must wait."""

    def __init__(
        self, tables: SideTables, clock: Clock = system_clock, limits: Limits | None = None
    ) -> None:
        self.tables = tables
        self.clock = clock
        self.limits = limits or Limits()
        self.failures = tables.table(FAILURES_TABLE)
        create_tables(
            tables,
            [
                f"CREATE TABLE IF NOT EXISTS {self.failures} (subject TEXT PRIMARY KEY, "
                "window_start BIGINT NOT NULL, failures INTEGER NOT NULL)"
            ],
        )

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def _subjects(self, user_id: str, address: str) -> dict[str, int]:
        # Ids are compared as typed in (lower case), and kept short: any string may come in.
        return {
            f"user:{user_id.strip().lower()[:100]}": self.limits.per_user,
            f"address:{address[:100]}": self.limits.per_address,
        }

    def wait(self, user_id: str, address: str) -> int:
        """Seconds before this user id may try again from this address (0: now)."""
        subjects = self._subjects(user_id, address)
        now, window = self._now(), self.limits.window
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT subject, window_start, failures FROM {self.failures} "
                "WHERE subject IN (?, ?)",
                tuple(subjects),
            )
            rows = cursor.all()
        waits = [
            int(start) + window - now
            for subject, start, failures in rows
            if int(failures) >= subjects[str(subject)] and int(start) + window > now
        ]
        return max(waits, default=0)

    def failed(self, user_id: str, address: str) -> None:
        """Count one failed sign-in against the user id and the address."""
        now = self._now()
        window_over = now - self.limits.window
        with self.tables.transaction(write=True) as cursor:
            for subject in self._subjects(user_id, address):
                # One statement, so that two workers counting at once both count.
                cursor.execute(
                    f"INSERT INTO {self.failures} AS f (subject, window_start, failures) "
                    "VALUES (?, ?, 1) ON CONFLICT (subject) DO UPDATE SET "
                    "failures = CASE WHEN f.window_start <= ? THEN 1 ELSE f.failures + 1 END, "
                    "window_start = CASE WHEN f.window_start <= ? THEN ? ELSE f.window_start END",
                    (subject, now, window_over, window_over, now),
                )

    def succeeded(self, user_id: str) -> None:
        """Forget the user id's failures after a good sign-in."""
        subject = next(iter(self._subjects(user_id, "")))
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(f"DELETE FROM {self.failures} WHERE subject = ?", (subject,))
