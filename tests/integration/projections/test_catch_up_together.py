"""Every view catching up together: the log read and decoded once, each view as if alone."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime

import pytest

from projections.records import EventRecord
from projections.registry import PROJECTIONS
from projections.runner import ViewRunner, catch_up_together
from projections.store import ViewDatabase, ViewTx
from tracker.application import TrackerApplication, build_application
from tracker.demo import StoryClock, load_demo
from tracker.settings import Settings, storage_env


@pytest.fixture
def app(database_url: str) -> Iterator[TrackerApplication]:
    """An application holding the demo year: mentorships, plans, goals, check-ins, proposals."""
    clock = StoryClock(datetime(2026, 3, 2, 17, 30, tzinfo=UTC))
    application = build_application(Settings(database_url=database_url), clock=clock)
    load_demo(application, clock)
    yield application
    application.close()


@pytest.fixture
def views(database_url: str) -> Iterator[ViewDatabase]:
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
    before = copy.deepcopy([vars(record) for record in records])
    for runner in runners:
        assert runner.apply_records(records, expected=0)
    assert [vars(record) for record in records] == before


def test_a_view_moved_under_a_joint_page_applies_nothing_twice(
    app: TrackerApplication, views: ViewDatabase
) -> None:
    """Another projector applies a view meanwhile: the page is retried from the new positions."""
    runners = every_view(views, app, page_size=50)
    other = every_view(views, app, page_size=50)[2]  # the same view, as another process has it
    original = runners[2].updater

    def moved_first(records: Sequence[EventRecord], expected: int) -> Callable[[ViewTx], None]:
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
