"""How the plan came to be: its timeline and growth chart, the plan as of a date, the diff
between two dates, and the roadmap with original and current dates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import Flask

from tests.web.pages.conftest import MENTEE, Story, Visitor, acting


def test_the_timeline_lists_every_change_and_charts_the_growth(ada: Visitor) -> None:
    answer = ada.get(f"/plans/{MENTEE}/timeline?period=week")
    html = answer.get_data(as_text=True)
    assert '<svg viewBox="0 0 760 300" role="img"' in html
    assert len(re.findall(r'<g class="series s\d">\s*<path d="M', html)) == 6
    page = ada.text(answer)
    assert "Ada Lovelace started the plan" in page
    assert "Ada Lovelace edited the section vision statement" in page
    assert "Why: First draft" in page
    assert "Grace Hopper proposed a change to a goal" in page
    assert "Active goals" in page
    assert "Check-ins held" in page


def test_the_timeline_filters_by_kind_and_refuses_a_date_it_cannot_read(ada: Visitor) -> None:
    goals_only = ada.text(ada.get(f"/plans/{MENTEE}/timeline?kind=goal"))
    assert "activated the goal" in goals_only
    assert "started the plan" not in goals_only
    bad = ada.get(f"/plans/{MENTEE}/timeline?since=yesterday")
    assert bad.status_code == 422
    assert re.search(r'id="e-since">Give a date as YYYY-MM-DD', ada.last)
    assert 'value="yesterday"' in ada.last


def test_the_plan_as_of_a_date_shows_it_as_it_stood(ada: Visitor, story: Story, app: Flask) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.edit_plan_section(
            MENTEE, section="vision_statement", fields={"statement": "A new vision."},
            reason="Rewritten", actor_id=MENTEE,
        )  # fmt: skip
    before = ada.text(ada.get(f"/plans/{MENTEE}/as-of?date=2025-01-06"))
    assert "The plan as it stood on 6 Jan 2025" in before
    assert "I lead teams that ship calmly" in before
    assert "No goals yet." in before
    default = ada.text(ada.get(f"/plans/{MENTEE}/as-of"))  # a month ago: 8 Jan 2025
    assert "on 8 Jan 2025" in default
    assert "Lead a platform team" in default
    assert "A new vision." in ada.text(ada.get(f"/plans/{MENTEE}/as-of?date=2025-02-07"))
    too_early = ada.text(ada.get(f"/plans/{MENTEE}/as-of?date=2024-12-31"))
    assert "The plan had not been started by then" in too_early


def test_the_diff_between_two_dates_marks_what_was_added_and_changed(
    ada: Visitor, app: Flask
) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.edit_plan_section(
            MENTEE, section="vision_statement", reason="Rewritten", actor_id=MENTEE,
            fields={"statement": "I lead teams that ship calmly and coach as they go."},
        )  # fmt: skip
    answer = ada.get(f"/plans/{MENTEE}/diff?from=2025-01-07&to=2025-02-07")
    html = answer.get_data(as_text=True)
    assert "<del>learn</del>" in html
    assert "<ins>coach</ins>" in html
    page = ada.text(answer)
    assert "Lead a platform team" in page
    assert "added" in page
    backwards = ada.get(f"/plans/{MENTEE}/diff?from=2025-02-07&to=2025-01-07")
    assert backwards.status_code == 422
    assert "The second date must not be before the first." in ada.text(backwards)


def test_the_roadmap_shows_original_and_current_dates(
    ada: Visitor, story: Story, app: Flask
) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.reschedule_milestone(
            story.goal_id, story.milestone_id, due=date(2025, 3, 20), reason="Leave",
            actor_id=MENTEE,
        )  # fmt: skip
    answer = ada.get(f"/plans/{MENTEE}/roadmap")
    html = answer.get_data(as_text=True)
    assert 'class="gantt"' in html
    assert "First planned for 1 Mar 2025" in html  # the ghost mark's tooltip
    assert len(re.findall(r'<line class="drift"', html)) == 1
    page = ada.text(answer)
    assert "Shadow the current lead planning Planned 1 Mar 2025 20 Mar 2025 19 days" in page


def test_her_mentor_reads_the_history_pages_too(grace: Visitor) -> None:
    for page in ("timeline", "as-of", "diff", "roadmap", "check-ins"):
        assert grace.get(f"/plans/{MENTEE}/{page}").status_code == 200, page


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2025-02-30"])
def test_a_date_no_one_means_is_refused_not_a_500(ada: Visitor, day: str) -> None:
    for path in (f"as-of?date={day}", f"diff?from={day}&to=2025-02-01", f"timeline?until={day}"):
        answer = ada.get(f"/plans/{MENTEE}/{path}")
        assert answer.status_code == 422, path
        assert "Give a date" in ada.text(answer)
        assert "Nothing was saved" not in ada.text(answer)  # she only asked to see something
