"""Calendar subscriptions: a secret URL per (subscriber, mentee) that reads one calendar.

Calendar apps (Google Calendar, Outlook, Apple Calendar) subscribe to a URL and send no
Authorization header, so the credential is in the URL: "cal_" + 32 random bytes, shown once
when made, kept only as its SHA-256 (like API tokens, tracker.accounts.service). A feed has
one scope, `read:calendar`: it reads the calendar of the mentee it was made for, as its
subscriber may see it at the time of reading, and nothing else; it is never accepted as a
bearer token. Revoking it, or disabling or erasing the subscriber's account, ends it at
once; erasing the mentee deletes the feeds of her calendar too.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from tracker.clock import Clock
from tracker.erasure import SideTables

FEEDS_TABLE = "tracker_calendar_feeds"
FEED_PREFIX = "cal_"
READ_CALENDAR_SCOPE = "read:calendar"
FEED_COLUMNS = "feed_id, user_id, mentee_id, created, revoked"


@dataclass(frozen=True)
class CalendarFeed:
    """A subscription as listed: never its secret."""

    feed_id: str
    user_id: str
    mentee_id: str
    created: datetime
    revoked: datetime | None


@dataclass(frozen=True)
class IssuedFeed:
    """A new subscription and its secret, which is in this answer only."""

    info: CalendarFeed
    secret: str


class CalendarFeeds:
    """Make, list, revoke and resolve calendar subscriptions (rows beside the accounts)."""

    def __init__(self, tables: SideTables, clock: Clock, accounts_table: str) -> None:
        self.tables = tables
        self.clock = clock
        self.accounts = accounts_table
        self.feeds = tables.table(FEEDS_TABLE)
        when = tables.time_type()
        tables.create(
            [
                f"CREATE TABLE IF NOT EXISTS {self.feeds} (feed_id TEXT PRIMARY KEY, "
                f"user_id TEXT NOT NULL REFERENCES {accounts_table} (user_id), "
                "mentee_id TEXT NOT NULL, feed_hash TEXT NOT NULL UNIQUE, "
                f"created {when} NOT NULL, revoked {when})",
                f"CREATE INDEX IF NOT EXISTS {FEEDS_TABLE}_user ON {self.feeds} (user_id)",
            ]
        )

    def create(self, user_id: str, mentee_id: str) -> IssuedFeed:
        """A new subscription of `user_id` to `mentee_id`'s calendar (the caller checks that
        the user may read it)."""
        secret = FEED_PREFIX + secrets.token_urlsafe(32)
        info = CalendarFeed("feed_" + secrets.token_hex(6), user_id, mentee_id, self.clock(), None)
        with self.tables.transaction(write=True) as cursor:
            cursor.execute(
                f"INSERT INTO {self.feeds} (feed_id, user_id, mentee_id, feed_hash, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    info.feed_id, user_id, mentee_id, _digest(secret),
                    self.tables.time_param(info.created),
                ),
            )  # fmt: skip
        return IssuedFeed(info, secret)

    def list(self, user_id: str) -> list[CalendarFeed]:
        """The user's subscriptions, newest first (revoked ones too)."""
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT {FEED_COLUMNS} FROM {self.feeds} WHERE user_id = ? "
                "ORDER BY created DESC, feed_id",
                (user_id,),
            )
            return [self._feed(row) for row in cursor.all()]

    def revoke(self, user_id: str, feed_id: str) -> bool:
        """End one of the user's subscriptions; False if she has no such live one."""
        return self.tables.revoke_owned(self.feeds, "feed_id", feed_id, user_id, self.clock())

    def resolve(self, secret: object) -> CalendarFeed | None:
        """The live subscription whose secret this is (its subscriber's account active),
        else None."""
        if not isinstance(secret, str) or not secret.startswith(FEED_PREFIX) or len(secret) > 200:
            return None
        digest = _digest(secret)
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT f.feed_hash, a.disabled, a.erased, "
                f"{', '.join('f.' + c.strip() for c in FEED_COLUMNS.split(','))} "
                f"FROM {self.feeds} f JOIN {self.accounts} a ON a.user_id = f.user_id "
                "WHERE f.feed_hash = ?",
                (digest,),
            )
            row = cursor.one()
        if row is None or not hmac.compare_digest(str(row[0]), digest) or row[1] or row[2]:
            return None
        feed = self._feed(row[3:])
        return None if feed.revoked is not None else feed

    def delete_for(self, cursor: Any, user_id: str) -> None:
        """In an erasure's transaction: the user's subscriptions and those to her calendar."""
        cursor.execute(
            f"DELETE FROM {self.feeds} WHERE user_id = ? OR mentee_id = ?", (user_id, user_id)
        )

    def _feed(self, row: tuple[Any, ...]) -> CalendarFeed:
        read = self.tables.read_time
        created = cast(datetime, read(row[3]))  # a NOT NULL column
        return CalendarFeed(row[0], row[1], row[2], created, read(row[4]))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
