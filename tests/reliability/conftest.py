"""Fixtures for the reliability suites: stores with history, and what a rebuild would say.

`rebuilt_digests(app, upto)` builds every registered view from zero, in memory, from the
application's event log (up to a position), and returns each view's digest: the yardstick
every stored view must equal after a crash, a restore or a race.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from projections.registry import build_projections
from projections.runner import ViewRunner
from projections.store import ViewDatabase
from tracker.accounts import Accounts
from tracker.application import TrackerApplication, build_application
from tracker.clock import ManualClock
from tracker.projecting import Projections
from tracker.settings import Settings

MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def open_app(database_url: str, clock: Any = None) -> TrackerApplication:
    """The application on `database_url` (the system clock unless one is given)."""
    kwargs = {"clock": clock} if clock is not None else {}
    return build_application(Settings(database_url=database_url), **kwargs)


def issue_tokens(app: TrackerApplication, users: Iterable[str]) -> dict[str, str]:
    """An account (tokens only, no password) and a read+write token for each user."""
    accounts = Accounts.for_application(app)
    tokens = {}
    for user in users:
        accounts.create_account(
            user, display_name=user.title(), email=f"{user}@example.org", password=None
        )
        issued = accounts.issue_token(user, scopes=["read:plan", "write:plan"], name="reliability")
        tokens[user] = issued.secret
    return tokens


def rebuilt_digests(app: TrackerApplication, upto: int | None = None) -> dict[str, str]:
    """Each view built from zero in memory from `app`'s log (up to `upto`): its digest."""
    database = ViewDatabase(MEMORY)
    try:
        digests = {}
        for projection in build_projections(database):
            runner = ViewRunner(projection, app)
            runner.catch_up(upto=upto)
            digests[runner.name] = runner.store.digest()
        return digests
    finally:
        database.close()


def stored_digests(app: TrackerApplication, database_url: str) -> dict[str, str]:
    """Each view as stored in the database, after catching up with the log: its digest."""
    projections = Projections(app, Settings(database_url=database_url))
    try:
        digests = {}
        for name in projections.names:
            runner = projections.runner(name)
            runner.catch_up()
            digests[name] = runner.store.digest()
        return digests
    finally:
        projections.close()


def event_rows(app: TrackerApplication, upto: int | None = None) -> list[tuple[Any, ...]]:
    """Every stored event up to a position, as comparable rows (id, stream, version, ...)."""
    head = app.recorder.max_notification_id() or 0
    stop = head if upto is None else min(upto, head)
    if stop == 0:
        return []
    notifications = app.recorder.select_notifications(start=1, limit=stop + 1, stop=stop)
    return [
        (n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
        for n in notifications
    ]


@pytest.fixture
def sqlite_app(sqlite_url: str, clock: ManualClock) -> Iterator[TrackerApplication]:
    app = open_app(sqlite_url, clock)
    yield app
    app.close()
