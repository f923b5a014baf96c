"""Conventional tables next to the events: in the SQLite file, the PostgreSQL schema, or memory.

Accounts and data keys are not events (see docs/security.md), so they live in ordinary
tables of the same database. `SideTables` runs SQL written once, with `?` placeholders, on
whichever database the events use:

- SQLite: eventsourcing's own connection pool for the file (shared with the events);
- PostgreSQL: eventsourcing's pool; table names are qualified with the schema;
- memory (POPO): a private in-memory SQLite database, gone with the process.

Times are stored as timezone-aware TIMESTAMPTZ on PostgreSQL and as fixed-width UTC ISO text
on SQLite; `time_param` / `read_time` hide the difference.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from eventsourcing.persistence import InfrastructureFactory, IntegrityError, OperationalError
from psycopg.rows import tuple_row

# The advisory lock key side tables are created under on PostgreSQL ("trkside" in hex).
CREATE_LOCK = 0x74726B73696465
# The first half of the advisory lock keys `take_turns` takes ("subj" in hex).
TURNS_LOCK = 0x7375626A


class Rows(Protocol):
    """The part of a DB-API cursor the side tables use."""

    def execute(self, statement: str, params: Sequence[Any] = ...) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> Any: ...

    @property
    def rowcount(self) -> int: ...


class SideCursor:
    """A cursor that takes `?` placeholders on every backend and returns rows as tuples."""

    def __init__(self, cursor: Rows, postgres: bool) -> None:
        self._cursor = cursor
        self._postgres = postgres
        if postgres:
            # eventsourcing's pool hands out dict rows, which lose repeated column names.
            cursor.row_factory = tuple_row  # type: ignore[attr-defined]

    def execute(self, statement: str, params: Sequence[Any] = ()) -> None:
        """Run one statement; `?` becomes `%s` on PostgreSQL."""
        if self._postgres:
            statement = statement.replace("?", "%s")
        try:
            self._cursor.execute(statement, tuple(params))
        except sqlite3.IntegrityError as error:
            raise IntegrityError(error) from error
        except sqlite3.OperationalError as error:
            # "database is locked" and the like: the web layer's 503, not a 500.
            raise OperationalError(error) from error

    @property
    def rowcount(self) -> int:
        """The number of rows the last UPDATE, INSERT or DELETE changed."""
        return int(self._cursor.rowcount)

    def one(self) -> tuple[Any, ...] | None:
        """The next row, or None."""
        row = self._cursor.fetchone()
        return None if row is None else tuple(row)

    def all(self) -> list[tuple[Any, ...]]:
        """The remaining rows."""
        return [tuple(row) for row in self._cursor.fetchall()]


class SideTables:
    """Runs SQL on the events' database; see the module docstring."""

    def __init__(self, factory: InfrastructureFactory[Any]) -> None:
        module = type(factory).__module__
        self.dialect = "postgres" if "postgres" in module else "sqlite"
        self._datastore: Any = cast(Any, getattr(factory, "datastore", None))
        self._memory: sqlite3.Connection | None = None
        self._memory_lock = threading.Lock()
        if self._datastore is None:
            # POPO: the events are in memory, so are these tables.
            self._memory = sqlite3.connect(":memory:", check_same_thread=False)
            self._memory.isolation_level = None
        self.schema: str | None = None
        if self.dialect == "postgres":
            self.schema = str(self._datastore.schema)

    @property
    def is_memory(self) -> bool:
        """Whether the tables live in this process only."""
        return self._memory is not None

    def table(self, name: str) -> str:
        """The table name to put in SQL (schema-qualified and quoted on PostgreSQL)."""
        if self.schema is None:
            return name
        schema = self.schema.replace('"', '""')
        return f'"{schema}"."{name}"'

    @contextmanager
    def transaction(self, *, write: bool = False) -> Iterator[SideCursor]:
        """A transaction, committed at the end if `write` and nothing failed."""
        if self._memory is not None:
            with self._memory_lock:
                cursor = self._memory.cursor()
                cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield SideCursor(cursor, postgres=False)
                except BaseException:
                    self._memory.rollback()
                    raise
                if write:
                    self._memory.commit()
                else:
                    self._memory.rollback()
            return
        if write and self.dialect == "sqlite":
            with (
                self._datastore.get_connection(commit=True) as connection,
                _immediate(connection._sqlite_conn) as side_cursor,
            ):
                yield side_cursor
            return
        with self._datastore.transaction(commit=write) as cursor:
            yield SideCursor(cursor, postgres=self.dialect == "postgres")

    def take_turns(self, cursor: SideCursor, subject: str) -> None:
        """Make write transactions about `subject` run one after the other, not interleaved.

        PostgreSQL: a transaction-scoped advisory lock, held until commit (a row lock cannot
        guard a row that does not exist yet). SQLite's BEGIN IMMEDIATE, and the memory
        database's one lock, already make every write transaction wait for the others.
        """
        if self.dialect == "postgres":
            cursor.execute(
                "SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), hashtext(?))",
                (TURNS_LOCK, f"{self.schema}:{subject}"),
            )

    def create(self, statements: Sequence[str]) -> None:
        """Create tables and indexes (statements use IF NOT EXISTS).

        On PostgreSQL, processes starting together (gunicorn workers) take turns: IF NOT
        EXISTS does not stop two of them racing on the catalog ("tuple concurrently
        updated", duplicate keys), so each takes a transaction-scoped advisory lock first.
        """
        with self.transaction(write=True) as cursor:
            if self.dialect == "postgres":
                cursor.execute("SELECT pg_advisory_xact_lock(?)", (CREATE_LOCK,))
            for statement in statements:
                cursor.execute(statement)

    def time_type(self) -> str:
        """The column type of a timestamp."""
        return "TIMESTAMPTZ" if self.dialect == "postgres" else "TEXT"

    def blob_type(self) -> str:
        """The column type of raw bytes."""
        return "BYTEA" if self.dialect == "postgres" else "BLOB"

    def time_param(self, at: datetime | None) -> Any:
        """A timezone-aware time as this database stores it."""
        if at is None:
            return None
        if at.tzinfo is None:
            raise ValueError(f"A stored time must be timezone-aware, got {at!r}")
        if self.dialect == "postgres":
            return at
        return at.astimezone(UTC).isoformat(timespec="microseconds")

    def revoke_owned(self, table: str, key: str, value: str, user_id: str, at: datetime) -> bool:
        """Mark the user's live row `key = value` of `table` revoked at `at` (tokens, calendar
        subscriptions); False if she has no such live row."""
        with self.transaction(write=True) as cursor:
            cursor.execute(
                f"SELECT revoked FROM {table} WHERE {key} = ? AND user_id = ?", (value, user_id)
            )
            row = cursor.one()
            if row is None or row[0] is not None:
                return False
            cursor.execute(
                f"UPDATE {table} SET revoked = ? WHERE {key} = ?", (self.time_param(at), value)
            )
        return True

    def read_time(self, value: Any) -> datetime | None:
        """A stored time as a timezone-aware datetime (UTC)."""
        if value is None:
            return None
        if isinstance(value, datetime):
            return value.astimezone(UTC)
        return datetime.fromisoformat(str(value)).astimezone(UTC)

    def compact(self, tables: Sequence[str]) -> None:
        """Overwrite the bytes of deleted rows, so erased keys do not linger in the files.

        SQLite: VACUUM rewrites the file without free pages, and a TRUNCATE checkpoint empties
        the write-ahead log. PostgreSQL: VACUUM FULL rewrites the named tables into new files.
        Copies outside the database (backups, replicas, PostgreSQL's WAL archive) are not
        touched: docs/security.md says what that means.
        """
        if self._memory is not None:
            return
        if self.dialect == "postgres":
            with self._datastore.get_connection() as connection:
                connection.autocommit = True
                try:
                    for name in tables:
                        connection.execute(f"VACUUM FULL {self.table(name)}")
                finally:
                    connection.autocommit = False
            return
        with self._datastore.get_connection(commit=True) as connection:
            raw = connection._sqlite_conn
            if self._datastore.pool.is_sqlite_memory_mode:
                return
            try:
                raw.execute("VACUUM")  # waits for other writers up to the busy timeout
                # A checkpoint that cannot finish in that time says so in its row, not by
                # raising: the log would keep the old bytes, so that is a failure too.
                busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.OperationalError as error:
                raise OperationalError(error) from error
            if busy:
                raise OperationalError("database is locked: the write-ahead log stays full")

    @contextmanager
    def secure_deletes(self) -> Iterator[SideCursor]:
        """A write transaction whose deleted and overwritten bytes are zeroed (SQLite)."""
        if self.dialect == "sqlite" and self._memory is None:
            with self._datastore.get_connection(commit=True) as connection:
                raw = connection._sqlite_conn
                raw.execute("PRAGMA secure_delete = ON")
                try:
                    with _immediate(raw) as cursor:
                        yield cursor
                finally:
                    raw.execute("PRAGMA secure_delete = OFF")
            return
        with self.transaction(write=True) as cursor:
            yield cursor

    def close(self) -> None:
        """Close the private memory database (the shared pools are closed by their owner)."""
        if self._memory is not None:
            self._memory.close()
            self._memory = None


@contextmanager
def _immediate(raw: sqlite3.Connection) -> Iterator[SideCursor]:
    """A SQLite write transaction that takes the write lock first (BEGIN IMMEDIATE).

    Taking it waits up to the busy timeout for another writer (the views' projector). A
    deferred transaction that reads, then writes, would fail at once instead ("database is
    locked", no waiting) if another connection held the lock or wrote since its read.
    """
    cursor = raw.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise OperationalError(error) from error
    try:
        yield SideCursor(cursor, postgres=False)
    except BaseException:
        raw.rollback()
        raise
    try:
        raw.commit()
    except sqlite3.OperationalError as error:
        raise OperationalError(error) from error
