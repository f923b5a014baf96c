"""Projection catch-up against a raw log scan, and timeline latency for 100 vs 10,000 events.

    python bench/bench_projections.py [--backend sqlite|postgres|both] [--events N] [--json]

One store per backend holds two mentees' histories: "small" (100 events) and "large"
(`--events`, default 10,000), written with the real domain aggregates (plan section edits,
goal revisions, reflections, milestones added, moved and met) over one year, plus the demo
year (`tracker.demo`: three mentees with mentorships, check-ins, proposals; 452 events), so
that every view has work to do.

1. Catch-up. In alternating rounds on the same store:
   - raw scan (baseline): read the whole notification log in pages of 500
     (`recorder.select_notifications`), nothing else;
   - scan + decode (reference): the same, and each notification decoded with the
     application's mapper (`mapper.to_domain_event`: transcoding, upcasting, opening the
     sealed personal text), as the feed and exports read events;
   - scan + records (reference): the same, each notification turned into the EventRecord
     that projections consume (`projections.decoding.RecordDecoder`, what a catch-up does
     before any view's work); no catch-up can beat this;
   - timeline (subject): empty the timeline view and project the whole log into it with
     `ViewRunner.catch_up` (pages of 500: decode, reduce, write entries, documents and the
     tracking position in one transaction per page);
   - all views (subject): empty every view of the registry and project the whole log into
     all of them with `catch_up_together` (each page read and decoded once, applied to
     every view in one transaction); its rate counts log events per second, all views done.
   The headline is catch-up events/s / raw scan events/s (aim >= 0.3), by wall-clock time
   (median of the rounds). The same ratios by this process's CPU time are printed too: on
   a shared machine they move less with the load, but on PostgreSQL they leave out the
   server's work (which the raw scan has little of), so there the wall-clock ratio counts.
2. Timeline latency. `timeline_for` (the API's query) for the small and the large mentee,
   in interleaved rounds, each query answering the same number of entries for both: the
   first page (100), a page of 20 from the middle of the history (`after=`), a page of 20
   of one kind, a page of 20 in one quarter; and `growth_for` per week. The headline is
   large / small p50 for each (aim < 2).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from common import Workload, machine, ratio, render_table, run_interleaved
from eventsourcing.persistence import Notification

from domain import Goal, Plan
from domain.values import GoalKind
from projections.decoding import RecordDecoder
from projections.growth import growth_for
from projections.registry import build_projections
from projections.runner import ViewRunner, catch_up_together
from projections.store import ViewDatabase, ViewStore
from projections.timeline import TimelineProjection, shared_partition, timeline_for
from tracker.application import TrackerApplication, build_application
from tracker.demo import StoryClock, load_demo
from tracker.settings import Settings, storage_env

CATCH_UP_AIM = 0.3
LATENCY_AIM = 2.0
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
SMALL, LARGE = "small", "large"


class History:
    """Writes one mentee's year: every op is one event, saved in chunks of 500, each chunk in
    the order its events happened (so the log's times follow its positions, as in a store
    written one command at a time)."""

    def __init__(self, app: TrackerApplication, mentee: str, events: int) -> None:
        self.app, self.mentee, self.events = app, mentee, events
        self.step = timedelta(days=364) / events
        self.at = START
        self.milestone: str | None = None
        self.milestone_moved = False

    def tick(self) -> datetime:
        self.at += self.step
        return self.at

    def new_goal(self, n: int) -> Goal:
        who = self.mentee
        fields = {"title": f"Grow {n}", "specific": "Lead", "measurable": "Shipped"}
        goal = Goal.draft(
            mentee_id=who, kind=GoalKind.SMARTY, actor_id=who, at=self.tick(),
            fields={**fields, "target_date": date(2026, 1, 1)},
        )  # fmt: skip
        goal.activate(actor_id=who, at=self.tick())
        self.milestone, self.milestone_moved = None, False
        return goal

    def write(self) -> None:
        who = self.mentee
        plan = Plan.start(mentee_id=who, actor_id=who, at=self.tick())
        goals = [self.new_goal(0)]
        n = 3
        while n < self.events:
            if n % 200 == 0 and n + 3 <= self.events:
                # A goal lives about 200 events: achieved, then the next one is drafted.
                goals[-1].achieve(evidence="done", actor_id=who, at=self.tick())
                goals.append(self.new_goal(n))
                n += 3
                continue
            self.one_event(n, plan, goals[-1])
            n += 1
            if n % 500 == 0:
                self.save(plan, *goals)
                goals = goals[-1:]
        self.save(plan, *goals)

    def save(self, *aggregates: Plan | Goal) -> None:
        """Save the aggregates' new events in one transaction, oldest first."""
        events = [event for aggregate in aggregates for event in aggregate.collect_events()]
        self.app.save(*sorted(events, key=lambda event: event.timestamp))

    def one_event(self, n: int, plan: Plan, goal: Goal) -> None:
        who, at = self.mentee, self.tick()
        if n % 4 == 0:
            text = " ".join(["word"] * (n % 50 + 1))
            plan.edit_section(
                section="vision_statement", fields={"statement": text}, reason="grew",
                actor_id=who, at=at,
            )  # fmt: skip
        elif n % 4 == 1:
            goal.revise(changes={"title": f"Grow {n}"}, reason="sharper", actor_id=who, at=at)
        elif n % 4 == 2:
            plan.reflect(text=f"Week {n}", private=n % 8 == 2, actor_id=who, at=at)
        else:
            self.milestone_step(goal, at)

    def milestone_step(self, goal: Goal, at: datetime) -> None:
        who, due = self.mentee, at.date() + timedelta(days=30)
        if self.milestone is None:
            self.milestone = goal.add_milestone(
                title="Step", due=due, skills=["sql"], actor_id=who, at=at
            )
        elif not self.milestone_moved:
            goal.reschedule_milestone(
                milestone_id=self.milestone, due=due + timedelta(days=30), reason="late",
                actor_id=who, at=at,
            )  # fmt: skip
            self.milestone_moved = True
        else:
            goal.complete_milestone(milestone_id=self.milestone, actor_id=who, at=at)
            self.milestone, self.milestone_moved = None, False


@contextmanager
def database(backend: str, postgres_url: str) -> Iterator[str]:
    """A database URL of its own: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite"
        return
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres_url}?schema={schema}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall-clock seconds, this process's CPU seconds) of one call."""
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - started, time.process_time() - cpu


def write_demo(url: str) -> None:
    """The demo year, through the use cases, on an application with a clock of its own."""
    clock = StoryClock(START + timedelta(days=365))
    app = build_application(Settings(database_url=url), clock=clock)
    try:
        load_demo(app, clock)
    finally:
        app.close()


def catch_up_figures(
    app: TrackerApplication, timeline: ViewRunner, views: list[ViewRunner], rounds: int
) -> dict[str, Any]:
    """events/s of a raw scan, a decoding scan and two catch-ups, in alternating rounds."""
    recorder, head = app.recorder, app.recorder.max_notification_id() or 0
    decoder = RecordDecoder(app.mapper)

    def scan(decode: Callable[[Notification], object] | None) -> None:
        start = 0
        while page := recorder.select_notifications(start, 500, inclusive_of_start=False):
            if decode is not None:
                for notification in page:
                    decode(notification)
            start = page[-1].id

    def catch_up(runners: list[ViewRunner]) -> None:
        for runner in runners:
            runner.store.clear()
        catch_up_together(runners)

    workloads: dict[str, Callable[[], object]] = {
        "raw scan": lambda: scan(None),
        "scan + decode": lambda: scan(app.mapper.to_domain_event),
        "scan + records": lambda: scan(decoder.record),
        "timeline": lambda: catch_up([timeline]),
        "all views": lambda: catch_up(views),
    }
    seconds: dict[str, list[float]] = {name: [] for name in workloads}
    cpu: dict[str, list[float]] = {name: [] for name in workloads}
    for round_ in range(rounds):
        names = list(workloads)
        shift = round_ % len(names)  # a different workload first each round
        for name in names[shift:] + names[:shift]:
            wall, used = timed(workloads[name])
            seconds[name].append(wall)
            cpu[name].append(used)
    rates = {name: head / statistics.median(s) for name, s in seconds.items()}
    cpu_rates = {name: head / statistics.median(s) for name, s in cpu.items()}
    subjects = [name for name in workloads if name != "raw scan"]
    return {
        "events": head,
        "views": len(views),
        "events_per_s": {name: round(rate) for name, rate in rates.items()},
        "ratio": {name: round(ratio(rates[name], rates["raw scan"]), 3) for name in subjects},
        "cpu_events_per_s": {name: round(rate) for name, rate in cpu_rates.items()},
        "cpu_ratio": {
            name: round(ratio(cpu_rates[name], cpu_rates["raw scan"]), 3) for name in subjects
        },
    }


def latency_figures(runner: ViewRunner, ops: int) -> dict[str, Any]:
    """p50 of each timeline query for the small and the large mentee, and their ratio."""
    store = runner.store
    # Pages of the same size for both plans: the middle of the history, one kind, a quarter.
    middle = {m: _middle_position(store, m) for m in (SMALL, LARGE)}
    since, until = datetime(2025, 2, 1, tzinfo=UTC), datetime(2025, 5, 1, tzinfo=UTC)
    queries: dict[str, Callable[[str], object]] = {
        "first page (100)": lambda m: timeline_for(store, m, viewer_id=m),
        "page of 20 mid-history": lambda m: timeline_for(store, m, after=middle[m], limit=20),
        "one kind, page of 20": lambda m: timeline_for(store, m, kinds=["milestone"], limit=20),
        "one quarter, page of 20": lambda m: timeline_for(
            store, m, since=since, until=until, limit=20
        ),
        "growth per week": lambda m: growth_for(store, m, "week"),
    }
    workloads = [
        Workload(f"{name} [{m}]", partial(query, m))
        for name, query in queries.items()
        for m in (SMALL, LARGE)
    ]
    timings = run_interleaved(workloads, ops=ops, batch=20, seconds=20, warmup=10)
    figures = {}
    for name in queries:
        small, large = (timings[f"{name} [{m}]"].percentile_ms(50) for m in (SMALL, LARGE))
        figures[name] = {
            "small_p50_ms": round(small, 3),
            "large_p50_ms": round(large, 3),
            "ratio": round(ratio(large, small), 2),
        }
    return figures


def _middle_position(store: ViewStore, mentee: str) -> int:
    """The position halfway through a mentee's shared timeline."""
    entries = store.entries(shared_partition(mentee))
    return entries[len(entries) // 2].position


def run(backend: str, events: int, postgres_url: str, rounds: int, ops: int) -> dict[str, Any]:
    """Both benchmarks on one new database of `backend`."""
    with database(backend, postgres_url) as url:
        app = build_application(Settings(database_url=url))
        views = ViewDatabase(storage_env(url))
        try:
            History(app, SMALL, 100).write()
            History(app, LARGE, events).write()
            write_demo(url)
            runner = ViewRunner(TimelineProjection(view=views.store("timeline")), app)
            every_view = [ViewRunner(p, app) for p in build_projections(views)]
            catch_up = catch_up_figures(app, runner, every_view, rounds)
            latency = latency_figures(runner, ops)
        finally:
            views.close()
            app.close()
    return {"backend": backend, "catch_up": catch_up, "timeline_latency": latency}


def report(results: list[dict[str, Any]]) -> str:
    """The figures as two plain tables."""
    rows = []
    for result in results:
        figures = result["catch_up"]
        for clock, prefix in (("wall", ""), ("cpu", "cpu_")):
            rates, ratios = figures[f"{prefix}events_per_s"], figures[f"{prefix}ratio"]
            rows.append(
                [result["backend"], clock, figures["events"], *rates.values(), *ratios.values()]
            )
    first = render_table(
        [
            "backend", "clock", "events", "raw scan/s", "scan+decode/s", "scan+records/s",
            "timeline/s", "all views/s", "decode/raw", "records/raw", "timeline/raw",
            "all views/raw",
        ],
        rows,
    )  # fmt: skip
    rows = [
        [result["backend"], name, f["small_p50_ms"], f["large_p50_ms"], f["ratio"]]
        for result in results
        for name, f in result["timeline_latency"].items()
    ]
    second = render_table(
        ["backend", "query", "100 ev p50 ms", "10k ev p50 ms", "ratio"], rows, left=2
    )
    views = results[0]["catch_up"]["views"] if results else 0
    return (
        f"Catch-up (aim: catch-up/raw >= {CATCH_UP_AIM}; all views = {views} views)\n{first}\n\n"
        f"Timeline latency (aim: ratio < {LATENCY_AIM})\n{second}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", type=int, default=10_000, help="events of the large plan")
    parser.add_argument("--rounds", type=int, default=3, help="catch-up rounds")
    parser.add_argument("--ops", type=int, default=200, help="timed queries per workload")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = [run(b, args.events, args.postgres_url, args.rounds, args.ops) for b in backends]
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, indent=2))
    else:
        print(" ".join(f"{k}={v}" for k, v in machine().items()))
        print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
