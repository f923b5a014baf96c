"""The view store on PostgreSQL: eventsourcing's PostgresTrackingRecorder plus view tables.

Writers of one view are serialised by a transaction-level advisory lock, so a second
`apply` of the same position waits, then sees the new position and is ignored. The projector
lock is a session-level advisory lock on a connection held by the projector: PostgreSQL
releases it when that connection (or the whole process) dies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from eventsourcing.persistence import IntegrityError, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresFactory, PostgresTrackingRecorder
from psycopg import Connection, Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composable

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
    batch_order,
    entries_query,
    merged_entries_query,
    narrowed,
    order_table_name,
    table_names,
    time_bounds,
)


def postgres_datastore(env: Mapping[str, str]) -> PostgresDatastore:
    """The datastore (connection pool) for the POSTGRES_* settings in `env`."""
    return PostgresFactory(dict(env)).datastore


def advisory_key(text: str) -> int:
    """A stable signed 64-bit advisory lock key for `text`."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big", signed=True)


class _PostgresTx(ViewTx):
    def __init__(
        self,
        store: PostgresViewStore,
        cursor: Cursor[DictRow],
        position: int | None,
        generation: int,
        kept: dict[str, Doc | None],
    ) -> None:
        super().__init__(position, generation, kept)
        self._store = store
        self._cursor = cursor

    def _load(self, key: str) -> str | None:
        self._cursor.execute(self._store.select_doc_text, (key,))
        row = self._cursor.fetchone()
        return None if row is None else str(row["doc"])


class _AdvisoryLock(ProjectorLock):
    def __init__(self, store: PostgresViewStore, connection: Connection[DictRow]) -> None:
        self._store = store
        self._connection: Connection[DictRow] | None = connection

    def release(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.execute("SELECT pg_advisory_unlock(%s)", (self._store.projector_key,))
            finally:
                self._store.datastore.pool.putconn(connection)


class PostgresViewStore(PostgresTrackingRecorder, ViewStore):
    """View `name` in a PostgreSQL schema; see projections.store for the contract."""

    def __init__(self, datastore: PostgresDatastore, *, name: str) -> None:
        self.name = check_view_name(name)
        documents, entries, tracking = table_names(name)
        super().__init__(datastore, tracking_table_name=tracking)
        if not datastore.single_row_tracking:
            raise ValueError("View stores need single-row tracking (the default)")
        schema = datastore.schema.replace('"', '""')
        self.documents_table = f'"{schema}"."{documents}"'
        self.entries_table = f'"{schema}"."{entries}"'
        self.tracking_table = f'"{schema}"."{tracking}"'
        self.order_table = f'"{schema}"."{order_table_name(name)}"'
        self.apply_key = advisory_key(f"tracker-view-apply:{datastore.schema}.{name}")
        self.projector_key = advisory_key(f"tracker-view-projector:{datastore.schema}.{name}")
        self.select_doc_text = (
            f'SELECT "doc"::text AS doc FROM {self.documents_table} WHERE "key" = %s'
        )
        # The position and the generation in one statement: the page's check costs no more.
        row = f"SELECT notification_id FROM {self.tracking_table} WHERE application_name = %s"
        self.select_state_statement = f"SELECT ({row}) AS position, ({row}) AS generation"
        self.fold_orders_statement = fold_orders_statement(self.order_table, self.entries_table)
        self.kept = KeptDocuments()  # the last transaction's documents, for the next
        self.sql_create_statements += [
            SQL(statement).format() for statement in self._view_table_statements(entries)
        ]

    def _view_table_statements(self, entries_name: str) -> list[str]:
        text = 'text COLLATE "C" NOT NULL'
        return [
            f'CREATE TABLE IF NOT EXISTS {self.documents_table} ("key" {text} PRIMARY KEY, '
            '"doc" json NOT NULL)',
            f'CREATE TABLE IF NOT EXISTS {self.entries_table} ("partition" {text}, '
            f'"position" bigint NOT NULL, "kind" {text}, "at" timestamptz NOT NULL, '
            '"doc" json NOT NULL, PRIMARY KEY ("partition", "position", "kind"))',
            f'CREATE INDEX IF NOT EXISTS "{entries_name}_at" '
            f'ON {self.entries_table} ("partition", "at") INCLUDE ("position")',
            f'CREATE INDEX IF NOT EXISTS "{entries_name}_kind" '
            f'ON {self.entries_table} ("partition", "kind", "position")',
            f'CREATE TABLE IF NOT EXISTS {self.order_table} ("partition" {text} PRIMARY KEY, '
            '"max_position" bigint NOT NULL, "max_at" timestamptz NOT NULL, "skew" bigint)',
        ]

    def apply(self, tracking: Tracking, fn: Callable[[ViewTx], None]) -> bool:
        committed: list[Committed] = []
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self.apply_key,))
            applied = self._apply_in(cursor, tracking, fn, committed)
        keep_documents(committed)
        return applied

    def apply_together(self, parts: Sequence[ApplyPart]) -> list[bool]:
        stores = [cast(PostgresViewStore, store) for store, _, _ in parts]
        if not all(
            isinstance(s, PostgresViewStore) and s.datastore is self.datastore for s in stores
        ) or len({s.name for s in stores}) < len(stores):
            return super().apply_together(parts)
        committed: list[Committed] = []
        with self.datastore.transaction(commit=True) as cursor:
            # The projector applies every event to all views at once, so each statement
            # per view counts 8 times: the locks, the positions and the trackings of all
            # the views go in one statement each (with the order rows folded in SQL, one
            # event on all views takes 17 statements, where it took 43).
            # Every view's apply lock, in one order for all, so two such transactions never
            # wait for each other in a circle (a single-view apply takes one lock only).
            keys = sorted({s.apply_key for s in stores})
            cursor.execute(LOCK_IN_ORDER, (keys,), prepare=True)
            trackings = [tracking for _, tracking, _ in parts]
            states = _states_in(cursor, stores, trackings)
            applied = [
                store._apply_at(cursor, tracking, fn, committed, state)
                for store, (_, tracking, fn), state in zip(stores, parts, states, strict=True)
            ]
            _insert_trackings(
                cursor,
                [
                    (store, tracking)
                    for store, tracking, done in zip(stores, trackings, applied, strict=True)
                    if done
                ],
            )
        keep_documents(committed)
        return applied

    def _apply_in(
        self,
        cursor: Cursor[DictRow],
        tracking: Tracking,
        fn: Callable[[ViewTx], None],
        committed: list[Committed],
    ) -> bool:
        """`apply`'s work in the caller's transaction; what to keep once it commits is
        added to `committed`."""
        state = self._state_in(cursor, tracking.application_name)
        if not self._apply_at(cursor, tracking, fn, committed, state):
            return False
        self._insert_tracking(cursor, tracking)
        return True

    def _apply_at(
        self,
        cursor: Cursor[DictRow],
        tracking: Tracking,
        fn: Callable[[ViewTx], None],
        committed: list[Committed],
        state: tuple[int | None, int],
    ) -> bool:
        """Apply `fn` to the view found in `state` (position, generation), unless it is
        at `tracking` already; the caller records the tracking."""
        position, generation = state
        if position is not None and position >= tracking.notification_id:
            return False
        kept = self.kept.take(position, generation)
        tx = _PostgresTx(self, cursor, position, generation, kept)
        fn(tx)
        self._flush(cursor, tx)
        committed.append((self.kept, tracking.notification_id, generation, tx.written_documents()))
        return True

    def _state_in(self, cursor: Cursor[DictRow], application_name: str) -> tuple[int | None, int]:
        cursor.execute(
            self.select_state_statement, (application_name, GENERATION_ROW), prepare=True
        )
        row = cursor.fetchone()
        assert row is not None  # scalar subqueries: always one row
        return row["position"], row["generation"] or 0

    def state(self, application_name: str) -> ViewState:
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            position, generation = self._state_in(cursor, application_name)
        return ViewState(position or 0, generation)

    def _flush(self, cursor: Cursor[DictRow], tx: ViewTx) -> None:
        upserts: list[tuple[str, str]] = []
        deletes: list[tuple[str]] = []
        for key, text in tx.changed_documents():
            if text is None:
                deletes.append((key,))
            else:
                upserts.append((key, text))
        # One statement per document (pipelined): an array of documents as one parameter
        # costs far more, as PostgreSQL parses the array's escaped text.
        if upserts:
            cursor.executemany(
                f'INSERT INTO {self.documents_table} ("key", "doc") VALUES (%s, %s::json) '
                'ON CONFLICT ("key") DO UPDATE SET "doc" = excluded."doc"',
                upserts,
            )
        if deletes:
            cursor.executemany(f'DELETE FROM {self.documents_table} WHERE "key" = %s', deletes)
        # Entries by COPY: hundreds of rows a page, one round trip.
        entries = tx.new_entries()
        if entries:
            self._fold_orders(cursor, entries)
            with cursor.copy(f"COPY {self.entries_table} ({ENTRY_COLUMNS}) FROM STDIN") as copy:
                for e in entries:
                    copy.write_row((e.partition, e.position, e.kind, e.at, e.text))

    def _fold_orders(self, cursor: Cursor[DictRow], entries: list[PendingEntry]) -> None:
        """Fold new entries into their partitions' order rows (before inserting them), in
        one statement: `fold_order` of each partition's row with the new entries, done by
        PostgreSQL from each batch's summary (`BatchOrder`), where reading the rows back
        first cost one or two more statements per view and transaction."""
        new: dict[str, list[tuple[int, datetime]]] = {}
        for e in entries:
            new.setdefault(e.partition, []).append((e.position, e.at))
        names = list(new)
        batches = [batch_order(new[name]) for name in names]
        cursor.execute(
            self.fold_orders_statement,
            (
                names,
                [batch.min_position for batch in batches],
                [batch.order.max_position for batch in batches],
                [batch.min_at for batch in batches],
                [batch.order.max_at for batch in batches],
                [batch.order.skew for batch in batches],
            ),
            prepare=True,
        )

    def _rows(
        self, statement: str, params: Iterable[Any] = (), *, prepare: bool | None = None
    ) -> list[DictRow]:
        with self.datastore.get_connection() as connection, connection.cursor() as cursor:
            cursor.execute(statement, list(params), prepare=prepare)
            return cursor.fetchall()

    def get(self, key: str) -> Doc | None:
        rows = self._rows(f'SELECT "doc" FROM {self.documents_table} WHERE "key" = %s', [key])
        return dict(rows[0]["doc"]) if rows else None

    def documents(self, prefix: str = "") -> list[tuple[str, Doc]]:
        statement = f'SELECT "key", "doc" FROM {self.documents_table}'
        params: list[str] = []
        if prefix:
            # "C" collation: keys with the prefix sort between it and prefix + U+10FFFF.
            statement += ' WHERE "key" >= %s AND "key" < %s'
            params += [prefix, prefix + "\U0010ffff"]
        rows = self._rows(statement + ' ORDER BY "key"', params)
        return [(str(row["key"]), dict(row["doc"])) for row in rows]

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
        if since is not None or until is not None:

            def fetch(statement: str, params: list[Any]) -> Any:
                return tuple(self._rows(statement, params, prepare=False)[0].values())

            tables = (self.entries_table, self.order_table)
            found = time_bounds(fetch, tables, "%s", _same, _utc, partition, since, until)
            bounds = None if found is None else narrowed(after, upto, *found)
            if bounds is None:
                return []
            after, upto = bounds
        query = entries_query(
            self.entries_table, "%s", _same, partition, kinds, since, until, after, upto,
            limit, descending,
        )  # fmt: skip
        if query is None:
            return []
        # Planned for its own values: a generic plan would pick one index for every range.
        return [_entry(row) for row in self._rows(*query, prepare=False)]

    def entry_texts(
        self,
        partitions: Sequence[str],
        kinds: Iterable[str] | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[EntryText]:
        query = merged_entries_query(
            self.entries_table, "%s", partitions, kinds, after, limit, doc_column='"doc"::text'
        )
        if query is None:
            return []
        # Prepared (planning was 0.4 of 1 ms here): no date range, so one plan fits all.
        return [_entry_text(row) for row in self._rows(*query, prepare=True)]

    def entry_texts_at_head(
        self,
        head: Composable,
        application_name: str,
        partitions: Sequence[str],
        kinds: Iterable[str] | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> tuple[int, int, list[EntryText]]:
        """`entry_texts` with the log's head (`head`: the application recorder's
        MAX(notification_id) statement, in this database) and this view's position read in
        the same statement, so in the same snapshot: (head, position, entries). The entries
        hold every event up to the head if the position is at or past it. One round trip
        where a fresh read (see tracker.projecting) took two."""
        query = merged_entries_query(
            self.entries_table, "%s", partitions, kinds, after, limit, doc_column='"doc"::text'
        )
        position = f"SELECT notification_id FROM {self.tracking_table} WHERE application_name = %s"
        # Rows as tuples (head, reached, then the entry's columns): no dict for each entry.
        with (
            self.datastore.get_connection() as connection,
            connection.cursor(row_factory=tuple_row) as cursor,
        ):
            state = f'SELECT ({head.as_string(connection)}) AS "head", ({position}) AS "reached"'
            statement, params = state, [application_name]
            if query is not None:
                statement = (
                    f'SELECT s."head", s."reached", p.* FROM ({state}) AS s '
                    f'LEFT JOIN LATERAL ({query[0]}) AS p ON true ORDER BY p."position", p."kind"'
                )
                params += query[1]
            cursor.execute(statement, params, prepare=True)  # as entry_texts: one plan fits
            rows = cursor.fetchall()
        found = [] if query is None else [row for row in rows if row[2] is not None]
        entries = [
            EntryText(str(partition), int(at_position), str(kind), at.astimezone(UTC), str(doc))
            for _, _, partition, at_position, kind, at, doc in found
        ]
        return rows[0][0] or 0, rows[0][1] or 0, entries

    def all_entries(self) -> list[Entry]:
        rows = self._rows(
            f"SELECT {ENTRY_COLUMNS} FROM {self.entries_table} "
            'ORDER BY "partition", "position", "kind"'
        )
        return [_entry(row) for row in rows]

    def clear(self) -> None:
        self.kept.drop()
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (self.apply_key,))
            cursor.execute(f"DELETE FROM {self.documents_table}")
            cursor.execute(f"DELETE FROM {self.entries_table}")
            cursor.execute(f"DELETE FROM {self.order_table}")
            cursor.execute(
                f"DELETE FROM {self.tracking_table} WHERE application_name <> ALL(%s)",
                ([self.table_migration_identifier, GENERATION_ROW],),
            )
            # A page read before this clear must not land after it (see ViewState).
            cursor.execute(
                f"INSERT INTO {self.tracking_table} VALUES (%s, 1) ON CONFLICT (application_name) "
                f"DO UPDATE SET notification_id = {self.tracking_table}.notification_id + 1",
                (GENERATION_ROW,),
            )

    def refresh_statistics(self) -> None:
        with self.datastore.get_connection() as connection:
            connection.execute(f"ANALYZE {self.documents_table}")
            connection.execute(f"ANALYZE {self.entries_table}")

    def projector_held(self) -> bool:
        # Read from pg_locks: taking the lock to ask would make a projector that tries it
        # at that moment stand by. A bigint advisory key shows as (classid, objid), objsubid 1.
        key = self.projector_key & 0xFFFF_FFFF_FFFF_FFFF
        with self.datastore.get_connection() as connection:
            row = connection.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND classid = %s::bigint::oid AND objid = %s::bigint::oid AND objsubid = 1) "
                "AS held",
                (key >> 32, key & 0xFFFF_FFFF),
            ).fetchone()
        return bool(row is not None and row["held"])

    def try_lock(self) -> ProjectorLock | None:
        pool = self.datastore.pool
        # No wait=True: psycopg_pool asserts when several threads (one per view) wait for
        # the pool to fill at once; getconn() waits for its connection anyway.
        pool.open()
        connection = pool.getconn(timeout=self.datastore.pool_open_timeout or 30.0)
        row = connection.execute(
            "SELECT pg_try_advisory_lock(%s) AS locked", (self.projector_key,)
        ).fetchone()
        if row is not None and row["locked"]:
            return _AdvisoryLock(self, connection)
        pool.putconn(connection)
        return None


def fold_orders_statement(order_table: str, entries_table: str) -> str:
    """`fold_order` in SQL for each partition of a batch (arrays: partition, and the
    batch's lowest position, highest position, earliest and latest time, and its own skew).

    A partition with an order row: unknown skew stays unknown, and so does one whose batch
    starts below its highest position; else the skew is the largest of its skew, the
    batch's own, and how far the batch's earliest time lies before the row's latest (each
    new entry's time against the latest before it, which is the row's or the batch's).
    A partition without one: the batch's skew, unknown if it held entries already. The
    view's apply lock serialises writers, so the update and the insert do not race."""
    return (
        "WITH n (p, min_position, max_position, min_at, max_at, skew) AS (SELECT * FROM "
        "unnest(%s::text[], %s::bigint[], %s::bigint[], %s::timestamptz[], "
        "%s::timestamptz[], %s::bigint[])), "
        f"u AS (UPDATE {order_table} AS o SET "
        '"max_position" = GREATEST(o."max_position", n.max_position), '
        '"max_at" = GREATEST(o."max_at", n.max_at), '
        '"skew" = CASE WHEN o."skew" IS NULL OR n.min_position < o."max_position" THEN NULL '
        'ELSE GREATEST(o."skew", n.skew, '
        '(EXTRACT(EPOCH FROM o."max_at" - n.min_at) * 1000000)::bigint) END '
        'FROM n WHERE o."partition" = n.p RETURNING o."partition") '
        f"INSERT INTO {order_table} "
        "SELECT n.p, n.max_position, n.max_at, CASE WHEN EXISTS "
        f'(SELECT 1 FROM {entries_table} WHERE "partition" = n.p) THEN NULL ELSE n.skew END '
        'FROM n WHERE n.p NOT IN (SELECT "partition" FROM u)'
    )


LOCK_IN_ORDER = "SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k ORDER BY k"


def _states_in(
    cursor: Cursor[DictRow], stores: Sequence[PostgresViewStore], trackings: Sequence[Tracking]
) -> list[tuple[int | None, int]]:
    """Each view's (position, generation) for its tracking's application, in one statement."""
    statement = " UNION ALL ".join(
        f"SELECT {index} AS i, * FROM ({store.select_state_statement}) AS s{index}"
        for index, store in enumerate(stores)
    )
    params = [value for t in trackings for value in (t.application_name, GENERATION_ROW)]
    cursor.execute(statement, params, prepare=True)
    rows = sorted(cursor.fetchall(), key=lambda row: row["i"])
    return [(row["position"], row["generation"] or 0) for row in rows]


def _insert_trackings(
    cursor: Cursor[DictRow], trackings: Sequence[tuple[PostgresViewStore, Tracking]]
) -> None:
    """Move each view's tracking position forward, all in one statement (as eventsourcing's
    single-row tracking does for one: an IntegrityError if a position would not move)."""
    if not trackings:
        return
    ctes = ", ".join(
        f"t{index} AS (INSERT INTO {store.tracking_table} VALUES (%s, %s) "
        "ON CONFLICT (application_name) DO UPDATE SET notification_id = "
        f"excluded.notification_id WHERE {store.tracking_table}.notification_id < "
        "excluded.notification_id RETURNING 1)"
        for index, (store, _) in enumerate(trackings)
    )
    counts = " + ".join(f"(SELECT count(*) FROM t{index})" for index in range(len(trackings)))
    params = [v for _, t in trackings for v in (t.application_name, t.notification_id)]
    cursor.execute(f"WITH {ctes} SELECT {counts} AS written", params, prepare=True)
    row = cursor.fetchone()
    if row is None or row["written"] != len(trackings):
        names = ", ".join(f"{store.name} {t.notification_id}" for store, t in trackings)
        raise IntegrityError(f"Failed to record tracking for {names}")


def _same(at: datetime) -> datetime:
    return at


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


def _entry_text(row: DictRow) -> EntryText:
    """An entry row read with its document as text (`"doc"::text`)."""
    at = row["at"].astimezone(UTC)
    return EntryText(
        str(row["partition"]), int(row["position"]), str(row["kind"]), at, str(row["doc"])
    )


def _entry(row: DictRow) -> Entry:
    return Entry(
        partition=str(row["partition"]),
        position=int(row["position"]),
        kind=str(row["kind"]),
        at=row["at"].astimezone(UTC),
        doc=dict(row["doc"]),
    )
