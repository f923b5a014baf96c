"""The integrators' feed: HTTP throughput against a raw log scan; export and import rates
and peak memory for 10k vs 100k events, on SQLite and PostgreSQL.

    python bench/bench_feed.py [--backend sqlite|postgres|both] [--sizes 10000 100000]
                               [--rounds 3] [--postgres-url URL] [--json]

Each backend gets one source store (a SQLite file in a temporary directory, or a schema of
its own in PostgreSQL, dropped afterwards) filled with real domain events (one plan and one
goal per mentee, 100 events each: reflections, private or not, and goal revisions), saved
100 events per transaction, grown from one size to the next.

1. Feed throughput (at the smallest size): the whole log read through HTTP, pages of 1000
   from `GET /api/v1/events` served by gunicorn (one gthread worker, 8 threads; the feed
   index warmed first), JSON parsed by the client, against, in alternating rounds on the
   same store: raw scan (baseline) = `recorder.select_notifications` pages of 1000, nothing
   else; and decoded scan = the same plus `mapper.to_domain_event` (reference). Two servers:
   one with the page cache off (`TRACKER_FEED_PAGE_CACHE_MIB=0`: every page read, decoded
   and encoded: what a reader meets the first time), one with it on (its warm-up read fills
   it: what the next readers of those pages meet). The headlines are HTTP events/s / raw
   scan events/s for each.
2. Export and import, at each size: events/s of `Exporter.run` (to a file) and of
   `Importer.verify` + `Importer.run` (into a new, empty store on the same backend), then
   the same again under tracemalloc for the peak of Python memory. Flat memory = the peak
   at the largest size within a small factor of the peak at the smallest (aim < 1.5x).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_append import DEFAULT_POSTGRES_URL, postgres_database
from common import machine, ratio, render_table

from domain import Goal, Plan
from domain.values import GoalKind
from tracker.access import READ_EVENTS_SCOPE
from tracker.accounts import Accounts
from tracker.application import TrackerApplication, build_application
from tracker.feed.archive import Exporter, ExportScope
from tracker.feed.importer import Importer
from tracker.settings import Settings

REPO = Path(__file__).resolve().parents[1]
START = datetime(2024, 1, 1, tzinfo=UTC)
EVENTS_PER_MENTEE = 100
MEMORY_AIM = 1.5


def open_store(url: str) -> TrackerApplication:
    """The application on a database URL, snapshots off (import writes no snapshots)."""
    return build_application(Settings(database_url=url, snapshot_interval=0))


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    """A new SQLite file in `workdir` (removed with it)."""
    yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.sqlite'}"


def new_database(backend: str, workdir: Path, postgres_url: str) -> AbstractContextManager[str]:
    """A new, empty database of the backend, as a TRACKER_DATABASE_URL."""
    return sqlite_database(workdir) if backend == "sqlite" else postgres_database(postgres_url)


def fill(app: TrackerApplication, events: int, first: int = 0) -> None:
    """Events up to `events` in all, from mentee number `first`: per mentee a plan and a
    goal, 100 events in one transaction."""
    for number in range(first, events // EVENTS_PER_MENTEE):
        mentee = f"mentee-{number:05d}"
        at = START + timedelta(minutes=number)
        plan = Plan.start(mentee_id=mentee, actor_id=mentee, at=at)
        goal = Goal.draft(
            mentee_id=mentee, kind=GoalKind.SMARTY, fields={"title": "Lead"}, actor_id=mentee,
            at=at,
        )  # fmt: skip
        for step in range(EVENTS_PER_MENTEE // 2 - 1):
            at += timedelta(hours=1)
            plan.reflect(text=f"Reflection {step}", private=step % 5 == 0, actor_id=mentee, at=at)
            goal.revise(
                changes={"title": f"Lead a team of {step + 2}"}, reason="It grew",
                actor_id=mentee, at=at,
            )  # fmt: skip
        app.save(plan, goal)


def timed(action: Callable[[], int]) -> tuple[int, float]:
    """(what `action` returned, seconds it took)."""
    started = time.perf_counter()
    count = action()
    return count, time.perf_counter() - started


def peak_memory(action: Callable[[], object]) -> int:
    """The peak of Python allocations while `action` runs, in bytes."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# Feed throughput ---------------------------------------------------------------------------
def raw_scan(app: TrackerApplication, decode: bool) -> int:
    count, after = 0, 0
    while page := app.recorder.select_notifications(after, 1000, inclusive_of_start=False):
        if decode:
            for notification in page:
                app.mapper.to_domain_event(notification)
        count += len(page)
        after = page[-1].id
    return count


def feed_token(app: TrackerApplication) -> str:
    """A read:events token for the bench's reader, as an operator would grant it."""
    accounts = Accounts.for_application(app)
    if accounts.get("bench") is None:
        accounts.create_account("bench", display_name="Bench", email="b@example.org", password=None)
    return accounts.issue_token("bench", scopes=[READ_EVENTS_SCOPE], name="bench").secret


def http_replay(base: str, token: str) -> int:
    count, after = 0, 0
    while True:
        request = urllib.request.Request(
            f"{base}/api/v1/events?after={after}&limit=1000",
            headers={"Authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            page = json.loads(response.read())
        if not page:
            return count
        count += len(page)
        after = int(page[-1]["sequence"])


def start_server(database_url: str, cache_mib: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": database_url,
        "TRACKER_PROJECTOR": "off",
        "TRACKER_FEED_PAGE_CACHE_MIB": str(cache_mib),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "8", "-w", "1",
         "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
            return process, base
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def feed_throughput(app: TrackerApplication, database_url: str, rounds: int) -> dict[str, float]:
    token = feed_token(app)
    servers = {"HTTP feed, first read": 0, "HTTP feed, cached pages": 64}
    started = {name: start_server(database_url, mib) for name, mib in servers.items()}
    try:
        for _, base in started.values():
            http_replay(base, token)  # warm up: the feed index catches up, the cache fills
        actions: dict[str, Callable[[], int]] = {
            "raw scan": lambda: raw_scan(app, decode=False),
            "decoded scan": lambda: raw_scan(app, decode=True),
        }
        for name, (_, base) in started.items():
            actions[name] = lambda base=base: http_replay(base, token)  # type: ignore[misc]
        best = dict.fromkeys(actions, 0.0)
        for _ in range(rounds):
            for name, action in actions.items():
                count, seconds = timed(action)
                best[name] = max(best[name], count / seconds)
        return best
    finally:
        for process, _ in started.values():
            process.terminate()
            process.wait(15)


# Export and import ---------------------------------------------------------------------------
def export_to(app: TrackerApplication, file: Path) -> int:
    with file.open("wb") as out:
        return Exporter(app, ExportScope(include_private=True), None).run(out).events


def import_from(file: Path, database_url: str) -> int:
    target = open_store(database_url)
    try:
        importer = Importer(target, file)
        importer.verify()
        return importer.run().written
    finally:
        target.close()


def archive_figures(
    app: TrackerApplication, size: int, backend: str, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    """Export and import rates and peaks of the store, filled with `size` events."""
    file = workdir / f"e{size}.ndjson"
    exported, export_s = timed(lambda: export_to(app, file))
    export_peak = peak_memory(lambda: export_to(app, file))
    with new_database(backend, workdir, args.postgres_url) as target:
        imported, import_s = timed(lambda: import_from(file, target))
    with new_database(backend, workdir, args.postgres_url) as target:
        import_peak = peak_memory(lambda: import_from(file, target))
    return {
        "events": size,
        "export_events_per_s": round(exported / export_s),
        "import_events_per_s": round(imported / import_s),
        "export_peak_kib": export_peak // 1024,
        "import_peak_kib": import_peak // 1024,
        "file_mib": round(file.stat().st_size / 2**20, 1),
    }


def measure_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """Grow one store through the sizes: the feed at the smallest, archives at each."""
    archives: list[dict[str, Any]] = []
    feed: dict[str, float] = {}
    with new_database(backend, workdir, args.postgres_url) as url:
        app = open_store(url)
        try:
            filled = 0
            for size in sorted(args.sizes):
                fill(app, size, first=filled // EVENTS_PER_MENTEE)
                filled = size
                if not feed:
                    feed = feed_throughput(app, url, args.rounds)
                archives.append(archive_figures(app, size, backend, args, workdir))
        finally:
            app.close()
    return {"feed": feed, "archives": archives}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3, help="feed throughput rounds")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a schema is created in this database and dropped afterwards",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-feed-") as tmp:
        for backend in backends:
            results[backend] = measure_backend(backend, args, Path(tmp))
    if args.json:
        print(json.dumps({"machine": machine(), "backends": summarise(results)}, indent=2))
    else:
        print(machine())
        for backend, result in results.items():
            print(f"\n== {backend}")
            report(result["feed"], result["archives"])
    return 0


def summarise(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The figures with their ratios, by backend."""
    return {
        backend: {**result, **ratios(result["feed"], result["archives"])}
        for backend, result in results.items()
    }


def ratios(feed: dict[str, float], archives: list[dict[str, Any]]) -> dict[str, Any]:
    """HTTP feed / raw scan for each server; peak at the largest size / peak at the smallest."""
    return {
        "feed_ratios": {
            name: round(ratio(rate, feed["raw scan"]), 3)
            for name, rate in feed.items() if name.startswith("HTTP")
        },
        "peak_growth": {
            kind: round(ratio(archives[-1][f"{kind}_peak_kib"], archives[0][f"{kind}_peak_kib"]), 2)
            for kind in ("export", "import")
        },
    }  # fmt: skip


def report(feed: dict[str, float], archives: list[dict[str, Any]]) -> None:
    found = ratios(feed, archives)
    rows = [(name, round(rate)) for name, rate in feed.items()]
    print(render_table(["feed (events/s, best round)", "events/s"], rows))
    for name, value in found["feed_ratios"].items():
        print(f"{name} / raw scan = {value:.3f}")
    headers = [
        "events",
        "export ev/s",
        "import ev/s",
        "export peak KiB",
        "import peak KiB",
        "file MiB",
    ]
    print()
    print(render_table(headers, [[a[h] for h in archives[0]] for a in archives], left=0))
    for kind, factor in found["peak_growth"].items():
        verdict = "flat" if factor < MEMORY_AIM else "GROWS"
        print(
            f"{kind} peak memory, {archives[-1]['events']} vs {archives[0]['events']} events: "
            f"{factor:.2f}x ({verdict})"
        )


if __name__ == "__main__":
    sys.exit(main())
