"""One PostgreSQL connection per request (tracker.pinning): queries in a pinned block share
one connection, a transaction opened inside another still gets its own, and the connection
goes back to the pool at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from eventsourcing.postgres import PostgresDatastore

from tracker.pinning import one_connection_each, pinning
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
