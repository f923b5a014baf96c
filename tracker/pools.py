"""PostgreSQL connection pools that replace every dead connection as soon as one is found.

When the database restarts (or its backends are terminated) every pooled connection dies at
once. With pre-ping (`POSTGRES_PRE_PING`, on in `tracker.settings`) psycopg_pool checks a
connection before handing it out, but it tries the dead ones one at a time, pausing 1, 2,
4 s between them: with five of them the first request waits out the pool's 5 s timeout and
gets a 503. Here the first failed check sweeps the whole pool instead (`pool.check()`: each
idle connection tested once, the dead ones dropped and replaced in the background), so the
request that found it gets a fresh connection at once.

A request waits for connections at most ``TRACKER_DATABASE_WAIT`` seconds in all
(`waits_bounded`). eventsourcing tries a failed read or write 10 times and each try waits
up to the pool's timeout for a connection: with the database down that was some 52 s, past
gunicorn's 30 s timeout and most clients' and proxies' (which then drop the request), with
a worker's threads all stuck once a few requests wait so. Once
a request's budget is spent its next wait is refused with `DatabaseWaitExceeded`, which
eventsourcing does not retry and the web layer answers with 503 and Retry-After.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import monotonic
from typing import Any

from eventsourcing.persistence import PersistenceError
from flask import Flask
from psycopg import Connection
from psycopg_pool import ConnectionPool, PoolTimeout

Check = Callable[[Connection[Any]], None]
_READIED = "_tracker_readied"


def check_or_sweep(pool: ConnectionPool[Any]) -> Check:
    """The pre-ping of `pool`: if a connection is dead, sweep the pool of the others too."""
    owner = weakref.ref(pool)  # the pool holds its check: no reference cycle

    def check(connection: Connection[Any]) -> None:
        try:
            ConnectionPool.check_connection(connection)
        except Exception:
            if (swept := owner()) is not None:
                swept.check()
            raise

    return check


def recover_at_once(datastore: object) -> None:
    """Ready the pool of an eventsourcing PostgreSQL datastore (if that is what it is) for
    a database that goes away: if it pre-pings, it sweeps its dead connections on the first
    failed check; its waits count against the current request's budget (`waits_bounded`);
    each connection attempt gives up after the pool's timeout, not the system's (minutes,
    for an address that does not answer); and reconnecting gives up as soon, so a request
    after a long outage connects at once instead of waiting for a retry minutes away."""
    pool = getattr(datastore, "pool", None)
    if not isinstance(pool, ConnectionPool) or getattr(pool, _READIED, False):
        return  # readied once: a second wrapping would charge each wait twice
    setattr(pool, _READIED, True)
    # psycopg_pool takes `check` only when built (eventsourcing builds it): set it after.
    if getattr(pool, "_check", None) is not None:
        pool._check = check_or_sweep(pool)
    if isinstance(pool.kwargs, dict):  # libpq's own minimum is 2 s
        pool.kwargs.setdefault("connect_timeout", max(2, round(pool.timeout)))
    # psycopg_pool retries a failed connect after 1, 2, 4, 8 ... s for 5 minutes: after a
    # long outage the next try may be a minute away, and requests meanwhile get 503s though
    # the database is back. Given up sooner, the next request that waits starts a new try.
    pool.reconnect_timeout = min(pool.reconnect_timeout, pool.timeout)
    bound_waits_of(pool, lock_timeout=float(getattr(datastore, "lock_timeout", 0) or 0))


class DatabaseWaitExceeded(PersistenceError):
    """A request spent its whole budget waiting for a database connection.

    A PersistenceError (the web layer's 503) but not an OperationalError: eventsourcing's
    retries do not catch it, so the request is answered at once."""


class _Budget(threading.local):
    left: float | None = None  # seconds this thread's request may still wait; None: no bound
    given: float = 0.0


_budget = _Budget()


@contextmanager
def waits_bounded(seconds: float) -> Iterator[None]:
    """Within this block this thread waits at most `seconds` in all for connections from
    the pools prepared by `recover_at_once` (a block within another keeps the outer one)."""
    if _budget.left is not None:
        yield
        return
    start_budget(seconds)
    try:
        yield
    finally:
        end_budget()


def start_budget(seconds: float) -> None:
    """From now on this thread waits at most `seconds` in all for connections."""
    _budget.left, _budget.given = seconds, seconds


def end_budget() -> None:
    """This thread's waits are no longer bounded (but by each pool's own timeout)."""
    _budget.left = None


def bound_waits_of(pool: ConnectionPool[Any], lock_timeout: float = 0.0) -> None:
    """Make every checkout of `pool` wait no longer than what is left of the budget, and
    charge it the time it took; once nothing is left, refuse it (`DatabaseWaitExceeded`).

    With a `lock_timeout` (seconds; eventsourcing's POSTGRES_LOCK_TIMEOUT, which its
    writes set for each transaction), a checkout within a budget (a web request) gets it
    for the whole session too: its reads then wait no longer than its writes for another
    session's lock (an ACCESS EXCLUSIVE one of ALTER TABLE, VACUUM FULL, TRUNCATE) and fail
    with LockNotAvailable, a 503; other checkouts (the projector, commands, erasure outside
    requests) wait as before. Set once for each connection and reset only when it changes
    hands: no round trip per request."""
    getconn = pool.getconn  # pinning (tracker.pinning) and pool.connection() both call it
    request_ms = round(lock_timeout * 1000)

    def bounded_getconn(timeout: float | None = None) -> Connection[Any]:
        left = _budget.left
        connection: Connection[Any]
        if left is None:
            connection = getconn(timeout)
            return _locks_bounded(pool, connection, 0)
        if left <= 0:
            raise DatabaseWaitExceeded(_spent())
        started = monotonic()
        try:
            connection = getconn(min(pool.timeout if timeout is None else timeout, left))
        except PoolTimeout as error:
            if _charge(left, started) <= 0:
                raise DatabaseWaitExceeded(f"{_spent()} ({error})") from error
            raise
        finally:
            _charge(left, started)
        return _locks_bounded(pool, connection, request_ms)

    pool.getconn = bounded_getconn  # type: ignore[method-assign]


_LOCK_TIMEOUT = "_tracker_lock_timeout"  # the session's lock_timeout set here, ms (0: none)


def _locks_bounded(
    pool: ConnectionPool[Any], connection: Connection[Any], ms: int
) -> Connection[Any]:
    """`connection` with its session's lock_timeout at `ms` (0: the server's own setting)."""
    if getattr(connection, _LOCK_TIMEOUT, 0) == ms:
        return connection
    try:
        connection.execute(f"SET lock_timeout = {int(ms)}" if ms else "RESET lock_timeout")
    except BaseException:
        pool.putconn(connection)
        raise
    setattr(connection, _LOCK_TIMEOUT, ms)
    return connection


def _charge(left: float, started: float) -> float:
    """What is left of the budget (`left` when the wait `started`), now charged for it."""
    if _budget.left is not None:
        _budget.left = left - (monotonic() - started)
    return _budget.left or 0.0


def _spent() -> str:
    return f"no database connection after waiting {_budget.given:g} s in all for one"


def init_database_waits(app: Flask, seconds: float) -> None:
    """Give each request of `app` a budget of `seconds` for waiting on connections, first
    of all its hooks (signing in reads the store too)."""
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: start_budget(seconds))
    app.teardown_request(lambda error: end_budget())
