"""One stream's events with their positions in the log, forward or backward from a version.

eventsourcing's `select_events` reads a stream without the events' notification ids (their
positions in the log); the feed shows both, so this module reads them together, with one
indexed query per page on each backend (the stored events' primary key is the stream id
and version).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Notification
from eventsourcing.popo import POPOApplicationRecorder
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg.sql import SQL, Identifier


def stream_notifications(
    recorder: ApplicationRecorder, stream_id: UUID, from_version: int, backward: bool, limit: int
) -> list[Notification]:
    """Up to `limit` events of the stream from `from_version` (included), in version order
    (descending when `backward`)."""
    if isinstance(recorder, SQLiteApplicationRecorder):
        return _sqlite(recorder, stream_id, from_version, backward, limit)
    if isinstance(recorder, PostgresApplicationRecorder):
        return _postgres(recorder, stream_id, from_version, backward, limit)
    if isinstance(recorder, POPOApplicationRecorder):
        return _memory(recorder, stream_id, from_version, backward, limit)
    raise TypeError(f"No stream reads for {type(recorder).__name__}")


def _bounds(from_version: int, backward: bool) -> tuple[str, str]:
    return ("<=", "DESC") if backward else (">=", "ASC")


def _sqlite(
    recorder: SQLiteApplicationRecorder,
    stream_id: UUID,
    from_version: int,
    backward: bool,
    limit: int,
) -> list[Notification]:
    compare, order = _bounds(from_version, backward)
    statement = (
        f"SELECT rowid, originator_version, topic, state FROM {recorder.events_table_name} "
        f"WHERE originator_id = ? AND originator_version {compare} ? "
        f"ORDER BY originator_version {order} LIMIT ?"
    )
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute(statement, (stream_id.hex, from_version, limit))
        rows = cursor.fetchall()
    return [_notification(stream_id, row["rowid"], row) for row in rows]


def _postgres(
    recorder: PostgresApplicationRecorder,
    stream_id: UUID,
    from_version: int,
    backward: bool,
    limit: int,
) -> list[Notification]:
    compare, order = _bounds(from_version, backward)
    statement = SQL(
        "SELECT notification_id, originator_version, topic, state FROM {schema}.{table} "
        "WHERE originator_id = %s AND originator_version " + compare + " %s "
        "ORDER BY originator_version " + order + " LIMIT %s"
    ).format(
        schema=Identifier(recorder.datastore.schema),
        table=Identifier(recorder.events_table_name),
    )
    with recorder.datastore.get_connection() as connection, connection.cursor() as cursor:
        cursor.execute(statement, (stream_id, from_version, limit))
        rows = cursor.fetchall()
    return [_notification(stream_id, row["notification_id"], row) for row in rows]


def _memory(
    recorder: POPOApplicationRecorder,
    stream_id: UUID,
    from_version: int,
    backward: bool,
    limit: int,
) -> list[Notification]:
    found = []
    with recorder._database_lock:
        index = dict(recorder._stored_events_index.get(str(stream_id), {}))
        versions = sorted(index, reverse=backward)
        wanted = [v for v in versions if (v <= from_version if backward else v >= from_version)]
        for version in wanted[:limit]:
            stored = recorder._stored_events[index[version]]
            found.append(
                Notification(
                    id=index[version] + 1,
                    originator_id=stored.originator_id,
                    originator_version=stored.originator_version,
                    topic=stored.topic,
                    state=stored.state,
                )
            )
    return found


def _notification(stream_id: UUID, position: int, row: Any) -> Notification:
    return Notification(
        id=int(position),
        originator_id=stream_id,
        originator_version=int(row["originator_version"]),
        topic=str(row["topic"]),
        state=bytes(row["state"]),
    )
