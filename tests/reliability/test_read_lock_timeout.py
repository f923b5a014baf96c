"""A web request's PostgreSQL reads wait for another session's lock no longer than its
writes do (POSTGRES_LOCK_TIMEOUT, set for the session by tracker.pools on checkouts within a
request's budget): behind an ACCESS EXCLUSIVE lock (ALTER TABLE, VACUUM FULL, TRUNCATE) a
read answers 503 with Retry-After instead of hanging, and succeeds once the lock is gone.
Outside requests (the projector, commands) reads wait for locks as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg
import pytest
from psycopg import sql

from tests.reliability.test_storage_unavailable import ADA, Served, assert_503, serve
from tracker.pinning import pool_of
from tracker.pools import end_budget, start_budget
from tracker.settings import storage_env
from tracker.web.read_models import projections_of

pytestmark = pytest.mark.postgres

# A refused read: eventsourcing tries a read 10 times, each waiting 1 s for the lock
# (POSTGRES_LOCK_TIMEOUT) and 0.2 s between tries, about 12 s; a view's read once, 1 s.
BOUND = 20.0
HANG = 60.0


def read_timeline(served: Served) -> Any:
    headers = {"Authorization": f"Bearer {served.token}"}
    return served.client.get(f"/api/v1/plans/{ADA}/timeline", headers=headers)


def schema_tables(postgres_url: str, schema: str) -> list[str]:
    with psycopg.connect(postgres_url.split("?")[0]) as admin:
        rows = admin.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
        ).fetchall()
    return [row[0] for row in rows]


def read_while(served: Served, held: AbstractContextManager[Any]) -> Any:
    """GET the timeline while `held` (another session's lock) is held; the answer, which
    must come within BOUND."""
    answered: list[Any] = []
    took: list[float] = []

    def read() -> None:
        started = time.monotonic()
        answered.append(read_timeline(served))
        took.append(time.monotonic() - started)

    reading = threading.Thread(target=read, daemon=True)  # a hang fails, not hangs, the test
    with held:
        reading.start()
        reading.join(HANG)
    reading.join(HANG)
    assert answered, f"the read still waited for the lock after {HANG} s"
    assert took[0] < BOUND, f"the read waited {took[0]:.1f} s for the lock"
    return answered[0]


@contextmanager
def table_locked(postgres_url: str, schema: str, table: str) -> Iterator[None]:
    """Another session holds ACCESS EXCLUSIVE on `table`."""
    with psycopg.connect(postgres_url.split("?")[0]) as holder:
        holder.execute(
            sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(sql.Identifier(schema, table))
        )
        try:
            yield
        finally:
            holder.rollback()


@contextmanager
def advisory_locked(postgres_url: str, key: int) -> Iterator[None]:
    """Another session holds the advisory lock `key` (a view's apply lock)."""
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            holder.execute("SELECT pg_advisory_unlock(%s)", (key,))


@pytest.mark.parametrize("locked", ["view", "events"])
def test_a_read_behind_an_access_exclusive_lock_answers_503_then_succeeds(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, locked: str
) -> None:
    served = serve(postgres_url, monkeypatch)
    assert served.reflect().status_code == 200
    assert read_timeline(served).status_code == 200
    schema = storage_env(postgres_url)["POSTGRES_SCHEMA"]
    events = served.tracker.recorder.events_table_name  # type: ignore[attr-defined]
    if locked == "events":
        table = events
    else:  # the entries the page reads (pg_tables lists the view's tables in no set order,
        # and a read after the first one reads neither its documents nor its order table)
        table = "view_timeline_entries"
        assert table in schema_tables(postgres_url, schema)
    assert_503(read_while(served, table_locked(postgres_url, schema, table)))
    response = read_timeline(served)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert served.reflect().status_code == 200  # writes go on, with their own lock timeout
    served.tracker.close()


def test_outside_requests_reads_still_wait_for_locks(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The projector and commands share the pools with no budget: a connection a request
    bounded gets the server's lock timeout back when they check it out."""
    served = serve(postgres_url, monkeypatch)
    assert read_timeline(served).status_code == 200  # the views' pool bounded in a request
    pools = [
        pool_of(served.tracker.factory.datastore),  # type: ignore[attr-defined]
        pool_of(projections_of(served.app).datastore()),
    ]
    for pool in pools:
        assert pool is not None
        for _ in range(pool.max_size + 1):  # every idle connection in turn
            with pool.connection() as connection:
                row = connection.execute("SHOW lock_timeout").fetchone()
                assert row is not None
                kept = "a checkout outside a request kept the request's bound"
                assert row["lock_timeout"] == "0", kept
    served.tracker.close()


def test_requests_reads_are_bounded_on_every_connection(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within a request's budget every checkout has the lock timeout, also one whose
    connection was last used outside a request."""
    served = serve(postgres_url, monkeypatch)
    timeline = read_timeline(served)
    assert timeline.status_code == 200
    pool = pool_of(served.tracker.factory.datastore)  # type: ignore[attr-defined]
    assert pool is not None
    with pool.connection() as connection:  # now outside a request: reset
        connection.execute("SELECT 1")
    start_budget(5.0)
    try:
        for _ in range(pool.max_size + 1):
            with pool.connection() as connection:
                row = connection.execute("SHOW lock_timeout").fetchone()
                assert row is not None
                assert row["lock_timeout"] == "1s"
    finally:
        end_budget()
    served.tracker.close()


def test_a_read_whose_catch_up_waits_for_a_held_view_answers_503_then_catches_up(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no projector a read catches its view up itself; if another session holds the
    view's apply lock (a stuck rebuild, a projector in a long page) that catch-up waits no
    longer than the lock timeout: 503 with Retry-After, and nothing half-applied. Once the
    lock is free the next read catches up and shows the write."""
    served = serve(postgres_url, monkeypatch)
    assert read_timeline(served).status_code == 200  # the view at the head
    assert served.reflect().status_code == 200  # the view is behind again
    store: Any = projections_of(served.app).runner("timeline").store
    before = store.state(served.tracker.name)
    assert_503(read_while(served, advisory_locked(postgres_url, store.apply_key)))
    assert store.state(served.tracker.name) == before  # nothing applied meanwhile
    response = read_timeline(served)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["items"][-1]["kind"] == "reflection"
    served.tracker.close()
