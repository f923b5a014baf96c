"""Shared machinery of the benchmarks: interleaved timing rounds, percentiles, tables.

A benchmark compares a subject with a baseline measured in the same process, in alternating
rounds, so that noise from the machine (other processes, CPU frequency, disk) falls on both
alike and the ratio stays meaningful even where the absolute figures do not.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from typing import Any

from eventsourcing.domain import Aggregate, event


class TrivialAggregate(Aggregate):
    """The least an event-sourced write can be: one event with no payload but the version."""

    @event("Created")
    def __init__(self) -> None:
        self.count = 0

    @event("Incremented")
    def increment(self) -> None:
        self.count += 1


@dataclass(frozen=True)
class Workload:
    """One thing to time: `op` performs exactly one operation (one command, one save)."""

    name: str
    op: Callable[[], object]


@dataclass
class Timings:
    """Per-operation latencies of one workload, in nanoseconds."""

    name: str
    latencies_ns: list[int] = field(default_factory=list)

    @property
    def ops(self) -> int:
        return len(self.latencies_ns)

    @property
    def ops_per_second(self) -> float:
        total = sum(self.latencies_ns)
        return self.ops / (total / 1e9) if total else 0.0

    def percentile_ms(self, q: float) -> float:
        """The q-th percentile (0-100, nearest rank) of the latencies, in milliseconds."""
        if not self.latencies_ns:
            return 0.0
        ordered = sorted(self.latencies_ns)
        rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
        return ordered[rank - 1] / 1e6

    def summary(self) -> dict[str, float | int]:
        """Plain figures for printing or JSON."""
        return {
            "ops": self.ops,
            "ops_per_s": round(self.ops_per_second, 1),
            "p50_ms": round(self.percentile_ms(50), 3),
            "p99_ms": round(self.percentile_ms(99), 3),
        }


def time_batch(workload: Workload, count: int, timings: Timings) -> None:
    """Run `count` operations of the workload, appending each one's latency."""
    clock = time.perf_counter_ns
    op = workload.op
    for _ in range(count):
        started = clock()
        op()
        timings.latencies_ns.append(clock() - started)


def run_interleaved(
    workloads: Sequence[Workload],
    *,
    ops: int,
    batch: int,
    seconds: float,
    warmup: int,
) -> dict[str, Timings]:
    """Time every workload in alternating rounds of `batch` operations until each has done
    `ops` or `seconds` have passed; each round starts with a different workload.

    Every workload gets the same number of operations (the cap is checked between rounds).
    """
    for workload in workloads:
        time_batch(workload, warmup, Timings(workload.name))  # caches, pools, JIT-free warm-up
    gc.collect()
    results = {w.name: Timings(w.name) for w in workloads}
    deadline = time.monotonic() + seconds
    done = 0
    round_no = 0
    while done < ops and time.monotonic() < deadline:
        count = min(batch, ops - done)
        shift = round_no % len(workloads)
        for workload in [*workloads[shift:], *workloads[:shift]]:
            time_batch(workload, count, results[workload.name])
        done += count
        round_no += 1
    return results


def ratio(subject: float, baseline: float) -> float:
    """subject / baseline, or 0 when the baseline did nothing."""
    return subject / baseline if baseline else 0.0


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, left: int = 1) -> str:
    """A plain-text table: the first `left` columns (labels) left-aligned, figures right."""
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        aligned = (
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(aligned).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def machine() -> dict[str, str]:
    """Where and when the figures were taken, to print beside them."""
    return {
        "date": datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "eventsourcing": version("eventsourcing"),
    }
