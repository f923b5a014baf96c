"""The authorization matrix on the HTML pages: each role, signed in with a password, on
every page the app serves, and every page form posted with a valid CSRF token.

The JSON API's matrix (test_authorization_matrix.py) has the same world; here private
notes of three authors are added (Ada's and Grace's in their check-in, Hal's in his). What
each role must never read anywhere: another's private note or reflection; for her other
mentor, what is between Ada and Grace; for a supporter, what she does not share with him;
for everyone with no part in her plan (her former mentor, a supporter she shares nothing
with, another mentee, an admin), any of her words, and those get the 404 a made-up id gets
on every page of hers. Those strangers' posts of every page form on her records are refused
(403/404) and write nothing. Pages are walked from the URL map, so a new one is in the
matrix the day it is served.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.web.conftest import Api, close_app, make_app, tracker
from tests.web.credentials import Credentials
from tests.web.test_authorization_matrix import (
    ADA,
    API,
    BOB,
    ED,
    GRACE,
    HAL,
    SAM,
    SUE,
    WORDS,
    write_adas_world,
)
from tracker.clock import ManualClock

PASSWORD = "a long enough password"
ROOT = "root"
NOT_PAGES = ("/api/", "/static/", "/healthz", "/readyz", "/metrics")
# Self-service forms (own account, own plan, own dashboard, signing in and out).
OWN = ("/account", "/plans", "/sign-in", "/sign-out", "/dashboard/seen")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PRIVATE = {"Halcyon": ADA, "Adasnote": ADA, "Gracesnote": GRACE, "Halsnote": HAL}
HALS_CHECK_IN = "Halsagenda"
ALL_WORDS = (*WORDS, *PRIVATE, HALS_CHECK_IN)
NEVER = {
    ADA: (),
    GRACE: (HALS_CHECK_IN,),  # Hal's check-in with Ada is not hers
    HAL: ("Zephyr", "Polaris", "Nimbus"),  # Grace's check-in and pending proposal
    # Sam sees Ada's vision and goals only.
    SAM: ("Obsidian", "Lumen", "Aurora", "Zephyr", "Polaris", "Nimbus", HALS_CHECK_IN),
}
STRANGERS = (ED, SUE, BOB, ROOT)
FORM = {
    "version": "1", "text": "Forged", "reason": "Forged", "statement": "Forged",
    "title": "Forged", "due": "2025-09-01", "decision": "accept", "held_on": "2025-02-03",
    "scheduled_for": "2025-03-03", "mentee_id": ADA, "owner_id": ADA, "evidence": "Forged",
    "where_are_you_now": "Forged", "kind": "real",
}  # fmt: skip


@dataclass
class World:
    app: Flask
    ids: dict[str, str] = field(default_factory=dict)
    clients: dict[str, FlaskClient] = field(default_factory=dict)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    clock = ManualClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
    path = Path(tmp_path_factory.mktemp("pages")) / "tracker.sqlite"
    app = make_app(f"sqlite:///{path}", clock)
    api, world = Api(app.test_client()), World(app)
    write_adas_world(api, world.ids)
    check_in = f"{API}/check-ins/{world.ids['check_in_id']}"
    api.ok("POST", f"{check_in}/notes", {"text": "Adasnote", "private": True}, actor=ADA)
    api.ok("POST", f"{check_in}/notes", {"text": "Gracesnote", "private": True}, actor=GRACE)
    schedule = {"scheduled_for": "2025-02-05"}
    hals = api.ok("POST", f"{API}/mentorships/{world.ids['other']}/check-ins", schedule)["id"]
    world.ids["hals_check_in_id"] = hals
    api.ok("POST", f"{API}/check-ins/{hals}/agenda", {"text": HALS_CHECK_IN}, actor=HAL)
    api.ok("POST", f"{API}/check-ins/{hals}/notes", {"text": "Halsnote", "private": True},
           actor=HAL)  # fmt: skip
    people = Credentials.of(app)
    for who in (ADA, GRACE, HAL, ED, SAM, SUE, BOB, ROOT):
        people.account(who, admin=who == ROOT)
        people.accounts.set_password(who, PASSWORD)
        client = world.clients[who] = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.1.{len(world.clients)}"  # own throttle
        signed = client.post(f"{API}/session", json={"user_id": who, "password": PASSWORD})
        assert signed.status_code == 200, signed.get_json()
    yield world
    close_app(app)


def page_rules(app: Flask, method: str) -> list[Rule]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if method in (rule.methods or ()) and not rule.rule.startswith(NOT_PAGES)
    ]


def addresses(rule: Rule, ids: dict[str, str]) -> list[str]:
    """The rule on Ada's records (each of her check-ins where it takes one), and each
    choice of an `any(...)`."""
    values = {
        "mentee_id": ADA, "goal_id": ids["goal_active"], "milestone_id": ids["milestone_id"],
        "mentorship_id": ids["mentorship_id"], "proposal_id": ids["proposal_id"],
        "item_id": ids["item_id"], "token_id": "tok_0123456789ab", "feed_id": "feed_0123456789ab",
    }  # fmt: skip
    found = [rule.rule]
    for match in re.finditer(r"<(?:([^:>]+):)?(\w+)>", rule.rule):
        converter, name = match.group(1) or "", match.group(2)
        if converter.startswith("any("):
            options = re.findall(r"[\w-]+", converter[4:])
        elif name == "check_in_id":
            options = [ids["check_in_id"], ids["hals_check_in_id"]]
        else:
            options = [values[name]]
        found = [path.replace(match.group(0), option, 1) for path in found for option in options]
    return found


def made_up(path: str, ids: dict[str, str]) -> str:
    """The same address with made-up ids instead of Ada's."""
    path = UUID.sub(lambda _: str(uuid.uuid4()), path)
    return re.sub(f"/plans/{ADA}(?=/|$)", "/plans/zed", path)


def get(world: World, who: str, path: str) -> tuple[int, str]:
    answer = world.clients[who].get(path, headers={"Accept": "text/html"})
    return answer.status_code, answer.get_data(as_text=True)


def is_hers(path: str, ids: dict[str, str]) -> bool:
    return f"/plans/{ADA}" in path or any(value in path for value in ids.values())


@pytest.mark.parametrize("who", [ADA, GRACE, HAL, SAM, *STRANGERS])
def test_no_page_shows_what_its_reader_may_not_read(world: World, who: str) -> None:
    never = NEVER.get(who, ALL_WORDS)
    leaks, told, reached = [], [], 0
    for rule in page_rules(world.app, "GET"):
        for path in addresses(rule, world.ids):
            status, page = get(world, who, path)
            reached += status == 200
            words = [w for w in never if w in page]
            words += [w for w, author in PRIVATE.items() if author != who and w in page]
            if words:
                leaks.append(f"{path} ({status}): {words}")
            if who in STRANGERS and is_hers(path, world.ids):
                guessed = get(world, who, made_up(path, world.ids))[0]
                if status not in (403, 404) or status != guessed:
                    told.append(f"{path}: {status} for Ada's ids, {guessed} for made-up ones")

    assert not leaks, f"{who} reads:\n" + "\n".join(leaks)
    assert not told, f"{who} learns that Ada's records exist:\n" + "\n".join(told)
    assert reached >= 3  # her own pages at least: the pages were rendered, not refused


@pytest.mark.parametrize("who", STRANGERS)
def test_no_page_form_on_her_records_works_for_a_stranger(world: World, who: str) -> None:
    head = tracker(world.app).recorder.max_notification_id()
    client, accepted, tried = world.clients[who], [], 0
    token = CSRF.search(get(world, who, "/account")[1])
    assert token, "the account page has a form"
    for rule in page_rules(world.app, "POST"):
        for path in addresses(rule, world.ids):
            if path in OWN or path.startswith(OWN[0]):
                continue
            tried += 1
            data = {**FORM, "csrf_token": token.group(1)}
            answer = client.post(path, data=data, headers={"Accept": "text/html"})
            text = answer.get_data(as_text=True)
            if answer.status_code not in (403, 404) or any(w in text for w in ALL_WORDS):
                accepted.append(f"{path}: {answer.status_code}")

    subscribe = {"csrf_token": token.group(1), "mentee_id": ADA}
    calendar = client.post(
        "/account/calendar-feeds", data=subscribe, headers={"Accept": "text/html"}
    )
    assert "cal_" not in calendar.get_data(as_text=True)  # no subscription URL to her calendar
    assert not accepted, f"{who} posts:\n" + "\n".join(accepted)
    assert tried > 15
    assert tracker(world.app).recorder.max_notification_id() == head
