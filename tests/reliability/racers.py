"""The writers of tests/reliability/test_concurrency.py, in a module of their own.

Each writer runs in a spawned process, which imports the module of its target: this one
imports only the HTTP client, where the test module imports the whole application (seconds
for each of six processes on a busy machine, before the race can begin).
"""

from __future__ import annotations

from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from tests.reliability.servers import Client

REVISIONS_EACH = 4
RETRIES = 12  # per revision: with six writers, a loser usually wins within a few tries


def revise_one_goal(
    url: str, token: str, goal_id: str, writer: int, barrier: Barrier, results: Queue[Any]
) -> None:
    """One writer: put (status, version if it won) for every attempt it made on `results`."""
    answers: list[tuple[int, int | None]] = []
    try:
        barrier.wait(60)
        write(Client(url, token, timeout=30), f"/api/v1/goals/{goal_id}", writer, answers)
    except Exception as error:  # the test reports it; a silent child would only time out
        answers.append((-1, None))
        print(f"writer {writer} failed: {error!r}", flush=True)
    results.put(answers)


def write(client: Client, goal: str, writer: int, answers: list[tuple[int, int | None]]) -> None:
    """Make REVISIONS_EACH revisions, each retried on 409/412 up to RETRIES times."""
    for revision in range(REVISIONS_EACH):
        for attempt in range(RETRIES):
            status, headers, _ = client.call("GET", goal)
            if status != 200:
                answers.append((status, None))
                continue
            change = {"title": f"Title from writer {writer}, {revision}.{attempt}"}
            body = {"changes": change, "reason": f"Writer {writer} sees it so"}
            status, _, receipt = client.call(
                "POST", f"{goal}/revisions", body, **{"If-Match": headers["etag"]}
            )
            answers.append((status, receipt["version"] if status == 200 else None))
            if status not in (409, 412):
                break
