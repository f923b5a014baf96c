"""The app served for real: `tracker serve` (gunicorn) on a free 127.0.0.1 port.

`serving(database_url, tmp_path, workers=N)` starts the server in a process of its own,
waits until /healthz answers, yields its base URL and kills it (SIGKILL to its process group).
Traffic goes to 127.0.0.1 only, and every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.e2e_api.client import call
from tracker.accounts import Accounts
from tracker.application import build_application
from tracker.settings import Settings

# The checkout under test: the server runs the same code as the tests that talk to it.
ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 40.0
STOP_TIMEOUT = 20.0


@dataclass(frozen=True)
class Server:
    """A running server: where to reach it and where it logs."""

    base: str
    log: Path

    @property
    def api(self) -> str:
        return f"{self.base}/api/v1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_until_up(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server stopped at start:\n{server.log.read_text()}")
        try:
            if call(server.base, "GET", "/healthz", timeout=2).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"The server did not answer in time:\n{server.log.read_text()}")


@contextmanager
def serving(
    database_url: str, tmp_path: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[Server]:
    """`tracker serve` on `database_url` with `workers` gunicorn workers, until the block ends."""
    port = free_port()
    server = Server(f"http://127.0.0.1:{port}", tmp_path / f"serve-{port}.log")
    command = [sys.executable, "-m", "tracker.cli", "--database-url", database_url, "serve"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    # A fixed secret key: the server would otherwise write one into the checkout's instance/.
    environ.update(PYTHONPATH=str(ROOT), TRACKER_SECRET_KEY="e2e tests only", **(env or {}))
    with server.log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, cwd=tmp_path, env=environ,
            start_new_session=True,  # a process group of its own: the master and its workers
        )  # fmt: skip
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        # SIGKILL to the master and every worker: their shutdown is not under test here
        # (tests/integration/deploy/test_serving.py is where it is), and a graceful one took
        # a second or more of each test.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


def issue_tokens(database_url: str, *users: str) -> dict[str, str]:
    """An account for each user, with a read:plan + write:plan token: user -> token.

    The first account of a database must be an admin: an `operator` is made first.
    """
    app = build_application(Settings(database_url=database_url))
    try:
        accounts = Accounts.for_application(app)
        if not accounts.has_admin():
            accounts.create_account(
                "operator", display_name="Operator", email="operator@example.org",
                password=None, admin=True,
            )  # fmt: skip
        tokens = {}
        for user in users:
            accounts.create_account(
                user, display_name=user.title(), email=f"{user}@example.org", password=None
            )
            issued = accounts.issue_token(user, scopes=["read:plan", "write:plan"], name="e2e")
            tokens[user] = issued.secret
        return tokens
    finally:
        app.close()
