"""A view whose projection's version went up is rebuilt when the views are next opened.

Stores built before goal_history's version 2 (milestone moves kept inside the goal's
document) must not be read with the new code: opening the views empties each view of a
newer version, once, and the projector builds it again from the event log; the views still
at version 1 are left as they are.
"""

from __future__ import annotations

from eventsourcing.persistence import Tracking

from projections.goal_history import goal_key, milestone_drift_for
from projections.registry import (
    PROJECTIONS,
    build_projections,
    clear_outdated_views,
    view_version,
)
from projections.runner import ViewRunner
from projections.store import ViewDatabase, ViewTx
from tests.integration.projections.timeline_story import write_year
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.projecting import Projections
from tracker.settings import Settings, storage_env

MEMORY = {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def built_by_older_code(database_url: str, app: TrackerApplication) -> dict[str, int | None]:
    """Every view caught up with no version recorded, as before versions were kept; the
    goal document given version 1's list of moves. Each view's position."""
    database = ViewDatabase(storage_env(database_url))
    try:
        runners = [ViewRunner(p, app) for p in build_projections(database)]
        for runner in runners:
            runner.catch_up()
        history = next(r for r in runners if r.name == "goal_history")
        write_old_document(history, app)
        return {runner.name: runner.position() for runner in runners}
    finally:
        database.close()


def write_old_document(runner: ViewRunner, app: TrackerApplication) -> None:
    """Turn the goal documents' move counters into version 1's lists of moves."""

    def to_version_1(tx: ViewTx) -> None:
        for key, doc in runner.store.documents("goal:"):
            for milestone in doc["milestones"].values():
                milestone["moves"] = [{"from": "2025-03-01", "to": "2025-04-01", "days": 31}]
            tx.put(key, doc)

    position = runner.position() or 0
    runner.store.apply(Tracking(app.name, position + 1), to_version_1)


def memory_digest(app: TrackerApplication, name: str) -> str:
    database = ViewDatabase(MEMORY)
    try:
        (projection,) = build_projections(database, [name])
        runner = ViewRunner(projection, app)
        runner.catch_up()
        return runner.store.digest()
    finally:
        database.close()


def test_opening_the_views_rebuilds_only_those_of_an_older_version_and_only_once(
    database_url: str, app: TrackerApplication, clock: ManualClock
) -> None:
    year = write_year(app, clock)
    before = built_by_older_code(database_url, app)

    projections = Projections(app, Settings(database_url=database_url))
    try:
        positions = {name: projections.runner(name).position() for name in projections.names}
        outdated = {cls.name for cls in PROJECTIONS if view_version(cls) > 1}
        assert "goal_history" in outdated
        # Emptied, to be built again; the views still at version 1 are left as they were.
        assert positions == {n: 0 if n in outdated else p for n, p in before.items()}
        store = projections.fresh("goal_history")  # the read catches the view up
        assert store.digest() == memory_digest(app, "goal_history")
        drift = milestone_drift_for(store, year.goal_id)
        assert drift is not None
        assert drift["milestones"][0]["moves"] == 1
    finally:
        projections.close()

    again = Projections(app, Settings(database_url=database_url))
    try:
        assert again.runner("goal_history").position() == app.recorder.max_notification_id()
        assert again.runner("goal_history").store.get(goal_key(year.goal_id)) is not None
    finally:
        again.close()


def test_new_views_are_recorded_at_their_version_and_never_emptied(
    database_url: str, app: TrackerApplication, clock: ManualClock
) -> None:
    database = ViewDatabase(storage_env(database_url))
    try:
        projections = build_projections(database)
        assert clear_outdated_views(database, projections, app.name) == []
        write_year(app, clock)
        for projection in projections:
            ViewRunner(projection, app).catch_up()

        assert clear_outdated_views(database, projections, app.name) == []
        versions = database.store("view_versions")
        assert versions.max_tracking_id("version:goal_history") == 2
        assert versions.max_tracking_id("version:timeline") == 1
    finally:
        database.close()
