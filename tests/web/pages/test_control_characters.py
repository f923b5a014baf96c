"""Control characters typed (or pasted) into a form are refused beside their field, in the
same words as the API's; tabs and line breaks are text like any other."""

from __future__ import annotations

import re

import pytest

from tests.web.pages.conftest import MENTEE, Visitor

NEW_GOAL = f"/plans/{MENTEE}/goals/new?kind=real"


@pytest.mark.parametrize(
    ("title", "code"),
    [("Lead\x1b[31m the team", "U+001B"), ("Ring\x07", "U+0007"), ("Next\x85line", "U+0085")],
)
def test_a_title_with_a_control_character_is_refused_beside_it(
    ada: Visitor, title: str, code: str
) -> None:
    answer = ada.submit(NEW_GOAL, {"title": title, "relevant": "Matters for my next role"})

    assert answer.status_code == 422
    message = f"The title must not contain control characters (found {code})"
    assert re.search(rf'id="e-title">{re.escape(message)}', ada.last)
    assert "Matters for my next role" in ada.last  # what she wrote is kept


def test_tabs_and_line_breaks_are_kept(ada: Visitor) -> None:
    drafted = ada.submit(NEW_GOAL, {"title": "Learn\tto coach", "relevant": "First\r\nSecond"})

    assert drafted.status_code == 302
    assert "Learn to coach" in ada.text(ada.get(drafted.location))
