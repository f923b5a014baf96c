"""Fresh reads beside a running projector: they wait for it instead of racing it.

A read whose view is behind used to catch the view up itself even while a projector (a
`tracker project` process) was applying the same events: both wrote the same rows, one
waited for the other's lock and rolled back its page (PositionMoved), and the read's tail
grew to seconds. Now, on PostgreSQL, a reader beside a live projector applies nothing: it
waits for the view's position. It still sees its own writes, and it still catches up itself
when no projector runs or the one that holds the view does not move it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import pytest

from domain import plan_id_for
from domain.plan import Plan
from projections.runner import HANDOFF, STALL, ViewRunner
from projections.store import ViewDatabase, ViewStore
from projections.timeline import MAX_PAGE, VIEW, timeline_for
from tests.integration.projections.timeline_story import ADA, write_year
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.projecting import Projections
from tracker.settings import Settings, storage_env

WRITES = 40


class CountedApplies:
    """Counts the transactions a view store opens to apply events (its writes)."""

    def __init__(self, store: ViewStore) -> None:
        self.count = 0
        for method in ("apply", "apply_together"):
            original = getattr(store, method)
            setattr(store, method, self._counting(original))

    def _counting(self, original: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        return counted


@pytest.fixture
def projector(database_url: str, app: TrackerApplication) -> Iterator[Projections]:
    """Every view projected by a thread with its own connections, as `tracker project`
    beside the web workers would; started once the views have caught up."""
    projections = Projections(app, Settings(database_url=database_url))
    projections.start_projector()
    runners = projections.runners.values()
    deadline = time.monotonic() + 30
    while not all(r.is_active.is_set() and r.position() == r.head() for r in runners):
        assert time.monotonic() < deadline, "the projector did not take its views"
        time.sleep(0.02)
    yield projections
    projections.close()


@pytest.fixture
def reader(database_url: str, app: TrackerApplication) -> Iterator[Projections]:
    """A web worker's views: no projector of its own (TRACKER_PROJECTOR=off)."""
    projections = Projections(app, Settings(database_url=database_url))
    yield projections
    projections.close()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_read_beside_a_live_projector_waits_for_it_and_writes_nothing(
    app: TrackerApplication,
    clock: ManualClock,
    projector: Projections,
    reader: Projections,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_year(app, clock)
    runner = reader.runner(VIEW)
    applies = CountedApplies(runner.store)
    # Only the policy is under test, not the machine's speed: on a loaded machine the
    # projector may stall for longer than a read's usual patience, so give it a lot.
    monkeypatch.setattr("tracker.projecting.READ_TIMEOUT", 120.0)
    runner.stall = 60.0
    for day in range(WRITES):
        receipt = app.reflect(ADA, text=f"Day {day}", private=False, actor_id=ADA)
        assert receipt.position is not None
        store = reader.fresh(VIEW)  # at once: the projector has rarely applied it yet
        assert runner.position() >= receipt.position
        page = timeline_for(store, ADA, viewer_id=ADA, after=receipt.position - 1, limit=1)
        assert [entry["position"] for entry in page["entries"]] == [receipt.position]
    assert runner.inline_catch_ups == 0
    assert applies.count == 0
    assert not projector.projector or not projector.projector.errors


def test_without_a_projector_a_read_catches_up_itself(
    app: TrackerApplication, clock: ManualClock, reader: Projections
) -> None:
    year = write_year(app, clock)
    store = reader.fresh(VIEW)
    assert reader.runner(VIEW).position() >= year.last_position
    assert reader.runner(VIEW).inline_catch_ups == 1
    assert len(timeline_for(store, ADA)["entries"]) > 0


@pytest.fixture
def idle_holder(database_url: str) -> Iterator[ViewStore]:
    """The timeline's projector lock held by someone who projects nothing (a stuck
    projector), through connections of its own."""
    database = ViewDatabase(storage_env(database_url))
    store = database.store(VIEW)
    lock = store.try_lock()
    assert lock is not None
    yield store
    lock.release()
    database.close()


def test_a_read_catches_up_itself_when_the_projector_holding_the_view_stalls(
    app: TrackerApplication, clock: ManualClock, reader: Projections, idle_holder: ViewStore
) -> None:
    year = write_year(app, clock)
    runner: ViewRunner = reader.runner(VIEW)
    assert runner.projector_active()
    runner.wait_for(year.last_position, timeout=STALL + 5)
    assert runner.position() >= year.last_position
    assert runner.inline_catch_ups == 1


def test_a_read_catches_up_itself_once_half_its_time_is_spent_waiting_for_the_projector(
    app: TrackerApplication, clock: ManualClock, reader: Projections, idle_holder: ViewStore
) -> None:
    """A projector too slow for the read's time (here: one that never moves, with a timeout
    shorter than STALL): the read does not fail while it could still catch up itself."""
    year = write_year(app, clock)
    runner = reader.runner(VIEW)
    timeout = STALL / 2
    started = time.monotonic()
    runner.wait_for(year.last_position, timeout=timeout)
    assert runner.position() >= year.last_position
    assert runner.inline_catch_ups == 1
    if runner.follows_pushes():  # it waited for the projector first
        assert time.monotonic() - started >= timeout * HANDOFF


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_read_fresh_reads_the_head_with_the_page_and_still_sees_each_write(
    app: TrackerApplication, clock: ManualClock, reader: Projections
) -> None:
    """read_fresh on PostgreSQL: no query of the log's head of its own while the view is
    fresh (the head comes in the page's statement), and a page read while the view was
    behind is read again once the view has caught up."""
    write_year(app, clock)
    heads = CountedCalls(app.recorder, "max_notification_id")

    def last_page(store: ViewStore) -> list[int]:
        page = timeline_for(store, ADA, viewer_id=ADA, limit=MAX_PAGE)
        return [entry["position"] for entry in page["entries"]]

    for day in range(3):
        receipt = app.reflect(ADA, text=f"Day {day}", private=False, actor_id=ADA)
        assert receipt.position is not None
        # Behind: the page is dropped, the view caught up (asking for the head) and read again.
        assert receipt.position in reader.read_fresh(VIEW, last_page)
        behind = heads.count
        # Fresh: the head came with the page.
        assert receipt.position in reader.read_fresh(VIEW, last_page)
        assert heads.count == behind
    assert reader.runner(VIEW).position() == app.recorder.max_notification_id()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_read_fresh_makes_the_view_fresh_before_any_other_first_read(
    app: TrackerApplication, clock: ManualClock, reader: Projections
) -> None:
    year = write_year(app, clock)
    assert reader.read_fresh(VIEW, lambda store: store.max_tracking_id(app.name)) == (
        year.last_position
    )


class CountedCalls:
    """Counts the calls of one method of an object."""

    def __init__(self, target: object, method: str) -> None:
        self.count = 0
        original = getattr(target, method)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        setattr(target, method, counted)


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_burst_of_writes_is_projected_in_pages_not_an_event_at_a_time(
    app: TrackerApplication, clock: ManualClock, projector: Projections
) -> None:
    """Reads wait for the projector: one transaction per event left it seconds behind a
    burst of writes. Woken by new events, it applies all that came since in pages."""
    plan: Plan = app.repository.get(plan_id_for_started(app, clock))
    applies = [CountedApplies(runner.store) for runner in projector.runners.values()]
    burst = 200
    for day in range(burst):
        plan.reflect(text=f"Day {day}", private=False, actor_id=ADA, at=clock())
    app.save(plan)
    head = app.recorder.max_notification_id() or 0
    runner = projector.runner(VIEW)
    deadline = time.monotonic() + 60
    while runner.position() < head:
        assert time.monotonic() < deadline, "the projector did not catch up"
        time.sleep(0.02)
    transactions = sum(counted.count for counted in applies)
    assert transactions < burst / 4  # one per event before
    assert not projector.projector or not projector.projector.errors


def plan_id_for_started(app: TrackerApplication, clock: ManualClock) -> UUID:
    """Ada's plan, started (the story's first year written)."""
    write_year(app, clock)
    return plan_id_for(ADA)


def test_status_tells_whether_a_projector_holds_each_view(
    database_url: str, app: TrackerApplication, reader: Projections
) -> None:
    assert not any(status.projector_running for status in reader.status())
    projector = Projections(app, Settings(database_url=database_url))
    projector.start_projector()
    try:
        deadline = time.monotonic() + 30
        while not all(r.is_active.is_set() for r in projector.runners.values()):
            assert time.monotonic() < deadline, "the projector did not take its views"
            time.sleep(0.02)
        assert all(status.projector_running for status in reader.status())
        assert all(r.is_active.is_set() for r in projector.runners.values())  # still its
    finally:
        projector.close()
