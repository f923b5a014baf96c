"""Backup and restore drill: back up while the app writes, restore elsewhere, compare.

A restored store must hold exactly the events of the source at the backup moment (a prefix
of the source's log, nothing torn), and every view in it must equal a rebuild from zero of
those events. Damaged or foreign files are refused with a clear message and nothing is
written; a store with events is replaced only with --force.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.reliability.conftest import (
    event_rows,
    issue_tokens,
    open_app,
    rebuilt_digests,
    stored_digests,
)
from tests.reliability.servers import Client, Server, logs_on_failure, tracker_command
from tests.reliability.test_crash import projected_position
from tracker.application import TrackerApplication
from tracker.backup import check_backup
from tracker.cli import main
from tracker.clock import ManualClock
from tracker.demo import load_demo
from tracker.projecting import Projections
from tracker.settings import Settings

ANA = "mentee-ana"


def tracker(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--database-url", database_url, *args])


def file_digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


class Writer(threading.Thread):
    """Ana keeps reflecting through an application of her own, as a web worker would."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self.database_url = database_url
        self.stop = threading.Event()
        self.written = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        app = open_app(self.database_url)
        try:
            while not self.stop.is_set():
                app.reflect(ANA, text=f"Day {self.written}", private=False, actor_id=ANA)
                self.written += 1
        except BaseException as error:  # reported by the test, not lost in the thread
            self.failure = error
        finally:
            app.close()

    def wait_for_writes(self, count: int) -> None:
        """Until `count` reflections are written (or the writer failed)."""
        while self.written < count and self.is_alive():
            self.join(0.01)

    def finish_after(self, more: int) -> None:
        """Let `more` reflections be written from now on, then stop the writer."""
        self.wait_for_writes(self.written + more)
        self.stop.set()
        self.join(30)


@pytest.fixture
def demo_store(sqlite_url: str, sqlite_app: TrackerApplication, clock: ManualClock) -> str:
    """A year of the demo in a SQLite store, its views projected (as `tracker serve` does)."""
    load_demo(sqlite_app, clock)
    projections = Projections(sqlite_app, Settings(database_url=sqlite_url))
    for name in projections.names:
        projections.rebuild(name)
    projections.close()
    return sqlite_url


@pytest.fixture
def small_store(sqlite_url: str, sqlite_app: TrackerApplication) -> str:
    """A store with a plan and a few dozen reflections: pages enough to damage."""
    sqlite_app.start_plan(mentee_id=ANA, actor_id=ANA)
    for day in range(60):
        sqlite_app.reflect(ANA, text=f"Day {day}: " + "notes " * 40, private=False, actor_id=ANA)
    return sqlite_url


def test_a_backup_taken_while_writing_restores_to_the_same_events_and_views(
    demo_store: str, sqlite_app: TrackerApplication, tmp_path: Path
) -> None:
    writer = Writer(demo_store)
    writer.start()
    writer.wait_for_writes(5)
    backed_up = tracker(demo_store, "backup", str(tmp_path / "backups" / "tracker.backup"))
    writer.finish_after(5)
    assert writer.failure is None
    assert backed_up.exit_code == 0, backed_up.output
    assert "integrity ok" in backed_up.output

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    restored = tracker(restored_url, "restore", str(tmp_path / "backups" / "tracker.backup"))
    assert restored.exit_code == 0, restored.output

    restored_app = open_app(restored_url)
    try:
        moment = restored_app.recorder.max_notification_id() or 0
        # The source went on writing after the backup: the backup is a prefix of its log.
        assert moment < (sqlite_app.recorder.max_notification_id() or 0)
        assert event_rows(restored_app) == event_rows(sqlite_app, upto=moment)
        expected = rebuilt_digests(sqlite_app, upto=moment)
        # The views came along in the backup; caught up, they equal a rebuild from zero.
        assert stored_digests(restored_app, restored_url) == expected
        assert rebuilt_digests(restored_app) == expected
    finally:
        restored_app.close()


@pytest.mark.slow
def test_a_backup_taken_while_tracker_serve_writes_and_projects_is_one_moment(
    sqlite_url: str, tmp_path: Path
) -> None:
    """As an operator runs it: `tracker backup` in a process of its own while gunicorn's
    workers take writes over HTTP and their projector threads write the views."""
    source = open_app(sqlite_url)
    token = issue_tokens(source, [ANA])[ANA]
    source.start_plan(mentee_id=ANA, actor_id=ANA)
    server = Server.start(sqlite_url, tmp_path, workers=2, env={"TRACKER_PROJECTOR": "thread"})
    stop, acknowledged = threading.Event(), list[int]()

    def write() -> None:
        client = Client(server.url, token)
        while not stop.is_set():
            body = {"text": f"Day {len(acknowledged)}", "private": False}
            status, _, receipt = client.call("POST", f"/api/v1/plans/{ANA}/reflections", body)
            if status == 200:
                acknowledged.append(int(receipt["position"]))
            client.call("GET", f"/api/v1/plans/{ANA}/timeline")  # the projector starts with it

    writer = threading.Thread(target=write, daemon=True)
    backup = tmp_path / "backups" / "tracker.backup"
    try:
        with logs_on_failure(server):
            writer.start()
            while len(acknowledged) < 20 and writer.is_alive():
                writer.join(0.05)
            before = max(acknowledged)
            backed_up = subprocess.run(
                tracker_command(sqlite_url, "backup", str(backup)),
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            after = len(acknowledged)
            while len(acknowledged) < after + 20 and writer.is_alive():
                writer.join(0.05)
    finally:
        stop.set()
        writer.join(15)
        server.kill()
    assert backed_up.returncode == 0, backed_up.stdout + backed_up.stderr
    assert "integrity ok" in backed_up.stdout

    restored_url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    assert tracker(restored_url, "restore", str(backup)).exit_code == 0
    restored = open_app(restored_url)
    try:
        moment = restored.recorder.max_notification_id() or 0
        # Every write acknowledged before the backup began is in it; the server went on.
        assert before <= moment < max(acknowledged)
        assert event_rows(restored) == event_rows(source, upto=moment)
        expected = rebuilt_digests(source, upto=moment)
        # The views as the workers' projectors had written them at that moment, caught up.
        assert projected_position(restored_url) > 0, "no projector wrote views meanwhile"
        assert stored_digests(restored, restored_url) == expected
        assert rebuilt_digests(restored) == expected
    finally:
        restored.close()
        source.close()


@pytest.mark.postgres
def test_the_documented_pg_dump_and_pg_restore_give_back_the_moment_of_the_dump(
    postgres_url: str, tmp_path: Path
) -> None:
    """docs/reliability.md's PostgreSQL commands, as written there: pg_dump of the schema
    while the app writes, more writes, then pg_restore --clean over the same schema."""
    schema = postgres_url.split("schema=")[1]
    server = postgres_url.split("?")[0]
    source = open_app(postgres_url)
    source.start_plan(mentee_id=ANA, actor_id=ANA)
    for day in range(30):
        source.reflect(ANA, text=f"Day {day}", private=False, actor_id=ANA)
    projections = Projections(source, Settings(database_url=postgres_url))
    for name in projections.names:
        projections.rebuild(name)
    projections.close()
    source.close()
    writer = Writer(postgres_url)
    writer.start()
    writer.wait_for_writes(5)
    dump = tmp_path / "tracker.dump"
    dumped = subprocess.run(
        ["pg_dump", "--format=custom", f"--schema={schema}", f"--file={dump}", server],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    writer.finish_after(5)
    assert writer.failure is None
    assert dumped.returncode == 0, dumped.stderr
    listed = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    source = open_app(postgres_url)
    try:
        before = event_rows(source)
    finally:
        source.close()

    restored = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
         f"--dbname={server}", str(dump)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr

    app = open_app(postgres_url)
    try:
        moment = app.recorder.max_notification_id() or 0
        # The dump is one moment while Ana wrote: a prefix of the log, the later writes gone.
        assert 0 < moment < before[-1][0]
        assert event_rows(app) == [row for row in before if row[0] <= moment]
        assert stored_digests(app, postgres_url) == rebuilt_digests(app)
    finally:
        app.close()


def corrupt(path: Path) -> None:
    """Scribble over the middle of the file, as a failing disk would."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = b"\xde\xad\xbe\xef" * 2048
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])


def not_sqlite(path: Path) -> None:
    path.write_text("mentee,goal\nana,Lead a team\n")


def foreign_sqlite(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (corrupt, "damaged"),
        (truncate, "damaged"),
        (not_sqlite, "not a SQLite database"),
        (foreign_sqlite, "not a tracker store"),
    ],
)
def test_restore_refuses_a_damaged_or_foreign_file_and_writes_nothing(
    small_store: str, sqlite_app: TrackerApplication, tmp_path: Path, damage: object, message: str
) -> None:
    backup = tmp_path / "tracker.backup"
    assert tracker(small_store, "backup", str(backup)).exit_code == 0
    events = event_rows(sqlite_app)
    damage(backup)  # type: ignore[operator]
    target = tmp_path / "target.sqlite"
    target_url = f"sqlite:///{target}"

    empty = tracker(target_url, "restore", str(backup))
    forced = tracker(small_store, "restore", "--force", str(backup))

    for refused in (empty, forced):
        assert refused.exit_code == 1
        assert message in refused.output
        assert "Traceback" not in refused.output
    assert not target.exists()
    assert event_rows(sqlite_app) == events


def test_restore_replaces_a_store_with_events_only_when_forced(
    small_store: str, tmp_path: Path, clock: ManualClock
) -> None:
    backup = tmp_path / "tracker.backup"
    assert tracker(small_store, "backup", str(backup)).exit_code == 0
    other_url = f"sqlite:///{tmp_path / 'other.sqlite'}"
    other = open_app(other_url, clock)
    other.start_plan(mentee_id="ada", actor_id="ada")
    other.close()
    before = file_digest(tmp_path / "other.sqlite")

    refused = tracker(other_url, "restore", str(backup))
    assert refused.exit_code == 1
    assert "already holds 1 events" in refused.output
    assert "--force" in refused.output
    assert file_digest(tmp_path / "other.sqlite") == before

    forced = tracker(other_url, "restore", "--force", str(backup))
    assert forced.exit_code == 0, forced.output
    assert f"{check_backup(backup).events} events" in forced.output
    replaced = open_app(other_url)
    try:
        assert len(event_rows(replaced)) == check_backup(backup).events
    finally:
        replaced.close()


def test_backup_of_postgresql_explains_pg_dump(tmp_path: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:5432/test?schema=tracker"

    result = tracker(url, "backup", str(tmp_path / "tracker.backup"))

    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert "pg_restore" in result.output
    assert "docs/reliability.md" in result.output
    assert not (tmp_path / "tracker.backup").exists()


def test_backup_refuses_a_missing_store_and_leaves_no_file(tmp_path: Path) -> None:
    result = tracker(f"sqlite:///{tmp_path / 'nothing.sqlite'}", "backup", str(tmp_path / "b"))

    assert result.exit_code == 1
    assert "There is no store" in result.output
    assert list(tmp_path.iterdir()) == []
