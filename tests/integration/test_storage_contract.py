"""The storage contract: the same tests on a SQLite file and on real PostgreSQL.

Plans and goals are revised for years, so a long goal must load (through its snapshot) as it
was written, at any past version, with its dates and enums intact, stored as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification

from domain import Goal
from domain.values import CheckInStatus, FeedbackSource, GoalKind, GoalStatus
from tests.stories import mentorship_with_check_in
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.services.data import goal_data

OpenTracker = Callable[[], TrackerApplication]
MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
REVISIONS = 55  # beyond the snapshot interval of 50
SMARTY = {
    "title": "Lead a team",
    "specific": "Lead the payments team",
    "measurable": "Two releases shipped",
    "target_date": date(2025, 12, 31),
    "stretch": True,
}


@dataclass
class LongGoal:
    """A goal revised many times, and the title it had at each version."""

    id: str
    titles: dict[int, str]


def write_long_goal(app: TrackerApplication, clock: ManualClock) -> LongGoal:
    """Draft, activate and revise a goal weekly for over a year (57 events)."""
    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    goal_id = app.draft_goal(MENTEE, kind="smarty", fields=SMARTY, actor_id=MENTEE).id
    titles = {1: "Lead a team"}
    receipt = app.activate_goal(goal_id, actor_id=MENTEE, expected_version=1)
    titles[2] = "Lead a team"
    for n in range(1, REVISIONS + 1):
        clock.advance(days=7)
        title = f"Lead a team, revision {n}"
        receipt = app.revise_goal(
            goal_id,
            changes={"title": title},
            reason=f"Week {n} taught me something",
            actor_id=MENTEE,
            expected_version=receipt.version,
        )
        titles[receipt.version] = title
    return LongGoal(goal_id, titles)


def all_notifications(app: TrackerApplication) -> list[Notification]:
    head = app.recorder.max_notification_id() or 0
    return list(app.recorder.select_notifications(start=1, limit=head + 10))


def replay_without_snapshots(app: TrackerApplication, goal_id: str) -> Goal:
    goal: Any = None
    events: list[Any] = list(app.events.get(UUID(goal_id)))
    for event in events:
        goal = event.mutate(goal)
    assert isinstance(goal, Goal)
    return goal


# Long-lived aggregates ------------------------------------------------------------------------
def test_a_goal_with_many_revisions_loads_through_its_snapshot(
    open_tracker: OpenTracker, clock: ManualClock
) -> None:
    writer = open_tracker()
    goal = write_long_goal(writer, clock)

    assert writer.snapshots is not None
    snapshots = list(writer.snapshots.get(UUID(goal.id)))
    assert [s.originator_version for s in snapshots] == [50]

    reader = open_tracker()
    loaded = reader.get_goal(goal.id)
    assert loaded["version"] == REVISIONS + 2
    assert loaded["title"] == goal.titles[REVISIONS + 2]
    assert loaded["status"] == "active"
    assert loaded == goal_data(replay_without_snapshots(reader, goal.id))


def test_a_past_version_reads_as_it_was_before_and_after_the_snapshot(
    open_tracker: OpenTracker, clock: ManualClock
) -> None:
    goal = write_long_goal(open_tracker(), clock)
    reader = open_tracker()
    for version in (1, 2, 10, 49, 50, 51, 56, REVISIONS + 2):
        past = reader.get_goal(goal.id, version=version)
        assert (past["version"], past["title"]) == (version, goal.titles[version])
    assert reader.get_goal(goal.id, version=1)["status"] == "draft"


def test_dates_and_enums_come_back_as_dates_and_enums_from_events_and_snapshots(
    open_tracker: OpenTracker, clock: ManualClock
) -> None:
    writer = open_tracker()
    goal = write_long_goal(writer, clock)
    writer.add_milestone(
        goal.id, title="Shadow", due=date(2026, 3, 1), skills=["hiring"], actor_id=MENTEE
    )
    writer.give_feedback(goal.id, text="Delegate more", source="mentor", actor_id=MENTOR)
    reader = open_tracker()

    events: list[Any] = list(reader.events.get(UUID(goal.id)))
    drafted, *_, added, feedback = events
    assert drafted.kind is GoalKind.SMARTY
    assert type(drafted.fields["target_date"]) is date
    assert drafted.fields["stretch"] is True
    assert type(added.due) is date
    assert feedback.source is FeedbackSource.MENTOR
    assert feedback.timestamp == clock.now
    assert feedback.timestamp.tzinfo is not None

    assert reader.snapshots is not None
    snapshots: list[Any] = list(reader.snapshots.get(UUID(goal.id)))
    (snapshot,) = snapshots
    state = snapshot.state
    assert state["kind"] is GoalKind.SMARTY
    assert state["status"] is GoalStatus.ACTIVE
    assert type(state["fields"]["target_date"]) is date
    assert type(snapshot.timestamp) is datetime

    loaded = reader.load(Goal, goal.id)
    assert (loaded.kind, loaded.status) == (GoalKind.SMARTY, GoalStatus.ACTIVE)
    assert loaded.target_date == date(2025, 12, 31)
    (milestone,) = loaded.milestones.values()
    assert (type(milestone["due"]), milestone["due"]) == (date, date(2026, 3, 1))
    assert loaded.feedback[0]["source"] is FeedbackSource.MENTOR
    assert loaded.feedback[0]["at"] == clock.now


def test_a_check_in_keeps_its_dates_and_status(open_tracker: OpenTracker) -> None:
    writer = open_tracker()
    mentorship_id, check_in_id = mentorship_with_check_in(writer)
    writer.hold_check_in(check_in_id, held_on=date(2025, 2, 4), actor_id=MENTOR)

    check_in = open_tracker().get_check_in(check_in_id, viewer_id=MENTEE)
    assert (check_in["scheduled_for"], check_in["held_on"]) == (date(2025, 2, 3), date(2025, 2, 4))
    assert check_in["status"] == CheckInStatus.HELD.value
    assert check_in["mentorship_id"] == mentorship_id


# The notification log -------------------------------------------------------------------------
def write_a_month(app: TrackerApplication, clock: ManualClock) -> dict[str, str]:
    """A little of everything: plan, goal, proposal, mentorship, check-in; returns their ids."""
    mentorship_id, check_in_id = mentorship_with_check_in(app)
    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    app.edit_plan_section(
        MENTEE,
        section="vision_statement",
        fields={"statement": "Teach"},
        reason=None,
        actor_id=MENTEE,
    )
    goal_id = app.draft_goal(MENTEE, kind="smarty", fields=SMARTY, actor_id=MENTEE).id
    clock.advance(days=3)
    proposal_id = app.propose_goal_revision(
        goal_id, changes={"achievable": "With a coach"}, rationale="Get help", actor_id=MENTOR
    ).id
    app.accept_proposal(proposal_id, reason="Yes", actor_id=MENTEE)
    app.write_note(check_in_id, text="Nervous", private=True, actor_id=MENTEE)
    app.reflect(MENTEE, text="A good month", private=True, actor_id=MENTEE)
    return {
        "goal": goal_id,
        "proposal": proposal_id,
        "mentorship": mentorship_id,
        "check_in": check_in_id,
    }


def test_the_notification_log_holds_every_event_in_order_without_gaps(
    open_tracker: OpenTracker, clock: ManualClock
) -> None:
    app = open_tracker()
    ids = write_a_month(app, clock)
    last = app.revise_goal(
        ids["goal"], changes={"title": "Last"}, reason="Month end", actor_id=MENTEE
    )

    notifications = all_notifications(app)
    assert [n.id for n in notifications] == list(range(1, 13))
    assert notifications[-1].id == last.position
    assert [n.topic.rsplit(".", 1)[-1] for n in notifications[6:9]] == [
        "Made",
        "Accepted",
        "Revised",
    ]
    # Within each aggregate, versions run 1, 2, 3, ... in log order.
    versions: dict[str, list[int]] = {}
    for n in notifications:
        versions.setdefault(str(n.originator_id), []).append(n.originator_version)
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
    assert len(versions[ids["goal"]]) == 3


def test_a_fresh_instance_on_the_same_database_reads_the_same_state(
    open_tracker: OpenTracker, clock: ManualClock
) -> None:
    writer = open_tracker()
    ids = write_a_month(writer, clock)
    reader = open_tracker()

    queries: list[Callable[[TrackerApplication], dict[str, Any]]] = [
        lambda app: app.get_goal(ids["goal"]),
        lambda app: app.get_proposal(ids["proposal"]),
        lambda app: app.get_mentorship(ids["mentorship"]),
        lambda app: app.get_check_in(ids["check_in"], viewer_id=MENTEE),
        lambda app: app.get_plan(MENTEE, viewer_id=MENTEE),
    ]
    for query in queries:
        assert query(reader) == query(writer)
    assert reader.get_goal(ids["goal"])["achievable"] == "With a coach"
    assert [n.id for n in all_notifications(reader)] == [n.id for n in all_notifications(writer)]


def test_nothing_is_pickled_every_stored_state_is_json(
    open_tracker: OpenTracker, clock: ManualClock
) -> None:
    app = open_tracker()
    write_a_month(app, clock)
    goal = write_long_goal_for(app, clock)

    for notification in all_notifications(app):
        assert not notification.state.startswith(b"\x80"), "a pickle is in the store"
        assert isinstance(json.loads(notification.state.decode("utf-8")), dict)

    assert app.snapshots is not None
    (stored_snapshot,) = app.snapshots.recorder.select_events(UUID(goal))
    snapshot_state = json.loads(stored_snapshot.state.decode("utf-8"))
    assert snapshot_state["state"]["kind"] == {"_type_": "GoalKind", "_data_": "smarty"}
    assert snapshot_state["state"]["fields"]["target_date"] == {
        "_type_": "date_iso",
        "_data_": "2025-12-31",
    }


def write_long_goal_for(app: TrackerApplication, clock: ManualClock) -> str:
    """A second goal, revised past the snapshot interval, in a plan that already exists."""
    goal_id = app.draft_goal(MENTEE, kind="smarty", fields=SMARTY, actor_id=MENTEE).id
    for n in range(REVISIONS):
        clock.advance(days=7)
        app.revise_goal(goal_id, changes={"title": f"Take {n}"}, reason="Again", actor_id=MENTEE)
    return goal_id
