"""A snapshot due at the version a write just saved is taken of the aggregate in hand
(UseCases._take_snapshots), not of one loaded again, and decodes as its events replay."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain import Goal
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

MENTEE = "mentee-ada"
INTERVAL = 4


@pytest.fixture
def app(clock: ManualClock) -> TrackerApplication:
    return TrackerApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock, snapshot_interval=INTERVAL
    )


def state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def replayed(app: TrackerApplication, aggregate_id: UUID, version: int) -> Any:
    aggregate: Any = None
    events: list[Any] = list(app.events.get(aggregate_id, lte=version))
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


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
