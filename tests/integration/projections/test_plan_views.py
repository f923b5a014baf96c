"""Plan as of, goal history, roadmap and dashboard, projected from a real event store
(SQLite and PostgreSQL) through the runner, as `tracker project` does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from projections.dashboard import (
    SEEN_VIEW,
    DashboardProjection,
    dashboard_for,
    mark_seen,
    seen_position,
)
from projections.goal_history import GoalHistoryProjection, goal_blame_for, milestone_drift_for
from projections.plan_as_of import PlanAsOfProjection, plan_as_of, plan_diff, state_as_of
from projections.plan_state import replay
from projections.roadmap import RoadmapProjection, roadmap_for
from projections.runner import ViewRunner
from projections.store import ViewDatabase, ViewProjection
from tests.integration.projections.timeline_story import ADA, GRACE, Year, write_year
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.settings import storage_env

VIEWS: tuple[type[ViewProjection], ...] = (
    PlanAsOfProjection,
    GoalHistoryProjection,
    RoadmapProjection,
    DashboardProjection,
)


@pytest.fixture
def database(database_url: str) -> Iterator[ViewDatabase]:
    views = ViewDatabase(storage_env(database_url))
    yield views
    views.close()


@pytest.fixture
def runners(app: TrackerApplication, database: ViewDatabase) -> dict[str, ViewRunner]:
    found = {}
    for cls in VIEWS:
        projection = cls(view=database.store(cls.name))
        if isinstance(projection, PlanAsOfProjection):
            projection.checkpoint_every = 4  # several checkpoints in a short story
        found[cls.name] = ViewRunner(projection, app, page_size=7)
    return found


@pytest.fixture
def year(app: TrackerApplication, clock: ManualClock, runners: dict[str, ViewRunner]) -> Year:
    story = write_year(app, clock)
    for runner in runners.values():
        runner.catch_up()
    return story


def test_the_current_plan_agrees_with_the_aggregates(
    app: TrackerApplication, runners: dict[str, ViewRunner], year: Year
) -> None:
    plan = plan_as_of(runners["plan_as_of"].store, ADA, viewer_id=ADA)
    expected = app.get_plan(ADA, viewer_id=ADA)
    goal = app.get_goal(year.goal_id)

    assert plan is not None
    assert plan["sections"] == expected["sections"]
    assert [r["text"] for r in plan["reflections"]] == [r["text"] for r in expected["reflections"]]
    (projected,) = plan["goals"]
    assert projected["status"] == goal["status"]
    assert projected["fields"]["target_date"] == goal["target_date"].isoformat()
    assert [m["status"] for m in projected["milestones"]] == [
        m["status"] for m in goal["milestones"]
    ]


def test_as_of_every_position_equals_a_replay_of_the_log_up_to_it(
    app: TrackerApplication, runners: dict[str, ViewRunner], year: Year
) -> None:
    runner = runners["plan_as_of"]
    notifications = app.recorder.select_notifications(start=1, limit=1000)
    records = runner.records(notifications)

    for t in range(year.last_position + 1):
        expected = replay([r for r in records if r.position <= t], ADA)
        assert state_as_of(runner.store, ADA, position=t) == expected


def test_a_rebuild_one_event_at_a_time_equals_the_live_views(
    runners: dict[str, ViewRunner], year: Year
) -> None:
    for runner in runners.values():
        live = runner.store.digest()
        runner.store.clear()
        runner.page_size = 1
        assert runner.catch_up() == year.last_position
        assert runner.store.digest() == live, runner.name


def test_the_plan_before_the_proposal_was_accepted(
    runners: dict[str, ViewRunner], year: Year
) -> None:
    store = runners["plan_as_of"].store
    before = plan_as_of(store, ADA, viewer_id=GRACE, position=year.positions["revised"] - 2)
    diff = plan_diff(store, ADA, viewer_id=GRACE, since=year.positions["revised"] - 2)

    assert before is not None
    assert before["goals"][0]["fields"]["target_date"] == "2025-12-31"
    assert [p["id"] for p in before["pending_proposals"]] == [year.proposal_id]
    (changed,) = diff["goals"]["changed"]
    assert changed["changes"]["changed"]["fields"]["changed"]["target_date"] == {
        "from": "2025-12-31",
        "to": "2026-03-31",
    }
    assert [p["id"] for p in diff["pending_proposals"]["removed"]] == [year.proposal_id]
    assert "I doubt myself" not in str(diff)


def test_blame_and_drift_of_the_goal(runners: dict[str, ViewRunner], year: Year) -> None:
    store = runners["goal_history"].store

    blame = goal_blame_for(store, year.goal_id)
    drift = milestone_drift_for(store, year.goal_id)

    assert blame is not None
    assert drift is not None
    target = blame["fields"]["target_date"]
    assert (target["actor_id"], target["proposed_by"], target["proposal_id"], target["reason"]) == (
        ADA,
        GRACE,
        year.proposal_id,
        "agreed",
    )
    (milestone,) = drift["milestones"]
    assert (milestone["moves"], milestone["days_slipped"]) == (1, 31)


def test_the_roadmap_and_the_dashboard(runners: dict[str, ViewRunner], year: Year) -> None:
    road = roadmap_for(runners["roadmap"].store, ADA, today=date(2025, 12, 1))
    board = dashboard_for(runners["dashboard"].store, GRACE, today=date(2025, 12, 1))

    (goal,) = road["goals"]
    assert (goal["original_target_date"], goal["target_date"]) == ("2025-12-31", "2026-03-31")
    (card,) = board["mentees"]
    assert card["last_check_in"] == {"check_in_id": year.check_in_id, "held_on": "2025-03-10"}
    assert card["next_check_in"]["date"] == "2025-04-09"
    done = {i["item"] for i in card["checklist"] if i["done"]}
    # Grace's own (private) note documents the check-in for Grace, who reads this dashboard.
    assert done == {
        "vision_statement",
        "goals_set",
        "roadmap",
        "sessions_documented",
        "achievements_recognised",
    }
    assert "Worried about workload" not in str(board)


def test_the_seen_cursor_survives_a_rebuild_of_the_dashboard(
    database: ViewDatabase, runners: dict[str, ViewRunner], year: Year
) -> None:
    seen = database.store(SEEN_VIEW)
    assert mark_seen(seen, GRACE, year.positions["revised"])
    runner = runners["dashboard"]
    runner.store.clear()
    runner.catch_up()

    board = dashboard_for(
        runner.store, GRACE, today=date(2025, 12, 1), seen_position=seen_position(seen, GRACE)
    )

    changes = board["mentees"][0]["changes_since_seen"]
    assert [c["type"] for c in changes] == [
        "Plan.SectionEdited"
    ]  # the private reflection is left out
    assert changes[0]["at"] > datetime(2025, 8, 1, tzinfo=UTC).isoformat()
