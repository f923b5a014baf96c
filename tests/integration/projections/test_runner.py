"""The projector: exactly once through crashes, one active projector per view, live following."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from projections.projector import Projector
from projections.records import EventRecord
from projections.runner import ViewRunner
from projections.store import ViewDatabase, ViewStore, ViewTx
from projections.timeline import TimelineProjection, timeline_for
from tests.integration.projections.timeline_story import ADA, write_year
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.settings import storage_env


@pytest.fixture
def databases(database_url: str) -> Iterator[list[ViewDatabase]]:
    """Two independent connections to the views, as two processes would have."""
    opened = [ViewDatabase(storage_env(database_url)) for _ in range(2)]
    yield opened
    for database in opened:
        database.close()


def runner_on(
    database: ViewDatabase, app: TrackerApplication, view: str = "timeline"
) -> ViewRunner:
    return ViewRunner(TimelineProjection(view=database.store(view)), app, poll_interval=0.05)


def fresh_digest(database: ViewDatabase, app: TrackerApplication) -> str:
    """The digest of the timeline built from zero into a view of its own."""
    runner = runner_on(database, app, "timeline_check")
    runner.store.clear()
    runner.catch_up()
    return runner.store.digest()


def test_catch_up_applies_every_event_once(
    app: TrackerApplication, clock: ManualClock, databases: list[ViewDatabase]
) -> None:
    year = write_year(app, clock)
    runner = runner_on(databases[0], app)
    assert runner.catch_up() == year.last_position
    assert runner.position() == runner.head() == year.last_position
    assert runner.catch_up() == 0
    assert len(timeline_for(runner.store, ADA, viewer_id=ADA)["entries"]) == year.last_position - 1


def test_a_rebuild_from_zero_gives_the_same_view(
    app: TrackerApplication, clock: ManualClock, databases: list[ViewDatabase]
) -> None:
    write_year(app, clock)
    runner = runner_on(databases[0], app)
    runner.catch_up()
    before = runner.store.digest()
    runner.store.clear()
    assert runner.store.digest() != before
    runner.catch_up()
    assert runner.store.digest() == before


class FailsOnce(TimelineProjection):
    """Raises once, on its n-th event, as a crash between two events would."""

    def __init__(self, view: ViewStore, fail_at: int) -> None:
        super().__init__(view)
        self.calls, self.fail_at = 0, fail_at

    def process(self, record: EventRecord, tx: ViewTx) -> None:
        self.calls += 1
        if self.calls == self.fail_at:
            raise RuntimeError("the projector died here")
        super().process(record, tx)


def test_a_crash_mid_stream_loses_and_repeats_nothing(
    app: TrackerApplication, clock: ManualClock, databases: list[ViewDatabase]
) -> None:
    year = write_year(app, clock)
    store = databases[0].store("timeline")
    crashing = ViewRunner(FailsOnce(store, fail_at=11), app, page_size=4)
    with pytest.raises(RuntimeError, match="died here"):
        crashing.catch_up()
    # Pages of 4 committed whole: events 1-8 are in, the page of event 11 is not.
    assert crashing.position() == 8
    restarted = runner_on(databases[1], app)
    assert restarted.catch_up() == year.last_position - 8
    assert restarted.store.digest() == fresh_digest(databases[0], app)


def test_two_projectors_on_one_view_apply_each_event_once(
    app: TrackerApplication, clock: ManualClock, databases: list[ViewDatabase]
) -> None:
    write_year(app, clock)
    runners = [runner_on(database, app) for database in databases]
    projectors = [Projector([runner]) for runner in runners]
    for projector in projectors:
        projector.start()
    try:
        receipt = app.reflect(ADA, text="Halfway there", private=False, actor_id=ADA)
        runners[0].store.wait(app.name, receipt.position, timeout=10)
        assert [r.is_active.is_set() for r in runners].count(True) == 1
    finally:
        for projector in projectors:
            projector.stop()
    assert not any(projector.errors for projector in projectors)
    assert runners[0].position() == runners[0].head()
    assert runners[0].store.digest() == fresh_digest(databases[0], app)


def test_a_running_projector_follows_new_events(
    app: TrackerApplication, databases: list[ViewDatabase]
) -> None:
    """LISTEN/NOTIFY on PostgreSQL, polling on SQLite: the view keeps up without being asked."""
    runner = runner_on(databases[0], app)
    projector = Projector([runner])
    projector.start()
    try:
        app.invite_mentor(
            mentee_id=ADA, mentor_id="grace", help_wanted="data", duration="a year",
            frequency="monthly", actor_id=ADA,
        )  # fmt: skip
        receipt = app.start_plan(mentee_id=ADA, actor_id=ADA)
        runner.store.wait(app.name, receipt.position, timeout=10)
        types = [e["type"] for e in timeline_for(runner.store, ADA)["entries"]]
        assert types == ["Mentorship.Invited", "Plan.Started"]
        # A rebuild empties the view under the running projector: it starts again from zero.
        runner.store.clear()
        receipt = app.edit_plan_section(
            ADA, section="vision_statement", fields={"statement": "Trust"}, reason=None,
            actor_id=ADA,
        )  # fmt: skip
        runner.store.wait(app.name, receipt.position, timeout=10)
        types = [e["type"] for e in timeline_for(runner.store, ADA)["entries"]]
        assert types == ["Mentorship.Invited", "Plan.Started", "Plan.SectionEdited"]
    finally:
        projector.stop()
    assert projector.errors == []


def test_read_your_writes_waits_a_bounded_time(
    app: TrackerApplication, clock: ManualClock, databases: list[ViewDatabase]
) -> None:
    year = write_year(app, clock)
    runner = runner_on(databases[0], app)
    runner.wait_for(year.positions["revised"])
    assert runner.position() >= year.positions["revised"]
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        runner.wait_for(year.last_position + 100, timeout=0.3)
    assert time.monotonic() - started < 2
