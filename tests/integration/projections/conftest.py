"""Fixtures for the projection machinery: view databases on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from projections.store import ViewDatabase
from tracker.settings import storage_env


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
