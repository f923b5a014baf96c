"""Fixtures for the HTML pages: a small story written through the application service, and
a `Visitor` that signs in with a password and sends forms as a browser does (with the
form's CSRF token), so tests read as what people do on the pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tracker.access import Actor, acting_as
from tracker.app import create_app
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.web.auth import get_accounts

MENTEE, MENTOR, STRANGER = "ada", "grace", "eve"
PASSWORD = "a long enough password"
NAMES = {MENTEE: "Ada Lovelace", MENTOR: "Grace Hopper", STRANGER: "Eve Stranger"}
CONFIG = {"TESTING": True, "SECRET_KEY": "page tests", "TRACKER_INSECURE_COOKIES": "1"}
# Argon2 with its real cost takes a second a password on a busy machine; the pages do not
# care how costly the hash is, only that signing in checks it.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = create_app({**CONFIG, "TRACKER_DATABASE_URL": sqlite_url, "TRACKER_CLOCK": clock})
    with app.app_context():
        accounts = get_accounts()
        accounts.hasher = FAST_HASHER
        for user_id, name in NAMES.items():
            accounts.create_account(
                user_id, display_name=name, email=f"{user_id}@example.org", password=PASSWORD
            )
    yield app
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    app.extensions["tracker"].close()


def service(app: Flask) -> TrackerApplication:
    tracker: TrackerApplication = app.extensions["tracker"]
    return tracker


@contextmanager
def acting(app: Flask, user_id: str) -> Iterator[TrackerApplication]:
    """The application service, used as `user_id` (the access policy is on)."""
    with app.app_context(), acting_as(Actor(user_id)):
        yield service(app)


def mentored_by(app: Flask, mentor_id: str, help_wanted: str, duration: str) -> str:
    """Ada invites `mentor_id` (monthly, with her ask, for `duration`) and he accepts (every
    30 days, an hour, career guidance): the mentorship's id."""
    with acting(app, MENTEE) as tracker:
        mentorship = tracker.invite_mentor(
            mentee_id=MENTEE, mentor_id=mentor_id, help_wanted=help_wanted,
            duration=duration, frequency="monthly", actor_id=MENTEE,
        )  # fmt: skip
    with acting(app, mentor_id) as tracker:
        tracker.accept_invitation(
            mentorship.id, cadence_days=30, meeting_minutes=60, guidance="career",
            actor_id=mentor_id,
        )  # fmt: skip
    return mentorship.id


@dataclass
class Story:
    """What the story wrote: ids to visit."""

    goal_id: str
    milestone_id: str
    mentorship_id: str
    check_in_id: str
    proposal_id: str


@pytest.fixture
def story(app: Flask, clock: ManualClock) -> Story:
    """Ada's plan with a vision, an active SMARTY goal with a milestone; Grace mentors her,
    has scheduled a check-in with an overdue action item and proposed a change."""
    with acting(app, MENTEE) as tracker:
        tracker.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
        tracker.edit_plan_section(
            MENTEE, section="vision_statement", reason="First draft", actor_id=MENTEE,
            fields={"statement": "I lead teams that ship calmly and learn as they go."},
        )  # fmt: skip
    mentorship_id = mentored_by(app, MENTOR, "Become an engineering manager", "a year")
    clock.advance(days=2)
    with acting(app, MENTEE) as tracker:
        goal = tracker.draft_goal(
            MENTEE, kind="smarty", actor_id=MENTEE,
            fields={
                "title": "Lead a platform team",
                "specific": "Lead the payments platform team of five people",
                "measurable": "The team ships its quarterly roadmap",
                "target_date": date(2025, 12, 31),
            },
        )  # fmt: skip
        tracker.activate_goal(goal.id, actor_id=MENTEE)
        milestone = tracker.add_milestone(
            goal.id, title="Shadow the current lead", due=date(2025, 3, 1),
            skills=["planning"], actor_id=MENTEE,
        )  # fmt: skip
    with acting(app, MENTOR) as tracker:
        check_in = tracker.schedule_check_in(
            mentorship_id, scheduled_for=date(2025, 2, 3), actor_id=MENTOR
        )
        tracker.assign_action_item(
            check_in.id, text="Read The Manager's Path", owner_id=MENTEE,
            due=date(2025, 1, 10), actor_id=MENTOR,
        )  # fmt: skip
        proposal = tracker.propose_goal_revision(
            goal.id, rationale="Measure outcomes, not output", actor_id=MENTOR,
            changes={"measurable": "Two engineers grow into seniors within the year"},
        )  # fmt: skip
    clock.advance(days=30)
    return Story(goal.id, milestone.created["item_id"], mentorship_id, check_in.id, proposal.id)


class Visitor:
    """A browser without script: follows redirects, sends forms with their CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.last = ""

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(path, headers={"Accept": "text/html"}, **kwargs)
        self.last = response.get_data(as_text=True)
        return response

    def token(self) -> str:
        found = CSRF.search(self.last) or CSRF.search(self.get("/sign-in").get_data(as_text=True))
        assert found, "no form on the page"
        return found.group(1)

    def submit(self, path: str, data: dict[str, Any], **kwargs: Any) -> TestResponse:
        """Send a form, as the page at `path` (or the last page) would."""
        response = self.client.post(
            path, data={"csrf_token": self.token(), **data}, headers={"Accept": "text/html"},
            **kwargs,
        )  # fmt: skip
        self.last = response.get_data(as_text=True)
        return response

    def sign_in(self, user_id: str, password: str = PASSWORD) -> TestResponse:
        self.get("/sign-in")
        return self.submit("/sign-in", {"user_id": user_id, "password": password})

    def text(self, response: TestResponse) -> str:
        """The page's visible words, tags dropped and spaces folded (for 'does it say...')."""
        html = response.get_data(as_text=True)
        html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


@pytest.fixture
def visitor(app: Flask) -> Visitor:
    return Visitor(app.test_client())


@pytest.fixture
def ada(app: Flask, story: Story) -> Visitor:
    """Ada, signed in."""
    browser = Visitor(app.test_client())
    assert browser.sign_in(MENTEE).status_code == 302
    return browser


@pytest.fixture
def grace(app: Flask, story: Story) -> Visitor:
    """Grace, her mentor, signed in."""
    browser = Visitor(app.test_client())
    assert browser.sign_in(MENTOR).status_code == 302
    return browser
