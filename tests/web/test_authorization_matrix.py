"""The authorization matrix over HTTP: each role x each operation of the OpenAPI document.

One world: Ada's plan with goals, milestones, options, reflections (one private), her
support network (Sam, with whom she shares her vision and goals; Sue, with whom she shares
nothing), Grace her active mentor with a check-in, a note and a proposal, Hal her other
active mentor (Grace's check-ins and pending proposal are not his), Ed whose mentorship
ended, Ivy whom she invited, Bob another mentee, an integrator with a feed token, and Root,
an admin signed in with a password.

Every operation the OpenAPI document lists is tried by every role, on Ada's real ids, unless
the role may do it (`ALLOWED` below; an operation nobody lists is forbidden to all, so a new
endpoint is in the matrix from the day it is documented). Each forbidden pair must answer
401, 403 or 404, write nothing, and carry none of Ada's words; and whoever may not know a
record exists gets exactly the answer a made-up id gets (ids guessed, nothing learned).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.web.conftest import Api, close_app, make_app, tracker
from tests.web.credentials import Credentials
from tracker.clock import ManualClock

API = "/api/v1"
ADA, GRACE, HAL, ED, IVY = "ada", "grace", "hal", "ed", "ivy"
SAM, SUE, BOB = "sam", "sue", "bob"
PASSWORD = "root's long password"
# Words only Ada's records hold: none may appear in a refusal.
WORDS = ("Vesper", "Obsidian", "Halcyon", "Lumen", "Aurora", "Quasar", "Zephyr", "Nimbus",
         "Tundra", "Meridian", "Polaris")  # fmt: skip
# Grace's pending proposal and her check-in's note, which only she and Ada may read.
GRACES_WORDS = ("Polaris", "Nimbus", "Zephyr")
PUBLIC = {
    "GET /healthz", "GET /readyz", "GET /metrics", f"GET {API}/ping",
    f"GET {API}/event-schemas", f"GET {API}/event-schemas/{{type_name}}",
    f"POST {API}/session", f"DELETE {API}/session",
    # A capability URL: its secret is the access, for whoever holds it, so no role applies
    # (tests/web/test_calendar_feeds.py shows it reads that one calendar only).
    f"GET {API}/calendars/{{secret}}.ics",
}  # fmt: skip
SELF = {f"GET {API}/session", f"GET {API}/account", f"GET {API}/account/calendar-feeds"}
# Anyone who may read Ada's calendar may subscribe to it.
SUBSCRIBE = {f"POST {API}/account/calendar-feeds"}
FEED = {f"GET {API}/events", f"GET {API}/events/stream", f"GET {API}/streams/{{stream_id}}/events"}
ADMIN = {f"GET {API}/accounts", f"POST {API}/accounts/{{user_id}}/disable"}
TOKENS = {
    f"GET {API}/account/tokens", f"POST {API}/account/tokens",
    f"DELETE {API}/account/tokens/{{token_id}}",
}  # fmt: skip
DASHBOARD = {
    f"GET {API}/mentors/{{mentor_id}}/dashboard", f"POST {API}/mentors/{{mentor_id}}/dashboard/seen"
}  # fmt: skip
PROPOSE = {
    f"POST {API}/goals/{{goal_id}}/proposals",
    f"POST {API}/plans/{{mentee_id}}/sections/{{section}}/proposals",
    f"POST {API}/proposals/{{proposal_id}}/withdraw",
}  # fmt: skip
RESPOND = {
    f"POST {API}/mentorships/{{mentorship_id}}/accept",
    f"POST {API}/mentorships/{{mentorship_id}}/decline",
}  # fmt: skip
COMMENT = {f"POST {API}/goals/{{goal_id}}/feedback", f"POST {API}/goals/{{goal_id}}/achievements"}
MENTORSHIP = {
    f"PUT {API}/mentorships/{{mentorship_id}}/agreement",
    f"POST {API}/mentorships/{{mentorship_id}}/end",
    f"POST {API}/mentorships/{{mentorship_id}}/check-ins",
}  # fmt: skip
SHARED_WITH_SAM = {
    f"GET {API}/plans/{{mentee_id}}", f"GET {API}/plans/{{mentee_id}}/goals",
    f"GET {API}/goals/{{goal_id}}", f"POST {API}/goals/{{goal_id}}/feedback",
    f"GET {API}/plans/{{mentee_id}}/roadmap", f"GET {API}/goals/{{goal_id}}/history",
    f"GET {API}/goals/{{goal_id}}/blame", f"GET {API}/goals/{{goal_id}}/milestone-drift",
    f"GET {API}/plans/{{mentee_id}}/calendar.ics",
}  # fmt: skip
# Bodies valid for the schema and for the domain, so that only the access policy says no.
BODIES: dict[str, Any] = {
    f"POST {API}/mentorships": {
        "mentee_id": ADA, "mentor_id": GRACE, "help_wanted": "More", "duration": "a year",
        "frequency": "monthly",
    },
    f"POST {API}/mentorships/{{mentorship_id}}/accept": {
        "cadence_days": 30, "meeting_minutes": 60, "guidance": "career",
    },
    f"POST {API}/mentorships/{{mentorship_id}}/decline": {"reason": "Busy"},
    f"PUT {API}/mentorships/{{mentorship_id}}/agreement": {
        "cadence_days": 14, "meeting_minutes": 30, "guidance": "more often",
    },
    f"POST {API}/mentorships/{{mentorship_id}}/end": {"reason": "Done"},
    f"POST {API}/plans": {"mentee_id": ADA},
    f"PATCH {API}/plans/{{mentee_id}}/sections/{{section}}": {"fields": {"statement": "New"}},
    f"PUT {API}/plans/{{mentee_id}}/sections/{{section}}": {"fields": {"statement": "New"}},
    f"POST {API}/plans/{{mentee_id}}/reflections": {"text": "Mine", "private": False},
    f"POST {API}/plans/{{mentee_id}}/options": {"title": "Another"},
    f"POST {API}/plans/{{mentee_id}}/options/{{option_id}}/research": {"facts": "Facts"},
    f"POST {API}/plans/{{mentee_id}}/options/{{option_id}}/shortlist": {},
    f"POST {API}/plans/{{mentee_id}}/options/{{option_id}}/discard": {"reason": "No"},
    f"POST {API}/plans/{{mentee_id}}/support-network": {
        "name": "Someone", "kind": "person", "brings": "Help",
    },
    f"POST {API}/plans/{{mentee_id}}/support-network/{{member_id}}/remove": {"reason": "No"},
    f"PUT {API}/plans/{{mentee_id}}/support-network/{{member_id}}/share": {"parts": ["options"]},
    f"POST {API}/plans/{{mentee_id}}/goals": {"kind": "real", "title": "Another"},
    f"POST {API}/goals/{{goal_id}}/revisions": {"changes": {"title": "Other"}, "reason": "R"},
    f"POST {API}/goals/{{goal_id}}/activate": {},
    f"POST {API}/goals/{{goal_id}}/achieve": {},
    f"POST {API}/goals/{{goal_id}}/abandon": {"reason": "R"},
    f"POST {API}/goals/{{goal_id}}/defer": {"reason": "R"},
    f"POST {API}/goals/{{goal_id}}/reopen": {"reason": "R"},
    f"POST {API}/goals/{{goal_id}}/feedback": {"text": "Good", "source": "mentor"},
    f"POST {API}/goals/{{goal_id}}/achievements": {"title": "Done", "evidence": "Seen"},
    f"POST {API}/goals/{{goal_id}}/milestones": {"title": "Step", "due": "2025-09-01"},
    f"POST {API}/goals/{{goal_id}}/milestones/{{milestone_id}}/reschedule": {
        "due": "2025-10-01", "reason": "Later",
    },
    f"POST {API}/goals/{{goal_id}}/milestones/{{milestone_id}}/complete": {},
    f"POST {API}/goals/{{goal_id}}/milestones/{{milestone_id}}/drop": {"reason": "R"},
    f"POST {API}/goals/{{goal_id}}/proposals": {"changes": {"title": "T"}, "rationale": "R"},
    f"POST {API}/plans/{{mentee_id}}/sections/{{section}}/proposals": {
        "fields": {"statement": "S"}, "rationale": "R",
    },
    f"POST {API}/proposals/{{proposal_id}}/accept": {},
    f"POST {API}/proposals/{{proposal_id}}/decline": {"reason": "No"},
    f"POST {API}/proposals/{{proposal_id}}/withdraw": {},
    f"POST {API}/mentorships/{{mentorship_id}}/check-ins": {"scheduled_for": "2025-03-03"},
    f"POST {API}/check-ins/{{check_in_id}}/reschedule": {
        "scheduled_for": "2025-02-10", "reason": "R",
    },
    f"POST {API}/check-ins/{{check_in_id}}/agenda": {"text": "Item"},
    f"POST {API}/check-ins/{{check_in_id}}/answers": {"where_are_you_now": "Here"},
    f"POST {API}/check-ins/{{check_in_id}}/hold": {"held_on": "2025-02-03"},
    f"POST {API}/check-ins/{{check_in_id}}/cancel": {"reason": "R"},
    f"POST {API}/check-ins/{{check_in_id}}/feedback": {"text": "Good"},
    f"POST {API}/check-ins/{{check_in_id}}/lessons": {"text": "Learned"},
    f"POST {API}/check-ins/{{check_in_id}}/action-items": {
        "text": "Do", "owner_id": ADA, "due": "2025-03-01",
    },
    f"POST {API}/check-ins/{{check_in_id}}/action-items/{{item_id}}/done": {},
    f"POST {API}/check-ins/{{check_in_id}}/notes": {"text": "Note", "private": False},
    f"POST {API}/mentors/{{mentor_id}}/dashboard/seen": {"position": 1},
    f"POST {API}/account/tokens": {"name": "t", "scopes": ["read:plan"]},
    f"POST {API}/account/calendar-feeds": {"mentee_id": ADA},
    f"DELETE {API}/account": {"password": "not the password at all"},
    f"POST {API}/accounts/{{user_id}}/disable": {},
    f"POST {API}/accounts": {
        "user_id": "newbie", "display_name": "N", "email": "n@example.org",
        "password": "a long enough password",
    },
}  # fmt: skip
QUERIES = {
    f"GET {API}/plans/{{mentee_id}}/as-of": "?date=2025-06-01",
    f"GET {API}/plans/{{mentee_id}}/diff": "?from=2025-01-01",
}
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class World:
    """Ada's records and the people around her."""

    app: Flask
    ids: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    operations: list[tuple[str, str]] = field(default_factory=list)


def write_adas_world(api: Api, ids: dict[str, str]) -> None:
    """Everything the matrix reads and changes, written by the people themselves."""
    plan = f"{API}/plans/{ADA}"
    api.start_plan(ADA)
    api.ok("PATCH", f"{plan}/sections/vision_statement", {"fields": {"statement": "Vesper"}},
           actor=ADA, version=1)  # fmt: skip
    api.ok("PATCH", f"{plan}/sections/self_assessment", {"fields": {"strengths": "Obsidian"}},
           actor=ADA, version=2)  # fmt: skip
    api.ok("POST", f"{plan}/reflections", {"text": "Halcyon", "private": True}, actor=ADA)
    api.ok("POST", f"{plan}/reflections", {"text": "Lumen", "private": False}, actor=ADA)
    ids["option_id"] = api.ok("POST", f"{plan}/options", {"title": "Aurora"}, actor=ADA)["item_id"]
    for who in (SAM, SUE):
        member = {"name": who.title(), "kind": "person", "brings": "Help", "user_id": who}
        ids[who] = api.ok("POST", f"{plan}/support-network", member, actor=ADA)["item_id"]
    ids["member_id"] = ids[SUE]
    version = api.ok("GET", plan, actor=ADA)["version"]
    share = {"parts": ["vision_statement", "goals"]}
    api.ok("PUT", f"{plan}/support-network/{ids[SAM]}/share", share, actor=ADA, version=version)
    write_goals(api, ids)
    write_mentorships(api, ids)
    api.start_plan(BOB)


def write_goals(api: Api, ids: dict[str, str]) -> None:
    plan = f"{API}/plans/{ADA}"
    goal = {"kind": "smarty", "title": "Quasar", "specific": "Lead", "measurable": "Ships",
            "target_date": "2025-12-31"}  # fmt: skip
    for name in ("active", "draft", "deferred", "achieved"):
        ids[f"goal_{name}"] = api.ok("POST", f"{plan}/goals", goal, actor=ADA)["id"]
    active, deferred = f"{API}/goals/{ids['goal_active']}", f"{API}/goals/{ids['goal_deferred']}"
    api.ok("POST", f"{active}/activate", actor=ADA, version=1)
    step = {"title": "Meridian", "due": "2025-06-30"}
    ids["milestone_id"] = api.ok("POST", f"{active}/milestones", step, actor=ADA)["item_id"]
    api.ok("POST", f"{deferred}/activate", actor=ADA, version=1)
    api.ok("POST", f"{deferred}/defer", {"reason": "Later"}, actor=ADA, version=2)
    achieved = f"{API}/goals/{ids['goal_achieved']}"
    api.ok("POST", f"{achieved}/activate", actor=ADA, version=1)
    api.ok("POST", f"{achieved}/achieve", {}, actor=ADA, version=2)


def write_mentorships(api: Api, ids: dict[str, str]) -> None:
    def invite(mentor: str) -> str:
        body = {**BODIES[f"POST {API}/mentorships"], "mentor_id": mentor}
        return str(api.ok("POST", f"{API}/mentorships", body, actor=ADA)["id"])

    agreement = BODIES[f"POST {API}/mentorships/{{mentorship_id}}/accept"]
    ids["mentorship_id"], ids["ended"], ids["invited"] = invite(GRACE), invite(ED), invite(IVY)
    ids["other"] = invite(HAL)
    for mentor, key in ((GRACE, "mentorship_id"), (ED, "ended"), (HAL, "other")):
        path = f"{API}/mentorships/{ids[key]}/accept"
        api.ok("POST", path, agreement, actor=mentor, version=1)
    api.ok("POST", f"{API}/mentorships/{ids['ended']}/end", {"reason": "Done"}, actor=ADA,
           version=2)  # fmt: skip
    mentorship, goal = (
        f"{API}/mentorships/{ids['mentorship_id']}",
        f"{API}/goals/{ids['goal_active']}",
    )
    check_in = api.ok("POST", f"{mentorship}/check-ins", {"scheduled_for": "2025-02-03"}, actor=ADA)
    ids["check_in_id"] = check_in["id"]
    check_in_path = f"{API}/check-ins/{check_in['id']}"
    api.ok("POST", f"{check_in_path}/notes", {"text": "Zephyr", "private": False}, actor=GRACE)
    item = {"text": "Zephyr homework", "owner_id": ADA, "due": "2025-03-01"}
    ids["item_id"] = api.ok("POST", f"{check_in_path}/action-items", item, actor=GRACE)["item_id"]
    proposal = {"changes": {"title": "Polaris"}, "rationale": "Nimbus"}
    ids["proposal_id"] = api.ok("POST", f"{goal}/proposals", proposal, actor=GRACE)["id"]
    api.ok("POST", f"{goal}/feedback", {"text": "Tundra", "source": "mentor"}, actor=GRACE)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    clock = ManualClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
    path = Path(tmp_path_factory.mktemp("matrix")) / "tracker.sqlite"
    app = make_app(f"sqlite:///{path}", clock)
    api = Api(app.test_client())
    world = World(app)
    write_adas_world(api, world.ids)
    people = Credentials.of(app)
    for who in (ADA, GRACE, HAL, ED, SAM, SUE, BOB):
        world.headers[who] = people.headers(who)
    world.headers["integrator"] = people.integrator()
    world.headers["anonymous"] = {}
    world.ids["token_id"] = people.accounts.list_tokens(ADA)[0].token_id
    world.ids["feed_id"] = people.accounts.calendar_feeds.create(ADA, ADA).info.feed_id
    people.account("root", password=PASSWORD, admin=True)
    spec = app.test_client().get(f"{API}/openapi.json").get_json()
    world.operations = [
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
        and f"{method.upper()} {path}" not in PUBLIC
    ]
    yield world
    close_app(app)


ROLES = ["owner", "mentor", "other mentor", "ended mentor", "supporter with share",
         "supporter without share", "another mentee", "integrator", "admin",
         "anonymous"]  # fmt: skip
WHO = {"owner": ADA, "mentor": GRACE, "other mentor": HAL, "ended mentor": ED,
       "supporter with share": SAM, "supporter without share": SUE, "another mentee": BOB,
       "integrator": "integrator", "anonymous": "anonymous"}  # fmt: skip
# Who may not know that Ada or her records exist: their refusals must equal a made-up id's.
STRANGERS = {"ended mentor", "supporter without share", "another mentee", "integrator",
             "admin", "anonymous"}  # fmt: skip


def allowed(role: str, operations: list[tuple[str, str]]) -> set[str]:
    """The operations `role` may do; every other one is forbidden to it."""
    every = {f"{method} {path}" for method, path in operations}
    adas = every - FEED - ADMIN - TOKENS - DASHBOARD - SELF
    adas -= {f"POST {API}/accounts", f"DELETE {API}/account"}  # closed; wrong password
    reads = {op for op in adas if op.startswith("GET ")}
    check_ins = {op for op in adas if "/check-ins" in op}
    # Grace's mentorship, its check-ins and her pending proposal: between her and Ada.
    graces = {op for op in adas if re.search(r"{(mentorship_id|check_in_id|proposal_id)}", op)}
    return {
        "owner": SELF | (adas - PROPOSE - RESPOND),
        "mentor": SELF | DASHBOARD | reads | PROPOSE | COMMENT | MENTORSHIP | check_ins | SUBSCRIBE,
        "other mentor": SELF | (reads - graces) | (PROPOSE - graces) | COMMENT | SUBSCRIBE,
        "supporter with share": SELF | SHARED_WITH_SAM | SUBSCRIBE,
        "integrator": SELF | FEED,
        "admin": SELF | ADMIN | TOKENS,
        "anonymous": set(),
    }.get(role, SELF)


def request_for(world: World, method: str, path: str, *, guessed: bool) -> dict[str, Any]:
    """The request of an operation on Ada's ids, or on made-up ones."""
    key = f"{method} {path}"
    if method in ("POST", "PUT", "PATCH") and key not in BODIES:
        pytest.fail(f"No body for {key}: add one to BODIES (valid for the domain)")
    ids = record_ids(world, path)
    made_up = {name: str(uuid.uuid4()) for name in ids}
    made_up.update({k: "zed" for k in ("mentee_id", "mentor_id", "user_id") if k in ids})
    made_up.update({k: ids[k] for k in ("section", "type_name") if k in ids})
    made_up["token_id"] = "tok_0123456789ab"
    made_up["feed_id"] = "feed_0123456789ab"
    values = made_up if guessed else ids
    url = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path) + QUERIES.get(key, "")
    body = BODIES.get(key)
    if guessed and isinstance(body, dict) and body.get("mentee_id") == ADA:
        body = {**body, "mentee_id": "zed"}
    return {"method": method, "path": url, "json": body, "version": current_version(world, ids)}


def record_ids(world: World, path: str) -> dict[str, str]:
    """Ada's ids for the path's parameters: a goal and a mentorship in the state it needs."""
    ids = {**world.ids, "mentee_id": ADA, "mentor_id": GRACE, "user_id": ADA,
           "section": "vision_statement", "type_name": "org.tracker.goal.revised.v1"}  # fmt: skip
    ends = {"/activate": "goal_draft", "/reopen": "goal_deferred", "/achievements": "goal_achieved"}
    goal = next((g for end, g in ends.items() if path.endswith(end)), "goal_active")
    ids["goal_id"] = world.ids[goal]
    ids["stream_id"] = ids["goal_id"]
    if path.startswith(f"{API}/mentorships/") and path.endswith(("/accept", "/decline")):
        ids["mentorship_id"] = world.ids["invited"]
    names = set(re.findall(r"{(\w+)}", path))
    return {name: value for name, value in ids.items() if name in names}


def current_version(world: World, ids: dict[str, str]) -> int | None:
    """The version of the record the path changes (its If-Match), as Ada reads it."""
    for name, read in (("goal_id", "goals"), ("check_in_id", "check-ins"),
                       ("proposal_id", "proposals"), ("mentorship_id", "mentorships"),
                       ("mentee_id", "plans")):  # fmt: skip
        if name in ids:
            api = Api(world.app.test_client())
            return int(api.ok("GET", f"{API}/{read}/{ids[name]}", actor=ADA)["version"])
    return None


def send(world: World, role: str, request: dict[str, Any]) -> TestResponse:
    client = world.app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.0.{ROLES.index(role) + 1}"  # own throttle
    if role == "admin":
        signed = client.post(f"{API}/session", json={"user_id": "root", "password": PASSWORD})
        headers = {"X-CSRF-Token": signed.get_json()["csrf_token"]}
    else:
        headers = dict(world.headers[WHO[role]])
    if request["version"] is not None:
        headers["If-Match"] = f'"{request["version"]}"'
    return client.open(
        request["path"], method=request["method"], json=request["json"], headers=headers
    )


def normalised(response: TestResponse) -> tuple[Any, ...]:
    """What a refusal tells: status, kind and detail, with ids and names made neutral."""
    body = response.get_json(silent=True) or {}
    detail = UUID_PATTERN.sub("<id>", str(body.get("detail", "")))
    detail = re.sub(r"\b(ada|zed|grace|tok_\w+|feed_\w+)\b", "<name>", detail)
    return response.status_code, body.get("type"), detail


@pytest.mark.parametrize("role", ROLES)
def test_every_forbidden_operation_is_refused_and_tells_nothing(world: World, role: str) -> None:
    head = tracker(world.app).recorder.max_notification_id()
    permitted = allowed(role, world.operations)
    failures = []
    for method, path in world.operations:
        if f"{method} {path}" in permitted:
            continue
        answer = send(world, role, request_for(world, method, path, guessed=False))
        text = answer.get_data(as_text=True)
        if answer.status_code not in (401, 403, 404):
            failures.append(f"{method} {path}: {answer.status_code} {text[:200]}")
        elif any(word in text for word in WORDS):
            failures.append(f"{method} {path}: the refusal shows Ada's words: {text[:200]}")
        elif role in STRANGERS or answer.status_code == 404:
            guess = send(world, role, request_for(world, method, path, guessed=True))
            if normalised(answer) != normalised(guess):
                failures.append(
                    f"{method} {path}: {normalised(answer)} for Ada's ids, "
                    f"{normalised(guess)} for made-up ones"
                )
    assert not failures, f"{role}:\n" + "\n".join(failures)
    assert tracker(world.app).recorder.max_notification_id() == head  # nothing written


def graces_words_in_reads(world: World, role: str, mentor_id: str) -> dict[str, list[str]]:
    """For each read `role` may do (her own dashboard's too), the words and ids of Grace's
    pending proposal and check-in it answers with."""
    graces = (*GRACES_WORDS, world.ids["proposal_id"], world.ids["check_in_id"])
    found = {}
    for method, path in world.operations:
        if method != "GET" or f"{method} {path}" not in allowed(role, world.operations):
            continue
        request = request_for(world, method, path, guessed=False)
        request["path"] = request["path"].replace(f"/mentors/{GRACE}/", f"/mentors/{mentor_id}/")
        answer = send(world, role, {**request, "version": None})
        assert answer.status_code == 200, f"{path}: {answer.status_code}"
        found[path] = [word for word in graces if word in answer.get_data(as_text=True)]
    mine = {"method": "GET", "path": f"{API}/mentors/{mentor_id}/dashboard", "json": None}
    dashboard = send(world, role, {**mine, "version": None})
    found["dashboard"] = [word for word in graces if word in dashboard.get_data(as_text=True)]
    return found


@pytest.mark.parametrize("role", ["other mentor", "supporter with share"])
def test_no_read_shows_what_is_between_ada_and_grace(world: World, role: str) -> None:
    found = graces_words_in_reads(world, role, WHO[role])
    assert not {path: words for path, words in found.items() if words}


def test_grace_reads_her_pending_proposal_and_check_in_where_hal_does_not(world: World) -> None:
    found = graces_words_in_reads(world, "mentor", GRACE)
    proposal_id = world.ids["proposal_id"]
    for read in ("/plans/{mentee_id}/proposals", "/plans/{mentee_id}/timeline",
                 "/plans/{mentee_id}/as-of", "/plans/{mentee_id}/diff", "dashboard"):  # fmt: skip
        path = read if read == "dashboard" else f"{API}{read}"
        assert proposal_id in found[path], path


def test_the_matrix_covers_every_documented_operation(world: World) -> None:
    documented = {f"{method} {path}" for method, path in world.operations}

    assert len(documented) > 70
    writes = {op for op in documented if op.split()[0] in ("POST", "PUT", "PATCH")}
    assert writes <= set(BODIES)  # every write can be tried with a body the domain accepts
    for role in ROLES:
        assert allowed(role, world.operations) <= documented | SELF
