"""Two people at once, on SQLite and on PostgreSQL: one wins, the other is told; no lost writes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest

from tracker.application import TrackerApplication
from tracker.errors import Conflict
from tracker.services.base import Receipt

OpenTracker = Callable[[], TrackerApplication]
MENTEE = "mentee-ada"
THREADS = 4
WRITES_PER_THREAD = 10
SMARTY = {
    "title": "Lead a team",
    "specific": "Lead the payments team",
    "measurable": "Two releases shipped",
    "target_date": date(2025, 12, 31),
}


def log_length(app: TrackerApplication) -> int:
    """How many events are stored (counted: on PostgreSQL a refused write leaves an id gap)."""
    head = app.recorder.max_notification_id() or 0
    return len(app.recorder.select_notifications(start=1, limit=head + 1))


def goal_at_version_3(app: TrackerApplication) -> str:
    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    goal_id = app.draft_goal(MENTEE, kind="smarty", fields=SMARTY, actor_id=MENTEE).id
    app.activate_goal(goal_id, actor_id=MENTEE)
    app.revise_goal(goal_id, changes={"yours": "My choice"}, reason="Owned", actor_id=MENTEE)
    return goal_id


def revise_title(app: TrackerApplication, goal_id: str, title: str, version: int) -> Any:
    """Revise and return the receipt, or the Conflict the writer was told about."""
    try:
        return app.revise_goal(
            goal_id,
            changes={"title": title},
            reason=f"{title} fits better",
            actor_id=MENTEE,
            expected_version=version,
        )
    except Conflict as conflict:
        return conflict


def test_of_two_writers_racing_on_the_same_version_one_wins_and_one_is_told(
    open_tracker: OpenTracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    goal_id = goal_at_version_3(open_tracker())
    writers = [open_tracker(), open_tracker()]
    both_loaded = threading.Barrier(len(writers), timeout=20)
    for app in writers:
        # Hold each writer after it has loaded version 3, so both save on top of the same one.
        monkeypatch.setattr(app, "load", hold_after(app.load, both_loaded))
    before = log_length(writers[0])

    with ThreadPoolExecutor(max_workers=len(writers)) as pool:
        outcomes = list(
            pool.map(
                revise_title, writers, [goal_id] * 2, ["Lead two teams", "Lead a tribe"], [3, 3]
            )
        )

    receipts = [o for o in outcomes if isinstance(o, Receipt)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(receipts), len(conflicts)) == (1, 1), outcomes
    assert (conflicts[0].expected, conflicts[0].current) == (3, 4)
    assert "it is now at version 4" in conflicts[0].message
    assert log_length(writers[0]) == before + len(receipts)
    winner = ["Lead two teams", "Lead a tribe"][outcomes.index(receipts[0])]
    goal = open_tracker().get_goal(goal_id)
    assert (goal["version"], goal["title"]) == (4, winner)


def hold_after(load: Callable[..., Any], barrier: threading.Barrier) -> Callable[..., Any]:
    def load_then_wait(*args: Any, **kwargs: Any) -> Any:
        aggregate = load(*args, **kwargs)
        barrier.wait()
        return aggregate

    return load_then_wait


def test_a_writer_behind_another_instance_gets_a_conflict_and_writes_nothing(
    open_tracker: OpenTracker,
) -> None:
    goal_id = goal_at_version_3(open_tracker())
    first, second = open_tracker(), open_tracker()
    assert first.get_goal(goal_id)["version"] == second.get_goal(goal_id)["version"] == 3
    before = log_length(first)

    assert isinstance(revise_title(first, goal_id, "Lead two teams", 3), Receipt)
    late = revise_title(second, goal_id, "Lead a tribe", 3)

    assert isinstance(late, Conflict)
    assert (late.expected, late.current) == (3, 4)
    assert log_length(second) == before + 1
    assert second.get_goal(goal_id)["title"] == "Lead two teams"


def test_writers_on_different_goals_from_several_threads_all_succeed(
    open_tracker: OpenTracker,
) -> None:
    setup = open_tracker()
    setup.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    goal_ids = [
        setup.draft_goal(MENTEE, kind="smarty", fields=SMARTY, actor_id=MENTEE).id
        for _ in range(THREADS)
    ]
    writers = [open_tracker() for _ in goal_ids]
    before = log_length(setup)

    def revise_many(app: TrackerApplication, goal_id: str) -> list[Receipt]:
        receipts: list[Receipt] = []
        for n in range(WRITES_PER_THREAD):
            receipts.append(
                app.revise_goal(
                    goal_id,
                    changes={"title": f"Take {n}"},
                    reason="Another angle",
                    actor_id=MENTEE,
                    expected_version=n + 1,
                )
            )
        return receipts

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(revise_many, writers, goal_ids))

    positions = [r.position for receipts in results for r in receipts]
    assert len(set(positions)) == THREADS * WRITES_PER_THREAD
    assert log_length(setup) == before + THREADS * WRITES_PER_THREAD
    for goal_id in goal_ids:
        goal = setup.get_goal(goal_id)
        assert (goal["version"], goal["title"]) == (WRITES_PER_THREAD + 1, "Take 9")
