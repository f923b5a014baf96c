"""The tracker as an operator runs it, for the crash and concurrency suites.

`Server.start(database_url, ...)` runs `tracker serve` (gunicorn: a master and its workers)
in a session of its own on a 127.0.0.1 port bound here and handed over (so no other test
can take it meanwhile), and waits until /healthz answers; `start_projector(database_url,
...)` runs `tracker project`. `kill()` sends SIGKILL to the whole process group (the master
and every worker, or the projector): no shutdown code runs, as when a machine loses power.
`Client` speaks JSON over HTTP with a bearer token. `logs_on_failure(...)` puts the tail of
each process's log in the report of any failure, so it explains itself.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

START_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tracker_command(database_url: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tracker.cli", "--database-url", database_url, *args]


@dataclass
class Process:
    """A process group started here, with its output in a log file."""

    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def spawn(
        cls, command: list[str], log: Path, env: dict[str, str], pass_fds: tuple[int, ...] = ()
    ) -> Process:
        output: IO[bytes] = log.open("ab")
        try:
            process = subprocess.Popen(
                command,
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env},
                cwd=log.parent,
                start_new_session=True,  # its own process group: kill() reaches the workers
                pass_fds=pass_fds,
            )
        finally:
            output.close()
        return cls(process, log)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the whole group, then reap the leader."""
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (a graceful stop), then SIGKILL if it takes too long."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def report(self, tail: int = 4000) -> str:
        """Whether it still runs, and the end of its log."""
        state = "running" if self.alive() else f"exited with {self.process.returncode}"
        return f"--- {self.log.name}, pid {self.process.pid}, {state}:\n{self.output()[-tail:]}"


@contextlib.contextmanager
def logs_on_failure(*processes: Process | Server | None) -> Iterator[None]:
    """Any failure in the body carries each process's state and the tail of its log."""
    try:
        yield
    except BaseException as error:
        for process in processes:
            running = process.running if isinstance(process, Server) else process
            if running is not None:
                error.add_note(running.report())
        raise


@dataclass
class Server:
    """`tracker serve` on a port of its own."""

    running: Process
    url: str

    @classmethod
    def start(
        cls,
        database_url: str,
        directory: Path,
        *,
        workers: int = 3,
        env: dict[str, str] | None = None,
    ) -> Server:
        """Serve the store with gunicorn; return once /healthz answers."""
        # The port stays bound from here until gunicorn listens on it: nobody can take it.
        with socket.socket() as bound:
            bound.bind(("127.0.0.1", 0))
            port, fd = int(bound.getsockname()[1]), bound.fileno()
            command = tracker_command(
                database_url, "serve", "--bind", f"fd://{fd}", "--workers", str(workers)
            )
            # The projector runs as a process of its own (`start_projector`), not in workers.
            settings = {"TRACKER_PROJECTOR": "off", **(env or {})}
            running = Process.spawn(command, directory / "server.log", settings, (fd,))
        # Closed here, the socket lives in the server alone: killing it refuses connections.
        server = cls(running, f"http://127.0.0.1:{port}")
        server.wait_until_healthy()
        return server

    def wait_until_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running.alive():
                raise RuntimeError(f"The server exited:\n{self.running.report()}")
            try:
                if Client(self.url, timeout=2).call("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.running.kill()
        raise TimeoutError(f"No answer in {timeout} s:\n{self.running.report()}")

    def kill(self) -> None:
        self.running.kill()

    def stop(self) -> None:
        self.running.stop()


def start_projector(database_url: str, directory: Path) -> Process:
    """`tracker project`, following the log into every view."""
    command = tracker_command(database_url, "project", "--page-size", "20")
    return Process.spawn(command, directory / "projector.log", {})


class Client:
    """JSON over HTTP, one connection per request (a killed server leaves none half-open)."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.token = token
        self.timeout = timeout

    def call(
        self, method: str, path: str, body: Any = None, **headers: str
    ) -> tuple[int, dict[str, str], Any]:
        """(status, headers, JSON body or None); OSError if the server is not there."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            sent = {"Content-Type": "application/json", **headers}
            if self.token:
                sent["Authorization"] = f"Bearer {self.token}"
            data = None if body is None else json.dumps(body).encode()
            connection.request(method, path, body=data, headers=sent)
            response = connection.getresponse()
            raw = response.read()
            answer = {k.lower(): v for k, v in response.getheaders()}
        finally:
            connection.close()
        decoded = json.loads(raw) if raw and "json" in answer.get("content-type", "") else None
        return response.status, answer, decoded
