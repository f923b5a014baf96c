"""The demo year written once per test module and backend, for tests that only read it.

Writing the demo takes seconds on SQLite and more on PostgreSQL: a module builds it once
(`DemoSources`) and each test reads a copy of the SQLite file (`copy_sqlite`) or, on
PostgreSQL, the module's one schema.
"""

from __future__ import annotations

import sqlite3
import uuid
from contextlib import closing
from datetime import datetime
from pathlib import Path

import psycopg

from tests.conftest import POSTGRES_URL, _postgres_connection
from tracker.application import build_application
from tracker.demo import StoryClock, load_demo
from tracker.settings import Settings


class DemoSources:
    """The demo year written once per backend, on first use; PostgreSQL's schema dropped
    by `close`."""

    def __init__(self, folder: Path, now: datetime) -> None:
        self.folder = folder
        self.now = now
        self.urls: dict[str, str] = {}
        self.heads: dict[str, int] = {}
        self.schemas: list[str] = []

    def url(self, backend: str) -> str:
        if backend not in self.urls:
            self.urls[backend] = self._write(backend)
        return self.urls[backend]

    def _write(self, backend: str) -> str:
        if backend == "sqlite":
            url = f"sqlite:///{self.folder / 'demo.sqlite'}"
        else:
            schema = f"test_{uuid.uuid4().hex[:12]}"
            with _postgres_connection() as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            self.schemas.append(schema)
            url = f"{POSTGRES_URL}?schema={schema}"
        clock = StoryClock(self.now)
        app = build_application(Settings(database_url=url), clock=clock)
        try:
            load_demo(app, clock)
            self.heads[backend] = app.recorder.max_notification_id() or 0
        finally:
            app.close()
        return url

    def close(self) -> None:
        for schema in self.schemas:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def copy_sqlite(source_url: str, path: Path) -> str:
    """A copy of the SQLite store at `source_url` written to `path` (sqlite3's online backup,
    so a write-ahead log is copied too); its URL."""
    with (
        closing(sqlite3.connect(source_url.removeprefix("sqlite:///"))) as original,
        closing(sqlite3.connect(path)) as written,
    ):
        original.backup(written)
    return f"sqlite:///{path}"
