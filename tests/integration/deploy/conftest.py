"""The deployment as an operator runs it: `tracker serve` and `tracker project` processes.

`serving(...)` starts gunicorn workers on a free 127.0.0.1 port and waits for /healthz;
`projecting(...)` starts a `tracker project` process. Both stop their process at the end
of the block (SIGTERM, then SIGKILL after a bounded wait). Every wait is bounded.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker.accounts import Accounts
from tracker.application import TrackerApplication, build_application
from tracker.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


@dataclass
class Process:
    """A running `tracker` command: its process, its log and (for servers) its address."""

    process: subprocess.Popen[bytes]
    log: Path
    base: str = ""

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int:
        """Send `sig` and wait for the exit; SIGKILL past the timeout. The exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def credentials(app: TrackerApplication, user_id: str, *scopes: str) -> dict[str, str]:
    """Headers that say who acts: a new account's personal API token."""
    accounts = Accounts.for_application(app)
    accounts.create_account(
        user_id, display_name=user_id, email=f"{user_id}@example.org", password=None
    )
    token = accounts.issue_token(user_id, scopes=list(scopes), name="deploy test").secret
    return {"Authorization": f"Bearer {token}"}


def credentials_at(database_url: str, user_id: str, *scopes: str) -> dict[str, str]:
    """`credentials` written straight into the store at `database_url`."""
    app = build_application(Settings(database_url=database_url))
    try:
        return credentials(app, user_id, *scopes)
    finally:
        app.close()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tracker_env(database_url: str, **extra: str) -> dict[str, str]:
    """This environment without TRACKER_* settings, plus the database and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return {**env, "PYTHONPATH": str(ROOT), "TRACKER_DATABASE_URL": database_url, **extra}


def start(args: list[str], log: Path, env: dict[str, str], cwd: Path) -> Process:
    """Run `python -m tracker.cli ARGS` in the background, logging to `log`."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
        )
    return Process(process, log)


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, Any]:
    """GET url: (status, body parsed as JSON when it is JSON, else text)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body, kind = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, body, kind = error.code, error.read(), error.headers
    text = body.decode()
    return status, json.loads(text) if "json" in kind.get("Content-Type", "") else text


def post(url: str, body: Any, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """POST a JSON body: (status, body parsed as JSON)."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={**(headers or {}), "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `check` until true; fail saying `what` did not happen in time."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.1)


@contextmanager
def serving(
    database_url: str, tmp_path: Path, *, workers: int = 2, **extra_env: str
) -> Iterator[Process]:
    """`tracker serve` with `workers` gunicorn workers, up and answering, until the block ends."""
    port = free_port()
    env = tracker_env(database_url, **extra_env)
    args = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    server = start(args, tmp_path / f"serve-{port}.log", env, tmp_path)
    server.base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if server.process.poll() is not None:
            raise AssertionError(f"The server stopped at start:\n{server.output()}")
        try:
            return get(f"{server.base}/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    try:
        wait_until(up, START_TIMEOUT, "the server to answer /healthz")
        yield server
    finally:
        server.stop()


@contextmanager
def projecting(database_url: str, tmp_path: Path, name: str) -> Iterator[Process]:
    """A `tracker project` process, until the block ends."""
    env = tracker_env(database_url)
    projector = start(["project", "--page-size", "50"], tmp_path / f"{name}.log", env, tmp_path)
    try:
        yield projector
    finally:
        projector.stop()
