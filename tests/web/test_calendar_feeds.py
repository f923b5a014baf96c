"""Calendar subscriptions: a secret URL that calendar apps read without an Authorization
header; it reads one mentee's calendar and nothing else, and stops at once when revoked."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import MENTEE, MENTOR, Api
from tests.web.test_calendar import Diary, events, parsed
from tracker.web.auth import get_accounts

FEEDS = "/api/v1/account/calendar-feeds"


@pytest.fixture
def plan(api: Api) -> Diary:
    """Her plan with a mentorship, a check-in and a goal: a calendar with items."""
    return Diary(api)


def subscribe(api: Api, mentee: str = MENTEE, actor: str = MENTEE) -> dict[str, Any]:
    answer = api.post(FEEDS, {"mentee_id": mentee}, actor=actor)
    assert answer.status_code == 201, answer.get_json()
    assert answer.headers["Cache-Control"] == "no-store"
    data: dict[str, Any] = answer.get_json()
    return data


def path_of(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_a_subscription_url_reads_the_calendar_without_any_header(
    api: Api, client: FlaskClient, plan: Diary
) -> None:
    feed = subscribe(api)
    assert feed["url"].startswith("http://localhost/api/v1/calendars/cal_")
    assert feed["webcal_url"] == "webcal://" + feed["url"].removeprefix("http://")
    assert feed["scope"] == "read:calendar"
    subscribed = client.get(path_of(feed["url"]))
    signed_in = api.get(f"/api/v1/plans/{MENTEE}/calendar.ics")
    assert set(events(subscribed)) == set(events(signed_in))
    assert any(uid.startswith("check-in-") for uid in events(subscribed))
    assert subscribed.headers["ETag"] == signed_in.headers["ETag"]
    again = client.get(path_of(feed["url"]), headers={"If-None-Match": subscribed.headers["ETag"]})
    assert again.status_code == 304


def test_the_secret_is_stored_hashed_and_listed_without_its_url(api: Api, plan: Diary) -> None:
    feed = subscribe(api)
    secret = feed["url"].rsplit("/", 1)[1].removesuffix(".ics")
    listed = api.get(FEEDS).get_json()["items"]
    assert [item["feed_id"] for item in listed] == [feed["feed_id"]]
    assert "url" not in listed[0]
    with api.client.application.app_context():
        feeds = get_accounts().calendar_feeds
    with feeds.tables.transaction() as cursor:
        cursor.execute(f"SELECT feed_hash FROM {feeds.feeds}")
        stored = [row[0] for row in cursor.all()]
    assert len(stored) == 1
    assert secret not in stored[0]


def test_a_revoked_subscription_answers_404(api: Api, client: FlaskClient, plan: Diary) -> None:
    feed = subscribe(api)
    assert api.call("DELETE", f"{FEEDS}/{feed['feed_id']}").status_code == 204
    gone = client.get(path_of(feed["url"]))
    assert gone.status_code == 404
    assert gone.mimetype == "application/problem+json"
    assert api.call("DELETE", f"{FEEDS}/{feed['feed_id']}").status_code == 404
    assert api.get(FEEDS).get_json()["items"][0]["revoked"] is not None
    assert client.get("/api/v1/calendars/cal_made-up.ics").status_code == 404


def test_the_secret_reads_nothing_else(api: Api, client: FlaskClient, plan: Diary) -> None:
    feed = subscribe(api)
    secret = feed["url"].rsplit("/", 1)[1].removesuffix(".ics")
    bearer = {"Authorization": f"Bearer {secret}"}
    for path in (f"/api/v1/plans/{MENTEE}", f"/api/v1/plans/{MENTEE}/calendar.ics", FEEDS):
        assert client.get(path, headers=bearer).status_code == 401, path
    other = client.get(f"{path_of(feed['url'])}?mentee_id={MENTOR}")  # still hers only
    assert parsed(other)["X-WR-CALNAME"] == f"Mentoring: {MENTEE}"
    assert client.get(path_of(feed["url"]).replace(".ics", "")).status_code == 404


def test_a_mentor_subscribes_to_what_he_sees_and_strangers_to_nothing(
    api: Api, client: FlaskClient, plan: Diary
) -> None:
    feed = subscribe(api, actor=MENTOR)
    parsed(client.get(path_of(feed["url"])))
    refused = api.post(FEEDS, {"mentee_id": MENTEE}, actor="stranger")
    assert refused.status_code == 404
    assert api.post(FEEDS, {"mentee_id": "no such id!"}).status_code == 422
