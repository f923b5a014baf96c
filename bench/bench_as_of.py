""" "Plan as of" latency for a plan with 100 events vs one with 10,000 events.

    python bench/bench_as_of.py [--backend sqlite|postgres|both] [--events N] [--json]

One store per backend holds two mentees' histories over the same year, written with the
real domain aggregates in the order things happened (times follow positions, as in a store
written one command at a time) and projected into the plan-as-of view (a checkpoint every
64 events of a mentee): "small" (100 events) and "large" (`--events`, default 10,000). The histories
revise the same few things over and over (sections, a goal's title and target date, one
milestone moved back and forth, proposals made and declined), so both plans are about the
same size and only the length of their history differs: that is what the view must not
be slowed down by.

Timed, in interleaved rounds, for each mentee (the API's query functions):
- "as of a position": `plan_as_of(position=...)`;
- "as of a date": `plan_as_of(when=...)`;
- "diff of two dates": `plan_diff(since=..., until=...)` (two "as of"s and a diff), the
  second moment a tenth of her history after the first;
each op at the next of 19 moments spread evenly over her history (5%, 10%, ... 95%), since
the cost depends on how many deltas lie between the moment and the checkpoint before it;
- "now": `plan_as_of()` with neither (the current document).
The headline is large / small p50 for each (aim < 2).
"""

from __future__ import annotations

import argparse
import heapq
import json
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import cycle, islice
from typing import Any

from bench_projections import DEFAULT_POSTGRES_URL, database
from common import Workload, machine, ratio, render_table, run_interleaved

from domain import Goal, Plan, Proposal
from domain.values import GoalKind, ProposalTarget
from projections.plan_as_of import PlanAsOfProjection, plan_as_of, plan_diff
from projections.runner import ViewRunner
from projections.store import ViewDatabase, ViewStore
from tracker.application import TrackerApplication, build_application
from tracker.settings import Settings, storage_env

LATENCY_AIM = 2.0
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
SMALL, LARGE = "small", "large"
MENTOR = "mentor"


class History:
    """One mentee's year, every step one event; the plan stays the same size."""

    def __init__(self, mentee: str, events: int) -> None:
        self.mentee, self.events = mentee, events
        self.step = timedelta(days=364) / events
        self.at = START
        self.positions: list[int] = []  # where her events landed in the log, in order
        self.pending: list[Proposal] = []

    def tick(self) -> datetime:
        self.at += self.step
        return self.at

    def happenings(self) -> Iterator[tuple[datetime, str, Any]]:
        """(when, whose, event) for each step of her year, in the order it happened."""
        who = self.mentee
        plan = Plan.start(mentee_id=who, actor_id=who, at=self.tick())
        yield from self.collected(plan)
        fields = {"title": "Grow", "specific": "Lead", "measurable": "Shipped"}
        goal = Goal.draft(
            mentee_id=who, kind=GoalKind.SMARTY, actor_id=who, at=self.tick(),
            fields={**fields, "target_date": date(2026, 1, 1)},
        )  # fmt: skip
        yield from self.collected(goal)
        milestone = goal.add_milestone(
            title="Step", due=date(2025, 6, 1), skills=["sql"], actor_id=who, at=self.tick()
        )
        yield from self.collected(goal)
        for n in range(3, self.events):
            yield from self.collected(self.one_step(n, plan, goal, milestone))

    def collected(self, aggregate: Plan | Goal | Proposal) -> Iterator[tuple[datetime, str, Any]]:
        for event in aggregate.collect_events():
            yield event.timestamp, self.mentee, event

    def one_step(self, n: int, plan: Plan, goal: Goal, milestone: str) -> Plan | Goal | Proposal:
        """The n-th event: a section edit, a revision, a milestone moved, a proposal or its end;
        the aggregate it changed."""
        who, at = self.mentee, self.tick()
        if n % 4 == 0:
            section = ("vision_statement", "purpose_question")[n % 8 // 4]
            name = "statement" if section == "vision_statement" else "question"
            plan.edit_section(section=section, fields={name: f"Text {n}"}, reason="grew",
                              actor_id=who, at=at)  # fmt: skip
            return plan
        if n % 4 == 1:
            goal.revise(changes={"title": f"Grow {n}"}, reason="sharper", actor_id=who, at=at)
            return goal
        if n % 4 == 2:
            due = date(2025, 6, 1) + timedelta(days=n % 3 + 1)
            goal.reschedule_milestone(milestone_id=milestone, due=due, reason="moved",
                                      actor_id=who, at=at)  # fmt: skip
            return goal
        if self.pending:
            proposal = self.pending.pop()
            proposal.decline(reason="not now", actor_id=who, at=at)
            return proposal
        self.pending.append(Proposal.make(
            mentee_id=who, target=ProposalTarget.GOAL, target_id=str(goal.id), section=None,
            changes={"title": "Bolder"}, rationale="why not", based_on_version=None,
            actor_id=MENTOR, at=at,
        ))  # fmt: skip
        return self.pending[-1]

    def position_at(self, share: float) -> int:
        return self.positions[round((len(self.positions) - 1) * share)]

    def time_at(self, share: float) -> datetime:
        return START + timedelta(days=364) * share


def write_histories(app: TrackerApplication, histories: dict[str, History]) -> None:
    """Both mentees' years at once, merged in the order things happened and saved in chunks
    of 500 events: the log's times follow its positions, as in a store written one command
    at a time while both plans grow."""
    merged = heapq.merge(*(h.happenings() for h in histories.values()), key=lambda e: e[0])
    while chunk := list(islice(merged, 500)):
        recordings = app.save(*(event for _, _, event in chunk))
        for (_, mentee, _), recording in zip(chunk, recordings, strict=True):
            histories[mentee].positions.append(recording.notification.id)


def latency_figures(store: ViewStore, histories: dict[str, History], ops: int) -> dict[str, Any]:
    """p50 of each "as of" query for the small and the large plan, and their ratio."""
    h = histories
    shares = {m: cycle([n / 20 for n in range(1, 20)]) for m in h}

    def diff(m: str) -> object:
        share = next(shares[m]) * 0.9
        since, until = h[m].time_at(share), h[m].time_at(share + 0.1)
        return plan_diff(store, m, viewer_id=m, since=since, until=until)

    queries: dict[str, Callable[[str], object]] = {
        "as of a position": lambda m: plan_as_of(
            store, m, viewer_id=m, position=h[m].position_at(next(shares[m]))
        ),
        "as of a date": lambda m: plan_as_of(
            store, m, viewer_id=m, when=h[m].time_at(next(shares[m]))
        ),
        "diff of two dates": diff,
        "now": lambda m: plan_as_of(store, m, viewer_id=m),
    }
    workloads = [
        Workload(f"{name} [{m}]", partial(query, m))
        for name, query in queries.items()
        for m in (SMALL, LARGE)
    ]
    timings = run_interleaved(workloads, ops=ops, batch=20, seconds=30, warmup=10)
    figures = {}
    for name in queries:
        small, large = (timings[f"{name} [{m}]"].percentile_ms(50) for m in (SMALL, LARGE))
        figures[name] = {
            "small_p50_ms": round(small, 3),
            "large_p50_ms": round(large, 3),
            "ratio": round(ratio(large, small), 2),
        }
    return figures


def run(backend: str, events: int, postgres_url: str, ops: int) -> dict[str, Any]:
    """Write both histories on a new database of `backend`, project them, time the queries."""
    with database(backend, postgres_url) as url:
        app = build_application(Settings(database_url=url))
        views = ViewDatabase(storage_env(url))
        try:
            histories = {SMALL: History(SMALL, 100), LARGE: History(LARGE, events)}
            write_histories(app, histories)
            runner = ViewRunner(PlanAsOfProjection(view=views.store("plan_as_of")), app)
            runner.catch_up()
            latency = latency_figures(runner.store, histories, ops)
            sizes = {m: len(h.positions) for m, h in histories.items()}
        finally:
            views.close()
            app.close()
    return {"backend": backend, "events": sizes, "as_of_latency": latency}


def report(results: list[dict[str, Any]]) -> str:
    """The figures as a plain table."""
    rows = [
        [result["backend"], name, f["small_p50_ms"], f["large_p50_ms"], f["ratio"]]
        for result in results
        for name, f in result["as_of_latency"].items()
    ]
    sizes = results[0]["events"]
    table = render_table(
        ["backend", "query", f"{sizes[SMALL]} ev p50 ms", f"{sizes[LARGE]} ev p50 ms", "ratio"],
        rows,
        left=2,
    )
    return f'"Plan as of" latency (aim: ratio < {LATENCY_AIM})\n{table}'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--events", type=int, default=10_000, help="events of the large plan")
    parser.add_argument("--ops", type=int, default=200, help="timed queries per workload")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results = [run(b, args.events, args.postgres_url, args.ops) for b in backends]
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, indent=2))
    else:
        print(" ".join(f"{k}={v}" for k, v in machine().items()))
        print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
