"""`tracker project` and `tracker projections status|rebuild`, as an operator runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from projections.runner import ViewRunner
from projections.store import ViewDatabase
from projections.timeline import TimelineProjection
from tests.integration.projections.timeline_story import ADA, write_year
from tracker.application import TrackerApplication
from tracker.cli import main
from tracker.clock import ManualClock


def tracker(database_url: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["--database-url", database_url, *args])
    assert result.exit_code == 0, result.output
    return result.output


def fresh_digest(views: ViewDatabase, app: TrackerApplication) -> str:
    runner = ViewRunner(TimelineProjection(view=views.store("timeline_check")), app)
    runner.catch_up()
    return runner.store.digest()


def status_rows(output: str) -> dict[str, list[str]]:
    """The rows of the status table: view -> [position, head, lag, projector]."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("\u2502")[1:-1]]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def test_status_shows_position_head_and_lag(
    database_url: str, app: TrackerApplication, clock: ManualClock
) -> None:
    year = write_year(app, clock)
    head = str(year.last_position)
    before = status_rows(tracker(database_url, "projections", "status"))
    assert before["timeline"] == ["0", head, head, "-"]
    tracker(database_url, "projections", "rebuild")
    after = status_rows(tracker(database_url, "projections", "status"))
    assert after["timeline"] == [head, head, "0", "-"]
    assert all(row[2] == "0" for row in after.values())  # every view caught up


def test_rebuild_from_zero_gives_the_same_view(
    database_url: str, app: TrackerApplication, clock: ManualClock, views: ViewDatabase
) -> None:
    write_year(app, clock)
    store = views.store("timeline")
    assert "timeline: " in tracker(database_url, "projections", "rebuild", "timeline")
    first = store.digest()
    assert first == fresh_digest(views, app)
    tracker(database_url, "projections", "rebuild", "timeline")
    assert store.digest() == first


def test_rebuild_refuses_an_unknown_view(database_url: str) -> None:
    result = CliRunner().invoke(
        main, ["--database-url", database_url, "projections", "rebuild", "gossip"]
    )
    assert result.exit_code == 2
    assert "timeline" in result.output


@pytest.mark.slow
def test_a_killed_projector_resumes_with_nothing_lost_or_repeated(
    database_url: str,
    app: TrackerApplication,
    clock: ManualClock,
    views: ViewDatabase,
    tmp_path: Path,
) -> None:
    write_year(app, clock)
    for n in range(300):
        clock.advance(hours=1)
        app.reflect(ADA, text=f"Day {n}", private=n % 3 == 0, actor_id=ADA)
        app.edit_plan_section(
            ADA, section="vision_statement", fields={"statement": "word " * (n % 7 + 1)},
            reason=None, actor_id=ADA,
        )  # fmt: skip
    head = app.recorder.max_notification_id() or 0
    store = views.store("timeline")
    command = [sys.executable, "-m", "tracker.cli", "--database-url", database_url, "project"]
    process = subprocess.Popen(
        [*command, "--page-size", "5"],
        cwd=tmp_path,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    try:
        deadline = time.monotonic() + 30
        while (store.max_tracking_id(app.name) or 0) == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    killed_at = store.max_tracking_id(app.name) or 0
    assert 0 < killed_at < head, "the projector was not stopped mid-stream"
    # Restart: the next projector takes the lock the dead one held and resumes. On
    # PostgreSQL the lock goes with the dead process's backend, which may take a moment to
    # see its client gone: a projector retries (every standby_interval), so does this.
    restarted = ViewRunner(TimelineProjection(view=store), app)
    deadline = time.monotonic() + 10
    while (lock := store.try_lock()) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lock is not None, "the dead projector's lock was never freed"
    lock.release()
    assert restarted.catch_up() == head - killed_at
    assert store.digest() == fresh_digest(views, app)
