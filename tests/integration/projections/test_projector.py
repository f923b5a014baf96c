"""One projector thread for every view: follows new events, and takes over views held elsewhere."""

from __future__ import annotations

import pytest

from projections.projector import Projector
from projections.records import EventRecord
from projections.registry import PROJECTIONS
from projections.runner import ViewRunner, catch_up_together
from projections.store import ViewDatabase, ViewTx
from tests.integration.projections.timeline_story import ADA, write_year
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

WAIT = 20.0


def every_view(views: ViewDatabase, app: TrackerApplication, suffix: str = "") -> list[ViewRunner]:
    return [
        ViewRunner(
            cls(view=views.store(cls.name + suffix)), app, poll_interval=0.05, standby_interval=0.1
        )
        for cls in PROJECTIONS
    ]


def assert_fresh(views: ViewDatabase, app: TrackerApplication, runners: list[ViewRunner]) -> None:
    """Each view holds what a fresh pass over the log gives."""
    fresh = every_view(views, app, "_fresh")
    for runner in fresh:
        runner.store.clear()
    catch_up_together(fresh)
    for runner, check in zip(runners, fresh, strict=True):
        assert runner.store.digest() == check.store.digest(), runner.name


def test_one_projector_catches_up_and_follows_every_view(
    app: TrackerApplication, clock: ManualClock, views: ViewDatabase
) -> None:
    write_year(app, clock)
    runners = every_view(views, app)
    projector = Projector(runners)
    projector.start()
    try:
        receipt = app.reflect(ADA, text="Later that year", private=False, actor_id=ADA)
        for runner in runners:
            runner.store.wait(app.name, receipt.position, timeout=WAIT)
        assert all(runner.is_active.is_set() for runner in runners)
    finally:
        projector.stop()
    assert not any(runner.is_active.is_set() for runner in runners)
    assert_fresh(views, app, runners)


def test_a_projector_takes_over_a_view_when_its_projector_stops(
    app: TrackerApplication, clock: ManualClock, views: ViewDatabase
) -> None:
    year = write_year(app, clock)
    runners = every_view(views, app)
    elsewhere = runners[0].store.try_lock()  # another process projects the timeline
    assert elsewhere is not None
    projector = Projector(runners)
    projector.start()
    try:
        for runner in runners[1:]:
            runner.store.wait(app.name, year.last_position, timeout=WAIT)
        assert runners[0].position() == 0
        assert not runners[0].is_active.is_set()
        elsewhere.release()
        receipt = app.reflect(ADA, text="Taken over", private=True, actor_id=ADA)
        for runner in runners:
            runner.store.wait(app.name, receipt.position, timeout=WAIT)
    finally:
        projector.stop()
    assert_fresh(views, app, runners)


def test_a_failing_view_stops_the_projector_with_its_error(
    app: TrackerApplication, clock: ManualClock, views: ViewDatabase
) -> None:
    write_year(app, clock)
    runners = every_view(views, app)

    def broken(record: EventRecord, tx: ViewTx) -> None:
        raise RuntimeError("the roadmap is broken")

    roadmap = next(runner for runner in runners if runner.name == "roadmap")
    roadmap.projection.process = broken  # type: ignore[method-assign]
    projector = Projector(runners)
    projector.start()
    with pytest.raises(RuntimeError, match="roadmap is broken"):
        projector.wait(timeout=WAIT)
    projector.stop()
    assert all(runner.position() == 0 for runner in runners)  # the page was not committed
    for runner in runners:  # and every lock is free again
        lock = runner.store.try_lock()
        assert lock is not None, runner.name
        lock.release()
