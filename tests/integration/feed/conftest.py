"""Fixtures for the feed's storage tests: a source store with a year of mentoring, and a
second, empty store on the same backend to import into.

The demo year is written once per test module and backend (writing it is most of a test's
time): each test gets its own copy of the SQLite file, while on PostgreSQL the tests share
one schema, which they only read; `demo_store` fails a test that wrote to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests.conftest import POSTGRES_URL
from tests.integration.demo_sources import DemoSources, copy_sqlite
from tracker.application import TrackerApplication, build_application
from tracker.settings import Settings


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSources]:
    sources = DemoSources(tmp_path_factory.mktemp("demo"), datetime(2025, 12, 1, tzinfo=UTC))
    yield sources
    sources.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo_url(request: pytest.FixtureRequest, demo_sources: DemoSources, tmp_path: Path) -> str:
    """A store holding the demo's year of mentoring: a copy of the module's SQLite file, or
    the module's PostgreSQL schema."""
    source = demo_sources.url(request.param)
    return copy_sqlite(source, tmp_path / "tracker.sqlite") if request.param == "sqlite" else source


@pytest.fixture
def target_url(demo_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty store beside `demo_url`: another SQLite file or PostgreSQL schema."""
    if demo_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'target.sqlite'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def demo_store(demo_url: str, demo_sources: DemoSources) -> Iterator[TrackerApplication]:
    """The store at `demo_url` holding the demo's year of mentoring; the test must not have
    added to it, as the next test may read the same one."""
    app = build_application(Settings(database_url=demo_url))
    head = demo_sources.heads["sqlite" if demo_url.startswith("sqlite") else "postgres"]
    try:
        assert app.recorder.max_notification_id() == head
        yield app
        assert app.recorder.max_notification_id() == head, "a test wrote to the demo store"
    finally:
        app.close()
