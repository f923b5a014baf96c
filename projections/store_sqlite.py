"""The view store on SQLite: eventsourcing's SQLiteTrackingRecorder plus view tables.

The view tables live in the events' database file. Writes use `BEGIN IMMEDIATE` so that a
read-then-write transaction never fails on a snapshot another writer has moved on from, and
the projector lock is an OS file lock next to the database (released if the process dies).
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.sqlite import (
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteFactory,
    SQLiteTrackingRecorder,
)

from projections.store import (
    GENERATION_ROW,
    ApplyPart,
    Committed,
    Doc,
    Entry,
    EntryText,
    KeptDocuments,
    PendingEntry,
    ProjectorLock,
    ViewState,
    ViewStore,
    ViewTx,
    check_view_name,
    keep_documents,
)
from projections.store_sql import (
    ENTRY_COLUMNS,
    PartitionOrder,
    entries_query,
    fold_order,
    merged_entries_query,
    narrowed,
    order_table_name,
    table_names,
    time_bounds,
)

AT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order
_MEMORY_LOCKS: dict[tuple[str, str], threading.Lock] = {}


def sqlite_datastore(env: Mapping[str, str]) -> SQLiteDatastore:
    """The datastore (connection pool) for the SQLITE_* settings in `env`."""
    return SQLiteFactory(dict(env)).datastore


def encode_at(at: datetime) -> str:
    """A UTC datetime as the stored text (AT_FORMAT; isoformat is the fast way to it)."""
    return at.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def decode_at(text: str) -> datetime:
    """The stored text as a UTC datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


class _SQLiteTx(ViewTx):
    def __init__(
        self,
        store: SQLiteViewStore,
        cursor: SQLiteCursor,
        position: int | None,
        generation: int,
        kept: dict[str, Doc | None],
    ) -> None:
        super().__init__(position, generation, kept)
        self._store = store
        self._cursor = cursor

    def _load(self, key: str) -> str | None:
        self._cursor.execute(self._store.select_doc_statement, (key,))
        row = self._cursor.fetchone()
        return None if row is None else str(row[0])


class _FileLock(ProjectorLock):
    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class _MemoryLock(ProjectorLock):
    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock

    def release(self) -> None:
        self._lock.release()


class SQLiteViewStore(SQLiteTrackingRecorder, ViewStore):
    """View `name` in an SQLite database; see projections.store for the contract."""

    def __init__(self, datastore: SQLiteDatastore, *, name: str) -> None:
        self.name = check_view_name(name)
        self.documents_table, self.entries_table, self.tracking_table = table_names(name)
        self.order_table = order_table_name(name)
        super().__init__(datastore)
        if not datastore.single_row_tracking:
            raise ValueError("View stores need single-row tracking (the default)")
        self.insert_tracking_statement = (
            f"INSERT INTO {self.tracking_table} VALUES (:application_name, :notification_id) "
            "ON CONFLICT (application_name) DO UPDATE SET notification_id = :notification_id "
            f"WHERE {self.tracking_table}.notification_id < :notification_id "
            "RETURNING notification_id"
        )
        self.select_max_tracking_id_statement = (
            f"SELECT MAX(notification_id) FROM {self.tracking_table} WHERE application_name=?"
        )
        self.select_doc_statement = f'SELECT "doc" FROM {self.documents_table} WHERE "key" = ?'
        # The position and the generation in one statement: the page's check costs no more.
        row = f"SELECT notification_id FROM {self.tracking_table} WHERE application_name = ?"
        self.select_state_statement = f"SELECT ({row}), ({row})"
        self.kept = KeptDocuments()  # the last transaction's documents, for the next

    def construct_create_table_statements(self) -> list[str]:
        documents, entries, tracking = table_names(self.name)
        return [
            f"CREATE TABLE IF NOT EXISTS {tracking} (application_name TEXT, "
            "notification_id INTEGER, PRIMARY KEY (application_name)) WITHOUT ROWID",
            f'CREATE TABLE IF NOT EXISTS {documents} ("key" TEXT PRIMARY KEY, '
            '"doc" TEXT NOT NULL) WITHOUT ROWID',
            f'CREATE TABLE IF NOT EXISTS {entries} ("partition" TEXT NOT NULL, '
            '"position" INTEGER NOT NULL, "kind" TEXT NOT NULL, "at" TEXT NOT NULL, '
            '"doc" TEXT NOT NULL, PRIMARY KEY ("partition", "position", "kind")) WITHOUT ROWID',
            f'CREATE INDEX IF NOT EXISTS {entries}_at ON {entries} ("partition", "at")',
            f"CREATE INDEX IF NOT EXISTS {entries}_kind "
            f'ON {entries} ("partition", "kind", "position")',
            f"CREATE TABLE IF NOT EXISTS {order_table_name(self.name)} "
            '("partition" TEXT PRIMARY KEY, "max_position" INTEGER NOT NULL, '
            '"max_at" TEXT NOT NULL, "skew" INTEGER) WITHOUT ROWID',
        ]

    @contextmanager
    def _writing(self) -> Iterator[SQLiteCursor]:
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            # A view is derived data: in WAL mode NORMAL skips the fsync of each commit, and a
            # crash loses at most the last commits, tracking position and view alike, which
            # the projector applies again (the events' own commits keep their fsync).
            cursor.execute("PRAGMA synchronous = NORMAL")
            # IMMEDIATE takes the write lock up front (waiting up to the lock timeout).
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                connection.rollback()
                raise
            try:
                connection.commit()
            except sqlite3.IntegrityError as error:
                raise IntegrityError(error) from error

    @contextmanager
    def _reading(self) -> Iterator[SQLiteCursor]:
        with self.datastore.transaction(commit=False) as cursor:
            yield cursor

    def apply(self, tracking: Tracking, fn: Callable[[ViewTx], None]) -> bool:
        committed: list[Committed] = []
        with self._writing() as cursor:
            applied = self._apply_in(cursor, tracking, fn, committed)
        keep_documents(committed)
        return applied

    def apply_together(self, parts: Sequence[ApplyPart]) -> list[bool]:
        stores = [store for store, _, _ in parts]
        if not all(
            isinstance(s, SQLiteViewStore) and s.datastore is self.datastore for s in stores
        ):
            return super().apply_together(parts)
        # One transaction (one commit, one fsync) for every view; BEGIN IMMEDIATE holds the
        # database's write lock, so no view can move under it.
        committed: list[Committed] = []
        with self._writing() as cursor:
            applied = [
                cast(SQLiteViewStore, store)._apply_in(cursor, tracking, fn, committed)
                for store, tracking, fn in parts
            ]
        keep_documents(committed)
        return applied

    def _apply_in(
        self,
        cursor: SQLiteCursor,
        tracking: Tracking,
        fn: Callable[[ViewTx], None],
        committed: list[Committed],
    ) -> bool:
        """`apply`'s work in the caller's transaction; what to keep once it commits is
        added to `committed`."""
        position, generation = self._state_in(cursor, tracking.application_name)
        if position is not None and position >= tracking.notification_id:
            return False
        kept = self.kept.take(position, generation)
        tx = _SQLiteTx(self, cursor, position, generation, kept)
        fn(tx)
        try:
            self._flush(cursor, tx)
        except sqlite3.IntegrityError as error:
            raise IntegrityError(error) from error
        self._insert_tracking(cursor, tracking)
        committed.append((self.kept, tracking.notification_id, generation, tx.written_documents()))
        return True

    def _state_in(self, cursor: SQLiteCursor, application_name: str) -> tuple[int | None, int]:
        cursor.execute(self.select_state_statement, (application_name, GENERATION_ROW))
        position, generation = cursor.fetchone()
        return position, generation or 0

    def state(self, application_name: str) -> ViewState:
        with self._reading() as cursor:
            position, generation = self._state_in(cursor, application_name)
        return ViewState(position or 0, generation)

    def _flush(self, cursor: SQLiteCursor, tx: ViewTx) -> None:
        upserts: list[tuple[str, str]] = []
        deletes: list[tuple[str]] = []
        for key, text in tx.changed_documents():
            if text is None:
                deletes.append((key,))
            else:
                upserts.append((key, text))
        if upserts:
            cursor.executemany(
                f'INSERT INTO {self.documents_table} ("key", "doc") VALUES (?, ?) '
                'ON CONFLICT ("key") DO UPDATE SET "doc" = excluded."doc"',
                upserts,
            )
        if deletes:
            cursor.executemany(f'DELETE FROM {self.documents_table} WHERE "key" = ?', deletes)
        entries = tx.new_entries()
        if entries:
            self._fold_orders(cursor, entries)
            times: dict[datetime, str] = {}  # the entries of one record share its time
            rows = []
            for e in entries:
                at = times.get(e.at)
                if at is None:
                    at = times[e.at] = encode_at(e.at)
                rows.append((e.partition, e.position, e.kind, at, e.text))
            cursor.executemany(
                f"INSERT INTO {self.entries_table} ({ENTRY_COLUMNS}) VALUES (?, ?, ?, ?, ?)", rows
            )

    def _fold_orders(self, cursor: SQLiteCursor, entries: list[PendingEntry]) -> None:
        """Fold new entries into their partitions' order rows (before inserting them)."""
        new: dict[str, list[tuple[int, datetime]]] = {}
        for e in entries:
            new.setdefault(e.partition, []).append((e.position, e.at))
        rows = []
        for partition, appended in new.items():
            cursor.execute(
                f'SELECT "max_position", "max_at", "skew" FROM {self.order_table} '
                'WHERE "partition" = ?',
                (partition,),
            )
            found = cursor.fetchone()
            before = (
                None if found is None else PartitionOrder(found[0], decode_at(found[1]), found[2])
            )
            had_entries = found is None and self._has_entries(cursor, partition)
            order = fold_order(before, had_entries, appended)
            rows.append((partition, order.max_position, encode_at(order.max_at), order.skew))
        cursor.executemany(f"INSERT OR REPLACE INTO {self.order_table} VALUES (?, ?, ?, ?)", rows)

    def _has_entries(self, cursor: SQLiteCursor, partition: str) -> bool:
        cursor.execute(
            f'SELECT 1 FROM {self.entries_table} WHERE "partition" = ? LIMIT 1', (partition,)
        )
        return cursor.fetchone() is not None

    def get(self, key: str) -> Doc | None:
        with self._reading() as cursor:
            cursor.execute(self.select_doc_statement, (key,))
            row = cursor.fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def documents(self, prefix: str = "") -> list[tuple[str, Doc]]:
        statement = f'SELECT "key", "doc" FROM {self.documents_table}'
        params: tuple[str, ...] = ()
        if prefix:
            # Binary collation: keys with the prefix sort between it and prefix + U+10FFFF.
            statement += ' WHERE "key" >= ? AND "key" < ?'
            params = (prefix, prefix + "\U0010ffff")
        with self._reading() as cursor:
            cursor.execute(statement + ' ORDER BY "key"', params)
            rows = cursor.fetchall()
        return [(str(row[0]), dict(json.loads(row[1]))) for row in rows]

    def entries(
        self,
        partition: str,
        kinds: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: int | None = None,
        upto: int | None = None,
        limit: int | None = None,
        descending: bool = False,
    ) -> list[Entry]:
        with self._reading() as cursor:
            if since is not None or until is not None:

                def fetch(statement: str, params: list[Any]) -> Any:
                    cursor.execute(statement, params)
                    return tuple(cursor.fetchone())

                tables = (self.entries_table, self.order_table)
                found = time_bounds(
                    fetch, tables, "?", encode_at, decode_at, partition, since, until
                )
                bounds = None if found is None else narrowed(after, upto, *found)
                if bounds is None:
                    return []
                after, upto = bounds
            query = entries_query(
                self.entries_table, "?", encode_at, partition, kinds, since, until, after, upto,
                limit, descending, at_column='+"at"',
            )  # fmt: skip
            if query is None:
                return []
            cursor.execute(*query)
            return [_entry(row) for row in cursor.fetchall()]

    def entry_texts(
        self,
        partitions: Sequence[str],
        kinds: Iterable[str] | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[EntryText]:
        query = merged_entries_query(self.entries_table, "?", partitions, kinds, after, limit)
        if query is None:
            return []
        with self._reading() as cursor:
            cursor.execute(*query)
            rows = cursor.fetchall()
        return [
            EntryText(str(row[0]), int(row[1]), str(row[2]), decode_at(row[3]), str(row[4]))
            for row in rows
        ]

    def all_entries(self) -> list[Entry]:
        with self._reading() as cursor:
            cursor.execute(
                f"SELECT {ENTRY_COLUMNS} FROM {self.entries_table} "
                'ORDER BY "partition", "position", "kind"'
            )
            return [_entry(row) for row in cursor.fetchall()]

    def clear(self) -> None:
        self.kept.drop()
        with self._writing() as cursor:
            cursor.execute(f"DELETE FROM {self.documents_table}")
            cursor.execute(f"DELETE FROM {self.entries_table}")
            cursor.execute(f"DELETE FROM {self.order_table}")
            cursor.execute(
                f"DELETE FROM {self.tracking_table} WHERE application_name NOT IN (?, ?)",
                (self.table_migration_identifier, GENERATION_ROW),
            )
            # A page read before this clear must not land after it (see ViewState).
            cursor.execute(
                f"INSERT INTO {self.tracking_table} VALUES (?, 1) ON CONFLICT (application_name) "
                f"DO UPDATE SET notification_id = {self.tracking_table}.notification_id + 1",
                (GENERATION_ROW,),
            )

    def refresh_statistics(self) -> None:
        with self._writing() as cursor:
            cursor.execute(f"ANALYZE {self.documents_table}")
            cursor.execute(f"ANALYZE {self.entries_table}")

    def try_lock(self) -> ProjectorLock | None:
        db_name = self.datastore.pool.db_name
        if self.datastore.pool.is_sqlite_memory_mode:
            lock = _MEMORY_LOCKS.setdefault((db_name, self.name), threading.Lock())
            return _MemoryLock(lock) if lock.acquire(blocking=False) else None
        fd = os.open(f"{db_name}.view-{self.name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            # flock locks belong to the open file, so two runners in one process exclude too.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return _FileLock(fd)


def _entry(row: Any) -> Entry:
    return Entry(
        partition=str(row[0]),
        position=int(row[1]),
        kind=str(row[2]),
        at=decode_at(row[3]),
        doc=dict(json.loads(row[4])),
    )
