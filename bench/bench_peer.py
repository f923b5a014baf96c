"""The tracker against a conventional versioned-table design, use case by use case.

    python bench/bench_peer.py [--backend sqlite|postgres|both] [--sizes 10,100,1000] [--json]

The peer (bench/peer/) keeps plans, plan sections, goals and milestones in current-state
tables versioned by SQLAlchemy-Continuum, with who and why in columns of each version row.
Both sides live in the same database: the same SQLite file, or the same new PostgreSQL
schema (created and dropped). For each history size N, one mentee on each side gets the
same history through each side's own commands: a plan, two active goals and a milestone,
then N revisions of goal A (a criterion rewritten, with a reason), a section edit every
second revision and a revision of goal B every tenth.

Timed per N, in interleaved rounds, ours against theirs:
- goal history: ours `goal_history_for` on the goal_history view; theirs every version row
  of the goal with field diffs (computed on read). Both give who, when, why and the diffs.
- plan as of a date: ours `plan_as_of(when=...)` on the plan_as_of view (checkpoint +
  deltas); theirs every versioned table at the last transaction issued by then. The date
  is 60% into the history on each side.
- revise a goal: ours `TrackerApplication.revise_goal`; theirs load the row, check its
  version, update it (Continuum adds the version row and closes the previous one).
Our reads go through `Projections.fresh` as the JSON API's do (it checks the view has
caught up with the log first); the views are caught up before timing. Our write does not
include updating the read models (the projector does that after the commit): the extra row
"revise + project" times a revision followed by catching up all five views as the projector
does (`catch_up_together`: the log read once, one transaction for all views), for the record.

The figure is our cost / their cost, p50 over p50 (the mean's ratio is printed too): below
1 we are cheaper.
Aims: below 1 for history and as-of reads, at most 1.5 for writes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib.metadata import version
from typing import Any

from bench_append import DEFAULT_POSTGRES_URL, postgres_database, sqlite_database
from common import Timings, Workload, machine, ratio, render_table, run_interleaved
from peer.database import PeerDatabase
from peer.queries import PeerReads
from peer.service import Commands, PeerTracker

from projections.goal_history import goal_history_for
from projections.plan_as_of import plan_as_of
from projections.runner import catch_up_together
from tracker.application import TrackerApplication, build_application
from tracker.projecting import Projections
from tracker.settings import Settings

AIMS = {"goal history": 1.0, "plan as of": 1.0, "revise goal": 1.5}
WRITE_AND_PROJECT = "revise + project"
GOAL_FIELDS = {
    "title": "Lead a team of four by next summer",
    "specific": "Run the platform team's planning and reviews",
    "measurable": "Two quarterly plans delivered",
    "achievable": "My manager agreed to hand over planning",
    "relevant": "Leading is the next step in my plan",
    "time_bound": "By the end of June",
    "yours": "I asked for this",
    "target_date": date(2026, 6, 30),
}
REASON = "We agreed at the check-in to count reviews rather than plans"


def measurable(n: int) -> str:
    """The n-th rewrite of a criterion: long enough for a word-level diff on both sides."""
    return f"{n} design reviews led for the platform team, each one written up and shared"


@dataclass
class Goal:
    """One goal on one side: its id, its mentee and the version the next command expects."""

    id: Any
    mentee: str
    version: int

    def revise(self, side: Commands, changes: dict[str, Any]) -> None:
        self.version = side.revise_goal(
            self.id, changes=changes, reason=REASON, actor_id=self.mentee,
            expected_version=self.version,
        ).version  # fmt: skip


@dataclass
class History:
    """What the reads need to know about one mentee's history on one side."""

    mentee: str
    goal: Goal
    other: Goal
    as_of: datetime = field(default_factory=lambda: datetime.now(UTC))


def draft_active_goal(side: Commands, mentee: str) -> Goal:
    drafted = side.draft_goal(mentee, kind="smarty", fields=GOAL_FIELDS, actor_id=mentee)
    active = side.activate_goal(drafted.id, actor_id=mentee, expected_version=drafted.version)
    return Goal(drafted.id, mentee, active.version)


def edit_section(side: Commands, mentee: str, n: int) -> None:
    section, name = (("vision_statement", "statement"), ("purpose_question", "question"))[n % 2]
    side.edit_plan_section(
        mentee, section=section, fields={name: f"Text {n}"}, reason="grew", actor_id=mentee
    )


def write_history(side: Commands, mentee: str, revisions: int) -> History:
    """The same history on either side; `as_of` is taken 60% of the way through."""
    side.start_plan(mentee_id=mentee, actor_id=mentee)
    history = History(mentee, draft_active_goal(side, mentee), draft_active_goal(side, mentee))
    goal = history.goal
    goal.version = side.add_milestone(
        goal.id, title="Lead one review", due=date(2026, 3, 1), skills=["facilitation"],
        actor_id=mentee, expected_version=goal.version,
    ).version  # fmt: skip
    for n in range(revisions):
        goal.revise(side, {"measurable": measurable(n)})
        if n % 2 == 0:
            edit_section(side, mentee, n // 2)
        if n % 10 == 0:
            history.other.revise(side, {"specific": f"Run planning, take {n}"})
        if n == revisions * 6 // 10:
            time.sleep(0.002)  # a moment strictly between two commits
            history.as_of = datetime.now(UTC)
            time.sleep(0.002)
    return history


@dataclass
class Backend:
    """Both sides open on one database."""

    app: TrackerApplication
    projections: Projections
    peer: PeerTracker
    reads: PeerReads
    ours: dict[int, History] = field(default_factory=dict)
    theirs: dict[int, History] = field(default_factory=dict)


def read_workloads(backend: Backend, size: int) -> list[Workload]:
    """History and as-of reads of the size-N mentee, ours and theirs."""
    mine, peer = backend.ours[size], backend.theirs[size]
    fresh = backend.projections.fresh

    def our_history() -> object:
        return goal_history_for(fresh("goal_history"), str(mine.goal.id))

    def our_as_of() -> object:
        store = fresh("plan_as_of")
        return plan_as_of(store, mine.mentee, viewer_id=mine.mentee, when=mine.as_of)

    return [
        Workload("goal history [ours]", our_history),
        Workload("goal history [theirs]", lambda: backend.reads.goal_history(peer.goal.id)),
        Workload("plan as of [ours]", our_as_of),
        Workload("plan as of [theirs]", lambda: backend.reads.plan_as_of(peer.mentee, peer.as_of)),
    ]


def write_workloads(backend: Backend, size: int, *, project: bool) -> list[Workload]:
    """Revisions of goal A of the size-N mentee; with `project`, ours also catches up views."""
    mine, peer = backend.ours[size].goal, backend.theirs[size].goal
    numbers = itertools.count(10**6)
    runners = list(backend.projections.runners.values())

    def our_revision() -> None:
        mine.revise(backend.app, {"measurable": measurable(next(numbers))})
        if project:
            catch_up_together(runners)

    def their_revision() -> None:
        peer.revise(backend.peer, {"measurable": measurable(next(numbers))})

    name = WRITE_AND_PROJECT if project else "revise goal"
    return [Workload(f"{name} [ours]", our_revision), Workload(f"{name} [theirs]", their_revision)]


def versions() -> dict[str, str]:
    """The machine, and the versions of both sides' libraries."""
    return {
        **machine(),
        "sqlalchemy": version("sqlalchemy"),
        "sqlalchemy_continuum": version("sqlalchemy-continuum"),
    }


def catch_up(projections: Projections) -> None:
    """Bring every view up to the head of the log (the projector's job between requests)."""
    catch_up_together(list(projections.runners.values()))


def check_agreement(backend: Backend, size: int) -> None:
    """Both sides must answer the same thing, or the timings compare nothing."""
    mine, peer = backend.ours[size], backend.theirs[size]
    our_plan = plan_as_of(
        backend.projections.fresh("plan_as_of"), mine.mentee, viewer_id=mine.mentee,
        when=mine.as_of,
    )  # fmt: skip
    their_plan = backend.reads.plan_as_of(peer.mentee, peer.as_of)
    assert our_plan is not None
    assert their_plan is not None
    our_goal = next(g for g in our_plan["goals"] if g["id"] == str(mine.goal.id))
    their_goal = their_plan["goals"][peer.goal.id]
    expected = measurable(size * 6 // 10)
    if (
        our_goal["fields"]["measurable"] != expected
        or their_goal["fields"]["measurable"] != expected
    ):
        raise AssertionError(f"as of disagrees at N={size}: {our_goal}, {their_goal}")
    our_history = goal_history_for(backend.projections.fresh("goal_history"), str(mine.goal.id))
    their_history = backend.reads.goal_history(peer.goal.id)
    assert our_history is not None
    assert their_history is not None
    counts = [
        sum(r["event"] == "revised" for r in h["revisions"]) for h in (our_history, their_history)
    ]
    if counts != [size, size]:
        raise AssertionError(f"goal history disagrees at N={size}: {counts} revisions")


def compare(timings: dict[str, Timings], use_case: str) -> dict[str, Any]:
    """Ours and theirs for one use case, and our cost / theirs: p50 (the headline: bursts of
    other work on a shared machine move it least) and mean time per op."""
    mine, peer = timings[f"{use_case} [ours]"], timings[f"{use_case} [theirs]"]
    return {
        "ours": {**mine.summary(), "mean_ms": _mean_ms(mine)},
        "theirs": {**peer.summary(), "mean_ms": _mean_ms(peer)},
        "ratio": round(ratio(mine.percentile_ms(50), peer.percentile_ms(50)), 3),
        "mean_ratio": round(ratio(_mean_ms(mine), _mean_ms(peer)), 3),
    }


def _mean_ms(timings: Timings) -> float:
    return round(sum(timings.latencies_ns) / max(timings.ops, 1) / 1e6, 3)


def measure_size(backend: Backend, size: int, args: argparse.Namespace) -> dict[str, Any]:
    """Reads, then writes, then writes with projection, each interleaved ours/theirs."""
    check_agreement(backend, size)
    run = {"ops": args.ops, "batch": args.batch, "seconds": args.seconds, "warmup": args.warmup}
    reads = run_interleaved(read_workloads(backend, size), **run)
    writes = run_interleaved(write_workloads(backend, size, project=False), **run)
    catch_up(backend.projections)
    projected = run_interleaved(write_workloads(backend, size, project=True), **run)
    catch_up(backend.projections)
    return {
        use_case: compare(timings, use_case)
        for timings, use_case in (
            (reads, "goal history"),
            (reads, "plan as of"),
            (writes, "revise goal"),
            (projected, WRITE_AND_PROJECT),
        )
    }


def measure_backend(database_url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Both sides on one database: write every history, catch up, time every size."""
    settings = Settings(database_url=database_url)
    app = build_application(settings)
    projections = Projections(app, settings)
    peer_db = PeerDatabase(database_url)
    try:
        backend = Backend(app, projections, PeerTracker(peer_db), PeerReads(peer_db.sessions))
        started = time.monotonic()
        for size in args.sizes:
            backend.ours[size] = write_history(app, f"mentee-{size}", size)
            backend.theirs[size] = write_history(backend.peer, f"mentee-{size}", size)
        catch_up(projections)
        setup_s = round(time.monotonic() - started, 1)
        sizes = {str(size): measure_size(backend, size, args) for size in args.sizes}
    finally:
        peer_db.close()
        projections.close()
        app.close()
    return {"setup_seconds": setup_s, "sizes": sizes}


def report(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    """One table per backend: each use case at each size, ours, theirs and the ratio."""
    info = versions()
    lines = [
        f"bench_peer  {info['date']}  {info['cpus']} CPUs  Python {info['python']}  "
        f"eventsourcing {info['eventsourcing']}  SQLAlchemy {info['sqlalchemy']}  "
        f"Continuum {info['sqlalchemy_continuum']}",
        f"interleaved in rounds of {args.batch} ops per workload, after {args.warmup} warm-up; "
        "ratio = our p50 / theirs, mean ratio = our mean / theirs (< 1: we are cheaper)",
    ]
    for name, result in results.items():
        rows = []
        for size, cases in result["sizes"].items():
            for use_case, f in cases.items():
                aim = AIMS.get(use_case)
                verdict = "" if aim is None else ("ok" if f["ratio"] <= aim else "MISSED")
                rows.append([
                    size, use_case, f["ours"]["ops"],
                    f"{f['ours']['p50_ms']:.2f}", f"{f['theirs']['p50_ms']:.2f}",
                    f"{f['ours']['mean_ms']:.2f}", f"{f['theirs']['mean_ms']:.2f}",
                    f"{f['ratio']:.2f}", f"{f['mean_ratio']:.2f}",
                    "-" if aim is None else f"<= {aim}", verdict,
                ])  # fmt: skip
        headers = ["N", "use case", "ops", "ours p50", "theirs p50", "ours mean", "theirs mean",
                   "ratio", "mean ratio", "aim", ""]  # fmt: skip
        lines += ["", f"{name} (histories written in {result['setup_seconds']} s), ms per op:"]
        lines.append(render_table(headers, rows, left=2))
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--sizes", default="10,100,1000", help="revisions per goal, comma-separated"
    )
    parser.add_argument("--ops", type=int, default=200, help="timed ops per workload and size")
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="cap on the timed rounds of each run"
    )
    parser.add_argument("--batch", type=int, default=5, help="ops per workload per round")
    parser.add_argument("--warmup", type=int, default=10, help="untimed ops per workload first")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("TRACKER_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a schema is created in this database and dropped afterwards",
    )
    args = parser.parse_args(argv)
    try:
        args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 10,100,1000")
    if not args.sizes or min(args.sizes) < 1 or max(args.sizes) > 100_000:
        parser.error("--sizes must be between 1 and 100000")
    if args.ops < 1 or args.batch < 1 or args.warmup < 0 or args.seconds <= 0:
        parser.error("--ops and --batch must be >= 1, --warmup >= 0, --seconds > 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    results: dict[str, dict[str, Any]] = {}
    failed = False
    for backend in backends:
        database = (
            sqlite_database() if backend == "sqlite" else postgres_database(args.postgres_url)
        )
        try:
            with database as url:
                results[backend] = measure_backend(url, args)
        except Exception as error:  # e.g. PostgreSQL unreachable: report, go on with the rest
            print(f"{backend}: not measured: {error!r}", file=sys.stderr)
            failed = True
    if args.json:
        print(json.dumps({**versions(), "aims": AIMS, "backends": results}, indent=2))
    elif results:
        print(report(results, args))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
