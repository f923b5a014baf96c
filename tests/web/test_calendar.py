"""GET /api/v1/plans/<mentee>/calendar.ics: a valid iCalendar feed (checked with the
`icalendar` package) of check-ins, milestones and action items, stable across changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import icalendar
import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.web.conftest import MENTEE, MENTOR, Api, make_app, tracker
from tracker.clock import ManualClock

CALENDAR = f"/api/v1/plans/{MENTEE}/calendar.ics"


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(sqlite_url, clock)
    yield app
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    tracker(app).close()


class Diary:
    """A mentee's plan with a mentorship, one check-in and one goal, and their versions."""

    def __init__(self, api: Api) -> None:
        self.api = api
        api.start_plan()
        self.mentorship = api.active_mentorship()
        path = f"/api/v1/mentorships/{self.mentorship}/check-ins"
        self.check_in = str(api.ok("POST", path, {"scheduled_for": "2025-02-03"})["id"])
        self.check_in_version = 1
        self.goal = api.draft_goal()
        self.goal_version = 1

    def to_check_in(self, action: str, body: Any = None, actor: str = MENTEE) -> dict[str, Any]:
        path = f"/api/v1/check-ins/{self.check_in}/{action}"
        answer = self.api.ok("POST", path, body, actor=actor, version=self.check_in_version)
        self.check_in_version = int(answer["version"])
        return answer

    def to_goal(self, action: str, body: Any = None) -> dict[str, Any]:
        path = f"/api/v1/goals/{self.goal}/{action}"
        answer = self.api.ok("POST", path, body, version=self.goal_version)
        self.goal_version = int(answer["version"])
        return answer


@pytest.fixture
def diary(api: Api) -> Diary:
    return Diary(api)


def parsed(response: TestResponse) -> icalendar.Calendar:
    """The feed as the icalendar package reads it, after checking it parsed cleanly."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    assert response.mimetype_params == {"charset": "utf-8"}
    feed = icalendar.Calendar.from_ical(response.get_data())
    assert feed.errors == []
    assert all(event.errors == [] for event in feed.walk("VEVENT"))
    return feed


def events(response: TestResponse) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in parsed(response).walk("VEVENT")}


def only_event(response: TestResponse, kind: str) -> icalendar.Event:
    found = [event for uid, event in events(response).items() if uid.startswith(kind)]
    assert len(found) == 1, found
    return found[0]


def text(event: icalendar.Event, name: str) -> str:
    return str(event.decoded(name))


def test_the_feed_is_a_valid_calendar_of_every_dated_item(api: Api, diary: Diary) -> None:
    diary.to_check_in("agenda", {"text": "Courses; budget, and a plan"})
    item = diary.to_check_in(
        "action-items", {"text": "Enrol", "owner_id": MENTEE, "due": "2025-02-20"}, actor=MENTOR
    )["item_id"]
    milestone = diary.to_goal("milestones", {"title": "SQL course", "due": "2025-03-01"})

    feed = parsed(api.get(CALENDAR))
    shown = events(api.get(CALENDAR))

    assert feed["VERSION"] == "2.0"
    assert feed["PRODID"]
    assert set(shown) == {
        f"check-in-{diary.check_in}@mentoring-tracker",
        f"action-item-{item}@mentoring-tracker",
        f"milestone-{milestone['item_id']}@mentoring-tracker",
    }
    check_in = shown[f"check-in-{diary.check_in}@mentoring-tracker"]
    assert check_in.decoded("DTSTART") == date(2025, 2, 3)  # a date: an all-day event
    assert check_in.decoded("DTEND") == date(2025, 2, 4)
    assert text(check_in, "SUMMARY") == f"Check-in: {MENTEE} with {MENTOR}"
    assert f"- Courses; budget, and a plan ({MENTEE})" in text(check_in, "DESCRIPTION")
    assert str(check_in["STATUS"]) == "CONFIRMED"
    assert check_in["DTSTAMP"].dt.tzinfo is not None
    action = shown[f"action-item-{item}@mentoring-tracker"]
    assert action.decoded("DTSTART") == date(2025, 2, 20)
    assert text(action, "SUMMARY") == f"Action item for {MENTEE}: Enrol"


def test_a_rescheduled_check_in_keeps_its_uid_and_bumps_its_sequence(
    api: Api, diary: Diary, clock: ManualClock
) -> None:
    before = only_event(api.get(CALENDAR), "check-in")
    clock.advance(days=1)
    diary.to_check_in("reschedule", {"scheduled_for": "2025-02-10", "reason": "travel"})

    after = only_event(api.get(CALENDAR), "check-in")

    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)
    assert after.decoded("DTSTART") == date(2025, 2, 10)
    assert after["DTSTAMP"].dt > before["DTSTAMP"].dt
    assert "Moved from 2025-02-03: travel" in text(after, "DESCRIPTION")


def test_a_cancelled_check_in_and_a_dropped_milestone_are_cancelled_events(
    api: Api, diary: Diary
) -> None:
    milestone = diary.to_goal("milestones", {"title": "SQL course", "due": "2025-03-01"})
    diary.to_goal(f"milestones/{milestone['item_id']}/drop", {"reason": "not needed"})
    diary.to_check_in("cancel", {"reason": "ill"})

    response = api.get(CALENDAR)

    for kind in ("check-in", "milestone"):
        event = only_event(response, kind)
        assert str(event["STATUS"]) == "CANCELLED"
        assert event["SEQUENCE"] == 1


def test_private_notes_never_appear_even_to_their_author(api: Api, diary: Diary) -> None:
    diary.to_check_in("notes", {"text": "I fear the reorg", "private": True})
    diary.to_check_in("notes", {"text": "Minutes for both", "private": False})

    feed = api.get(CALENDAR).get_data(as_text=True)

    assert "reorg" not in feed
    assert "Minutes" not in feed


def test_lines_are_folded_at_75_octets_and_long_unicode_text_survives(
    api: Api, diary: Diary
) -> None:
    long_text = "Überlegungen zur Weiterbildung, Kosten; Zeitplan " * 3 + "終わり"
    diary.to_check_in("agenda", {"text": long_text})

    response = api.get(CALENDAR)

    raw = response.get_data()
    assert raw.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    assert long_text.strip() in text(only_event(response, "check-in"), "DESCRIPTION")


def test_an_unchanged_feed_answers_304_to_its_etag(api: Api, diary: Diary) -> None:
    first = api.get(CALENDAR)
    etag = first.headers["ETag"]

    unchanged = api.get(CALENDAR, **{"If-None-Match": etag})
    diary.to_check_in("agenda", {"text": "New topic"})
    changed = api.get(CALENDAR, **{"If-None-Match": etag})

    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    # Each reader sees her own calendar: no shared cache may hand it to someone else.
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert {"Authorization", "Cookie"} <= set(first.vary)
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_an_empty_plan_has_an_empty_calendar(api: Api) -> None:
    api.start_plan()

    feed = parsed(api.get(CALENDAR))

    assert feed.walk("VEVENT") == []


def test_an_unknown_mentee_is_a_404_problem(api: Api) -> None:
    response = api.get("/api/v1/plans/nobody/calendar.ics")

    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_the_feed_needs_to_know_who_asks(api: Api, diary: Diary) -> None:
    response = api.get(CALENDAR, actor=None)

    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_the_openapi_document_describes_the_feed(api: Api) -> None:
    spec = api.get("/api/v1/openapi.json").get_json()

    operation = spec["paths"]["/api/v1/plans/{mentee_id}/calendar.ics"]["get"]

    assert "text/calendar" in operation["responses"]["200"]["content"]
    assert {"304", "401", "404"} <= set(operation["responses"])


def test_a_mentor_sees_his_own_check_ins_with_her_and_not_another_mentors(
    api: Api, diary: Diary
) -> None:
    invitation = {"mentee_id": MENTEE, "mentor_id": "alan", "help_wanted": "Public speaking",
                  "duration": "six months", "frequency": "monthly"}  # fmt: skip
    second = api.ok("POST", "/api/v1/mentorships", invitation)["id"]
    agreement = {"cadence_days": 30, "meeting_minutes": 45, "guidance": "talks"}
    api.ok("POST", f"/api/v1/mentorships/{second}/accept", agreement, actor="alan", version=1)
    path = f"/api/v1/mentorships/{second}/check-ins"
    with_alan = api.ok("POST", path, {"scheduled_for": "2025-02-05"}, actor="alan")["id"]
    diary.to_goal("milestones", {"title": "SQL course", "due": "2025-03-01"})

    def shown_to(viewer: str) -> set[str]:
        return {uid.split("@")[0] for uid in events(api.get(CALENDAR, actor=viewer))}

    milestone = {uid for uid in shown_to(MENTEE) if uid.startswith("milestone-")}
    assert shown_to(MENTEE) == {f"check-in-{diary.check_in}", f"check-in-{with_alan}", *milestone}
    assert shown_to(MENTOR) == {f"check-in-{diary.check_in}", *milestone}
    assert shown_to("alan") == {f"check-in-{with_alan}", *milestone}
