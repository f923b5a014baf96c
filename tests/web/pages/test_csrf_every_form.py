"""CSRF on every form: each form the pages show carries its token, and each address a page
form posts to refuses a signed-in browser's post without it, writing nothing; so does every
JSON write that rides on the session cookie without its X-CSRF-Token header.

Both walk the app's URL map, so a page or a form added later is checked the day it exists.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask
from werkzeug.routing import Rule

from tests.web.pages.conftest import MENTEE, Story, Visitor
from tracker.application import TrackerApplication

NOT_PAGES = ("/api/", "/static/", "/healthz", "/readyz", "/metrics")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Signing in takes only JSON, which a cross-site form cannot send (docs/security.md).
SIGN_IN = ("POST", "/api/v1/session")
POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>.*?</form>", re.S | re.I)


def page_rules(app: Flask, method: str) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or ()) and not rule.rule.startswith(NOT_PAGES)
    ]


def address(rule: Rule, story: Story) -> str:
    """The rule with Ada's real ids (and the first choice of each `any(...)`)."""
    ids = {
        "mentee_id": MENTEE, "goal_id": story.goal_id, "milestone_id": story.milestone_id,
        "mentorship_id": story.mentorship_id, "check_in_id": story.check_in_id,
        "proposal_id": story.proposal_id, "token_id": "tok_0123456789ab",
        "feed_id": "feed_0123456789ab", "mentor_id": "grace", "user_id": MENTEE,
    }  # fmt: skip

    def value(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "", match.group(2)
        choices = re.match(r"any\(\s*'?([\w-]+)", converter)
        return choices.group(1) if choices else ids.get(name, str(uuid.uuid4()))

    return re.sub(r"<(?:([^:>]+):)?(\w+)>", value, rule.rule)


def test_every_post_form_a_page_shows_carries_its_csrf_token(
    ada: Visitor, grace: Visitor, visitor: Visitor, app: Flask, story: Story
) -> None:
    forms, unprotected = 0, []
    for browser in (ada, grace, visitor):
        for rule in page_rules(app, "GET"):
            path = address(rule, story)
            answer = browser.get(path)
            for form in POST_FORM.findall(answer.get_data(as_text=True)):
                forms += 1
                if 'name="csrf_token"' not in form:
                    unprotected.append(f"{path}: {form[:120]}")

    assert not unprotected, "\n".join(unprotected)
    assert forms > 20  # the pages were reached and their forms found


def test_a_page_form_posted_without_its_csrf_token_is_refused_and_writes_nothing(
    ada: Visitor, grace: Visitor, app: Flask, story: Story
) -> None:
    tracker: TrackerApplication = app.extensions["tracker"]
    head = tracker.recorder.max_notification_id()
    accepted = []
    rules = page_rules(app, "POST")
    for browser in (ada, grace):
        for rule in rules:
            path = address(rule, story)
            answer = browser.client.post(
                path, data={"version": "1", "text": "Forged"}, headers={"Accept": "text/html"}
            )
            if answer.status_code != 400 or "was not sent" not in browser.text(answer):
                accepted.append(f"{path}: {answer.status_code}")

    assert not accepted, "\n".join(accepted)
    assert len(rules) > 15
    assert tracker.recorder.max_notification_id() == head


def test_a_json_write_on_the_session_cookie_without_its_csrf_header_is_refused(
    ada: Visitor, app: Flask, story: Story
) -> None:
    tracker: TrackerApplication = app.extensions["tracker"]
    head = tracker.recorder.max_notification_id()
    accepted, tried = [], 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted((rule.methods or set()) & UNSAFE):
            if (method, rule.rule) == SIGN_IN:
                continue
            tried += 1
            answer = ada.client.open(address(rule, story), method=method, json={})
            if answer.status_code != 400 or "CSRF" not in answer.get_json()["detail"]:
                accepted.append(f"{method} {rule.rule}: {answer.status_code}")

    assert not accepted, "\n".join(accepted)
    assert tried > 50
    assert tracker.recorder.max_notification_id() == head
    assert ada.client.get("/api/v1/session").status_code == 200  # still signed in
