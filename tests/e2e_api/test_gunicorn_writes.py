"""Many writers through gunicorn with several workers on one database (a SQLite file, and
PostgreSQL): writes to different goals all succeed and none is lost; two writers racing on
the same goal from the same version: exactly one wins, the other is told, none gets a 500."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.e2e_api.client import Answer, call
from tests.e2e_api.conftest import Server, issue_tokens, serving
from tracker.application import build_application
from tracker.settings import Settings

pytestmark = pytest.mark.slow

WORKERS = 3
MENTEE = "ada"
GOALS = 6  # one writer thread per goal
REVISIONS = 8  # per goal, each from the version the writer last got back
RACES = 5
DEADLINE = 90.0  # seconds for all writers together


@pytest.fixture
def server(database_url: str, tmp_path: Path, token: str) -> Iterator[Server]:
    # After the token: its tables exist before three workers start (on PostgreSQL, workers
    # and another process creating the same tables at once race on the catalog).
    with serving(database_url, tmp_path, workers=WORKERS) as running:
        yield running


@pytest.fixture
def token(database_url: str) -> str:
    """The mentee's bearer token."""
    return issue_tokens(database_url, MENTEE)[MENTEE]


def ok(answer: Answer) -> dict[str, object]:
    assert 200 <= answer.status < 300, (answer.status, answer.body[:500])
    data: dict[str, object] = answer.json()
    return data


def as_mentee(server: Server, token: str, method: str, path: str, body: object = None,
              **headers: str) -> Answer:  # fmt: skip
    return call(server.api, method, path, body, token=token, headers=headers)


def draft_goals(server: Server, token: str, count: int) -> list[str]:
    ok(as_mentee(server, token, "POST", "/plans", {"mentee_id": MENTEE}))
    goal = {"kind": "smarty", "title": "Lead a team", "measurable": "Version 0"}
    path = f"/plans/{MENTEE}/goals"
    return [str(ok(as_mentee(server, token, "POST", path, goal))["id"]) for _ in range(count)]


def revise(server: Server, token: str, goal_id: str, version: int, text: str) -> Answer:
    body = {"changes": {"measurable": text}, "reason": "Sharper measure"}
    path = f"/goals/{goal_id}/revisions"
    return as_mentee(server, token, "POST", path, body, **{"If-Match": f'"{version}"'})


def goal_version(server: Server, token: str, goal_id: str) -> int:
    return int(ok(as_mentee(server, token, "GET", f"/goals/{goal_id}"))["version"])


def revise_many(server: Server, token: str, goal_id: str) -> list[int]:
    """One writer: REVISIONS revisions of its own goal, each from the last version."""
    version, statuses = 1, []
    for n in range(1, REVISIONS + 1):
        answer = revise(server, token, goal_id, version, f"Version {n}")
        statuses.append(answer.status)
        if answer.status == 200:
            version = int(answer.json()["version"])
    return statuses


def revised_events(database_url: str) -> Counter[str]:
    """How many Goal.Revised events each goal has in the store, read directly."""
    app = build_application(Settings(database_url=database_url))
    try:
        notifications = app.recorder.select_notifications(start=1, limit=100_000)
        return Counter(
            str(n.originator_id) for n in notifications if n.topic.endswith("Goal.Revised")
        )
    finally:
        app.close()


def test_writers_of_different_goals_all_succeed_and_nothing_is_lost(
    server: Server, token: str, database_url: str
) -> None:
    goals = draft_goals(server, token, GOALS)

    with ThreadPoolExecutor(max_workers=GOALS) as pool:
        futures = [pool.submit(revise_many, server, token, goal_id) for goal_id in goals]
        statuses = [future.result(timeout=DEADLINE) for future in futures]

    assert statuses == [[200] * REVISIONS] * GOALS
    versions = [goal_version(server, token, goal_id) for goal_id in goals]
    assert versions == [1 + REVISIONS] * GOALS
    assert revised_events(database_url) == dict.fromkeys(goals, REVISIONS)


def race_once(server: Server, token: str, goal_id: str, version: int) -> list[int]:
    """Two writers revise the goal from the same version at the same moment."""
    start = threading.Barrier(2, timeout=10)

    def writer(name: str) -> int:
        start.wait()
        return revise(server, token, goal_id, version, f"{name} at {version}").status

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(writer, name) for name in ("first", "second")]
        return sorted(future.result(timeout=30) for future in futures)


def test_two_writers_of_one_goal_from_one_version_exactly_one_wins(
    server: Server, token: str, database_url: str
) -> None:
    (goal_id,) = draft_goals(server, token, 1)

    outcomes = [race_once(server, token, goal_id, v) for v in range(1, RACES + 1)]

    for statuses in outcomes:
        assert statuses[0] == 200, outcomes  # sorted: the winner's 200 comes first
        assert statuses[1] in (409, 412), outcomes
    assert goal_version(server, token, goal_id) == 1 + RACES
    assert revised_events(database_url) == {goal_id: RACES}
