"""The mentor's dashboard, and the account page with its API tokens."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask

from tests.web.pages.conftest import MENTEE, Story, Visitor, acting


def test_the_dashboard_shows_each_mentee_what_is_late_and_what_changed(
    grace: Visitor, app: Flask
) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.reflect(MENTEE, text="A private doubt", private=True, actor_id=MENTEE)
    answer = grace.get("/dashboard")
    page = grace.text(answer)
    assert "Your mentees" in page
    assert "Ada Lovelace" in page
    assert "Cadence every 30 days" in page
    assert "Next check-in 3 Feb 2025 Overdue" in page
    assert "Read The Manager's Path — Ada Lovelace, 28 days late" in page
    assert "Measure outcomes, not output" in page  # the proposal to follow up
    assert "Ada Lovelace activated the goal Lead a platform team" in page
    assert "A private doubt" not in page
    position = re.search(r'name="position" value="(\d+)"', answer.get_data(as_text=True))
    assert position
    seen = grace.submit("/dashboard/seen", {"position": position.group(1)})
    assert seen.status_code == 302
    assert "Nothing new from Ada Lovelace." in grace.text(grace.get("/dashboard"))


def test_the_dashboard_names_a_check_in_by_its_day_and_a_goal_by_its_title_as_written(
    grace: Visitor, app: Flask, story: Story
) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.add_agenda_item(story.check_in_id, text="My first month", actor_id=MENTEE)
        tracker.draft_goal(
            MENTEE, kind="smarty", actor_id=MENTEE,
            fields={
                "title": "iOS app for my_team",
                "specific": "Ship the team's first iPhone app",
                "measurable": "It is in the App Store",
                "target_date": date(2025, 12, 31),
            },
        )  # fmt: skip
    page = grace.text(grace.get("/dashboard"))
    assert "added an item to a check-in's agenda Check-in of 3 Feb 2025" in page
    assert "2025-02-03" not in page
    assert "drafted the goal iOS app for my_team" in page  # her words, never relabelled
    assert "edited the section Vision statement" in page  # a section, by its name


def test_a_token_is_shown_once_works_and_can_be_revoked(ada: Visitor, app: Flask) -> None:
    ada.get("/account")
    made = ada.submit(
        "/account/tokens", {"name": "notebook", "scopes": ["read:plan"], "expires_in_days": "30"}
    )
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    secret = re.search(r'value="(trk_[^"]+)"', made.get_data(as_text=True))
    assert secret
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    assert api.get(f"/api/v1/plans/{MENTEE}", headers=bearer).status_code == 200
    listing = ada.get("/account").get_data(as_text=True)
    assert "notebook" in listing
    assert secret.group(1) not in listing
    token_id = re.search(r"/account/tokens/(tok_\w+)/revoke", listing)
    assert token_id
    assert ada.submit(f"/account/tokens/{token_id.group(1)}/revoke", {}).status_code == 302
    assert "The token is revoked" in ada.text(ada.get("/account"))
    assert api.get(f"/api/v1/plans/{MENTEE}", headers=bearer).status_code == 401


def test_a_token_needs_a_name_and_a_scope_offered_here(ada: Visitor) -> None:
    ada.get("/account")
    answer = ada.submit("/account/tokens", {"name": "", "scopes": ["read:events"]})
    assert answer.status_code == 422
    page = ada.text(answer)
    assert "Choose among the scopes offered here." in page
    feed = ada.submit("/account/tokens", {"name": "feed", "scopes": []})
    assert "A token needs one or more of the scopes" in ada.text(feed)
    assert "trk_" not in feed.get_data(as_text=True)


def test_a_calendar_subscription_url_is_shown_once_works_and_can_be_revoked(
    ada: Visitor, app: Flask
) -> None:
    ada.get("/account")
    made = ada.submit("/account/calendar-feeds", {"mentee_id": MENTEE})
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    url = re.search(
        r'value="webcal://localhost(/api/v1/calendars/cal_[^"]+\.ics)"', made.get_data(as_text=True)
    )
    assert url
    calendar_app = app.test_client()  # no cookie, no token: as a calendar app asks
    answer = calendar_app.get(url.group(1))
    assert answer.status_code == 200
    assert answer.mimetype == "text/calendar"
    listing = ada.get("/account").get_data(as_text=True)
    assert url.group(1) not in listing
    feed_id = re.search(r"/account/calendar-feeds/(feed_\w+)/revoke", listing)
    assert feed_id
    assert ada.submit(f"/account/calendar-feeds/{feed_id.group(1)}/revoke", {}).status_code == 302
    assert "The calendar subscription is revoked" in ada.text(ada.get("/account"))
    assert calendar_app.get(url.group(1)).status_code == 404


def test_a_calendar_subscription_is_only_for_a_calendar_you_read(ada: Visitor) -> None:
    ada.get("/account")
    refused = ada.submit("/account/calendar-feeds", {"mentee_id": "someone-else"})
    assert refused.status_code == 302
    assert "Choose your own calendar" in ada.text(ada.get("/account"))
    assert "cal_" not in ada.get("/account").get_data(as_text=True)


def test_a_mentor_subscribes_to_his_mentees_calendar(grace: Visitor) -> None:
    grace.get("/account")
    made = grace.submit("/account/calendar-feeds", {"mentee_id": MENTEE})
    assert made.status_code == 201
    assert "webcal://localhost/api/v1/calendars/cal_" in made.get_data(as_text=True)
