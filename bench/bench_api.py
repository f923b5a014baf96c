"""Requests per second through gunicorn: revising a goal and reading the timeline, against a
trivial JSON endpoint of the same app on the same server, in the same run.

    python bench/bench_api.py [--backend sqlite|postgres|both] [--requests N] [--clients C]
                              [--workers W] [--seconds S] [--inline-catch-up] [--json]

`tracker serve` (gunicorn, W sync workers) runs on a free 127.0.0.1 port over a fresh
database. C client threads send requests, one new connection each, as a browser or an
integrator would. Three workloads alternate in rounds (a different one first each round):

- ping      GET /api/v1/ping: routing, JSON rendering and gunicorn, nothing else (baseline)
- revise    POST /goals/<id>/revisions with If-Match: each client revises its own goal,
            from the version its last answer gave (load, check, validate, append one event)
- timeline  GET /plans/<mentee>/timeline: the first page (the API's default size, or
            --page) of a plan with HISTORY events; a fresh read, which first applies any
            event written since the view's position (read-your-writes)

Projection runs as deployed (docs/deploy.md): on SQLite `tracker serve`'s default, a
background projector thread in the workers (TRACKER_PROJECTOR=thread); on PostgreSQL a
`tracker project` process beside gunicorn (whose default there is TRACKER_PROJECTOR=off), on
the same cores. A read still catches up inline whatever the projector has not applied yet.
With --inline-catch-up no projector runs at all (TRACKER_PROJECTOR=off, no process): the
first timeline read after each round of revisions applies them itself. Before this option
existed the bench ran the serve's defaults alone: the same as now on SQLite, as
--inline-catch-up on PostgreSQL.

Answers are checked (status, a JSON object) but not decoded: the client runs on the same
cores as the server. The timeline's first page is decoded once, to check it is full.
The ratios are requests/s of revise and timeline over ping (aims: >= 0.3 and >= 0.5).
Requests/s is a workload's requests over the wall time of its rounds; p50/p99 are per request.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_append import DEFAULT_POSTGRES_URL, postgres_database
from common import Timings, machine, ratio, render_table

from tracker.accounts import Accounts
from tracker.application import build_application
from tracker.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
AIMS = {"revise": 0.3, "timeline": 0.5}
BASELINE = "ping"
MENTEE_READ, MENTEE_WRITE = "ana", "ben"
DEFAULT_PAGE = 50  # the API's default page size (tracker.web.pagination)
HISTORY = 60  # revisions on the read mentee's goal before timing, so the timeline has pages
TIMEOUT = 15.0  # seconds for one request
ROUND_TIMEOUT = 120.0


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Server:
    """Where the served app listens, and the bearer token of each user."""

    port: int
    tokens: dict[str, str]


def issue_tokens(database_url: str, users: tuple[str, ...]) -> dict[str, str]:
    """An account with a read:plan + write:plan token for each user (an admin first)."""
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
            issued = accounts.issue_token(user, scopes=["read:plan", "write:plan"], name="bench")
            tokens[user] = issued.secret
        return tokens
    finally:
        app.close()


def request(
    server: Server,
    method: str,
    path: str,
    body: Any = None,
    *,
    actor: str | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request on a new connection to the server (gunicorn's sync workers close it)."""
    sent = dict(headers or {})
    if actor is not None:
        sent["Authorization"] = f"Bearer {server.tokens[actor]}"
    data = None if body is None else json.dumps(body).encode()
    if data is not None:
        sent["Content-Type"] = "application/json"
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.read())
    finally:
        connection.close()


def expect(answer: Answer, *statuses: int) -> Any:
    """The answer's JSON, or an error naming what came back instead."""
    check(answer, *statuses)
    return answer.json()


def check(answer: Answer, *statuses: int) -> None:
    """An error unless the answer has one of these statuses and a JSON object for body. The
    body is not decoded: the client shares the server's cores, and decoding a timeline page
    would cost it more CPU than a ping's answer, which is the client's work, not the server's."""
    if answer.status not in statuses or not answer.body.startswith(b"{"):
        raise RuntimeError(f"Unexpected {answer.status}: {answer.body[:300]!r}")


# The server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def projection_setup(database_url: str, inline_catch_up: bool) -> str:
    """What projects during the run, in words (for the report)."""
    if inline_catch_up:
        return "none (TRACKER_PROJECTOR=off, no `tracker project`): reads catch up inline"
    if _is_postgres(database_url):
        return "a `tracker project` process beside gunicorn (TRACKER_PROJECTOR=off)"
    return "the workers' background thread (TRACKER_PROJECTOR=thread, the SQLite default)"


def _is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql"))


@contextmanager
def served(database_url: str, workers: int, inline_catch_up: bool = False) -> Iterator[int]:
    """`tracker serve` on the database with `workers` workers, and its projector as deployed
    (a `tracker project` process on PostgreSQL) unless `inline_catch_up`; yields its port."""
    port = free_port()
    cli = [sys.executable, "-m", "tracker.cli", "--database-url", database_url]
    command = [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    environ.update(PYTHONPATH=str(ROOT), TRACKER_SECRET_KEY="bench only")  # none written
    if inline_catch_up:
        environ["TRACKER_PROJECTOR"] = "off"
    with tempfile.TemporaryFile() as log, contextlib.ExitStack() as stack:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environ)
        stack.callback(_stop, process)
        ROLES[process.pid] = "server"
        _wait_until_up(port, process, log)
        if not inline_catch_up and _is_postgres(database_url):
            projector = subprocess.Popen(
                [*cli, "project"], stdout=log, stderr=subprocess.STDOUT, env=environ
            )
            stack.callback(_stop, projector)
            ROLES[projector.pid] = "projector"
            _check_running(projector, log)
        try:
            yield port
        except Exception:  # a failed request: what the server said about it
            log.seek(0)
            tail = log.read().decode(errors="replace")[-3000:]
            print(f"The server's log, last lines:\n{tail}", file=sys.stderr)
            raise


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown; the projector's stop
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _check_running(process: subprocess.Popen[bytes], log: Any) -> None:
    """An error if the process stopped (it has started once it survives a second)."""
    try:
        process.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        return
    log.seek(0)
    raise RuntimeError(f"`tracker project` stopped:\n{log.read().decode()[-2000:]}")


def _wait_until_up(port: int, process: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"The server stopped:\n{log.read().decode()[-2000:]}")
        try:
            if request(Server(port, {}), "GET", "/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("The server did not answer within 60 s")


# The workloads ---------------------------------------------------------------------------------
@dataclass
class Writer:
    """One client's own goal and the version it last saw."""

    goal_id: str
    version: int = 1
    count: int = 0


def draft_goal(server: Server, mentee: str) -> str:
    goal = {"kind": "smarty", "title": "Lead a platform team", "measurable": "0 reviews"}
    answer = request(server, "POST", f"/api/v1/plans/{mentee}/goals", goal, actor=mentee)
    return str(expect(answer, 201)["id"])


def revise(server: Server, mentee: str, writer: Writer) -> None:
    """Revise the writer's goal from the version it last saw (If-Match)."""
    writer.count += 1
    body = {"changes": {"measurable": f"{writer.count} reviews"}, "reason": "Counted again"}
    path = f"/api/v1/goals/{writer.goal_id}/revisions"
    headers = {"If-Match": f'"{writer.version}"'}
    answer = request(server, "POST", path, body, actor=mentee, headers=headers)
    writer.version = int(expect(answer, 200)["version"])


# Each op is one request sent by client number `client`.
Op = Callable[[int], None]


def set_up(server: Server, clients: int, page: int | None) -> dict[str, Op]:
    """Two plans, one with a history to read and one with a goal per client to revise;
    the three workloads over them."""
    for mentee in (MENTEE_READ, MENTEE_WRITE):
        plan = {"mentee_id": mentee}
        expect(request(server, "POST", "/api/v1/plans", plan, actor=mentee), 201)
    history = Writer(draft_goal(server, MENTEE_READ))
    for _ in range(HISTORY):
        revise(server, MENTEE_READ, history)
    writers = [Writer(draft_goal(server, MENTEE_WRITE)) for _ in range(clients)]
    timeline_path = f"/api/v1/plans/{MENTEE_READ}/timeline"
    if page is not None:
        timeline_path += f"?limit={page}"

    first = expect(request(server, "GET", timeline_path, actor=MENTEE_READ), 200)
    if len(first["items"]) != (page or DEFAULT_PAGE) or first["next_cursor"] is None:
        raise RuntimeError(f"The timeline's first page is not a full one: {first}")

    def ping(client: int) -> None:
        check(request(server, "GET", "/api/v1/ping"), 200)

    def revise_own_goal(client: int) -> None:
        revise(server, MENTEE_WRITE, writers[client])

    def timeline(client: int) -> None:
        check(request(server, "GET", timeline_path, actor=MENTEE_READ), 200)

    return {BASELINE: ping, "revise": revise_own_goal, "timeline": timeline}


# Timing ----------------------------------------------------------------------------------------
@dataclass
class Measured:
    timings: Timings
    wall_s: float = 0.0
    cpu_s: dict[str, float] = field(default_factory=dict)  # part of the machine -> CPU seconds

    @property
    def requests_per_second(self) -> float:
        return self.timings.ops / self.wall_s if self.wall_s else 0.0


def run_round(op: Op, count: int, clients: int, into: Measured) -> None:
    """`count` requests spread over `clients` threads; adds wall time and latencies."""
    shares = [count // clients + (1 if i < count % clients else 0) for i in range(clients)]
    latencies: list[list[int]] = [[] for _ in range(clients)]
    failures: list[BaseException] = []

    def client(number: int) -> None:
        try:
            for _ in range(shares[number]):
                started = time.perf_counter_ns()
                op(number)
                latencies[number].append(time.perf_counter_ns() - started)
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    cpu_before = cpu_by_part()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=ROUND_TIMEOUT)
    into.wall_s += time.perf_counter() - started
    for part, seconds in cpu_by_part().items():
        into.cpu_s[part] = into.cpu_s.get(part, 0.0) + seconds - cpu_before.get(part, 0.0)
    if failures or any(thread.is_alive() for thread in threads):
        raise RuntimeError(f"A client failed or hung: {failures[:1]}")
    for own in latencies:
        into.timings.latencies_ns.extend(own)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


ROLES: dict[int, str] = {}  # pid of a process `served` started -> its part ("server", ...)


def cpu_by_part() -> dict[str, float]:
    """CPU seconds used so far (user + system) by each part of the machine, from /proc: the
    web server (gunicorn: the process `served` started and its children), the projector
    process, PostgreSQL's processes (all of them: other users of the database count),
    this client, and everything else. A round's difference says where its requests' CPU
    went; a part that works after the round ends (the projector) lands partly in the next
    round's figures. A process that ended counts in its parent's, once reaped."""
    usage: dict[int, tuple[int, float, bytes]] = {}  # pid -> parent, seconds, command
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry.name}/cmdline", "rb") as cmdline:
                command = cmdline.read()
        except OSError:  # ended meanwhile, or not ours to read
            continue
        # utime, stime and the same of the children it has reaped
        seconds = sum(int(field) for field in fields[11:15]) / CLOCK_TICKS
        usage[int(entry.name)] = (int(fields[1]), seconds, command)
    parts: dict[str, float] = {}
    for pid, (_, seconds, command) in usage.items():
        part = _role(pid, usage) or (
            "client" if pid == os.getpid()
            else "postgres" if command.startswith(b"postgres")
            else "other"
        )  # fmt: skip
        parts[part] = parts.get(part, 0.0) + seconds
    return parts


def _role(pid: int, usage: dict[int, tuple[int, float, bytes]]) -> str | None:
    """The part of the process `served` started that `pid` is, or descends from."""
    while pid > 1 and pid in usage:
        if pid in ROLES:
            return ROLES[pid]
        pid = usage[pid][0]
    return None


def measure(ops: dict[str, Op], args: argparse.Namespace) -> dict[str, Measured]:
    """Alternate the workloads in rounds until each has sent `requests` or time is up."""
    names = list(ops)
    results = {name: Measured(Timings(name)) for name in names}
    for name in names:  # warm-up: workers loaded, views caught up, caches filled
        run_round(ops[name], args.warmup, args.clients, Measured(Timings(name)))
    deadline, done, round_no = time.monotonic() + args.seconds, 0, 0
    while done < args.requests and time.monotonic() < deadline:
        count = min(args.batch, args.requests - done)
        shift = round_no % len(names)
        for name in [*names[shift:], *names[:shift]]:
            run_round(ops[name], count, args.clients, results[name])
        done, round_no = done + count, round_no + 1
    return results


def measure_backend(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    tokens = issue_tokens(database_url, (MENTEE_READ, MENTEE_WRITE))
    load = [load_average()]
    with served(database_url, args.workers, args.inline_catch_up) as port:
        results = measure(set_up(Server(port, tokens), args.clients, args.page), args)
    load.append(load_average())
    baseline = results[BASELINE].requests_per_second
    return {
        "projector": projection_setup(database_url, args.inline_catch_up),
        "load_average": load,
        "workloads": {
            name: {
                **m.timings.summary(),
                "requests_per_s": round(m.requests_per_second, 1),
                "cpu_ms_per_request": {
                    part: round(seconds * 1000 / max(1, m.timings.ops), 2)
                    for part, seconds in sorted(m.cpu_s.items())
                },
            }
            for name, m in results.items()
        },
        "ratios": {
            name: round(ratio(results[name].requests_per_second, baseline), 3) for name in AIMS
        },
    }


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages ("" where /proc has none): the
    machine is shared, and a busy one narrows the gaps between the workloads."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return ""


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="bench-api-") as directory:
        yield f"sqlite:///{os.path.join(directory, 'bench.sqlite')}"


def database(backend: str, args: argparse.Namespace) -> AbstractContextManager[str]:
    return sqlite_database() if backend == "sqlite" else postgres_database(args.postgres_url)


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    rows = [
        [backend, name, figures["ops"], f"{figures['requests_per_s']:.0f}",
         f"{figures['p50_ms']:.2f}", f"{figures['p99_ms']:.2f}"]
        for backend, result in results.items()
        for name, figures in result["workloads"].items()
    ]  # fmt: skip
    info = machine()
    lines = [
        f"bench_api  {info['date']}  {info['cpus']} CPUs  Python {info['python']}",
        f"gunicorn {args.workers} workers, {args.clients} client threads, rounds of "
        f"{args.batch} requests per workload after {args.warmup} warm-up; timeline page: "
        f"{args.page or 'default'}",
        "",
        render_table(
            ["backend", "workload", "requests", "req/s", "p50 ms", "p99 ms"], rows, left=2
        ),
        "",
    ]
    parts = ["server", "projector", "postgres", "client", "other"]
    cpu_rows = [
        [backend, name, *(f"{figures['cpu_ms_per_request'].get(part, 0.0):.2f}" for part in parts),
         f"{sum(figures['cpu_ms_per_request'].values()):.2f}"]
        for backend, result in results.items()
        for name, figures in result["workloads"].items()
    ]  # fmt: skip
    lines += [
        "CPU ms per request, by process (from /proc; the projector's work after a round",
        "counts in the next round's):",
        render_table(["backend", "workload", *parts, "total"], cpu_rows, left=2),
        "",
    ]
    for number, (backend, result) in enumerate(results.items()):
        before, after = result["load_average"]
        lines.insert(
            2 + number,
            f"{backend} projector: {result['projector']}; load average {before} before, "
            f"{after} after",
        )
    for backend, result in results.items():
        for name, aim in AIMS.items():
            value = result["ratios"][name]
            verdict = "meets" if value >= aim else "BELOW"
            lines.append(
                f"{backend}: {name} / {BASELINE} = {value:.2f} ({verdict} the aim of {aim})"
            )
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--requests", type=int, default=600, help="per workload (default 600)")
    parser.add_argument("--batch", type=int, default=60, help="requests per workload per round")
    parser.add_argument("--warmup", type=int, default=40, help="untimed requests per workload")
    parser.add_argument("--clients", type=int, default=4, help="client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--seconds", type=float, default=60.0, help="cap on timed rounds per backend (default 60)"
    )
    parser.add_argument(
        "--page", type=int, help="timeline entries per read (default: the API's default page)"
    )
    parser.add_argument(
        "--inline-catch-up",
        action="store_true",
        help="run no projector (TRACKER_PROJECTOR=off, no `tracker project`): reads catch up "
        "inline (default: projection as deployed)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a schema is created in this database and dropped afterwards",
    )
    args = parser.parse_args(argv)
    if min(args.requests, args.batch, args.clients, args.workers) < 1 or args.warmup < 0:
        parser.error("--requests, --batch, --clients, --workers must be >= 1, --warmup >= 0")
    if args.seconds <= 0:
        parser.error("--seconds must be > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: dict[str, dict[str, Any]] = {}
    failed = False
    for backend in backends:
        try:
            with database(backend, args) as url:
                results[backend] = measure_backend(url, args)
        except Exception as error:  # e.g. PostgreSQL unreachable: report, go on with the rest
            print(f"{backend}: not measured: {error}", file=sys.stderr)
            failed = True
    if args.json:
        print(json.dumps({**machine(), "backends": results}, indent=2))
    elif results:
        print(report(results, args))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
