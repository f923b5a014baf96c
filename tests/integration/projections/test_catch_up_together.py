"""Every view catching up together: the log read and decoded once, each view as if alone."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from projections.records import EventRecord
from projections.registry import PROJECTIONS
from projections.runner import ViewRunner, apply_page, catch_up_together
from projections.store import ViewDatabase, ViewState, ViewTx
from tests.integration.demo_sources import DemoSources, copy_sqlite
from tracker.application import TrackerApplication, build_application
from tracker.settings import Settings, storage_env


@pytest.fixture(scope="module")
def demo_sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSources]:
    """The demo year, written once for this module: the tests read it and never add to it."""
    sources = DemoSources(tmp_path_factory.mktemp("demo"), datetime(2026, 3, 2, 17, 30, tzinfo=UTC))
    yield sources
    sources.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, demo_sources: DemoSources, tmp_path: Path) -> str:
    """A store holding the demo year: a copy of the module's SQLite file, or its schema."""
    source = demo_sources.url(request.param)
    return copy_sqlite(source, tmp_path / "tracker.sqlite") if request.param == "sqlite" else source


@pytest.fixture
def app(database_url: str, demo_sources: DemoSources) -> Iterator[TrackerApplication]:
    """An application holding the demo year: mentorships, plans, goals, check-ins, proposals."""
    application = build_application(Settings(database_url=database_url))
    head = demo_sources.heads["sqlite" if database_url.startswith("sqlite") else "postgres"]
    try:
        yield application
        assert application.recorder.max_notification_id() == head, "a test wrote events"
    finally:
        application.close()


@pytest.fixture
def views(database_url: str, request: pytest.FixtureRequest) -> Iterator[ViewDatabase]:
    """Empty view tables: in the SQLite copy itself, or, as the PostgreSQL demo schema is
    shared, in a schema of this test's own."""
    if not database_url.startswith("sqlite"):
        database_url = str(request.getfixturevalue("postgres_url"))
    database = ViewDatabase(storage_env(database_url))
    yield database
    database.close()


def every_view(
    views: ViewDatabase, app: TrackerApplication, suffix: str = "", page_size: int = 500
) -> list[ViewRunner]:
    """A runner for each view of the registry, on tables named `<view><suffix>`."""
    return [
        ViewRunner(cls(view=views.store(cls.name + suffix)), app, page_size=page_size)
        for cls in PROJECTIONS
    ]


def test_views_caught_up_together_equal_views_caught_up_alone(
    app: TrackerApplication, views: ViewDatabase
) -> None:
    head = app.recorder.max_notification_id() or 0
    alone = every_view(views, app, "_alone")
    for runner in alone:
        runner.catch_up()
    together = every_view(views, app, page_size=37)
    # One view ahead of the others and one half-way: each is given only what it lacks.
    together[0].catch_up(upto=100)
    together[1].catch_up(upto=250)

    applied = catch_up_together(together)

    assert applied == [head - 100, head - 250] + [head] * (len(together) - 2)
    for joint, single in zip(together, alone, strict=True):
        assert joint.position() == head
        assert joint.store.digest() == single.store.digest(), joint.name
    assert catch_up_together(together) == [0] * len(together)


def test_no_view_changes_the_records_the_views_share(
    app: TrackerApplication, views: ViewDatabase
) -> None:
    """Views are handed the same record objects, so none may change one."""
    runners = every_view(views, app)
    head = app.recorder.max_notification_id() or 0
    records = runners[0].records(app.recorder.select_notifications(start=1, limit=head))
    for record in records:
        assert record.at_iso  # a cache the views fill: filled first, so any change shows
    before = copy.deepcopy([vars(record) for record in records])
    for runner in runners:
        assert apply_page([runner], [runner.state()], records) == [(0, len(records))]
    assert [vars(record) for record in records] == before


def test_a_view_moved_under_a_joint_page_applies_nothing_twice(
    app: TrackerApplication, views: ViewDatabase
) -> None:
    """Another projector applies a view meanwhile: the page is retried from the new positions."""
    runners = every_view(views, app, page_size=50)
    other = every_view(views, app, page_size=50)[2]  # the same view, as another process has it
    original = runners[2].updater

    def moved_first(
        records: Sequence[EventRecord], expected: ViewState
    ) -> Callable[[ViewTx], None]:
        if not other.position():
            other.catch_up(upto=120)  # commits before the joint page's transaction begins
        return original(records, expected)

    runners[2].updater = moved_first  # type: ignore[method-assign]
    applied = catch_up_together(runners)

    head = app.recorder.max_notification_id() or 0
    assert applied[2] == head - 120  # only what the other projector had not applied
    assert applied[3] == head
    fresh = every_view(views, app, "_fresh")
    catch_up_together(fresh)
    for runner, check in zip(runners, fresh, strict=True):
        assert runner.store.digest() == check.store.digest(), runner.name


def test_views_of_two_applications_do_not_catch_up_together(
    app: TrackerApplication, views: ViewDatabase, database_url: str
) -> None:
    second = build_application(Settings(database_url=database_url))
    try:
        runners = [every_view(views, app)[0], every_view(views, second)[1]]
        with pytest.raises(ValueError, match="one application"):
            catch_up_together(runners)
    finally:
        second.close()
