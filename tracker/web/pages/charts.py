"""Charts drawn on the server as SVG: the plan's growth series and the roadmap's Gantt view.

Pure geometry: each function turns read-model data into coordinates and labels that a
template draws (`templates/pages/_*.svg.html`), so the page needs no script and prints.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Box:
    """The plot area inside the chart's margins."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True)
class Line:
    """One series: its name, style class, values, and where they are drawn."""

    name: str
    css: str
    values: list[float]
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The SVG path through its points."""
        return " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(self.points)
        )


def nice_step(largest: float, ticks: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, ...) for about `ticks` gridlines up to `largest`."""
    raw = max(largest, 1) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * magnitude:
            return max(int(multiple * magnitude), 1)
    return int(10 * magnitude)  # pragma: no cover - the loop always returns


def line_chart(
    labels: list[str],
    series: list[tuple[str, str, list[float]]],
    width: int = 760,
    height: int = 300,
) -> dict[str, Any]:
    """A line chart of several series over the same labelled periods."""
    box = Box(48, 16, width - 64, height - 56)
    largest = max((v for _, _, values in series for v in values), default=0)
    step = nice_step(largest)
    top = max(step * math.ceil(max(largest, 1) / step), step)
    count = max(len(labels) - 1, 1)

    def x(i: int) -> float:
        return box.left + box.width * i / count

    def y(v: float) -> float:
        return box.bottom - box.height * v / top

    lines = [
        Line(name, css, values, [(x(i), y(v)) for i, v in enumerate(values)])
        for name, css, values in series
    ]
    every = max(1, math.ceil(len(labels) / 12))  # at most a dozen labels on the time axis
    return {
        "width": width,
        "height": height,
        "box": box,
        "y_ticks": [(v, y(v)) for v in range(0, top + 1, step)],
        "x_ticks": [(label, x(i)) for i, label in enumerate(labels) if i % every == 0],
        "lines": lines,
        "labels": labels,
    }


def period_label(start: str, period: str) -> str:
    """'Mar 2025' for a month, '3 Mar' for a week."""
    day = date.fromisoformat(start)
    if period == "month":
        return f"{MONTHS[day.month - 1]} {day.year}"
    return f"{day.day} {MONTHS[day.month - 1]}"


GROWTH_SERIES: tuple[tuple[str, str, Callable[[dict[str, Any]], float]], ...] = (
    ("Active goals", "s1", lambda p: p["goals"]["active"]),
    ("Goals achieved", "s2", lambda p: p["goals"]["achieved"]),
    ("Milestones met", "s3", lambda p: p["milestones"]["met"]),
    ("Milestones planned", "s4", lambda p: p["milestones"]["planned"]),
    ("Milestones slipped", "s5", lambda p: p["milestones"]["slipped"]),
    ("Check-ins held", "s6", lambda p: p["checkins_held"]),
)


def growth_chart(growth: dict[str, Any]) -> dict[str, Any] | None:
    """The growth series (from `projections.growth.growth_for`) as a line chart; None if
    there are no points."""
    points = growth["points"]
    if not points:
        return None
    labels = [period_label(p["period_start"], growth["period"]) for p in points]
    series = [(name, css, [float(pick(p)) for p in points]) for name, css, pick in GROWTH_SERIES]
    chart = line_chart(labels, series)
    chart["words"] = [sum(p["section_words"].values()) for p in points]
    return chart


# The roadmap ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimeAxis:
    """Days mapped onto the plot's width."""

    start: date
    end: date
    box: Box

    def x(self, day: date) -> float:
        """Where a day is drawn."""
        span = max((self.end - self.start).days, 1)
        return self.box.left + self.box.width * (day - self.start).days / span

    def months(self) -> list[tuple[str, float, str]]:
        """The first day of each month on the axis: its name, where, and its year when the
        year starts there (or on the first month shown)."""
        first = self.start.replace(day=1)
        if first < self.start:
            first = (first + timedelta(days=32)).replace(day=1)
        marks: list[tuple[str, float, str]] = []
        while first <= self.end:
            year = str(first.year) if first.month == 1 or not marks else ""
            marks.append((MONTHS[first.month - 1], self.x(first), year))
            first = (first + timedelta(days=32)).replace(day=1)
        return marks


ROW, LABEL_WIDTH = 26, 250


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def gantt(roadmap: dict[str, Any], drafted: dict[str, str], width: int = 980) -> dict[str, Any]:
    """Goals as bars (drafted to target date) and milestones as marks at their current date,
    each with a ghost mark at its original date and a line showing how far it moved."""
    today = date.fromisoformat(roadmap["today"])
    rows: list[dict[str, Any]] = []
    for goal in roadmap["goals"]:
        rows.append({**goal, "row": "goal", "start": _day(drafted.get(goal["id"])) or today})
        rows += [{**m, "row": "milestone", "goal_id": goal["id"]} for m in goal["milestones"]]
    days = [today] + [
        d
        for row in rows
        for d in (
            _day(row.get(k))
            for k in ("start", "target_date", "original_target_date", "due", "original_due")
        )
        if d is not None
    ]
    start, end = min(days) - timedelta(days=7), max(days) + timedelta(days=14)
    box = Box(LABEL_WIDTH, 44, width - LABEL_WIDTH - 16, ROW * max(len(rows), 1))
    axis = TimeAxis(start, end, box)
    for i, row in enumerate(rows):
        row["y"] = box.top + ROW * i + ROW / 2
        _place(row, axis, today)
    return {
        "width": width,
        "height": box.bottom + 24,
        "box": box,
        "rows": rows,
        "months": axis.months(),
        "today_x": axis.x(today),
        "today": today,
    }


def _place(row: dict[str, Any], axis: TimeAxis, today: date) -> None:
    """The x positions of one row: a goal's bar, or a milestone's current and first dates."""
    if row["row"] == "goal":
        target, original = _day(row["target_date"]), _day(row["original_target_date"])
        row["x1"] = axis.x(row["start"])
        row["x2"] = axis.x(target or today)
        row["open_ended"] = target is None
        row["original_x"] = axis.x(original) if original and original != target else None
    else:
        row["x"] = axis.x(_day(row["due"]) or today)
        moved = row["original_due"] and row["original_due"] != row["due"]
        row["original_x"] = axis.x(_day(row["original_due"]) or today) if moved else None
