"""Fixtures for the projection machinery: view databases on memory, SQLite and PostgreSQL,
and the application and views of the `database_url` under test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from projections.store import ViewDatabase
from tracker.application import TrackerApplication, build_application
from tracker.clock import ManualClock
from tracker.settings import Settings, storage_env


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def view_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """eventsourcing's persistence settings for each backend a view store runs on."""
    if request.param == "memory":
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    return storage_env(str(request.getfixturevalue(f"{request.param}_url")))


@pytest.fixture
def view_database(view_env: dict[str, str]) -> Iterator[ViewDatabase]:
    database = ViewDatabase(view_env)
    yield database
    database.close()


@pytest.fixture
def app(database_url: str, clock: ManualClock) -> Iterator[TrackerApplication]:
    application = build_application(Settings(database_url=database_url), clock=clock)
    yield application
    application.close()


@pytest.fixture
def views(database_url: str) -> Iterator[ViewDatabase]:
    database = ViewDatabase(storage_env(database_url))
    yield database
    database.close()
