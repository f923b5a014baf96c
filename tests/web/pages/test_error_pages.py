"""Whatever goes wrong on a page, the person gets an HTML page saying what, never a stack
trace; the JSON API keeps answering with problems."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.web.pages.conftest import MENTEE, Story, Visitor, acting
from tracker.errors import StorageUnavailable
from tracker.web.pages import plan


def assert_error_page(visitor: Visitor, response: object, status: int, says: str) -> None:
    assert getattr(response, "status_code", None) == status
    assert getattr(response, "mimetype", None) == "text/html"
    page = visitor.text(response)  # type: ignore[arg-type]
    assert says in page
    assert "Traceback" not in page
    assert 'File "' not in page


def test_an_unknown_address_is_an_html_page_for_browsers_and_a_problem_for_the_api(
    ada: Visitor, app: Flask
) -> None:
    assert_error_page(ada, ada.get("/no/such/page"), 404, "Nothing here")
    api = app.test_client().get("/api/v1/no/such/thing", headers={"Accept": "text/html"})
    assert api.status_code == 404
    assert api.mimetype == "application/problem+json"
    plain = app.test_client().get("/no/such/page")  # no Accept: a program, not a browser
    assert plain.mimetype == "application/problem+json"


def test_a_form_without_its_csrf_token_is_refused_and_nothing_is_written(
    ada: Visitor, app: Flask
) -> None:
    answer = ada.client.post(
        f"/plans/{MENTEE}/sections/vision_statement/edit",
        data={"statement": "Forged", "version": "2"},
        headers={"Accept": "text/html"},
    )
    assert_error_page(ada, answer, 400, "was not sent")
    with acting(app, MENTEE) as tracker:
        assert "Forged" not in str(tracker.get_plan(MENTEE, viewer_id=MENTEE)["sections"])


def test_a_mentor_may_not_change_her_goal_state(grace: Visitor, story: Story) -> None:
    grace.get(f"/goals/{story.goal_id}")
    answer = grace.submit(f"/goals/{story.goal_id}/defer", {"reason": "Mine now", "version": "3"})
    assert_error_page(grace, answer, 403, "Not yours to see or do")


def test_a_bug_is_a_500_page_that_tells_nothing_of_the_code(
    ada: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a secret detail")

    monkeypatch.setattr(plan, "plan_as_of", broken)
    answer = ada.get(f"/plans/{MENTEE}")
    assert_error_page(ada, answer, 500, "Something went wrong on our side")
    assert "a secret detail" not in answer.get_data(as_text=True)


def test_a_busy_store_is_a_503_page_that_says_when_to_retry(
    ada: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*args: object, **kwargs: object) -> None:
        raise StorageUnavailable("locked")

    monkeypatch.setattr(plan, "plan_as_of", busy)
    answer = ada.get(f"/plans/{MENTEE}")
    assert_error_page(ada, answer, 503, "try again in a moment")
    assert answer.headers["Retry-After"] == "2"
