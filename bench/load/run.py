"""The load test: the deployment of docs/deploy.md under a realistic mix, on each backend.

For each backend (a fresh SQLite file; a fresh schema of the PostgreSQL at 127.0.0.1) it:

1. seeds mentees with a plan, a goal and an active mentorship, their mentors, and
   integrators, each with a personal API token (bench/load/seed.py);
2. starts `tracker serve` (gunicorn, --workers) and one `tracker project` process,
   TRACKER_PROJECTOR=off so that only the latter projects, and waits for /readyz;
3. runs locust headless for --run-time against 127.0.0.1 only (bench/load/locustfile.py),
   with CSV output, sampling /readyz each second for the projection lag;
4. stops both processes with SIGTERM (graceful: both must exit 0) and prints throughput,
   p50/p95/p99, errors, handled conflicts (412/409) and the projection lag.

Usage: .venv/bin/python bench/load/run.py [--backend sqlite|postgres|both] [--run-time 60s]
       [--users 30] [--workers 2] [--threads 8] [--out DIR]
Needs the `load` extra (locust): pip install -e ".[load]". Exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from seed import seed, temporary_database  # noqa: E402

START_TIMEOUT = 90.0
DRAIN_TIMEOUT = 60.0


@dataclass
class Result:
    """What one backend's run measured."""

    backend: str
    requests: int = 0
    failures: int = 0
    exceptions: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    conflicts: dict[str, int] = field(default_factory=dict)
    events_written: int = 0
    max_lag: int = 0
    lag_at_end: int = 0
    drain_seconds: float = 0.0
    clean_exit: bool = False
    load_average: float = 0.0


def get_json(url: str) -> tuple[int, Any]:
    """GET url: its status and JSON body (problems included)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def worst_lag(base: str) -> tuple[int, int]:
    """(the log's head, the largest lag of any view) from /readyz, ready or not."""
    _, body = get_json(f"{base}/readyz")
    views = body.get("views") or {}
    return int(body.get("head") or 0), max((v["lag"] for v in views.values()), default=0)


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tracker.cli", *args],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=log.parent,
        )  # fmt: skip


def stop(process: subprocess.Popen[bytes]) -> bool:
    """SIGTERM and wait; True if it exited 0 within the grace period."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(45) == 0
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return False


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The server stopped at start; see its log.")
        try:
            if get_json(f"{base}/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("The server was not ready in time; see its log.")


def run_locust(base: str, work: Path, args: argparse.Namespace, backend: str) -> Path:
    """Run locust headless; the prefix of its CSV files."""
    prefix = work / f"locust-{backend}"
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
        "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
        "--run-time", args.run_time, "--stop-timeout", "10", "--host", base,
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {
        **os.environ,
        "LOAD_FIXTURE": str(work / "fixture.json"),
        "LOAD_REPORT": str(work / f"conflicts-{backend}.json"),
    }
    with (work / f"locust-{backend}.log").open("wb") as out:
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)
    return prefix


def read_stats(prefix: Path, result: Result) -> None:
    with Path(f"{prefix}_stats.csv").open() as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    result.requests = int(total["Request Count"])
    result.failures = int(total["Failure Count"])
    result.rps = float(total["Requests/s"])
    result.p50, result.p95, result.p99 = (float(total[p]) for p in ("50%", "95%", "99%"))
    with Path(f"{prefix}_exceptions.csv").open() as raised:  # errors in the locustfile itself
        result.exceptions = sum(int(row["Count"]) for row in csv.DictReader(raised))


class LagSampler(threading.Thread):
    """Reads /readyz every second while the load runs; keeps the worst lag seen."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.worst, self.done = base, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            with contextlib.suppress(OSError, ValueError):  # busy: the next sample counts
                self.worst = max(self.worst, worst_lag(self.base)[1])


def measure(base: str, work: Path, args: argparse.Namespace, result: Result) -> None:
    """Run the load and read the figures; the processes are already up."""
    head_before = worst_lag(base)[0]
    sampler = LagSampler(base)
    sampler.start()
    prefix = run_locust(base, work, args, result.backend)
    sampler.done.set()
    result.load_average = os.getloadavg()[0]  # the machine's, over the last minute
    head, result.lag_at_end = worst_lag(base)
    result.max_lag = max(sampler.worst, result.lag_at_end)
    result.events_written = head - head_before
    started = time.monotonic()
    while worst_lag(base)[1] > 0 and time.monotonic() - started < DRAIN_TIMEOUT:
        time.sleep(0.1)
    result.drain_seconds = time.monotonic() - started
    read_stats(prefix, result)
    report = work / f"conflicts-{result.backend}.json"
    result.conflicts = json.loads(report.read_text()) if report.exists() else {}


def run_backend(backend: str, args: argparse.Namespace, work: Path) -> Result:
    """Seed, serve, project, load, stop: one backend's whole run."""
    result = Result(backend)
    with temporary_database(backend, work) as url:
        (work / "fixture.json").write_text(json.dumps(seed(url, args.mentees)))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update(TRACKER_DATABASE_URL=url, TRACKER_PROJECTOR="off", TRACKER_ACCESS_LOG="off")
        env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        serve = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
        server = start([*serve, "--threads", str(args.threads)], env, work / f"serve-{backend}.log")
        projector = start(["project"], env, work / f"project-{backend}.log")
        try:
            wait_ready(base, server)
            measure(base, work, args, result)
        finally:
            result.clean_exit = stop(server) & stop(projector)
    return result


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def report(result: Result, args: argparse.Namespace) -> None:
    conflicts = sum(result.conflicts.values())
    print(f"\n== {result.backend}: {args.users} users, {args.run_time}, {args.workers} workers "
          f"x {args.threads} threads, 1 projector")  # fmt: skip
    print(f"requests          {result.requests} ({result.rps:.1f}/s)")
    print(f"latency (ms)      p50 {result.p50:.0f}  p95 {result.p95:.0f}  p99 {result.p99:.0f}")
    print(f"errors            {result.failures + result.exceptions}")
    detail = ", ".join(f"{name}: {n}" for name, n in sorted(result.conflicts.items()))
    print(f"handled conflicts {conflicts}" + (f" ({detail})" if detail else ""))
    print(f"events written    {result.events_written}")
    print(f"projection lag    max {result.max_lag} events during the run, {result.lag_at_end} "
          f"at the end, 0 after {result.drain_seconds:.1f} s")  # fmt: skip
    print(f"graceful stop     {'both exited 0' if result.clean_exit else 'NO'}")
    print(f"load average      {result.load_average:.1f} (1 min, at the end: others' work too)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--run-time", default="60s", help="locust's --run-time (default 60s)")
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--mentees", type=int, default=12, help="seeded plans (default 12)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--out", type=Path, help="keep the CSV files and logs here")
    args = parser.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="tracker-load-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; files in {work}")  # fmt: skip
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = [run_backend(backend, args, work) for backend in backends]
    for result in results:
        report(result, args)
    ok = all(r.failures == 0 and r.exceptions == 0 and r.clean_exit for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
