"""Two `tracker project` processes on one PostgreSQL store: each view projected by exactly
one of them at a time, every event applied once, and a survivor that takes over."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain import plan_id_for
from projections.registry import PROJECTIONS
from projections.runner import ViewRunner
from projections.store import ViewDatabase
from tests.integration.deploy.conftest import projecting, wait_until
from tests.integration.projections.timeline_story import ADA, write_year
from tracker.application import TrackerApplication, build_application
from tracker.clock import ManualClock
from tracker.settings import Settings, storage_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
CATCH_UP_TIMEOUT = 60.0
BATCH = 25  # days written in one save


@pytest.fixture
def app(postgres_url: str, clock: ManualClock) -> Iterator[TrackerApplication]:
    application = build_application(Settings(database_url=postgres_url), clock=clock)
    yield application
    application.close()


@pytest.fixture
def views(postgres_url: str) -> Iterator[ViewDatabase]:
    database = ViewDatabase(storage_env(postgres_url))
    yield database
    database.close()


def write_days(app: TrackerApplication, clock: ManualClock, days: range) -> int:
    """A reflection and a vision edit per day; the log's head after them.

    The plan is saved once per BATCH days (one transaction of 2 * BATCH events): what is under
    test is the projectors reading the log, which holds one notification per event however
    the events were written, and writing them one command at a time took most of the time."""
    plan_id = plan_id_for(ADA)
    for first in range(days.start, days.stop, BATCH):
        plan = app.repository.get(plan_id)
        for day in range(first, min(first + BATCH, days.stop)):
            clock.advance(hours=20)
            plan.reflect(text=f"Day {day}", private=day % 3 == 0, actor_id=ADA, at=clock())
            plan.edit_section(
                section="vision_statement", fields={"statement": f"Vision {day}"},
                reason=None, actor_id=ADA, at=clock(),
            )  # fmt: skip
        app.save(plan)
    return app.recorder.max_notification_id() or 0


def positions(views: ViewDatabase, app: TrackerApplication) -> dict[str, int]:
    return {p.name: views.store(p.name).max_tracking_id(app.name) or 0 for p in PROJECTIONS}


def mid_stream(views: ViewDatabase, app: TrackerApplication, head: int) -> bool:
    """Whether a view has applied some of the log but not all of it; an error once every
    view has reached `head`, as then nothing is left to interrupt."""
    reached = positions(views, app).values()
    assert min(reached) < head, "the catch-up finished before it could be stopped"
    return any(0 < position < head for position in reached)


def wait_for_views(views: ViewDatabase, app: TrackerApplication, head: int) -> None:
    def caught_up() -> bool:
        return all(position == head for position in positions(views, app).values())

    wait_until(caught_up, CATCH_UP_TIMEOUT, f"every view to reach {head}")


def assert_each_event_applied_once(views: ViewDatabase, app: TrackerApplication) -> None:
    """Each view holds exactly what one fresh pass over the log, up to where the view
    stands, gives: nothing doubled, nothing skipped."""
    for projection in PROJECTIONS:
        position = views.store(projection.name).max_tracking_id(app.name) or 0
        check = ViewRunner(projection(view=views.store(f"{projection.name}_check")), app)
        check.store.clear()
        check.catch_up(upto=position)
        assert views.store(projection.name).digest() == check.store.digest(), projection.name


def assert_every_lock_free(views: ViewDatabase) -> None:
    for projection in PROJECTIONS:
        lock = views.store(projection.name).try_lock()
        assert lock is not None, f"{projection.name} is still locked"
        lock.release()


def test_two_projectors_apply_each_event_once_and_the_survivor_takes_over(
    postgres_url: str,
    app: TrackerApplication,
    clock: ManualClock,
    views: ViewDatabase,
    tmp_path: Path,
) -> None:
    write_year(app, clock)
    head = write_days(app, clock, range(50))
    with projecting(postgres_url, tmp_path, "first") as first:
        wait_for_views(views, app, head)
        with projecting(postgres_url, tmp_path, "second") as second:
            wait_until(lambda: "Projecting" in second.output(), 60, "the second projector")
            head = write_days(app, clock, range(50, 100))  # both running, one applies
            wait_for_views(views, app, head)
            assert_each_event_applied_once(views, app)

            first.stop(signal.SIGKILL)  # holds every view: it started first
            head = write_days(app, clock, range(100, 150))
            wait_for_views(views, app, head)  # only the second is left to do it
            assert_each_event_applied_once(views, app)

            started = time.monotonic()
            assert second.stop(signal.SIGTERM) == 0, second.output()
            assert time.monotonic() - started < 15
            assert_every_lock_free(views)


def test_sigterm_stops_a_long_catch_up_between_pages_and_frees_the_views(
    postgres_url: str,
    app: TrackerApplication,
    clock: ManualClock,
    views: ViewDatabase,
    tmp_path: Path,
) -> None:
    app.start_plan(mentee_id=ADA, actor_id=ADA)
    head = write_days(app, clock, range(600))
    with projecting(postgres_url, tmp_path, "only") as projector:
        wait_until(lambda: mid_stream(views, app, head), 60, "the first page")
        started = time.monotonic()
        assert projector.stop(signal.SIGTERM) == 0, projector.output()
        assert time.monotonic() - started < 10
    reached = positions(views, app)
    assert min(reached.values()) < head, "the catch-up finished before it could be stopped"
    assert all(position % 50 == 0 or position == head for position in reached.values())
    assert_every_lock_free(views)
    assert_each_event_applied_once(views, app)
