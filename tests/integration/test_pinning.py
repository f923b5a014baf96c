"""One PostgreSQL connection per request (tracker.pinning): queries in a pinned block share
one connection, a transaction opened inside another still gets its own, and the connection
goes back to the pool at the end; pools that connect alike (the events' and the views')
share one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from eventsourcing.postgres import PostgresDatastore

from tracker.pinning import connects_alike, one_connection_each, pinning
from tracker.settings import Settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def datastore(postgres_url: str) -> Iterator[PostgresDatastore]:
    env = Settings(database_url=postgres_url).eventsourcing_env()
    opened = PostgresDatastore(
        dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"], pre_ping=True,
        pool_size=3, max_overflow=2,
    )  # fmt: skip
    opened.pool.open(wait=True)  # all three connections made: unpinned checkouts rotate
    yield opened
    opened.close()


def backend(datastore: PostgresDatastore) -> int:
    with datastore.transaction() as cursor:
        cursor.execute("SELECT pg_backend_pid() AS pid")
        row = cursor.fetchone()
    assert row is not None
    return int(row["pid"])


def test_a_pinned_block_runs_every_transaction_on_one_connection(
    datastore: PostgresDatastore,
) -> None:
    with one_connection_each([datastore]):
        pids = {backend(datastore) for _ in range(5)}
        with datastore.transaction(commit=True) as cursor:
            cursor.execute("SELECT pg_backend_pid() AS pid")
            outer = cursor.fetchone()
            inner = backend(datastore)  # opened while the other is still open
    assert len(pids) == 1
    assert outer is not None
    assert outer["pid"] in pids
    assert inner not in pids


def test_the_connection_goes_back_to_the_pool_and_unpinned_use_is_unchanged(
    datastore: PostgresDatastore,
) -> None:
    pool = datastore.pool
    with one_connection_each([datastore]):
        backend(datastore)
        in_use = pool.get_stats()["pool_size"] - pool.get_stats()["pool_available"]
    after = pool.get_stats()["pool_size"] - pool.get_stats()["pool_available"]
    assert (in_use, after) == (1, 0)
    assert pinning(pool) is pinning(pool)  # installed once
    with datastore.transaction() as cursor:
        cursor.execute("SELECT 1 AS one")
        assert cursor.fetchone() == {"one": 1}


def test_an_error_in_a_pinned_block_leaves_the_connection_usable(
    datastore: PostgresDatastore,
) -> None:
    with one_connection_each([datastore]):
        with pytest.raises(Exception, match="no_such_table"), datastore.transaction() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        first = backend(datastore)
        assert backend(datastore) == first


def open_datastore(postgres_url: str, **options: Any) -> PostgresDatastore:
    env = Settings(database_url=postgres_url).eventsourcing_env()
    opened = PostgresDatastore(
        dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"], port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"], password=env["POSTGRES_PASSWORD"], pre_ping=True,
        **options,
    )  # fmt: skip
    opened.pool.open(wait=True)
    return opened


def test_pools_that_connect_alike_share_one_connection(
    datastore: PostgresDatastore, postgres_url: str
) -> None:
    views = open_datastore(postgres_url, pool_size=3, max_overflow=2)  # as the views' pool
    other = open_datastore(postgres_url, idle_in_transaction_session_timeout=5)
    try:
        assert connects_alike(datastore, views)
        assert not connects_alike(datastore, other)
        with one_connection_each([datastore, views, other]):
            shared = {backend(datastore), backend(views), backend(views), backend(datastore)}
            own = backend(other)
            with views.transaction(commit=True) as cursor:
                cursor.execute("SELECT pg_backend_pid() AS pid")
                inner = backend(datastore)  # the shared one is busy: another is taken
        assert len(shared) == 1
        assert own not in shared
        assert inner not in shared
        for pool in (datastore.pool, views.pool, other.pool):  # every connection given back
            assert pool.get_stats()["pool_available"] == pool.get_stats()["pool_size"]
    finally:
        views.close()
        other.close()
