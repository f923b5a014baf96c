"""The geometry of the server-drawn charts (no app needed)."""

from __future__ import annotations

import pytest

from tracker.web.pages.charts import gantt, growth_chart, line_chart, nice_step


@pytest.mark.parametrize(("largest", "step"), [(0, 1), (4, 1), (11, 5), (38, 10), (230, 50)])
def test_gridlines_come_in_round_steps(largest: float, step: int) -> None:
    assert nice_step(largest) == step


def test_a_line_chart_puts_zero_at_the_bottom_and_the_top_tick_above_the_largest_value() -> None:
    chart = line_chart(["a", "b", "c"], [("Goals", "s1", [0.0, 3.0, 11.0])], width=400, height=200)
    box = chart["box"]
    (x0, y0), (_, y1), (x2, y2) = chart["lines"][0].points
    assert (x0, y0) == (box.left, box.bottom)
    assert x2 == box.right
    assert y2 < y1 < y0
    assert chart["y_ticks"][-1][0] == 15
    assert chart["y_ticks"][-1][1] == box.top
    assert chart["lines"][0].path.startswith(f"M{box.left:.1f},{box.bottom:.1f} L")


def test_the_growth_chart_labels_months_and_is_none_without_points() -> None:
    point = {
        "period_start": "2025-03-01",
        "goals": {"active": 2, "achieved": 1},
        "milestones": {"met": 1, "planned": 2, "slipped": 0},
        "checkins_held": 4,
        "section_words": {"vision_statement": 12, "purpose_question": 8},
    }
    chart = growth_chart({"period": "month", "points": [point]})
    assert chart is not None
    assert chart["labels"] == ["Mar 2025"]
    assert chart["words"] == [20]
    assert growth_chart({"period": "month", "points": []}) is None


def test_the_gantt_draws_a_moved_milestone_at_its_new_date_with_a_ghost_at_the_first() -> None:
    roadmap = {
        "today": "2025-03-01",
        "goals": [
            {
                "id": "g1", "title": "Lead", "status": "active", "overdue": False,
                "target_date": "2025-06-30", "original_target_date": "2025-05-31",
                "milestones": [
                    {"id": "m1", "title": "Shadow", "status": "planned", "overdue": False,
                     "due": "2025-04-01", "original_due": "2025-03-01"},
                ],
            }
        ],
    }  # fmt: skip
    chart = gantt(roadmap, {"g1": "2025-01-01T09:00:00+00:00"})
    goal, milestone = chart["rows"]
    assert goal["x1"] < chart["today_x"] < goal["x2"]
    assert goal["original_x"] is not None
    assert goal["original_x"] < goal["x2"]
    assert milestone["original_x"] == pytest.approx(chart["today_x"])
    assert milestone["x"] > milestone["original_x"]
    assert [m[0] for m in chart["months"]][:2] == ["Jan", "Feb"]
    assert chart["months"][0][2] == "2025"
