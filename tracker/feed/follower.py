"""The reference consumer: replays the feed into another database, exactly once.

`follow(feed_url, sink, ...)` asks the feed for the events after the sink's checkpoint, and
for each page calls `sink.apply(events)`, which stores the events and the new checkpoint
(the last event's position) in ONE transaction. Killed at any moment, it restarts from the
last committed checkpoint: no event is lost and none is applied twice. The target tables:

    integrator_events(position PRIMARY KEY, id UNIQUE, type, subject, time, actor_id, data)
    integrator_checkpoint(feed PRIMARY KEY, position)

Sinks: a SQLite file (`SQLiteSink`) or a PostgreSQL database (`PostgresSink`; a `?schema=`
in the URL selects the schema, which must exist). See docs/integrators.md.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql

from tracker.feed.cloudevents import BATCH_CONTENT_TYPE

USER_AGENT = "tracker-follow/1"
TABLES = (
    "CREATE TABLE IF NOT EXISTS integrator_events (position BIGINT PRIMARY KEY, "
    "id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, subject TEXT, time TEXT NOT NULL, "
    "actor_id TEXT, data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS integrator_checkpoint (feed TEXT PRIMARY KEY, "
    "position BIGINT NOT NULL)",
)


class FeedUnavailable(Exception):
    """The feed did not answer as a feed does (after retries)."""


def event_row(feed_event: dict[str, Any]) -> tuple[Any, ...]:
    """The row of one CloudEvent in integrator_events."""
    return (
        int(feed_event["sequence"]),
        feed_event["id"],
        feed_event["type"],
        feed_event.get("subject"),
        feed_event["time"],
        feed_event.get("actorid"),
        json.dumps(feed_event.get("data"), ensure_ascii=False, sort_keys=True),
    )


class Sink(Protocol):
    """Where the consumer keeps the events and its checkpoint."""

    def checkpoint(self) -> int:
        """The position of the last event applied (0 before the first)."""

    def apply(self, events: list[dict[str, Any]]) -> None:
        """Store the events and the checkpoint after them, in one transaction."""

    def close(self) -> None:
        """Release the connection."""


class SQLiteSink:
    """The consumer's tables in a SQLite file."""

    def __init__(self, path: Path, feed: str) -> None:
        self.feed = feed
        self.connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        for statement in TABLES:
            self.connection.execute(statement)

    def checkpoint(self) -> int:
        row = self.connection.execute(
            "SELECT position FROM integrator_checkpoint WHERE feed = ?", (self.feed,)
        ).fetchone()
        return int(row[0]) if row else 0

    def apply(self, events: list[dict[str, Any]]) -> None:
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                "INSERT INTO integrator_events VALUES (?, ?, ?, ?, ?, ?, ?)",
                [event_row(e) for e in events],
            )
            connection.execute(
                "INSERT INTO integrator_checkpoint VALUES (?, ?) ON CONFLICT (feed) "
                "DO UPDATE SET position = excluded.position",
                (self.feed, int(events[-1]["sequence"])),
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()


class PostgresSink:
    """The consumer's tables in a PostgreSQL database (and schema)."""

    def __init__(self, url: str, feed: str) -> None:
        self.feed = feed
        parts = urllib.parse.urlsplit(url)
        query = urllib.parse.parse_qs(parts.query)
        schema = query.pop("schema", [None])[0]
        conninfo = urllib.parse.urlunsplit(
            parts._replace(query=urllib.parse.urlencode(query, doseq=True))
        )
        self.connection = psycopg.connect(conninfo, autocommit=True)
        if schema:
            self.connection.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        for statement in TABLES:
            self.connection.execute(statement)

    def checkpoint(self) -> int:
        row = self.connection.execute(
            "SELECT position FROM integrator_checkpoint WHERE feed = %s", (self.feed,)
        ).fetchone()
        return int(row[0]) if row else 0

    def apply(self, events: list[dict[str, Any]]) -> None:
        with self.connection.transaction(), self.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO integrator_events VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [event_row(e) for e in events],
            )
            cursor.execute(
                "INSERT INTO integrator_checkpoint VALUES (%s, %s) ON CONFLICT (feed) "
                "DO UPDATE SET position = excluded.position",
                (self.feed, int(events[-1]["sequence"])),
            )

    def close(self) -> None:
        self.connection.close()


def open_sink(target: str, feed: str) -> Sink:
    """A sink for a SQLite file path (or sqlite:///path) or a postgresql:// URL."""
    if target.startswith(("postgres://", "postgresql://")):
        return PostgresSink(target, feed)
    path = target.removeprefix("sqlite:///")
    return SQLiteSink(Path(path), feed)


class FeedClient:
    """Reads pages of the feed over HTTP, retrying while the server is busy or away."""

    def __init__(self, feed_url: str, token: str, timeout: float = 60.0, retries: int = 5):
        self.feed_url = feed_url
        self.token = token  # a bearer token with the read:events scope
        self.timeout = timeout
        self.retries = retries

    def page(self, after: int, limit: int, wait: float) -> list[dict[str, Any]]:
        """The events after `after` (waiting up to `wait` s for news)."""
        parts = urllib.parse.urlsplit(self.feed_url)
        query = urllib.parse.parse_qsl(parts.query)
        query += [("after", str(after)), ("limit", str(limit)), ("wait", str(wait))]
        url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        headers = {"Accept": BATCH_CONTENT_TYPE, "Authorization": f"Bearer {self.token}"}
        request = urllib.request.Request(url, headers={**headers, "User-Agent": USER_AGENT})
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout + wait) as response:
                    events: list[dict[str, Any]] = json.loads(response.read())
                    return events
            except urllib.error.HTTPError as error:
                if error.code < 500 or attempt == self.retries:
                    detail = error.read()[:300].decode(errors="replace")
                    raise FeedUnavailable(f"{url} answered {error.code}: {detail}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                if attempt == self.retries:
                    raise FeedUnavailable(f"{url} is unreachable: {error}") from None
            time.sleep(min(2**attempt * 0.2, 5))
        raise FeedUnavailable(url)  # the loop returns or raises first


def follow(
    client: FeedClient,
    sink: Sink,
    *,
    batch: int = 100,
    wait: float = 10.0,
    until_caught_up: bool = False,
    stop: threading.Event | None = None,
    on_batch: Callable[[int, int], None] | None = None,
) -> int:
    """Apply pages of the feed to `sink` until stopped (or caught up); the events applied."""
    applied = 0
    while stop is None or not stop.is_set():
        after = sink.checkpoint()
        events = client.page(after, batch, 0 if until_caught_up else wait)
        if events:
            sink.apply(events)
            applied += len(events)
            if on_batch is not None:
                on_batch(len(events), int(events[-1]["sequence"]))
        if until_caught_up and len(events) < batch:
            return applied
    return applied
