"""One PostgreSQL connection per request instead of one per query.

eventsourcing's recorders and the view stores take a connection from their pool for each
read or transaction, and with pre-ping (`POSTGRES_PRE_PING`, on in `tracker.settings`) each
checkout first sends an empty query. A read of the timeline makes four or more checkouts,
so half its round trips were pings. Inside `pinned(pool)`, a thread's checkouts from that
pool all get the same connection, taken (and pinged) once at its first use and given back
at the end; statements and transactions run one after the other on it exactly as they would
on separate connections (the connections are in autocommit mode: each transaction is its
own BEGIN ... COMMIT). A checkout while the pinned connection is inside a transaction (one
transaction opened within another) or broken gets a connection of its own, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from psycopg import Connection
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

_ATTRIBUTE = "_tracker_pinning"
_installing = threading.Lock()


class _Held:
    connection: Connection[Any] | None = None


class Pinning:
    """Pins one connection of `pool` per thread inside `pinned()` (see the module)."""

    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool
        self._local = threading.local()
        self._checkout = pool.connection  # the pool's own, for unpinned checkouts
        # An instance attribute shadows the method: every `pool.connection()` comes here.
        pool.connection = self._connection  # type: ignore[method-assign]

    @contextmanager
    def _connection(self, timeout: float | None = None) -> Iterator[Connection[Any]]:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            with self._checkout(timeout) as connection:
                yield connection
            return
        if held.connection is None:
            held.connection = self.pool.getconn(timeout)
        connection = held.connection
        busy = connection.info.transaction_status != TransactionStatus.IDLE
        if busy or connection.closed:
            with self._checkout(timeout) as own:
                yield own
            return
        yield connection

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Within this block, this thread's checkouts share one connection."""
        if getattr(self._local, "held", None) is not None:
            yield  # already pinned further out
            return
        held = self._local.held = _Held()
        try:
            yield
        finally:
            self._local.held = None
            if held.connection is not None:
                self.pool.putconn(held.connection)  # a broken one is replaced by the pool


def pinning(pool: ConnectionPool[Any]) -> Pinning:
    """The pinning of `pool`, installed on first use."""
    with _installing:
        found = getattr(pool, _ATTRIBUTE, None)
        if found is None:
            found = Pinning(pool)
            setattr(pool, _ATTRIBUTE, found)
    assert isinstance(found, Pinning)
    return found


def pool_of(datastore: object) -> ConnectionPool[Any] | None:
    """The connection pool of an eventsourcing PostgreSQL datastore, else None."""
    pool = getattr(datastore, "pool", None)
    return pool if isinstance(pool, ConnectionPool) else None


@contextmanager
def one_connection_each(datastores: list[object]) -> Iterator[None]:
    """Pin a connection of each PostgreSQL datastore given (others are left alone)."""
    with ExitStack() as stack:
        for datastore in datastores:
            pool = pool_of(datastore)
            if pool is not None:
                stack.enter_context(pinning(pool).pinned())
        yield
