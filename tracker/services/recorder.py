"""The events' recorder on PostgreSQL: a write in one statement, the table lock kept.

eventsourcing's `PostgresApplicationRecorder` writes new events as a pipeline of six
statements: BEGIN, SET LOCAL lock_timeout, LOCK TABLE ... IN EXCLUSIVE MODE (so that
positions commit in the order they are given: a projector never passes over a gap that a
slower transaction fills later), NOTIFY (wakes the projectors' LISTEN), the INSERT
RETURNING the positions, and COMMIT. Driving that pipeline cost a web worker about a
quarter of a goal revision's CPU. Its own alternative (`POSTGRES_ENABLE_DB_FUNCTIONS`)
is one call, but without the table lock.

`LockingRecorder` does the same work in one call of a function of its own,
``<events table>_insert``, which takes the lock timeout as an argument (each process its
own, as before: it is not baked into the function that every process shares), takes the
table lock, notifies and inserts, in the one transaction of that statement (the
connections are in autocommit). Errors come back as before: a duplicate version as
IntegrityError, a lock not had in time as OperationalError (retried by eventsourcing).
The function is created with the table (CREATE OR REPLACE, under the setup lock).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.sql import SQL, Composable, Identifier

TOPIC = f"{__name__}:LockingRecorder"


class LockingRecorder(PostgresApplicationRecorder):
    """`PostgresApplicationRecorder` whose writes are one call: lock, notify, insert."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        schema = Identifier(datastore.schema)
        function = Identifier(f"{self.events_table_name}_insert")
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}"
                "(events {schema}.{event}[], wait_for_lock text) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
                "BEGIN "
                "PERFORM set_config('lock_timeout', wait_for_lock, true); "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} AS t "
                "(originator_id, originator_version, topic, state) "
                "SELECT originator_id, originator_version, topic, state FROM unnest(events) "
                "RETURNING notification_id; "
                "END; $BODY$"
            ).format(
                schema=schema,
                function=function,
                event=Identifier(self.stored_event_type_name),
                table=Identifier(self.events_table_name),
                channel=Identifier(self.channel_name),
            )
        )
        self._insert_call: Composable = SQL(
            "SELECT {schema}.{function}(%s, %s) AS notification_id"
        ).format(schema=schema, function=function)
        self._insert_text: str | None = None  # the call as text, rendered once
        self._lock_timeout = f"{int(datastore.lock_timeout)}s"  # as SET LOCAL lock_timeout

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self.datastore.enable_db_functions or kwargs.get("tracking") is not None:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        if not stored_events:
            return None  # as eventsourcing's: nothing written, no positions
        inserted: list[int] = self._insert_in_one_call(stored_events)
        return inserted

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)  # as eventsourcing's
    def _insert_in_one_call(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        events = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            if self._insert_text is None:
                self._insert_text = self._insert_call.as_string(conn)
            curs.execute(self._insert_text, (events, self._lock_timeout), prepare=True)
            return [int(row["notification_id"]) for row in curs.fetchall()]


def with_locking_recorder(env: dict[str, str] | None) -> dict[str, str] | None:
    """`env` with `LockingRecorder` as the application recorder on PostgreSQL, unless it
    names a recorder of its own. (With eventsourcing's database functions turned on,
    `LockingRecorder` writes as eventsourcing's does.)"""
    if (
        env is None
        or env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres"
        or "APPLICATION_RECORDER_TOPIC" in env
    ):
        return env
    return {**env, "APPLICATION_RECORDER_TOPIC": TOPIC}
