"""Crash test: kill -9 the web server and the projector at random moments under write load.

Three mentees write (reflections and goal revisions) through gunicorn while `tracker
project` follows the log. In each round the projector and then the whole server (master
and workers) get SIGKILL at random moments; a write in flight then has no answer. After
the rounds the server and the projector start again, and:

- every write that got a 2xx is in the store: its event at the version and position the
  receipt named, its reflection in the plan;
- every view equals a rebuild from zero (same digest), once the restarted projector caught
  up by itself;
- the event log and the feed hold each event once, in order.

On SQLite and on PostgreSQL; the seed of the random moments is printed to replay a run.
"""

from __future__ import annotations

import http.client
import itertools
import json
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from projections.store import ViewDatabase
from tests.reliability.conftest import issue_tokens, open_app, rebuilt_digests, stored_digests
from tests.reliability.servers import Client, Server, logs_on_failure, start_projector
from tracker.accounts import Accounts
from tracker.application import TrackerApplication
from tracker.projecting import Projections
from tracker.settings import Settings, storage_env

ROUNDS = 3
MENTEES = ("ada", "bo", "cy")
WRITE_SECONDS = (0.2, 1.0)  # how long writes go on after the projector died
CATCH_UP_SECONDS = 30


@dataclass(frozen=True)
class Receipt:
    """A write the server acknowledged with a 2xx: what it says was written, and where."""

    mentee: str
    record_id: str
    version: int
    position: int
    reflection_id: str | None = None


@dataclass(eq=False)  # a thread is hashed by identity
class Writer(threading.Thread):
    """One mentee writing through HTTP until told to stop or the server is gone."""

    url: str
    token: str
    mentee: str
    goal_id: str
    stop: threading.Event
    receipts: list[Receipt] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(daemon=True)

    def run(self) -> None:
        client = Client(self.url, self.token, timeout=10)
        goal = f"/api/v1/goals/{self.goal_id}"
        try:
            version = client.call("GET", goal)[1]["etag"]
            for n in itertools.count():
                if self.stop.is_set():
                    return
                if n % 2:
                    body = {"text": f"{self.mentee} reflects, {n}", "private": False}
                    status, _, answer = client.call("POST", f"{self.plan}/reflections", body)
                else:
                    body = {"changes": {"title": f"Take {n}"}, "reason": "Again"}
                    status, headers, answer = client.call(
                        "POST", f"{goal}/revisions", body, **{"If-Match": version}
                    )
                    version = headers.get("etag") or client.call("GET", goal)[1]["etag"]
                self.keep(status, answer)
        except (OSError, http.client.HTTPException):
            return  # the server was killed: whatever was in flight got no answer

    @property
    def plan(self) -> str:
        return f"/api/v1/plans/{self.mentee}"

    def keep(self, status: int, answer: Any) -> None:
        """Remember a 2xx answer's receipt: the record, its version and log position."""
        if 200 <= status < 300:
            self.receipts.append(
                Receipt(
                    self.mentee,
                    str(answer["id"]),
                    int(answer["version"]),
                    int(answer["position"]),
                    answer.get("item_id"),
                )
            )


def seeded_store(database_url: str) -> tuple[dict[str, str], dict[str, str], str]:
    """Each mentee's plan and goal, tokens to write with, and a token to read the feed."""
    app = open_app(database_url)
    try:
        tokens = issue_tokens(app, MENTEES)
        goals = {}
        for mentee in MENTEES:
            app.start_plan(mentee_id=mentee, actor_id=mentee)
            goals[mentee] = app.draft_goal(
                mentee, kind="smarty", fields={"title": "Grow"}, actor_id=mentee
            ).id
        accounts = Accounts.for_application(app)
        accounts.create_account(
            "auditor", display_name="Auditor", email="audit@example.org", password=None
        )
        reader = accounts.issue_token("auditor", scopes=["read:events"], name="feed").secret
    finally:
        app.close()
    return tokens, goals, reader


def crash_round(
    database_url: str,
    directory: Path,
    chance: random.Random,
    tokens: dict[str, str],
    goals: dict[str, str],
) -> tuple[list[Receipt], str]:
    """One round: project, serve and write; kill -9 the projector at a random moment while
    it follows the writes, then the server (master and workers) a random while later."""
    before = projected_position(database_url)
    projector = start_projector(database_url, directory)
    stop, writers = threading.Event(), []
    server = None
    try:
        with logs_on_failure(projector):
            server = Server.start(database_url, directory, workers=2)
            writers = [Writer(server.url, tokens[m], m, goals[m], stop) for m in MENTEES]
            for writer in writers:
                writer.start()
            wait_for_projector(database_url, before)
        time.sleep(chance.uniform(0.0, 0.5))
        projector.kill()
        projected = projected_position(database_url)
        writing = chance.uniform(*WRITE_SECONDS)
        time.sleep(writing)
    finally:
        projector.kill()
        if server is not None:
            server.kill()
        stop.set()
    for writer in writers:
        writer.join(15)
    receipts = [receipt for writer in writers for receipt in writer.receipts]
    note = (
        f"{len(receipts)} writes acknowledged, projector killed at position {projected}, "
        f"server {writing:.2f} s later"
    )
    return receipts, note


def wait_for_projector(database_url: str, before: int) -> None:
    """Until the projector has committed something new: it is following the writes."""
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while projected_position(database_url) <= before:
        assert time.monotonic() < deadline, "the projector never started projecting"
        time.sleep(0.05)


def projected_position(database_url: str) -> int:
    """Where the timeline view stands (the killed projector's last commit)."""
    views = ViewDatabase(storage_env(database_url))
    try:
        return views.store("timeline").max_tracking_id("tracker") or 0
    finally:
        views.close()


def wait_until_projected(app: TrackerApplication, database_url: str) -> None:
    """The restarted projector, on its own, brings every view up to the head of the log."""
    projections = Projections(app, Settings(database_url=database_url))
    try:
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while any(status.lag for status in projections.status()):
            assert time.monotonic() < deadline, "the restarted projector did not catch up"
            time.sleep(0.2)
    finally:
        projections.close()


def assert_acknowledged_writes_kept(app: TrackerApplication, receipts: list[Receipt]) -> None:
    for receipt in receipts:
        stored = app.recorder.select_events(
            UUID(receipt.record_id), gt=receipt.version - 1, lte=receipt.version
        )
        assert len(stored) == 1, f"acknowledged write lost: {receipt}"
        (at_position,) = app.recorder.select_notifications(start=receipt.position, limit=1)
        assert (str(at_position.originator_id), at_position.originator_version) == (
            receipt.record_id,
            receipt.version,
        )
    for mentee in MENTEES:
        plan = json.dumps(app.get_plan(mentee, viewer_id=mentee), default=str)
        for receipt in receipts:
            if receipt.mentee == mentee and receipt.reflection_id:
                assert receipt.reflection_id in plan, f"reflection lost: {receipt}"


def assert_log_and_feed_hold_each_event_once(app: TrackerApplication, url: str, reader: str) -> int:
    head = app.recorder.max_notification_id() or 0
    log = app.recorder.select_notifications(start=1, limit=head + 1)
    positions = [n.id for n in log]
    assert positions == sorted(set(positions))
    assert len({(n.originator_id, n.originator_version) for n in log}) == len(log)
    client, after, seen = Client(url, reader), 0, []
    while True:
        status, _, page = client.call(
            "GET", f"/api/v1/events?after={after}&limit=500", Accept="application/json"
        )
        assert status == 200, page
        seen += [event["id"] for event in page["events"]]
        if not page["events"]:
            break
        after = page["next_after"]
    assert len(seen) == len(set(seen)) == len(log), "the feed repeats or misses events"
    return len(log)


@pytest.mark.slow
def test_nothing_acknowledged_is_lost_and_views_equal_a_rebuild_after_kill_9(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = random.randrange(2**32)
    print(f"the random moments' seed: {seed}")  # shown with a failure's captured output
    chance = random.Random(seed)
    tokens, goals, reader = seeded_store(database_url)
    receipts: list[Receipt] = []
    notes = []
    for _ in range(ROUNDS):
        acknowledged, note = crash_round(database_url, tmp_path, chance, tokens, goals)
        receipts += acknowledged
        notes.append(note)
    assert receipts, "no write was acknowledged: the load never ran"

    server = Server.start(database_url, tmp_path, workers=2)
    projector = start_projector(database_url, tmp_path)
    app = open_app(database_url)
    # The processes are stopped whatever happens (none outlives the test), and a failure
    # shows how they ended and the end of their logs.
    try:
        with logs_on_failure(server, projector):
            wait_until_projected(app, database_url)
            assert_acknowledged_writes_kept(app, receipts)
            assert stored_digests(app, database_url) == rebuilt_digests(app)
            events = assert_log_and_feed_hold_each_event_once(app, server.url, reader)
    finally:
        app.close()
        projector.kill()  # their shutdown is not under test, and graceful ones take seconds
        server.kill()
    with capsys.disabled():
        print(
            f"\ncrash (seed {seed}): {ROUNDS} rounds survived, {len(receipts)} acknowledged "
            f"writes checked, {events} events; " + "; ".join(notes)
        )
