"""The timeline and growth reducers on the in-memory view store: no database, milliseconds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from eventsourcing.persistence import Tracking
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.growth import empty_growth, grow, growth_for, next_period, period_start, word_count
from projections.records import EventRecord
from projections.runner import ViewRunner
from projections.store import MemoryViewStore
from projections.timeline import TimelineProjection, timeline_for
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

ADA, GRACE = "ada", "grace"
AT = datetime(2025, 1, 6, 9, tzinfo=UTC)


def record(type_: str, position: int = 1, **data: object) -> EventRecord:
    return EventRecord(position, "goal-1", position, type_, AT, ADA, dict(data))


def story(app: TrackerApplication, clock: ManualClock) -> str:
    """Ada's plan, a goal with a milestone moved earlier then later, and a check-in."""
    mentorship = app.invite_mentor(
        mentee_id=ADA, mentor_id=GRACE, help_wanted="data", duration="a year",
        frequency="monthly", actor_id=ADA,
    ).id  # fmt: skip
    app.accept_invitation(
        mentorship, cadence_days=30, meeting_minutes=45, guidance="career", actor_id=GRACE
    )
    app.start_plan(mentee_id=ADA, actor_id=ADA)
    fields = {"title": "Ship it", "specific": "One pipeline", "measurable": "In production"}
    goal = app.draft_goal(
        ADA, kind="smarty", fields={**fields, "target_date": date(2025, 9, 1)}, actor_id=ADA
    ).id
    milestone = app.add_milestone(
        goal, title="Design", due=date(2025, 2, 1), skills=[], actor_id=ADA
    ).created["item_id"]
    clock.advance(days=20)
    app.reschedule_milestone(goal, milestone, due=date(2025, 1, 30), reason="early", actor_id=ADA)
    clock.advance(days=20)
    app.reschedule_milestone(goal, milestone, due=date(2025, 3, 1), reason="late", actor_id=ADA)
    check_in = app.schedule_check_in(mentorship, scheduled_for=date(2025, 3, 3), actor_id=GRACE).id
    clock.advance(days=30)
    app.hold_check_in(check_in, held_on=date(2025, 3, 3), actor_id=GRACE)
    app.write_note(check_in, text="Shared thoughts", private=False, actor_id=GRACE)
    return goal


def projected(app: TrackerApplication, page_size: int = 500) -> MemoryViewStore:
    store = MemoryViewStore("timeline")
    ViewRunner(TimelineProjection(view=store), app, page_size=page_size).catch_up()
    return store


def test_words_and_periods() -> None:
    assert word_count("  Build   data tools ") == 3
    assert word_count(None) == 0
    assert period_start(date(2025, 1, 12), "week") == date(2025, 1, 6)
    assert period_start(date(2025, 1, 31), "month") == date(2025, 1, 1)
    assert next_period(date(2024, 12, 1), "month") == date(2025, 1, 1)
    assert next_period(date(2025, 1, 27), "week") == date(2025, 2, 3)
    with pytest.raises(ValueError, match="period"):
        period_start(date(2025, 1, 1), "fortnight")


def test_a_milestone_slips_only_when_moved_later() -> None:
    state, goal = empty_growth(), {}
    grow(state, goal, record("Goal.MilestoneAdded", milestone_id="m", title="M", due="2025-02-01"))
    grow(state, goal, record("Goal.MilestoneRescheduled", 2, milestone_id="m", due="2025-01-20"))
    assert state["milestones"] == {"planned": 1, "met": 0, "dropped": 0, "slipped": 0}
    grow(state, goal, record("Goal.MilestoneRescheduled", 3, milestone_id="m", due="2025-03-01"))
    grow(state, goal, record("Goal.MilestoneRescheduled", 4, milestone_id="m", due="2025-04-01"))
    grow(state, goal, record("Goal.MilestoneCompleted", 5, milestone_id="m"))
    assert state["milestones"] == {"planned": 0, "met": 1, "dropped": 0, "slipped": 1}
    assert goal["milestones"]["m"] == {
        "title": "M",
        "due": "2025-04-01",
        "state": "met",
        "slipped": True,
    }


def test_goals_are_counted_by_their_current_status() -> None:
    state, goal = empty_growth(), {}
    for event in ("Goal.Drafted", "Goal.Activated", "Goal.Deferred", "Goal.Reopened"):
        grow(state, goal, record(event))
    assert state["goals"] == {"draft": 0, "active": 1, "achieved": 0, "abandoned": 0, "deferred": 0}


def test_timeline_says_what_changed_and_about_which_goal(
    memory_app: TrackerApplication, clock: ManualClock
) -> None:
    goal = story(memory_app, clock)
    store = projected(memory_app)
    entries = timeline_for(store, ADA, kinds=["milestone"])["entries"]
    assert [e["what"] for e in entries] == [
        "added the milestone \u201cDesign\u201d to \u201cShip it\u201d",
        "moved the milestone \u201cDesign\u201d of \u201cShip it\u201d",
        "moved the milestone \u201cDesign\u201d of \u201cShip it\u201d",
    ]
    assert {e["subject"]["id"] for e in entries} == {goal}
    assert [e["reason"] for e in entries] == [None, "early", "late"]
    note = timeline_for(store, ADA, kinds=["note"])["entries"]
    assert [(n["private"], n["data"]["text"]) for n in note] == [(False, "Shared thoughts")]


def test_growth_fills_quiet_weeks_and_counts_what_happened_in_each(
    memory_app: TrackerApplication, clock: ManualClock
) -> None:
    story(memory_app, clock)
    points = growth_for(projected(memory_app), ADA, "week")["points"]
    starts = [p["period_start"] for p in points]
    assert starts[0] == "2025-01-06"
    assert len(starts) == 11
    assert starts[-1] == "2025-03-17"
    assert [p["milestones"]["slipped"] for p in points][:6] == [0, 0, 0, 0, 0, 1]
    assert [p["checkins_held_in_period"] for p in points][-1] == 1
    assert sum(p["checkins_held_in_period"] for p in points) == 1
    assert points[0]["goals"] == {
        "draft": 1,
        "active": 0,
        "achieved": 0,
        "abandoned": 0,
        "deferred": 0,
    }
    # A Saturday: its week, from Monday 24 February, is included.
    later = growth_for(projected(memory_app), ADA, "week", since=date(2025, 3, 1))["points"]
    assert later == points[-4:]


def test_growth_of_a_mentee_without_a_plan_is_empty() -> None:
    assert growth_for(MemoryViewStore("timeline"), "nobody", "month")["points"] == []


def test_events_of_unknown_streams_are_left_out() -> None:
    store = MemoryViewStore("timeline")
    projection = TimelineProjection(view=store)
    store.apply(Tracking("tracker", 1), lambda tx: projection.process(record("Goal.Activated"), tx))
    assert store.documents() == []
    assert store.max_tracking_id("tracker") == 1


@settings(max_examples=15, deadline=None)
@given(page_size=st.integers(min_value=1, max_value=20))
def test_any_page_size_builds_the_same_view(page_size: int) -> None:
    clock = ManualClock(AT)
    app = TrackerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)
    story(app, clock)
    assert projected(app, page_size).digest() == projected(app).digest()
