"""Settings from the environment, and the storage they select (SQLite file, PostgreSQL, memory)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_SQLITE_PATH = Path("instance") / "tracker.sqlite"


class SettingsError(ValueError):
    """The configuration cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    """What the app needs to run; `from_env` reads TRACKER_* variables."""

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    snapshot_interval: int = 50
    aggregate_cache_size: int = 1000
    max_body_bytes: int = 256 * 1024
    # Seconds a request may wait in all for database connections before its 503: well under
    # gunicorn's 30 s worker timeout (tracker.gunicorn_conf refuses one over half of it).
    database_wait: float = 5.0
    extra_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        return cls(
            database_url=env.get("TRACKER_DATABASE_URL") or cls.database_url,
            snapshot_interval=int(env.get("TRACKER_SNAPSHOT_INTERVAL") or cls.snapshot_interval),
            aggregate_cache_size=int(
                env.get("TRACKER_AGGREGATE_CACHE_SIZE") or cls.aggregate_cache_size
            ),
            max_body_bytes=int(env.get("TRACKER_MAX_BODY_BYTES") or cls.max_body_bytes),
            database_wait=_positive_seconds(env, "TRACKER_DATABASE_WAIT", cls.database_wait),
        )

    @property
    def backend(self) -> str:
        return storage_env(self.database_url)["PERSISTENCE_MODULE"].rsplit(".", 1)[-1]

    def eventsourcing_env(self) -> dict[str, str]:
        """The eventsourcing library's environment for the configured database.

        The aggregate cache fast-forwards from the store on every read, so several workers
        sharing one database still see each other's writes; a stale write is still refused.
        """
        cache = {"AGGREGATE_CACHE_MAXSIZE": str(self.aggregate_cache_size)}
        return {
            **storage_env(self.database_url),
            **(cache if self.aggregate_cache_size > 0 else {}),
            **self.extra_env,
        }


def _positive_seconds(env: dict[str, str], name: str, default: float) -> float:
    value = env.get(name) or str(default)
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise SettingsError(f"{name} must be a positive number of seconds, not {value!r}")
    return seconds


def storage_env(database_url: str) -> dict[str, str]:
    """Translate a database URL into eventsourcing's persistence settings.

    sqlite:///relative/path.sqlite, sqlite:////absolute/path.sqlite,
    postgresql://user:password@host:port/dbname?schema=name, memory://
    """
    url = urlsplit(database_url)
    if url.scheme == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    if url.scheme == "sqlite":
        path = unquote(url.path[1:]) if url.path.startswith("/") else unquote(url.path)
        if not path:
            raise SettingsError("A sqlite URL needs a file path: sqlite:///instance/tracker.sqlite")
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    if url.scheme in ("postgres", "postgresql"):
        query = parse_qs(url.query)
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "5",
            "POSTGRES_MAX_OVERFLOW": "10",
            "POSTGRES_PRE_PING": "y",
            # A write waits at most 1 s for the events table's lock (eventsourcing's default,
            # 0, waits for as long as another session holds it: a request hung for good).
            # eventsourcing tries a write 10 times, so a locked store is a 503 after about
            # 12 s, as SQLite's is after SQLITE_LOCK_TIMEOUT; writers' own turns take ms.
            "POSTGRES_LOCK_TIMEOUT": "1",
        }
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
        return env
    raise SettingsError(
        f"Unsupported TRACKER_DATABASE_URL scheme {url.scheme!r}: "
        "use sqlite:///path, postgresql://user@host:port/db or memory://"
    )
