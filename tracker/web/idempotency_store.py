"""Where Idempotency-Keys and the first answers given to them are kept.

In the events' own database (SQLite file or PostgreSQL schema, table ``idempotency_keys``),
through the application's connection pool, so that keys survive restarts and every worker
and process sees the same ones; in memory for ``memory://``.

One row per (actor, key): the request's fingerprint, the token of the request running it
(its "owner"), when it started, and once it succeeded, the answer. The primary key makes
the claim atomic: of two requests racing with one key, exactly one inserts its row.
"""

from __future__ import annotations

import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import IntegrityError

TABLE = "idempotency_keys"


@dataclass(frozen=True)
class Answer:
    """The first answer to a key: replayed as is to every retry."""

    status: int
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class Claim:
    """A key as stored: who runs it (`owner`), for which request, and its answer if done."""

    owner: str
    fingerprint: str
    started_at: float
    answer: Answer | None


class IdempotencyStore(ABC):
    """Claims keys, records their first answers, forgets them after `ttl` seconds."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl

    @abstractmethod
    def claim(self, actor_id: str, key: str, fingerprint: str, token: str, now: float) -> Claim:
        """Forget expired keys, then take this key for `token` unless it is held: the row."""

    @abstractmethod
    def take_over(self, actor_id: str, key: str, stale_owner: str, token: str, now: float) -> bool:
        """Take an unanswered key from an owner presumed dead; whether it worked."""

    @abstractmethod
    def record(self, actor_id: str, key: str, token: str, answer: Answer) -> None:
        """Keep the answer of the request holding the key."""

    @abstractmethod
    def release(self, actor_id: str, key: str, token: str) -> None:
        """Forget an unanswered key (its request failed and wrote nothing)."""


class MemoryIdempotencyStore(IdempotencyStore):
    """The store for memory:// (one process, so a dict under a lock will do)."""

    def __init__(self, ttl: float) -> None:
        super().__init__(ttl)
        self._rows: dict[tuple[str, str], Claim] = {}
        self._lock = threading.Lock()

    def claim(self, actor_id: str, key: str, fingerprint: str, token: str, now: float) -> Claim:
        with self._lock:
            expired = [k for k, c in self._rows.items() if c.started_at < now - self.ttl]
            for old in expired:
                del self._rows[old]
            return self._rows.setdefault((actor_id, key), Claim(token, fingerprint, now, None))

    def take_over(self, actor_id: str, key: str, stale_owner: str, token: str, now: float) -> bool:
        with self._lock:
            claim = self._rows.get((actor_id, key))
            if claim is None or claim.owner != stale_owner or claim.answer is not None:
                return False
            self._rows[(actor_id, key)] = Claim(token, claim.fingerprint, now, None)
            return True

    def record(self, actor_id: str, key: str, token: str, answer: Answer) -> None:
        with self._lock:
            claim = self._rows.get((actor_id, key))
            if claim is not None and claim.owner == token:
                self._rows[(actor_id, key)] = Claim(
                    token, claim.fingerprint, claim.started_at, answer
                )

    def release(self, actor_id: str, key: str, token: str) -> None:
        with self._lock:
            claim = self._rows.get((actor_id, key))
            if claim is not None and claim.owner == token and claim.answer is None:
                del self._rows[(actor_id, key)]


class SqlIdempotencyStore(IdempotencyStore):
    """The store on SQLite or PostgreSQL, through the application's datastore."""

    def __init__(self, datastore: Any, ttl: float, *, table: str, placeholder: str) -> None:
        super().__init__(ttl)
        self.datastore = datastore
        self.table = table
        self.p = placeholder

    def create_table(self) -> None:
        """Create the table and its expiry index if they do not exist yet."""
        statements = [
            f"CREATE TABLE IF NOT EXISTS {self.table} (actor_id TEXT NOT NULL, "
            "idem_key TEXT NOT NULL, fingerprint TEXT NOT NULL, owner TEXT NOT NULL, "
            "started_at DOUBLE PRECISION NOT NULL, status INTEGER, headers TEXT, body TEXT, "
            "PRIMARY KEY (actor_id, idem_key))",
            f"CREATE INDEX IF NOT EXISTS {TABLE}_started ON {self.table} (started_at)",
        ]
        try:
            with self._transaction() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        except IntegrityError:
            pass  # another process created them at the same moment

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=True) as cursor:
            yield cursor

    def claim(self, actor_id: str, key: str, fingerprint: str, token: str, now: float) -> Claim:
        p = self.p
        with self._transaction() as cursor:
            # A write first, so SQLite takes its write lock before reading (no upgrade).
            cursor.execute(f"DELETE FROM {self.table} WHERE started_at < {p}", (now - self.ttl,))
            cursor.execute(
                f"INSERT INTO {self.table} (actor_id, idem_key, fingerprint, owner, started_at) "
                f"VALUES ({p}, {p}, {p}, {p}, {p}) ON CONFLICT (actor_id, idem_key) DO NOTHING",
                (actor_id, key, fingerprint, token, now),
            )
            return self._row(cursor, actor_id, key)

    def _row(self, cursor: Any, actor_id: str, key: str) -> Claim:
        cursor.execute(
            "SELECT owner, fingerprint, started_at, status, headers, body "
            f"FROM {self.table} WHERE actor_id = {self.p} AND idem_key = {self.p}",
            (actor_id, key),
        )
        row = cursor.fetchone()
        answer = None
        if row["status"] is not None:
            answer = Answer(int(row["status"]), json.loads(row["headers"]), str(row["body"]))
        return Claim(str(row["owner"]), str(row["fingerprint"]), float(row["started_at"]), answer)

    def take_over(self, actor_id: str, key: str, stale_owner: str, token: str, now: float) -> bool:
        p = self.p
        with self._transaction() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET owner = {p}, started_at = {p} WHERE actor_id = {p} "
                f"AND idem_key = {p} AND owner = {p} AND status IS NULL",
                (token, now, actor_id, key, stale_owner),
            )
            return self._row(cursor, actor_id, key).owner == token

    def record(self, actor_id: str, key: str, token: str, answer: Answer) -> None:
        p = self.p
        with self._transaction() as cursor:
            cursor.execute(
                f"UPDATE {self.table} SET status = {p}, headers = {p}, body = {p} "
                f"WHERE actor_id = {p} AND idem_key = {p} AND owner = {p}",
                (answer.status, json.dumps(answer.headers), answer.body, actor_id, key, token),
            )

    def release(self, actor_id: str, key: str, token: str) -> None:
        p = self.p
        with self._transaction() as cursor:
            cursor.execute(
                f"DELETE FROM {self.table} WHERE actor_id = {p} AND idem_key = {p} "
                f"AND owner = {p} AND status IS NULL",
                (actor_id, key, token),
            )


def open_store(recorder: Any, ttl: float) -> IdempotencyStore:
    """The store beside the application's events (its recorder tells where they are)."""
    datastore: Any = getattr(recorder, "datastore", None)
    module = type(datastore).__module__ if datastore is not None else ""
    if module.startswith("eventsourcing.sqlite"):
        store = SqlIdempotencyStore(datastore, ttl, table=TABLE, placeholder="?")
    elif module.startswith("eventsourcing.postgres"):
        schema = datastore.schema.replace('"', '""')
        table = f'"{schema}".{TABLE}'
        store = SqlIdempotencyStore(datastore, ttl, table=table, placeholder="%s")
    else:
        return MemoryIdempotencyStore(ttl)
    store.create_table()
    return store
