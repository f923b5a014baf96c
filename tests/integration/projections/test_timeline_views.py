"""The timeline and growth series of a mentee's year, projected from a real event store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from projections.growth import growth_for
from projections.runner import ViewRunner
from projections.store import ViewDatabase
from projections.timeline import TimelineProjection, timeline_for
from tests.integration.projections.timeline_story import ADA, GRACE, Year, write_year
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.settings import storage_env


@pytest.fixture
def runner(app: TrackerApplication, database_url: str) -> Iterator[ViewRunner]:
    database = ViewDatabase(storage_env(database_url))
    yield ViewRunner(TimelineProjection(view=database.store("timeline")), app)
    database.close()


@pytest.fixture
def year(app: TrackerApplication, clock: ManualClock, runner: ViewRunner) -> Year:
    story = write_year(app, clock)
    runner.catch_up()
    return story


def test_every_change_is_on_the_timeline_in_order(runner: ViewRunner, year: Year) -> None:
    page = timeline_for(runner.store, ADA, viewer_id=ADA)
    entries = page["entries"]
    positions = [e["position"] for e in entries]
    assert positions == sorted(positions)
    # Everything but Grace's private note reaches Ada's timeline.
    assert len(entries) == year.last_position - 1
    assert page["next_after"] is None
    revised = next(e for e in entries if e["type"] == "Goal.Revised")
    assert revised["what"] == "revised the goal \u201cBecome a data engineer\u201d"
    assert revised["subject"]["id"] == year.goal_id
    assert revised["actor_id"] == ADA
    assert revised["proposed_by"] == GRACE
    assert revised["reason"] == "agreed"
    assert revised["changes"] == {"target_date": "2026-03-31"}
    edit = entries[-1]
    assert (edit["kind"], edit["subject"]["name"], edit["reason"]) == (
        "plan",
        "vision_statement",
        "after a year",
    )


def test_private_entries_reach_only_their_author(runner: ViewRunner, year: Year) -> None:
    def texts(viewer: str | None) -> list[str]:
        page = timeline_for(runner.store, ADA, viewer_id=viewer)
        return [e["what"] for e in page["entries"] if e["private"]]

    assert texts(ADA) == ["wrote a reflection"]
    assert texts(GRACE) == ["wrote a note"]
    assert texts(None) == []
    shared = timeline_for(runner.store, ADA, viewer_id="someone-else")["entries"]
    assert "I doubt myself" not in str(shared)
    assert "Worried about workload" not in str(shared)


def test_the_timeline_filters_by_kind_and_dates(runner: ViewRunner, year: Year) -> None:
    milestones = timeline_for(runner.store, ADA, kinds=["milestone"])["entries"]
    assert [e["type"] for e in milestones] == [
        "Goal.MilestoneAdded",
        "Goal.MilestoneRescheduled",
        "Goal.MilestoneCompleted",
    ]
    assert {e["subject"]["milestone"]["title"] for e in milestones} == {"First pipeline"}
    march = timeline_for(
        runner.store,
        ADA,
        since=datetime(2025, 3, 1, tzinfo=UTC),
        until=datetime(2025, 5, 1, tzinfo=UTC),
    )["entries"]
    assert [e["type"] for e in march] == [
        "CheckIn.Held",
        "Goal.MilestoneCompleted",
        "Goal.AchievementRecognised",
    ]
    with pytest.raises(ValueError, match="Unknown timeline kind"):
        timeline_for(runner.store, ADA, kinds=["gossip"])


def test_the_timeline_pages(runner: ViewRunner, year: Year) -> None:
    first = timeline_for(runner.store, ADA, limit=5)
    second = timeline_for(runner.store, ADA, limit=5, after=first["next_after"])
    assert len(first["entries"]) == 5
    assert first["entries"][-1]["position"] < second["entries"][0]["position"]


def test_growth_per_month_over_the_year(runner: ViewRunner, year: Year) -> None:
    points = growth_for(runner.store, ADA, period="month")["points"]
    months = [p["period_start"] for p in points]
    assert months[0] == "2025-01-01"
    assert months == sorted(months)
    assert len(months) == 12  # quiet months are filled in
    by_month = {p["period_start"]: p for p in points}
    january, april, last = by_month["2025-01-01"], by_month["2025-04-01"], points[-1]
    assert january["goals"]["active"] == 1
    assert january["milestones"] == {"planned": 1, "met": 0, "dropped": 0, "slipped": 0}
    assert january["section_words"]["vision_statement"] == 5
    assert by_month["2025-02-01"]["milestones"]["slipped"] == 1
    assert april["milestones"]["met"] == 1
    assert (april["achievements"], april["achievements_in_period"]) == (1, 1)
    assert (april["checkins_held"], april["checkins_held_in_period"]) == (1, 1)
    assert by_month["2025-05-01"]["achievements_in_period"] == 0
    assert last["section_words"]["vision_statement"] == 9
    weeks = growth_for(runner.store, ADA, period="week")["points"]
    assert len(weeks) > 40
    assert weeks[0]["period_start"] == "2025-01-06"
