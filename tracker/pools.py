"""PostgreSQL connection pools that replace every dead connection as soon as one is found.

When the database restarts (or its backends are terminated) every pooled connection dies at
once. With pre-ping (`POSTGRES_PRE_PING`, on in `tracker.settings`) psycopg_pool checks a
connection before handing it out, but it tries the dead ones one at a time, pausing 1, 2,
4 s between them: with five of them the first request waits out the pool's 5 s timeout and
gets a 503. Here the first failed check sweeps the whole pool instead (`pool.check()`: each
idle connection tested once, the dead ones dropped and replaced in the background), so the
request that found it gets a fresh connection at once.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from psycopg import Connection
from psycopg_pool import ConnectionPool

Check = Callable[[Connection[Any]], None]


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
    """Let the pool of an eventsourcing PostgreSQL datastore (if that is what it is, and
    it pre-pings) sweep its dead connections on the first failed check."""
    pool = getattr(datastore, "pool", None)
    # psycopg_pool takes `check` only when built (eventsourcing builds it): set it after.
    if isinstance(pool, ConnectionPool) and getattr(pool, "_check", None) is not None:
        pool._check = check_or_sweep(pool)
