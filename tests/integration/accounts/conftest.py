"""Fixtures for accounts, erasure and access: the application and its accounts on SQLite and
PostgreSQL, with argon2 parameters cheap enough for tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from argon2 import PasswordHasher

from projections.relationships import relationships_for
from tracker.access import AccessControl
from tracker.accounts import Accounts
from tracker.application import TrackerApplication, build_application
from tracker.clock import ManualClock
from tracker.projecting import Projections
from tracker.settings import Settings


def cheap_hasher(memory_cost: int = 8) -> PasswordHasher:
    """argon2id with tiny costs: the same code paths, in a millisecond."""
    return PasswordHasher(time_cost=1, memory_cost=memory_cost, parallelism=1)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, snapshot_interval=4)


@pytest.fixture
def open_app(settings: Settings, clock: ManualClock) -> Iterator[Callable[[], TrackerApplication]]:
    """Opens another application instance on the same database (like another process)."""
    opened: list[TrackerApplication] = []

    def open_one() -> TrackerApplication:
        app = build_application(settings, clock=clock)
        opened.append(app)
        return app

    yield open_one
    for app in opened:
        app.close()


@pytest.fixture
def app(open_app: Callable[[], TrackerApplication]) -> TrackerApplication:
    return open_app()


@pytest.fixture
def accounts(app: TrackerApplication) -> Accounts:
    return Accounts.for_application(app, hasher=cheap_hasher())


@pytest.fixture
def projections(app: TrackerApplication, settings: Settings) -> Iterator[Projections]:
    opened = Projections(app, settings)
    yield opened
    opened.close()


@pytest.fixture
def guarded_app(app: TrackerApplication, projections: Projections) -> TrackerApplication:
    """The application with the access policy on, fed by the relationships view."""
    app.access = AccessControl(
        lambda mentee_id: relationships_for(projections.fresh("relationships"), mentee_id)
    )
    return app
