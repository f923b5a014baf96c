"""Throughput of revising a goal, against raw eventsourcing writes on the same database.

    python bench/bench_append.py [--backend sqlite|postgres|both] [--ops N] [--seconds S] [--json]

Three workloads run in the same process, in alternating rounds, on the same database:

- raw save()        a trivial aggregate (one `@event` method, no payload) held in memory:
                    increment, `Application.save()`. One event appended per op; nothing read.
- raw get()+save()  the same trivial aggregate loaded with `repository.get()` (snapshot every
                    50 events, as goals are), incremented, saved: the library's own
                    load-change-save cycle with no domain and no service around it.
- revise_goal       `TrackerApplication.revise_goal(..., expected_version=v)` on an active
                    SMARTY goal: load through the repository (snapshot + events), check the
                    version, validate and apply `Goal.revise`, save `Goal.Revised`
                    (changes + reason + actor), snapshot every 50 events, return a receipt.

The headline ratio is revise_goal / raw get()+save(): both read the aggregate and write one
event in one transaction, so the ratio is the cost of the tracker's service, domain rules and
richer events. The ratio to raw save() (append only) is printed too, for reference.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any
from uuid import UUID

from common import TrivialAggregate, Workload, machine, ratio, render_table, run_interleaved
from eventsourcing.application import Application

from domain import Goal
from tracker.application import TrackerApplication, build_application
from tracker.services.base import UseCases
from tracker.settings import Settings, storage_env

AIM = 0.7
SNAPSHOT_INTERVAL = UseCases.snapshotting_intervals[Goal]
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
RAW_SAVE = "raw save()"
RAW_LOAD_SAVE = "raw get()+save()"
SUBJECT = "revise_goal"
COMPARED = {
    SUBJECT: "TrackerApplication.revise_goal(expected_version=v) on an active goal: load "
    f"(snapshot every {SNAPSHOT_INTERVAL} + events), check version, Goal.revise, save",
    RAW_LOAD_SAVE: "repository.get() of a trivial aggregate (snapshot every "
    f"{SNAPSHOT_INTERVAL} + events), one @event method, Application.save()",
    RAW_SAVE: "Application.save() of one event of a trivial aggregate held in memory",
    "ratio": f"{SUBJECT} / {RAW_LOAD_SAVE} in ops/s; aim >= {AIM}",
}


class RawSaveApplication(Application[UUID]):
    """The baseline that only appends: no snapshots, nothing read back."""

    name = "BenchRawSave"


class RawLoadSaveApplication(Application[UUID]):
    """The baseline that loads then appends, snapshotting as often as the tracker does."""

    name = "BenchRawLoadSave"
    snapshotting_intervals = {TrivialAggregate: SNAPSHOT_INTERVAL}


def raw_save_workload(database_url: str, opened: list[Application[UUID]]) -> Workload:
    app = RawSaveApplication(env=storage_env(database_url))
    opened.append(app)
    aggregate = TrivialAggregate()
    app.save(aggregate)

    def op() -> None:
        aggregate.increment()
        app.save(aggregate)

    return Workload(RAW_SAVE, op)


def raw_load_save_workload(database_url: str, opened: list[Application[UUID]]) -> Workload:
    app = RawLoadSaveApplication(env=storage_env(database_url))
    opened.append(app)
    created = TrivialAggregate()
    app.save(created)
    aggregate_id = created.id

    def op() -> None:
        aggregate: TrivialAggregate = app.repository.get(aggregate_id)
        aggregate.increment()
        app.save(aggregate)

    return Workload(RAW_LOAD_SAVE, op)


def revise_goal_workload(database_url: str, opened: list[Application[UUID]]) -> Workload:
    """An active SMARTY goal whose `measurable` criterion is rewritten, with a reason, each op."""
    app: TrackerApplication = build_application(Settings(database_url=database_url))
    opened.append(app)
    mentee = "mentee-bench"
    app.start_plan(mentee_id=mentee, actor_id=mentee)
    fields = {
        "title": "Lead a team of four by next summer",
        "specific": "Run the platform team's planning and reviews",
        "measurable": "Two quarterly plans delivered",
        "achievable": "My manager agreed to hand over planning",
        "relevant": "Leading is the next step in my plan",
        "time_bound": "By the end of June",
        "yours": "I asked for this",
        "target_date": date(2026, 6, 30),
    }
    drafted = app.draft_goal(mentee, kind="smarty", fields=fields, actor_id=mentee)
    current = app.activate_goal(drafted.id, actor_id=mentee, expected_version=drafted.version)
    version = current.version
    numbers = itertools.count()

    def op() -> None:
        nonlocal version
        receipt = app.revise_goal(
            drafted.id,
            changes={"measurable": f"{next(numbers)} design reviews led, each written up"},
            reason="We agreed at the check-in to count reviews rather than plans",
            actor_id=mentee,
            expected_version=version,
        )
        version = receipt.version

    return Workload(SUBJECT, op)


@contextmanager
def sqlite_database() -> Iterator[str]:
    """One SQLite file in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-append-") as directory:
        yield f"sqlite:///{os.path.join(directory, 'bench.sqlite')}"


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A schema of our own in the PostgreSQL database, dropped afterwards."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base_url, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{base_url}?schema={schema}"
    finally:
        with psycopg.connect(base_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def measure_backend(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Set up the three workloads on one database, time them interleaved, sum up."""
    opened: list[Application[UUID]] = []
    try:
        builders: list[Callable[[str, list[Application[UUID]]], Workload]] = [
            raw_save_workload,
            raw_load_save_workload,
            revise_goal_workload,
        ]
        workloads = [build(database_url, opened) for build in builders]
        timings = run_interleaved(
            workloads, ops=args.ops, batch=args.batch, seconds=args.seconds, warmup=args.warmup
        )
    finally:
        for app in opened:
            app.close()
    summaries = {name: t.summary() for name, t in timings.items()}
    subject = timings[SUBJECT].ops_per_second
    return {
        "workloads": summaries,
        "ratio": round(ratio(subject, timings[RAW_LOAD_SAVE].ops_per_second), 3),
        "ratio_to_save_only": round(ratio(subject, timings[RAW_SAVE].ops_per_second), 3),
    }


def database(backend: str, args: argparse.Namespace) -> AbstractContextManager[str]:
    """A fresh database of the backend, as a TRACKER_DATABASE_URL-style URL."""
    return sqlite_database() if backend == "sqlite" else postgres_database(args.postgres_url)


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    """The printed table, the ratios against the aim, and what exactly was compared."""
    rows = []
    for backend, result in results.items():
        for name, figures in result["workloads"].items():
            rows.append(
                [backend, name, figures["ops"], f"{figures['ops_per_s']:.0f}",
                 f"{figures['p50_ms']:.2f}", f"{figures['p99_ms']:.2f}"]
            )  # fmt: skip
    info = machine()
    lines = [
        f"bench_append  {info['date']}  {info['cpus']} CPUs  Python {info['python']}  "
        f"eventsourcing {info['eventsourcing']}",
        f"interleaved in rounds of {args.batch} ops per workload, after {args.warmup} warm-up",
        "",
        render_table(["backend", "workload", "ops", "ops/s", "p50 ms", "p99 ms"], rows, left=2),
        "",
    ]
    for backend, result in results.items():
        verdict = "meets" if result["ratio"] >= AIM else "BELOW"
        lines.append(
            f"{backend}: {SUBJECT} / {RAW_LOAD_SAVE} = {result['ratio']:.2f} "
            f"({verdict} the aim of {AIM}); / {RAW_SAVE} = {result['ratio_to_save_only']:.2f}"
        )
    width = max(len(name) for name in COMPARED)
    lines += ["", *(f"{name.rjust(width)}: {text}" for name, text in COMPARED.items())]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--ops", type=int, default=1000, help="ops per workload (default 1000)")
    parser.add_argument(
        "--seconds", type=float, default=20.0, help="cap on timed rounds per backend (default 20)"
    )
    parser.add_argument("--batch", type=int, default=50, help="ops per workload per round")
    parser.add_argument("--warmup", type=int, default=50, help="untimed ops per workload first")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a schema is created in this database and dropped afterwards",
    )
    args = parser.parse_args(argv)
    if args.ops < 1 or args.batch < 1 or args.warmup < 0 or args.seconds <= 0:
        parser.error("--ops and --batch must be >= 1, --warmup >= 0, --seconds > 0")
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
        print(json.dumps({**machine(), "compared": COMPARED, "backends": results}, indent=2))
    elif results:
        print(report(results, args))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
