"""The events' recorder on PostgreSQL (tracker.services.recorder): a write is one call of
the tracker's function, which takes the events table's lock, notifies the projectors and
returns the new events' positions, as eventsourcing's six-statement pipeline did."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from psycopg import sql

from tracker.application import TrackerApplication, build_application
from tracker.services.recorder import LockingRecorder
from tracker.settings import Settings

pytestmark = pytest.mark.postgres
MENTEE = "mentee-ada"


@pytest.fixture
def app(postgres_url: str) -> Iterator[TrackerApplication]:
    opened = build_application(Settings(database_url=postgres_url))
    yield opened
    opened.close()


def stored(stream: UUID, version: int) -> StoredEvent:
    return StoredEvent(stream, version, "tests:Event", b"{}")


def table_of(app: TrackerApplication) -> sql.Composed:
    recorder = app.recorder
    assert isinstance(recorder, LockingRecorder)
    schema = recorder.datastore.schema
    return sql.SQL("{}.{}").format(
        sql.Identifier(schema), sql.Identifier(recorder.events_table_name)
    )


def test_the_application_writes_through_the_locking_recorder_in_one_statement(
    app: TrackerApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(app.recorder, LockingRecorder)
    executed: list[str] = []
    execute = psycopg.Cursor.execute

    def counted(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        executed.append(str(query))
        return execute(self, query, *args, **kwargs)

    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    monkeypatch.setattr(psycopg.Cursor, "execute", counted)
    receipt = app.start_plan(mentee_id="mentee-grace", actor_id="mentee-grace")
    # It read the plan's stream first (is it there?), then wrote in one call.
    assert [q for q in executed if "_insert" in q or "INSERT" in q] == [executed[-1]]
    assert not [q for q in executed if "LOCK TABLE" in q or "NOTIFY" in q]
    assert receipt.position == app.recorder.max_notification_id()


def test_several_events_get_their_positions_in_order(app: TrackerApplication) -> None:
    stream = uuid4()
    first = app.recorder.insert_events([stored(stream, 1)])
    assert first is not None
    ids = app.recorder.insert_events([stored(stream, 2), stored(stream, 3), stored(stream, 4)])
    assert ids == [first[0] + 1, first[0] + 2, first[0] + 3]
    assert app.recorder.insert_events([]) is None


def test_a_version_written_twice_is_an_integrity_error_and_nothing_is_written(
    app: TrackerApplication,
) -> None:
    stream = uuid4()
    app.recorder.insert_events([stored(stream, 1)])
    head = app.recorder.max_notification_id()
    with pytest.raises(IntegrityError):
        app.recorder.insert_events([stored(stream, 2), stored(stream, 1)])
    assert [e.originator_version for e in app.recorder.select_events(stream)] == [1]
    app.recorder.insert_events([stored(stream, 2)])
    assert (app.recorder.max_notification_id() or 0) > (head or 0)


def test_a_write_notifies_the_projectors_channel_when_it_commits(
    app: TrackerApplication, postgres_url: str
) -> None:
    recorder = app.recorder
    assert isinstance(recorder, LockingRecorder)
    conninfo = postgres_url.split("?")[0]
    with psycopg.connect(conninfo, autocommit=True) as listener:
        listener.execute(sql.SQL("LISTEN {}").format(sql.Identifier(recorder.channel_name)))
        recorder.insert_events([stored(uuid4(), 1)])
        heard = list(listener.notifies(timeout=5.0, stop_after=1))
    assert [n.channel for n in heard] == [recorder.channel_name]


def test_a_write_waits_for_the_events_tables_lock_then_gives_up(
    app: TrackerApplication, postgres_url: str
) -> None:
    """The lock that keeps positions committing in order is taken: a writer waits while
    another session holds it, and gets its turn when it is let go; past the lock timeout
    (POSTGRES_LOCK_TIMEOUT, 1 s, each of eventsourcing's tries) it gives up."""
    conninfo = postgres_url.split("?")[0]
    stream = uuid4()
    with psycopg.connect(conninfo) as holder:
        holder.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table_of(app)))
        done = threading.Event()

        def write() -> None:
            app.recorder.insert_events([stored(stream, 1)])
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(0.5)
        assert not done.is_set()  # waiting for the lock
        holder.rollback()  # lets go
        writer.join(timeout=15)
    assert done.is_set()
    recorder = app.recorder
    assert isinstance(recorder, LockingRecorder)
    with psycopg.connect(conninfo) as holder:
        holder.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table_of(app)))
        try:
            started = time.monotonic()
            with pytest.raises(OperationalError):
                recorder._insert_in_one_call.__wrapped__(recorder, [stored(stream, 2)])
            assert 0.9 <= time.monotonic() - started < 5
        finally:
            holder.rollback()
