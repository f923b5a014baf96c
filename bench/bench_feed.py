"""The integrators' feed: HTTP throughput against a raw log scan; export and import rates
and peak memory for 10k vs 100k events.

    python bench/bench_feed.py [--sizes 10000 100000] [--rounds 3] [--json]

Stores are SQLite files in a temporary directory, filled with real domain events (one
plan and one goal per mentee, 100 events each: reflections, private or not, and goal
revisions), saved 100 events per transaction.

1. Feed throughput (smallest size): the whole log read through HTTP, pages of 1000 from
   `GET /api/v1/events` served by gunicorn (one gthread worker, 8 threads; the feed index
   warmed first), JSON parsed by the client, against, in alternating rounds on the same
   store: raw scan (baseline) = `recorder.select_notifications` pages of 1000, nothing
   else; and decoded scan = the same plus `mapper.to_domain_event` (reference). The
   headline is HTTP events/s / raw scan events/s.
2. Export and import, for each size: events/s of `Exporter.run` (to a file) and of
   `Importer.verify` + `Importer.run` (into a new store), then the same again under
   tracemalloc for the peak of Python memory. Flat memory = the peak at 100k within a small
   factor of the peak at 10k (aim < 1.5x).
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
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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


def open_store(path: Path) -> TrackerApplication:
    """The application on a SQLite file, snapshots off (import writes no snapshots)."""
    return build_application(Settings(database_url=f"sqlite:///{path}", snapshot_interval=0))


def fill(app: TrackerApplication, events: int) -> None:
    """`events` events: per mentee a plan and a goal, 100 events in one transaction."""
    for number in range(events // EVENTS_PER_MENTEE):
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


def start_server(database: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": f"sqlite:///{database}",
        "TRACKER_PROJECTOR": "off",
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


def feed_throughput(app: TrackerApplication, database: Path, rounds: int) -> dict[str, float]:
    token = feed_token(app)
    process, base = start_server(database)
    try:
        http_replay(base, token)  # warm up: the feed index catches up once
        best: dict[str, float] = {"raw scan": 0.0, "decoded scan": 0.0, "HTTP feed": 0.0}
        for _ in range(rounds):
            for name, action in (
                ("raw scan", lambda: raw_scan(app, decode=False)),
                ("decoded scan", lambda: raw_scan(app, decode=True)),
                ("HTTP feed", lambda: http_replay(base, token)),
            ):
                count, seconds = timed(action)
                best[name] = max(best[name], count / seconds)
        return best
    finally:
        process.terminate()
        process.wait(15)


# Export and import ---------------------------------------------------------------------------
def export_to(app: TrackerApplication, file: Path) -> int:
    with file.open("wb") as out:
        return Exporter(app, ExportScope(include_private=True), None).run(out).events


def import_from(file: Path, database: Path) -> int:
    database.unlink(missing_ok=True)
    target = open_store(database)
    try:
        importer = Importer(target, file)
        importer.verify()
        return importer.run().written
    finally:
        target.close()


def archive_figures(size: int, workdir: Path) -> dict[str, Any]:
    source_path, file, target = (
        workdir / f"s{size}.sqlite",
        workdir / f"e{size}.ndjson",
        workdir / f"t{size}.sqlite",
    )
    app = open_store(source_path)
    try:
        fill(app, size)
        exported, export_s = timed(lambda: export_to(app, file))
        imported, import_s = timed(lambda: import_from(file, target))
        export_peak = peak_memory(lambda: export_to(app, file))
        import_peak = peak_memory(lambda: import_from(file, target))
    finally:
        app.close()
    return {
        "events": size,
        "export_events_per_s": round(exported / export_s),
        "import_events_per_s": round(imported / import_s),
        "export_peak_kib": export_peak // 1024,
        "import_peak_kib": import_peak // 1024,
        "file_mib": round(file.stat().st_size / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=3, help="feed throughput rounds")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        archives = [archive_figures(size, workdir) for size in sorted(args.sizes)]
        app = open_store(workdir / f"s{min(args.sizes)}.sqlite")
        try:
            feed = feed_throughput(app, workdir / f"s{min(args.sizes)}.sqlite", args.rounds)
        finally:
            app.close()
    report(feed, archives, args.json)
    return 0


def report(feed: dict[str, float], archives: list[dict[str, Any]], as_json: bool) -> None:
    feed_ratio = ratio(feed["HTTP feed"], feed["raw scan"])
    growth = {
        kind: ratio(archives[-1][f"{kind}_peak_kib"], archives[0][f"{kind}_peak_kib"])
        for kind in ("export", "import")
    }
    if as_json:
        print(json.dumps({"machine": machine(), "feed": feed, "feed_ratio": feed_ratio,
                          "archives": archives, "peak_growth": growth}, indent=2))  # fmt: skip
        return
    print(machine())
    rows = [(name, round(rate)) for name, rate in feed.items()]
    print(render_table(["feed (events/s, best round)", "events/s"], rows))
    print(f"HTTP feed / raw scan = {feed_ratio:.2f}\n")
    headers = [
        "events",
        "export ev/s",
        "import ev/s",
        "export peak KiB",
        "import peak KiB",
        "file MiB",
    ]
    print(render_table(headers, [[a[h] for h in archives[0]] for a in archives], left=0))
    for kind, factor in growth.items():
        verdict = "flat" if factor < MEMORY_AIM else "GROWS"
        print(
            f"{kind} peak memory, {archives[-1]['events']} vs {archives[0]['events']} events: "
            f"{factor:.2f}x ({verdict})"
        )


if __name__ == "__main__":
    sys.exit(main())
