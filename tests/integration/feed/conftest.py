"""Fixtures for the feed's storage tests: a source store with a year of mentoring, and a
second, empty store on the same backend to import into."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from tests.conftest import POSTGRES_URL
from tracker.application import TrackerApplication, build_application
from tracker.demo import StoryClock, load_demo
from tracker.settings import Settings


@pytest.fixture
def target_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty store beside `database_url`: another SQLite file or PostgreSQL schema."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'target.sqlite'}"
        return
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{POSTGRES_URL}?schema={schema}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def demo_store(database_url: str) -> Iterator[TrackerApplication]:
    """The store at `database_url` holding the demo's year of mentoring."""
    clock = StoryClock(datetime(2025, 12, 1, tzinfo=UTC))
    app = build_application(Settings(database_url=database_url), clock=clock)
    load_demo(app, clock)
    yield app
    app.close()
