"""Opening the peer's tables on the database a tracker URL names (SQLite file or PG schema).

The URL is the one `TRACKER_DATABASE_URL` takes, so the peer lands on the same SQLite file
(in WAL mode, as eventsourcing leaves it) or in the same PostgreSQL schema as the tracker,
with the same pool settings (size, overflow, a ping before each checkout).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit, urlunsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from peer.models import Base
from tracker.settings import storage_env


def engine_for(database_url: str) -> Engine:
    """An SQLAlchemy engine on the tracker URL's database (psycopg 3 on PostgreSQL)."""
    url = urlsplit(database_url)
    if url.scheme == "sqlite":
        engine = sa.create_engine(database_url)
        sa.event.listen(engine, "connect", _sqlite_wal)
        return engine
    if url.scheme in ("postgres", "postgresql"):
        # The pool the tracker's event store and views get (size, overflow, pre-ping).
        env = storage_env(database_url)
        schema = parse_qs(url.query).get("schema", ["public"])[0]
        plain = urlunsplit(("postgresql+psycopg", url.netloc, url.path, "", ""))
        return sa.create_engine(
            plain,
            pool_size=int(env["POSTGRES_POOL_SIZE"]),
            max_overflow=int(env["POSTGRES_MAX_OVERFLOW"]),
            pool_pre_ping=env["POSTGRES_PRE_PING"] == "y",
            connect_args={
                "options": f"-c search_path={schema}",
                "connect_timeout": int(env["POSTGRES_CONNECT_TIMEOUT"]),
            },
        )
    raise ValueError(f"The peer runs on sqlite:/// or postgresql:// URLs, not {database_url!r}")


def _sqlite_wal(connection: object, _record: object) -> None:
    # The same journal mode as the event store's, so both sides pay the same for a commit.
    cursor = connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class PeerDatabase:
    """The peer's tables on one database; `sessions.begin()` opens a unit of work."""

    def __init__(self, database_url: str) -> None:
        self.engine = engine_for(database_url)
        Base.metadata.create_all(self.engine)
        # One session per use case, as a web request would open it.
        self.sessions: sessionmaker[Session] = sessionmaker(self.engine, expire_on_commit=False)

    def close(self) -> None:
        """Drop the tables and release every connection."""
        Base.metadata.drop_all(self.engine)
        self.engine.dispose()
