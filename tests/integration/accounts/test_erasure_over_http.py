"""The right to erasure asked for over HTTP, on SQLite and PostgreSQL: Ana confirms with her
password (`DELETE /api/v1/account`); afterwards the stored events, snapshots and views hold
none of her words, her mentor and the feed read "[erased]", and she can no longer sign in.

The story is test_erasure.py's, written by another process (an application without the web
layer) into the same database the web app serves."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.accounts.test_erasure import (
    ANA,
    ANA_WORDS,
    BEN_WORDS,
    MENTOR,
    stored_bytes,
    view_content,
    write_anas_story,
)
from tests.web.conftest import close_app, make_app
from tests.web.credentials import Credentials
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.erasure import ERASED_TEXT
from tracker.settings import Settings
from tracker.web.read_models import projections_of

PASSWORD = "Ana's long password, for the test"


def caught_up_views(web: Flask) -> str:
    """Every view's content once it holds every event written so far."""
    projections = projections_of(web)
    for name in projections.names:
        projections.fresh(name)
    return view_content(projections)


@pytest.fixture
def web(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(database_url, clock)
    yield app
    close_app(app)


def sign_in(web: Flask, password: str = PASSWORD) -> tuple[FlaskClient, dict[str, str]]:
    client = web.test_client()
    answer = client.post("/api/v1/session", json={"user_id": ANA, "password": password})
    assert answer.status_code == 200, answer.get_json()
    return client, {"X-CSRF-Token": answer.get_json()["csrf_token"]}


def test_ana_erases_her_account_and_her_words_are_gone_everywhere(
    web: Flask, app: TrackerApplication, clock: ManualClock, settings: Settings
) -> None:
    goal = write_anas_story(app, clock)
    people = Credentials.of(web)
    people.account(ANA, password=PASSWORD)
    mentor, feed = people.headers(MENTOR), people.integrator()
    client, csrf = sign_in(web)
    check_in = next(
        str(n.originator_id)
        for n in app.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("CheckIn.Scheduled")
    )
    before = web.test_client().get(f"/api/v1/check-ins/{check_in}", headers=mentor)
    assert ANA_WORDS[5] in before.get_data(as_text=True)
    assert ANA_WORDS[2] in caught_up_views(web)

    wrong = client.delete("/api/v1/account", json={"password": "not it at all"}, headers=csrf)
    assert wrong.status_code == 403
    erased = client.delete("/api/v1/account", json={"password": PASSWORD}, headers=csrf)
    assert erased.status_code == 204

    raw = stored_bytes(app, goal)
    assert not any(word.encode() in raw for word in ANA_WORDS)
    views = caught_up_views(web)
    assert not any(word in views for word in ANA_WORDS)
    assert BEN_WORDS in views  # only hers
    reader = web.test_client()
    note = reader.get(f"/api/v1/check-ins/{check_in}", headers=mentor).get_json()["notes"][0]
    assert note["text"] == ERASED_TEXT
    events = reader.get("/api/v1/events?limit=1000", headers=feed).get_data(as_text=True)
    assert ERASED_TEXT in events
    assert not any(word in events for word in ANA_WORDS)
    timeline = reader.get(f"/api/v1/plans/{ANA}/timeline", headers=mentor)
    assert not any(word in timeline.get_data(as_text=True) for word in ANA_WORDS)
    again = web.test_client().post("/api/v1/session", json={"user_id": ANA, "password": PASSWORD})
    assert again.status_code == 401
    assert client.get("/api/v1/session").status_code == 401
    if settings.backend == "sqlite":
        path = Path(settings.eventsourcing_env()["SQLITE_DBNAME"])
        files = [path, path.with_name(path.name + "-wal")]
        for word in ANA_WORDS:
            assert not any(word.encode() in f.read_bytes() for f in files if f.exists())
