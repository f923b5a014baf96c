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

The events and the views have a pool each, built from the same settings: pinned together
(`one_connection_each`), pools that open alike connections to the same database share one,
taken from the first pool used and given back to it, so a request pings once, not once per
pool.
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
    """The connection pinned for a thread (None until first used) and the pool it is from."""

    connection: Connection[Any] | None = None
    pool: ConnectionPool[Any] | None = None

    def take(self, pool: ConnectionPool[Any], timeout: float | None) -> Connection[Any]:
        if self.connection is None:
            self.connection, self.pool = pool.getconn(timeout), pool
        return self.connection

    def give_back(self) -> None:
        if self.connection is not None and self.pool is not None:
            self.pool.putconn(self.connection)  # a broken one is replaced by the pool
        self.connection = self.pool = None


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
        connection = held.take(self.pool, timeout)
        busy = connection.info.transaction_status != TransactionStatus.IDLE
        if busy or connection.closed:
            with self._checkout(timeout) as own:
                yield own
            return
        yield connection

    @contextmanager
    def pinned(self, held: _Held | None = None) -> Iterator[None]:
        """Within this block, this thread's checkouts share one connection (`held`'s, which
        the caller then gives back, if given: pools pinned together share it)."""
        if getattr(self._local, "held", None) is not None:
            yield  # already pinned further out
            return
        own = held is None
        self._local.held = held = held or _Held()
        try:
            yield
        finally:
            self._local.held = None
            if own:
                held.give_back()


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


def connects_alike(datastore: object, other: object) -> bool:
    """Whether two PostgreSQL datastores open the same kind of connection to one database
    (same connection settings and session setup), so one connection can serve both."""
    pool, other_pool = pool_of(datastore), pool_of(other)
    if pool is None or other_pool is None:
        return False
    timeouts = [getattr(d, "idle_in_transaction_session_timeout", None) for d in (datastore, other)]
    return (
        pool.conninfo == other_pool.conninfo
        and pool.kwargs == other_pool.kwargs
        and type(datastore) is type(other)
        and timeouts[0] == timeouts[1]
    )


@contextmanager
def one_connection_each(datastores: list[object]) -> Iterator[None]:
    """Pin a connection of each PostgreSQL datastore given (others are left alone); those
    that connect alike share one."""
    groups: list[tuple[object, _Held]] = []
    with ExitStack() as stack:
        for datastore in datastores:
            pool = pool_of(datastore)
            if pool is None:
                continue
            held = next((h for d, h in groups if connects_alike(d, datastore)), None)
            if held is None:
                held = _Held()
                groups.append((datastore, held))
                stack.callback(held.give_back)
            stack.enter_context(pinning(pool).pinned(held))
        yield
