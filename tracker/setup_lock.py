"""One process at a time creates the store's tables on PostgreSQL.

Workers of `tracker serve` booting together on a fresh schema all run CREATE TABLE IF NOT
EXISTS for the same tables, and PostgreSQL does not make that safe against itself: two
creators collide on its catalog's unique index and the loser's worker fails to boot (which
stops gunicorn). A session-level advisory lock, keyed by the schema, makes them take turns;
the next one finds the tables made. SQLite serialises writers by itself; memory has no
tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from tracker.settings import Settings

LOCK = "SELECT pg_advisory_lock(hashtext(%s))"
UNLOCK = "SELECT pg_advisory_unlock(hashtext(%s))"


@contextmanager
def one_setup_at_a_time(settings: Settings) -> Iterator[None]:
    """Hold the store's setup lock (PostgreSQL only) while the body creates tables."""
    env = settings.eventsourcing_env()
    if env.get("PERSISTENCE_MODULE") != "eventsourcing.postgres":
        yield
        return
    key = f"tracker setup of schema {env.get('POSTGRES_SCHEMA') or 'public'}"
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
        try:
            yield
        finally:
            connection.execute(UNLOCK, (key,))
