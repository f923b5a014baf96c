"""Plans and check-ins load through their snapshots exactly as their events replay; a
snapshot due at the version a write just saved is of the aggregate in hand (a goal here).

Goals are checked on SQLite and PostgreSQL in tests/integration/test_storage_contract.py;
here the other snapshotted aggregates, on in-memory storage, which encodes snapshots with the
same JSON transcoder (so dates and enums nested in options, supporters, action items and
answers must come back as dates and enums).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain import CheckIn, Goal, Plan, plan_id_for
from domain.values import CheckInStatus, OptionStatus, SupportKind
from tests.stories import mentorship_with_check_in
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
INTERVAL = 3


@pytest.fixture
def app(clock: ManualClock) -> TrackerApplication:
    return TrackerApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock, snapshot_interval=INTERVAL
    )


def replayed(app: TrackerApplication, aggregate_id: UUID, version: int | None = None) -> Any:
    """The aggregate rebuilt from its events (up to `version`), no snapshot."""
    aggregate: Any = None
    events: list[Any] = list(app.events.get(aggregate_id, lte=version))
    for stored in events:
        aggregate = stored.mutate(aggregate)
    return aggregate


def from_snapshot(app: TrackerApplication, aggregate_id: UUID, version: int) -> Any:
    """The aggregate as its stored snapshot at `version` decodes, no event."""
    assert app.snapshots is not None
    snapshots: list[Any] = list(app.snapshots.get(aggregate_id, gt=version - 1, lte=version))
    (snapshot,) = snapshots
    return snapshot.mutate(None)


def state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def snapshot_versions(app: TrackerApplication, aggregate_id: UUID) -> list[int]:
    assert app.snapshots is not None
    return [s.originator_version for s in app.snapshots.get(aggregate_id)]


def test_a_plan_loads_through_its_snapshot_as_its_events_replay(
    app: TrackerApplication, clock: ManualClock
) -> None:
    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    app.edit_plan_section(
        MENTEE,
        section="vision_statement",
        fields={"statement": "Teach"},
        reason=None,
        actor_id=MENTEE,
    )
    option_id = app.add_option(
        MENTEE, title="Data engineering", description=None, actor_id=MENTEE
    ).created["item_id"]
    clock.advance(days=30)
    app.research_option(
        MENTEE, option_id, facts="Pays well", opinions=None, sources=None, actor_id=MENTEE
    )
    app.shortlist_option(MENTEE, option_id, actor_id=MENTEE)
    app.add_supporter(
        MENTEE,
        name="Priya",
        kind="person",
        brings="Pipelines",
        user_id="priya",
        actor_id=MENTEE,
    )
    app.reflect(MENTEE, text="A good month", private=True, actor_id=MENTEE)
    plan_id = plan_id_for(MENTEE)

    assert snapshot_versions(app, plan_id) == [3, 6]
    assert state(from_snapshot(app, plan_id, 6)) == state(replayed(app, plan_id, 6))
    loaded = app.load(Plan, plan_id)
    assert loaded.version == 7
    assert state(loaded) == state(replayed(app, plan_id))
    (option,) = loaded.options.values()
    assert option["status"] is OptionStatus.SHORTLISTED
    (supporter,) = loaded.support_network.values()
    assert supporter["kind"] is SupportKind.PERSON


def test_a_check_in_loads_through_its_snapshot_as_its_events_replay(
    app: TrackerApplication,
) -> None:
    _, check_in_id = mentorship_with_check_in(app)
    app.add_agenda_item(check_in_id, text="My first pipeline", actor_id=MENTEE)
    app.answer_four_questions(
        check_in_id, answers={"where_are_you_now": "Analyst"}, actor_id=MENTEE
    )
    app.hold_check_in(check_in_id, held_on=date(2025, 2, 4), actor_id=MENTOR)
    item_id = app.assign_action_item(
        check_in_id,
        text="Read the runbook",
        owner_id=MENTEE,
        due=date(2025, 2, 20),
        actor_id=MENTOR,
    ).created["item_id"]
    app.complete_action_item(check_in_id, item_id, actor_id=MENTEE)
    app.write_note(check_in_id, text="Nervous", private=True, actor_id=MENTEE)
    ident = UUID(check_in_id)

    assert snapshot_versions(app, ident) == [3, 6]
    assert state(from_snapshot(app, ident, 6)) == state(replayed(app, ident, 6))
    loaded = app.load(CheckIn, ident)
    assert loaded.version == 7
    assert state(loaded) == state(replayed(app, ident))
    assert loaded.status is CheckInStatus.HELD
    assert type(loaded.held_on) is date
    (item,) = loaded.action_items.values()
    assert (type(item["due"]), item["done"]) == (date, True)


# A snapshot due at the version a write just saved is taken of the aggregate in hand
# (UseCases._take_snapshots), not of one loaded again.
def test_the_snapshot_is_of_the_saved_aggregate_and_decodes_as_its_events_replay(
    app: TrackerApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    fields = {"title": "Lead", "specific": "The payments team"}
    goal_id = UUID(app.draft_goal(MENTEE, kind="smarty", fields=fields, actor_id=MENTEE).id)
    for n in range(2, INTERVAL):
        app.revise_goal(
            str(goal_id), changes={"measurable": f"{n} releases"}, reason="Counted", actor_id=MENTEE
        )
    loads: list[Any] = []
    get = app.repository.get

    def counted(*args: Any, **kwargs: Any) -> Any:
        loads.append(kwargs.get("version"))
        return get(*args, **kwargs)

    monkeypatch.setattr(app.repository, "get", counted)
    receipt = app.revise_goal(
        str(goal_id), changes={"title": "Lead well"}, reason="Clearer", actor_id=MENTEE
    )
    assert receipt.version == INTERVAL
    assert INTERVAL not in loads  # eventsourcing's own way loads version 4 to snapshot it
    assert app.snapshots is not None
    snapshots: list[Any] = list(app.snapshots.get(goal_id))
    (snapshot,) = snapshots
    assert snapshot.originator_version == INTERVAL
    from_snapshot = snapshot.mutate(None)
    assert isinstance(from_snapshot, Goal)
    assert state(from_snapshot) == state(replayed(app, goal_id, INTERVAL))
    monkeypatch.undo()
    assert state(app.repository.get(goal_id)) == state(replayed(app, goal_id, INTERVAL))
