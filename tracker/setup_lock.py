"""One process at a time sets up the store on PostgreSQL.

Every process that opens the store sets it up: `tracker serve`'s workers, `tracker
project`, every other command. Workers booting together on a fresh schema all run CREATE
TABLE IF NOT EXISTS for the same tables, and PostgreSQL does not make that safe against
itself: two creators collide on its catalog's unique index. Even when every table exists,
eventsourcing replaces its insert function (CREATE OR REPLACE FUNCTION) each time an
application starts, and two at once fail with "tuple concurrently updated". The views'
tables are made the same way, whenever `tracker.projecting.Projections` opens them (in
`tracker project`, or a worker's first read), so that takes the lock too. A worker that
fails so fails to boot, which stops gunicorn. A session-level advisory lock, keyed by the
schema, makes them take turns. It is reentrant within a thread: `create_app` holds it while
the application it builds takes it again. SQLite serialises writers by itself; memory has
no tables.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import psycopg

from tracker.settings import Settings

LOCK = "SELECT pg_advisory_lock(hashtext(%s))"
UNLOCK = "SELECT pg_advisory_unlock(hashtext(%s))"

_held = threading.local()  # the keys this thread holds: taking one again is a no-op


@contextmanager
def one_setup_at_a_time(settings: Settings) -> Iterator[None]:
    """Hold the store's setup lock (PostgreSQL only) while the body creates tables."""
    with setup_lock(settings.eventsourcing_env()):
        yield


@contextmanager
def setup_lock(env: Mapping[str, str]) -> Iterator[None]:
    """`one_setup_at_a_time` for an eventsourcing environment (as an application gets)."""
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        yield
        return
    key = f"tracker setup of schema {env.get('POSTGRES_SCHEMA') or 'public'}"
    held: set[str] = _held.__dict__.setdefault("keys", set())
    if key in held:
        yield
        return
    try:
        connection = psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            dbname=env["POSTGRES_DBNAME"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT") or 5),
            autocommit=True,
        )
    except psycopg.OperationalError:
        # Unreachable: setting up reports that itself, in the store's own words.
        yield
        return
    with connection:
        connection.execute(LOCK, (key,))
        held.add(key)
        try:
            yield
        finally:
            held.discard(key)
            connection.execute(UNLOCK, (key,))
