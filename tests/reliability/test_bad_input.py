"""Bad input never hurts: every write endpoint of the OpenAPI document, fed the corpus of
`tests.reliability.corpus`, answers each bad request with a clear 4xx problem
(application/problem+json, its status and a detail) and writes nothing (the event log's
head does not move). Injection strings that are valid text are stored verbatim and come
back as data: JSON stays JSON, the calendar feed escapes them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from markupsafe import escape
from werkzeug.test import TestResponse

from tests.reliability.conftest import issue_tokens
from tests.reliability.corpus import Case, Operation, corpus, operations
from tracker.accounts import Accounts
from tracker.app import close_app, create_app
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.web.throttle import Limits

MENTEE, MENTOR, OTHER_MENTEE, OTHER_MENTOR = "ada", "grace", "bo", "hal"
PROBLEM = "application/problem+json"
PASSWORD = "correct horse battery staple"
MINIMUM_INPUTS = 2500  # the corpus shrinking below this means a generator broke


@dataclass
class World:
    """One store with two mentees' records; requests go through `client` with tokens."""

    app: Flask
    client: FlaskClient
    tokens: dict[str, str]  # user id -> bearer token
    ids: dict[str, str] = field(default_factory=dict)  # path placeholder -> Ada's record
    others: dict[str, str] = field(default_factory=dict)  # placeholder -> Bo's record

    @property
    def tracker(self) -> TrackerApplication:
        application: TrackerApplication = self.app.extensions["tracker"]
        return application

    def head(self) -> int:
        return self.tracker.recorder.max_notification_id() or 0

    def auth(self, actor: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[actor]}"}

    def call(
        self, method: str, path: str, body: Any = None, actor: str = MENTEE, **headers: str
    ) -> dict[str, Any]:
        """A good request that must succeed; its JSON answer."""
        response = self.client.open(
            path, method=method, json=body, headers={**self.auth(actor), **headers}
        )
        assert response.status_code < 300, (path, response.get_json())
        return dict(response.get_json() or {})

    def read(self, path: str, actor: str = MENTEE) -> TestResponse:
        return self.client.get(path, headers=self.auth(actor))


def records_of(world: World, mentee: str, mentor: str) -> dict[str, str]:
    """A mentee's plan, option, supporter, goal, milestone, mentorship, proposal, check-in."""
    call, api = world.call, "/api/v1"
    call("POST", f"{api}/plans", {"mentee_id": mentee}, mentee)
    option = call("POST", f"{api}/plans/{mentee}/options", {"title": "Data work"}, mentee)
    supporter = {"name": "Priya", "kind": "person", "brings": "Contacts"}
    member = call("POST", f"{api}/plans/{mentee}/support-network", supporter, mentee)
    goal = {"kind": "smarty", "title": "Lead", "target_date": "2025-12-31"}
    goal_id = call("POST", f"{api}/plans/{mentee}/goals", goal, mentee)["id"]
    milestone = {"title": "Course", "due": "2025-06-01", "skills": ["SQL"]}
    milestone_id = call("POST", f"{api}/goals/{goal_id}/milestones", milestone, mentee)
    invitation = {"mentee_id": mentee, "mentor_id": mentor, "help_wanted": "Management"}
    invitation |= {"duration": "a year", "frequency": "monthly"}
    mentorship_id = call("POST", f"{api}/mentorships", invitation, mentee)["id"]
    agreement = {"cadence_days": 30, "meeting_minutes": 60, "guidance": "career"}
    accept = f"{api}/mentorships/{mentorship_id}/accept"
    call("POST", accept, agreement, mentor, **{"If-Match": '"1"'})
    proposal = {"changes": {"title": "Lead two teams"}, "rationale": "Ready for more"}
    proposal_id = call("POST", f"{api}/goals/{goal_id}/proposals", proposal, mentor)["id"]
    check_ins = f"{api}/mentorships/{mentorship_id}/check-ins"
    check_in_id = call("POST", check_ins, {"scheduled_for": "2025-02-03"}, mentee)["id"]
    action = {"text": "Read a book", "owner_id": mentee, "due": "2025-03-01"}
    item = call("POST", f"{api}/check-ins/{check_in_id}/action-items", action, mentee)
    spare = Accounts.for_application(world.tracker).issue_token(
        mentee, scopes=["read:plan"], name="spare"
    )
    feed = Accounts.for_application(world.tracker).calendar_feeds.create(mentee, mentee)
    return {
        "user_id": mentee,
        "token_id": spare.info.token_id,
        "feed_id": feed.info.feed_id,
        "mentee_id": mentee,
        "mentor_id": mentor,
        "option_id": option["item_id"],
        "member_id": member["item_id"],
        "goal_id": goal_id,
        "milestone_id": milestone_id["item_id"],
        "proposal_id": proposal_id,
        "mentorship_id": mentorship_id,
        "check_in_id": check_in_id,
        "item_id": item["item_id"],
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    path = tmp_path_factory.mktemp("bad-input") / "tracker.sqlite"
    clock = ManualClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bad input",
            "TRACKER_INSECURE_COOKIES": "1",  # the test client speaks plain http
            "TRACKER_DATABASE_URL": f"sqlite:///{path}",
            "TRACKER_CLOCK": clock,
            # The corpus sends Ada's account hundreds of wrong passwords (control characters
            # included); the throttle is tested elsewhere and would lock her pages out here.
            "TRACKER_SIGN_IN_LIMITS": Limits(per_user=100_000, per_address=100_000),
        }
    )
    people = (MENTEE, MENTOR, OTHER_MENTEE, OTHER_MENTOR)
    world = World(app, app.test_client(), issue_tokens(app.extensions["tracker"], people))
    # A password too, so that sign-in and erasure check one (and meet the bad ones).
    Accounts.for_application(world.tracker).set_password(MENTEE, PASSWORD)
    world.ids = records_of(world, MENTEE, MENTOR)
    world.others = records_of(world, OTHER_MENTEE, OTHER_MENTOR)
    yield world
    close_app(app)  # the projector thread first, then the store it reads


def the_spec() -> dict[str, Any]:
    app = create_app({"TESTING": True, "TRACKER_DATABASE_URL": "memory://"})
    spec: dict[str, Any] = app.test_client().get("/api/v1/openapi.json").get_json()
    return spec


OPERATIONS = operations(the_spec())


def actor_for(operation: Operation) -> str:
    """Who would make this request in earnest: the mentor for his own steps, else the mentee."""
    path = operation.path
    mentors_step = (
        (
            path.startswith("/api/v1/mentorships/{mentorship_id}/")
            and path.endswith(("/accept", "/decline"))
        )
        or path.endswith(("/proposals", "/withdraw"))
        or "/mentors/" in path
    )
    return MENTOR if mentors_step else MENTEE


def current_version(
    world: World, operation: Operation, ids: dict[str, str] | None = None
) -> str | None:
    """The ETag of the record the write is about, for If-Match (None for a create)."""
    parts = operation.path.split("/")
    if len(parts) < 5 or parts[3] == "mentors":
        return None
    record = "/".join(parts[:5]).format(**{**world.ids, **(ids or {})})
    owner = OTHER_MENTEE if ids else MENTEE  # someone else's record is read by its owner
    return world.read(record, owner).headers.get("ETag")


def send(world: World, operation: Operation, case: Case, version: str | None) -> Any:
    path = operation.path.format(**{"section": "vision_statement", **world.ids, **case.path_ids})
    if case.path_ids:  # someone else's record: its own version, so that only the id is wrong
        version = current_version(world, operation, case.path_ids) or version
    headers = {**world.auth(actor_for(operation)), **({"If-Match": version} if version else {})}
    headers.update(case.headers)
    headers = {k: v for k, v in headers.items() if v}
    return world.client.open(
        path,
        method=operation.method,
        data=case.body,
        headers=headers,
        content_type=case.content_type,
    )


def judged(response: Any) -> str | None:
    """What is wrong with the answer to a bad request, or None if it is a clear 4xx problem."""
    status, text = response.status_code, response.get_data(as_text=True)
    if not 400 <= status < 500:
        return f"status {status}: {text[:300]}"
    if response.mimetype != PROBLEM:
        return f"{status} as {response.mimetype}, not a problem: {text[:200]}"
    problem = json.loads(text)
    if problem.get("status") != status or not problem.get("detail") or "Traceback" in text:
        return f"{status} with an unclear problem: {text[:300]}"
    return None


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.name for op in OPERATIONS])
def test_every_bad_request_is_a_clear_4xx_and_writes_nothing(
    world: World, operation: Operation
) -> None:
    version = current_version(world, operation)
    failures = []
    for case in corpus(operation, world.others):
        head = world.head()
        verdict = judged(send(world, operation, case, version))
        if world.head() != head:
            verdict = f"WROTE {world.head() - head} event(s); {verdict or 'answered 2xx'}"
        if verdict:
            failures.append(f"{case.what}: {verdict}")
    assert not failures, "\n".join(failures)


def test_the_corpus_covers_every_write_with_thousands_of_inputs(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    tried = sum(len(corpus(operation, world.others)) for operation in OPERATIONS)
    with capsys.disabled():
        print(f"\nbad-input corpus: {tried} inputs over {len(OPERATIONS)} write operations")
    assert len(OPERATIONS) >= 40
    assert tried >= MINIMUM_INPUTS


INJECTIONS = (
    "Robert'); DROP TABLE stored_events;--",
    "' OR '1'='1' --",
    "<script>alert('mentor')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{7*7}} ${jndi:ldap://example.com/a} %s%n",
    "Plan\r\nATTENDEE:mailto:intruder@example.com\r\nSUMMARY:Hijacked",
    "caf\u00e9 \U0001f331 \u202eevil\u202c \u0645\u0631\u062d\u0628\u0627",
)


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_stored_verbatim_and_rendered_as_data(
    world: World, text: str, tmp_path: Path
) -> None:
    api, ids = "/api/v1", world.ids
    reflection = world.call(
        "POST", f"{api}/plans/{MENTEE}/reflections", {"text": text, "private": False}
    )
    world.call("POST", f"{api}/check-ins/{ids['check_in_id']}/agenda", {"text": text})
    milestone = {"title": text[:200], "due": "2025-07-01", "skills": [text[:200]]}
    world.call("POST", f"{api}/goals/{ids['goal_id']}/milestones", milestone)

    plan = world.read(f"{api}/plans/{MENTEE}")
    assert plan.mimetype == "application/json"
    reflections = json.dumps(plan.get_json())
    assert json.dumps(text)[1:-1] in reflections, "the text came back changed"
    assert reflection["item_id"] in reflections
    check_in = world.read(f"{api}/check-ins/{ids['check_in_id']}")
    assert text in [item["text"] for item in check_in.get_json()["agenda"]]

    feed = world.read(f"{api}/plans/{MENTEE}/calendar.ics")
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.get_data()).walk("VEVENT")
    assert all("ATTENDEE" not in event for event in events), "text became a calendar property"
    shown = " ".join(
        str(event.get(name, "")) for event in events for name in ("SUMMARY", "DESCRIPTION")
    )
    assert text.splitlines()[0][:30] in shown, "the milestone's title is not shown as text"


# Every page that shows what people wrote: Ada's, then Grace's (her mentor's dashboard).
PAGES = (
    "/plans/{mentee_id}",
    "/plans/{mentee_id}/sections/vision_statement/edit",
    "/plans/{mentee_id}/timeline",
    "/plans/{mentee_id}/roadmap",
    "/plans/{mentee_id}/as-of?date=2025-01-06",
    "/plans/{mentee_id}/diff?from=2025-01-01&to=2025-01-06",
    "/plans/{mentee_id}/check-ins",
    "/goals/{goal_id}",
    "/goals/{goal_id}/revise",
    "/check-ins/{check_in_id}",
    "/account",
)
MENTOR_PAGES = ("/dashboard",)
NAME = "<b onmouseover=alert('mal')>Mal</b> & Co"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(world: World, user: str) -> FlaskClient:
    """A browser of its own with `user` signed in by password."""
    Accounts.for_application(world.tracker).set_password(user, PASSWORD)
    browser = world.app.test_client()
    found = CSRF.search(browser.get("/sign-in").get_data(as_text=True))
    assert found is not None
    form = {"user_id": user, "password": PASSWORD, "csrf_token": found.group(1)}
    assert browser.post("/sign-in", data=form).status_code == 302
    return browser


def test_injection_strings_are_escaped_on_every_page(world: World) -> None:
    api, ids = "/api/v1", world.ids
    goal = f"{api}/goals/{ids['goal_id']}"
    for text in INJECTIONS:
        world.call("POST", f"{api}/plans/{MENTEE}/options", {"title": text[:200]})
        world.call("POST", f"{api}/check-ins/{ids['check_in_id']}/agenda", {"text": text})
        milestone = {"title": text[:200], "due": "2025-08-01", "skills": ["SQL"]}
        world.call("POST", f"{goal}/milestones", milestone)
        revision = {"changes": {"title": text[:200]}, "reason": text}
        world.call("POST", f"{goal}/revisions", revision, **{"If-Match": current(world, goal)})
        plan = f"{api}/plans/{MENTEE}"
        edit = {"fields": {"statement": text}}
        world.call(
            "PATCH", f"{plan}/sections/vision_statement", edit, **{"If-Match": current(world, plan)}
        )
    # A name is text too, chosen by whoever signs up: a mentor's shows on Ada's pages.
    accounts = Accounts.for_application(world.tracker)
    accounts.create_account("mal", display_name=NAME, email="mal@example.org", password=None)
    for text in INJECTIONS[:5]:  # token names: listed on her account page
        accounts.issue_token(MENTEE, scopes=["read:plan"], name=text[:100])
    invitation = {"mentee_id": MENTEE, "mentor_id": "mal", "help_wanted": "Anything"}
    invitation |= {"duration": "a year", "frequency": "monthly"}
    world.call("POST", f"{api}/mentorships", invitation)
    browsers = {MENTEE: signed_in(world, MENTEE), MENTOR: signed_in(world, MENTOR)}
    shown = [(MENTEE, page.format(**ids)) for page in PAGES] + [(MENTOR, p) for p in MENTOR_PAGES]
    texts, seen = (*INJECTIONS, NAME), set()

    for user, page in shown:
        response = browsers[user].get(page, headers={"Accept": "text/html"})
        assert (response.status_code, response.mimetype) == (200, "text/html"), page
        html = response.get_data(as_text=True)
        escaped = [text for text in texts if str(escape(text[:200])) in html]
        assert escaped, f"{page} shows none of the texts: it tests nothing"
        seen.update(escaped)
        for text in texts:
            if any(c in text for c in "<>\"'&"):
                assert text[:200] not in html, f"{text!r} reached {page} unescaped"
    assert seen == set(texts), f"on no page at all: {set(texts) - seen}"


def current(world: World, path: str) -> str:
    """The record's ETag, for If-Match."""
    return str(world.read(path).headers["ETag"])


def test_html_in_a_path_comes_back_as_a_json_problem(world: World) -> None:
    response = world.read("/api/v1/plans/%3Cscript%3Ealert(1)%3C%2Fscript%3E/nowhere")

    assert response.status_code == 404
    assert response.mimetype == PROBLEM  # never text/html: a browser shows it as data
    assert response.get_json()["instance"] == "/api/v1/plans/<script>alert(1)</script>/nowhere"
