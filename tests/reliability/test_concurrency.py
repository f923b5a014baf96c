"""Many people revise ONE goal at the same moment, through gunicorn with three workers.

Six processes each want to make a few revisions. Each reads the goal, sends its revision
with the version it read (If-Match) and, when told it lost (409 or 412), reads again and
retries, a bounded number of times. Afterwards the number of successful revisions equals
the number of `Goal.Revised` events, each success got a version of its own, and every
other answer was a 409 or a 412: none a 5xx. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from tests.reliability.conftest import issue_tokens, open_app
from tests.reliability.racers import revise_one_goal
from tests.reliability.servers import Server

MENTEE = "ada"
PROCESSES = 6


def race(url: str, token: str, goal_id: str) -> list[tuple[int, int | None]]:
    """Start the writers together in processes of their own; every answer they got."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    writers = [
        context.Process(target=revise_one_goal, args=(url, token, goal_id, n, barrier, results))
        for n in range(PROCESSES)
    ]
    for writer in writers:
        writer.start()
    answers = [answer for _ in writers for answer in results.get(timeout=120)]
    for writer in writers:
        writer.join(10)
    return answers


@pytest.fixture
def served_goal(database_url: str, tmp_path: Path) -> Iterator[tuple[Server, str, str]]:
    """A goal of Ada's in the store, the server on it, and Ada's token."""
    app = open_app(database_url)
    try:
        token = issue_tokens(app, [MENTEE])[MENTEE]
        app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
        fields = {"title": "Lead a team"}
        goal_id = app.draft_goal(MENTEE, kind="smarty", fields=fields, actor_id=MENTEE).id
    finally:
        app.close()
    server = Server.start(database_url, tmp_path, workers=3)
    yield server, token, goal_id
    server.kill()  # its shutdown is not under test here, and a graceful one takes seconds


@pytest.mark.slow
def test_racing_revisions_are_each_counted_once_and_losers_are_told(
    served_goal: tuple[Server, str, str], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    server, token, goal_id = served_goal
    answers = race(server.url, token, goal_id)

    statuses = Counter(status for status, _ in answers)
    won = [version for status, version in answers if status == 200]
    assert set(statuses) <= {200, 409, 412}, f"{statuses}\n{server.running.output()[-3000:]}"
    assert statuses[409] + statuses[412] > 0, "the writers never met: no race was tested"
    assert len(won) == len(set(won)), "two writers were told they made the same version"
    app = open_app(database_url)
    try:
        events = app.recorder.select_events(UUID(goal_id))
        revised = [e for e in events if e.topic.endswith("Goal.Revised")]
        assert len(revised) == len(won)
        assert sorted(won) == [e.originator_version for e in revised]
    finally:
        app.close()
    with capsys.disabled():
        print(
            f"\nconcurrency: {len(won)} revisions won, {statuses[409]} x 409, {statuses[412]} x 412"
        )
