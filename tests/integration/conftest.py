"""Fixtures for storage tests: application instances on the parametrised database, closed after."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tracker.application import TrackerApplication, build_application
from tracker.clock import ManualClock
from tracker.settings import Settings

OpenTracker = Callable[[], TrackerApplication]


@pytest.fixture
def open_tracker(database_url: str, clock: ManualClock) -> Iterator[OpenTracker]:
    """Opens a new application instance on the same database each call (SQLite, PostgreSQL).

    Every instance is closed before the database (or PostgreSQL schema) is removed.
    """
    opened: list[TrackerApplication] = []

    def open_one() -> TrackerApplication:
        app = build_application(Settings(database_url=database_url), clock=clock)
        opened.append(app)
        return app

    yield open_one
    for app in opened:
        app.close()
