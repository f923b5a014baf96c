"""The `tracker` command line as its users meet it: help, the demo, errors, and serving."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import tracker
from tracker.application import build_application
from tracker.cli import main
from tracker.cli.serve import url_for_bind
from tracker.settings import Settings


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.output


def event_count(database_url: str) -> int:
    app = build_application(Settings(database_url=database_url))
    try:
        return app.recorder.max_notification_id() or 0
    finally:
        app.close()


def test_help_lists_the_commands_and_the_database_setting() -> None:
    code, output = run("--help")
    assert code == 0
    assert "demo" in output
    assert "serve" in output
    assert "--database-url" in output
    assert "TRACKER_DATABASE_URL" in output
    assert "sqlite:///instance/tracker.sqlite" in output


@pytest.mark.parametrize(
    ("command", "words"),
    [
        ("demo", ("--if-empty", "--seed", "three mentees")),
        ("serve", ("--bind", "127.0.0.1:8000", "--workers", "gunicorn")),
    ],
)
def test_each_command_explains_itself(command: str, words: tuple[str, ...]) -> None:
    code, output = run(command, "--help")
    assert code == 0
    for word in words:
        assert word in output


def test_demo_loads_once_and_tells_where_to_look(sqlite_url: str) -> None:
    code, output = run("--database-url", sqlite_url, "demo")
    assert code == 0, output
    events = event_count(sqlite_url)
    assert f"{events} events" in output
    for user_id in ("mentor-maria", "mentee-ana", "mentee-ben", "mentee-chloe"):
        assert user_id in output
    assert "tracker serve" in output
    assert "http://127.0.0.1:8000/api/v1/plans/mentee-ana" in output

    code, output = run("--database-url", sqlite_url, "demo")
    assert code == 1
    assert "already loaded" in output
    assert "--if-empty" in output
    assert event_count(sqlite_url) == events


def test_the_database_url_comes_from_the_environment() -> None:
    code, output = run("demo", env={"TRACKER_DATABASE_URL": "memory://"})
    assert code == 0, output
    assert "Loaded the demo into memory://" in output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://localhost/tracker", "Unsupported TRACKER_DATABASE_URL scheme 'mysql'"),
        ("sqlite://", "A sqlite URL needs a file path"),
    ],
)
@pytest.mark.parametrize("command", ["demo", "serve"])
def test_a_bad_database_url_is_one_clear_line(command: str, url: str, message: str) -> None:
    code, output = run("--database-url", url, command)
    assert code == 1
    assert output.startswith("Error: ")
    assert message in output
    assert "Traceback" not in output


def test_a_password_in_the_database_url_is_never_printed() -> None:
    code, output = run("--database-url", "mysql://ana:s3cret@db.example/tracker", "demo")
    assert code == 1
    assert "mysql://ana:***@db.example/tracker" in output
    assert "s3cret" not in output


def test_a_database_file_that_cannot_be_created_is_explained(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("")
    url = f"sqlite:///{tmp_path}/not-a-folder/tracker.sqlite"
    code, output = run("--database-url", url, "demo")
    assert code == 1
    assert "Cannot open the database file" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000/"),
        ("localhost", "http://localhost:8000/"),
        ("[::]:8080", "http://[::1]:8080/"),
        ("unix:/tmp/tracker.sock", None),
    ],
)
def test_serve_says_where_to_open_the_app(bind: str, url: str | None) -> None:
    assert url_for_bind(bind) == url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_health(url: str, timeout: float) -> int:
    """The status of GET url once the server answers, polling until the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                status: int = response.status
                return status
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.skipif(
    not (Path(tracker.__file__).parent / "app.py").exists(), reason="no web app (tracker/app.py)"
)
def test_serve_runs_the_web_app_until_stopped(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "tracker.cli", "--database-url"]
    command += [f"sqlite:///{tmp_path / 'tracker.sqlite'}", "serve"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    with log.open("w") as out:
        server = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=env
        )
    try:
        # Generous: only a hang should fail here, and a loaded 2-core machine boots slowly.
        assert wait_for_health(f"http://127.0.0.1:{port}/healthz", timeout=90) == 200
        assert f"at http://127.0.0.1:{port}/" in log.read_text()
        assert "run `tracker demo`" in log.read_text()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0, log.read_text()
