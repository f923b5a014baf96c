"""Scaling curves: read latency as a plan's history grows, write throughput as the store grows.

    python bench/bench_scaling.py [--backend sqlite|postgres|both] [--max 100000]
                                  [--store-max 1000000] [--part latency|writes|both] [--json]

1. Latency vs history per plan. One new database per backend holds plans of 100, 1,000,
   10,000 and 100,000 events (up to `--max`), written in turn (scaling_data.LongPlan: the
   plan stays the same size, only its history grows; a "probe" goal with 20 revisions at
   the end). The timeline, plan_as_of and goal_history views are caught up, then each
   query is timed for every plan, interleaved, through `Projections.fresh` as the API
   reads: plan as of a date / a position 60% in / now, the diff of 30% and 60%; the
   timeline's first page, a page of 20 from 60% in, a page of one kind, a page of a quarter;
   the probe goal's history, the long goal's blame and milestone drift, a page of 50 of the
   long goal's history from 60% in (as the API reads it), and the long goal's whole history
   (which returns every revision, so it grows with them by design). A step whose writing
   and projecting would overrun `--budget` (estimated from the last step's rate) is skipped
   and reported as not measured.
2. Write throughput vs store size. Another new database is filled with small plans (100
   events each: a plan, three goals revised 31 times; saved 1,000 events at a time) to
   10k, 100k, 300k and 1M events (up to `--store-max`, while `--fill-seconds` of filling
   last); at each size, interleaved: revise a goal (`revise_goal`, the served
   configuration, aggregate cache on), revise a goal with the cache off (loads snapshot +
   events), and start a plan and draft a goal for a new mentee (new streams). The fill rate
   itself (events/s of bulk saves) is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

from bench_append import DEFAULT_POSTGRES_URL, postgres_database, sqlite_database
from common import Workload, machine, render_table, run_interleaved
from scaling_data import GOAL_FIELDS, LongPlan, SmallPlans, words

from projections.goal_history import (
    goal_blame_for,
    goal_history_for,
    goal_history_page,
    milestone_drift_for,
)
from projections.plan_as_of import plan_as_of, plan_diff
from projections.runner import catch_up_together
from projections.timeline import shared_partition, timeline_for
from tracker.application import TrackerApplication, build_application
from tracker.projecting import Projections
from tracker.settings import Settings

STEPS = (100, 1_000, 10_000, 100_000)
STORE_SIZES = (10_000, 100_000, 300_000, 1_000_000)
VIEWS = ["timeline", "plan_as_of", "goal_history"]
Query = Callable[[Projections, LongPlan], object]


def _mid_position(projections: Projections, plan: LongPlan) -> int:
    """The timeline position 60% into the plan's history (a real entry's position)."""
    entries = projections.fresh("timeline").entries(
        shared_partition(plan.mentee), after=plan.position_at(0.6) - 1, limit=1
    )
    return entries[0].position


QUERIES: dict[str, Query] = {
    "plan as of a date": lambda p, h: plan_as_of(
        p.fresh("plan_as_of"), h.mentee, viewer_id=h.mentee, when=h.time_at(0.6)
    ),
    "plan as of a position": lambda p, h: plan_as_of(
        p.fresh("plan_as_of"), h.mentee, viewer_id=h.mentee, position=h.position_at(0.6)
    ),
    "plan now": lambda p, h: plan_as_of(p.fresh("plan_as_of"), h.mentee, viewer_id=h.mentee),
    "plan diff 30%..60%": lambda p, h: plan_diff(
        p.fresh("plan_as_of"),
        h.mentee,
        viewer_id=h.mentee,
        since=h.time_at(0.3),
        until=h.time_at(0.6),
    ),
    "timeline first page (100)": lambda p, h: timeline_for(
        p.fresh("timeline"), h.mentee, viewer_id=h.mentee
    ),
    "timeline 20 from 60%": lambda p, h: timeline_for(
        p.fresh("timeline"), h.mentee, viewer_id=h.mentee, after=h.position_at(0.6), limit=20
    ),
    "timeline 20 of a kind": lambda p, h: timeline_for(
        p.fresh("timeline"),
        h.mentee,
        viewer_id=h.mentee,
        kinds=["proposal"],
        after=h.position_at(0.6),
        limit=20,
    ),
    "timeline 20 in a quarter": lambda p, h: timeline_for(
        p.fresh("timeline"),
        h.mentee,
        viewer_id=h.mentee,
        since=h.time_at(0.6),
        until=h.time_at(0.725),
        limit=20,
    ),
    "goal history (20 revisions)": lambda p, h: goal_history_for(
        p.fresh("goal_history"), h.goal_ids["probe"]
    ),
    "goal blame": lambda p, h: goal_blame_for(p.fresh("goal_history"), h.goal_ids["long"]),
    "milestone drift": lambda p, h: milestone_drift_for(
        p.fresh("goal_history"), h.goal_ids["long"]
    ),
    "goal history page (50 from 60%)": lambda p, h: goal_history_page(
        p.fresh("goal_history"), h.goal_ids["long"], after=h.position_at(0.6), limit=50
    ),
}
# Answers every revision of a goal revised N/8 times: its cost grows with them by design, so
# it is timed apart, with few ops, not to eat the other queries' time.
WHOLE_HISTORY: dict[str, Query] = {
    "goal history (all, ~N/8)": lambda p, h: goal_history_for(
        p.fresh("goal_history"), h.goal_ids["long"]
    ),
}


def time_queries(
    projections: Projections, plans: list[LongPlan], queries: dict[str, Query], **run: Any
) -> dict[str, dict[str, Any]]:
    """Every query on every plan, interleaved; {query: {plan events: summary}}."""
    workloads = [
        Workload(f"{name} [{plan.events}]", partial(query, projections, plan))
        for name, query in queries.items()
        for plan in plans
    ]
    timings = run_interleaved(workloads, **run)
    return {
        name: {str(plan.events): timings[f"{name} [{plan.events}]"].summary() for plan in plans}
        for name in queries
    }


def write_plans(
    app: TrackerApplication, projections: Projections, args: argparse.Namespace
) -> tuple[list[LongPlan], list[dict[str, Any]]]:
    """Write and project each step's plan while the budget allows; what was done or skipped."""
    plans: list[LongPlan] = []
    log: list[dict[str, Any]] = []
    deadline = time.monotonic() + args.budget
    rate = None  # events per second of write + project, from the last step
    for events in [s for s in STEPS if s <= args.max]:
        remaining = deadline - time.monotonic()
        if rate is not None and events / rate > remaining:
            log.append({"events": events, "skipped": f"~{events / rate:.0f} s needed, "
                        f"{remaining:.0f} s left of --budget"})  # fmt: skip
            continue
        plan = LongPlan(app, f"plan-{events}", events)
        started = time.monotonic()
        plan.write()
        written = time.monotonic()
        catch_up_together([projections.runner(view) for view in VIEWS])
        done = time.monotonic()
        rate = events / (done - started)
        plans.append(plan)
        log.append({"events": plan.last_position - plan.first_position + 1,
                    "write_s": round(written - started, 1),
                    "project_s": round(done - written, 1)})  # fmt: skip
    return plans, log


def latency_curves(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Part 1 on one database: p50 of every query for every plan size reached."""
    settings = Settings(database_url=database_url)
    app = build_application(settings)
    projections = Projections(app, settings, VIEWS)
    try:
        plans, log = write_plans(app, projections, args)
        curves = time_queries(
            projections, plans, QUERIES, ops=args.ops, batch=3, seconds=args.seconds, warmup=3
        )
        curves |= time_queries(
            projections, plans, WHOLE_HISTORY, ops=5, batch=1, seconds=args.seconds, warmup=1
        )
    finally:
        projections.close()
        app.close()
    return {"plans": log, "queries": curves}


def write_workloads(
    app: TrackerApplication, cold: TrackerApplication, goals: list[tuple[str, str]], step: int
) -> list[Workload]:
    """Revise (cache on), revise (cache off), and a new mentee's plan and goal."""
    count = iter(range(10**9))

    def revise(application: TrackerApplication) -> None:
        n = next(count)
        goal, mentee = goals[n % len(goals)]
        application.revise_goal(goal, changes={"measurable": f"{words(n)} #{n}"},
                                reason="sharper", actor_id=mentee)  # fmt: skip

    def new_plan() -> None:
        mentee = f"new-{step}-{next(count)}"
        app.start_plan(mentee_id=mentee, actor_id=mentee)
        app.draft_goal(mentee, kind="smarty", fields=GOAL_FIELDS, actor_id=mentee)

    return [
        Workload("revise goal (cache on)", partial(revise, app)),
        Workload("revise goal (cache off)", partial(revise, cold)),
        Workload("start plan + draft goal", new_plan),
    ]


def fill(filler: SmallPlans, app: TrackerApplication, target: int, seconds: float) -> float:
    """Add small plans until the store holds `target` events or `seconds` pass; events/s."""
    size = app.recorder.max_notification_id() or 0
    started, added = time.monotonic(), 0
    while size + added < target and time.monotonic() - started < seconds:
        added += filler.add(min(10_000, target - size - added))
    return added / max(time.monotonic() - started, 1e-9)


def write_throughput(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Part 2 on one database: fill with small plans, time the writes at each size reached.

    `--fill-seconds` bounds the time spent filling (the timing runs are bounded apart); the
    first size it cannot reach is measured where the filling stopped, and is the last.
    """
    app = build_application(Settings(database_url=database_url))
    cold = build_application(Settings(database_url=database_url, aggregate_cache_size=0))
    filler = SmallPlans(app)
    left = args.fill_seconds
    sizes: list[dict[str, Any]] = []
    try:
        for target in [s for s in STORE_SIZES if s <= args.store_max]:
            started = time.monotonic()
            rate = fill(filler, app, target, left)
            left -= time.monotonic() - started
            reached = app.recorder.max_notification_id() or 0
            timings = run_interleaved(
                write_workloads(app, cold, filler.goals, target),
                ops=args.write_ops, batch=25, seconds=args.seconds, warmup=10,
            )  # fmt: skip
            sizes.append({
                "target": target, "store_events": reached, "fill_events_per_s": round(rate),
                "workloads": {name: t.summary() for name, t in timings.items()},
            })  # fmt: skip
            if reached < target:
                break  # --fill-seconds ran out: measured where the filling stopped
    finally:
        cold.close()
        app.close()
    return {"fill_seconds": args.fill_seconds, "sizes": sizes}


def latency_report(name: str, result: dict[str, Any]) -> str:
    """p50 ms of each query per plan size, and the largest plan's p50 over the smallest's."""
    measured = list(next(iter(result["queries"].values()), {}))
    rows = []
    for query, by_size in result["queries"].items():
        p50 = [by_size[s]["p50_ms"] for s in measured]
        growth = f"{p50[-1] / p50[0]:.2f}" if p50 and p50[0] else "-"
        rows.append([query, *(f"{v:.2f}" for v in p50), growth])
    plans = "; ".join(f"{p['events']} events: {_how(p)}" for p in result["plans"])
    headers = ["query (p50 ms)", *(f"{s} ev" for s in measured), "last/first"]
    return f"{name}: latency vs events per plan ({plans})\n" + render_table(headers, rows)


def _how(plan: dict[str, Any]) -> str:
    if "skipped" in plan:
        return f"not measured, {plan['skipped']}"
    return f"written in {plan['write_s']} s, projected in {plan['project_s']} s"


def writes_report(name: str, result: dict[str, Any]) -> str:
    """ops/s and p50/p99 of each write at each store size reached."""
    rows = []
    for size in result["sizes"]:
        for workload, f in size["workloads"].items():
            figures = [f"{f['ops_per_s']:.0f}", f"{f['p50_ms']:.2f}", f"{f['p99_ms']:.2f}"]
            rows.append([size["store_events"], size["fill_events_per_s"], workload, f["ops"],
                         *figures])  # fmt: skip
    headers = ["store events", "fill ev/s", "write", "ops", "ops/s", "p50 ms", "p99 ms"]
    return f"{name}: write throughput vs store size\n" + render_table(headers, rows, left=1)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add = parser.add_argument
    add("--backend", choices=["sqlite", "postgres", "both"], default="both")
    add("--part", choices=["latency", "writes", "both"], default="both")
    add("--max", type=int, default=100_000, help="largest plan, in events (default 100000)")
    add("--budget", type=float, default=600, help="seconds to write + project the plans")
    add("--store-max", type=int, default=1_000_000, help="largest store to fill, in events")
    add("--fill-seconds", type=float, default=600, help="seconds spent filling the store")
    add("--ops", type=int, default=100, help="timed queries per query and plan")
    add("--write-ops", type=int, default=300, help="timed writes per workload and size")
    add("--seconds", type=float, default=60, help="cap on each interleaved timing run")
    add("--json", action="store_true", help="print JSON instead of tables")
    add("--postgres-url", default=os.environ.get("TRACKER_BENCH_POSTGRES_URL",
                                                 DEFAULT_POSTGRES_URL))  # fmt: skip
    args = parser.parse_args(argv)
    if args.max < STEPS[0] or args.store_max < STORE_SIZES[0]:
        parser.error(f"--max must be >= {STEPS[0]} and --store-max >= {STORE_SIZES[0]}")
    if min(args.ops, args.write_ops) < 1 or min(args.budget, args.fill_seconds, args.seconds) <= 0:
        parser.error("--ops and --write-ops must be >= 1; the time limits > 0")
    return args


def database(backend: str, args: argparse.Namespace) -> AbstractContextManager[str]:
    return sqlite_database() if backend == "sqlite" else postgres_database(args.postgres_url)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    parts = {"latency": latency_curves, "writes": write_throughput}
    wanted = list(parts) if args.part == "both" else [args.part]
    results: dict[str, dict[str, Any]] = {}
    failed = False
    for backend in backends:
        for part in wanted:
            try:
                with database(backend, args) as url:
                    results.setdefault(backend, {})[part] = parts[part](url, args)
            except Exception as error:  # e.g. PostgreSQL unreachable: report, go on
                print(f"{backend} {part}: not measured: {error!r}", file=sys.stderr)
                failed = True
    if args.json:
        print(json.dumps({**machine(), "backends": results}, indent=2))
    else:
        print(" ".join(f"{k}={v}" for k, v in machine().items()))
        for backend, result in results.items():
            if "latency" in result:
                print("\n" + latency_report(backend, result["latency"]))
            if "writes" in result:
                print("\n" + writes_report(backend, result["writes"]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
