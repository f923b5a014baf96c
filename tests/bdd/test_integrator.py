"""An integrator replays the feed, stops and resumes (features/integrator.feature)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pytest_bdd import given, parsers, scenarios, then, when

from tests.web.credentials import Credentials
from tracker.access import Actor, acting_as
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

scenarios("integrator.feature")

ANA = "ana"
PRIVATE = "I am not sure I want to manage people"


@dataclass
class Integrator:
    """Someone copying the feed: her events and the position of the last one applied."""

    client: FlaskClient
    token: dict[str, str]  # her feed token (read:events), as an operator granted it
    checkpoint: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)

    def read_page(self, limit: int) -> int:
        """Apply one page after her checkpoint; how many events it held."""
        response = self.client.get(
            f"/api/v1/events?after={self.checkpoint}&limit={limit}",
            headers=self.token,
        )
        assert response.status_code == 200, response.get_json()
        page: list[dict[str, Any]] = response.get_json()
        self.events += page
        if page:
            self.checkpoint = int(page[-1]["sequence"])
        return len(page)

    def replay(self, limit: int) -> None:
        while self.read_page(limit) == limit:
            pass


@pytest.fixture
def tracker(web: Flask) -> TrackerApplication:
    application: TrackerApplication = web.extensions["tracker"]
    return application


@pytest.fixture
def integrators(web: Flask) -> dict[str, Integrator]:
    credentials = Credentials.of(web)
    return {
        name: Integrator(web.test_client(), credentials.integrator(name.replace(" ", "-")))
        for name in ("the integrator", "another integrator")
    }


@given("Ana has kept her career plan in the tracker, with a private reflection")
def ana_plan(tracker: TrackerApplication, clock: ManualClock) -> None:
    with acting_as(Actor(ANA)):
        tracker.start_plan(mentee_id=ANA, actor_id=ANA)
        clock.advance(days=1)
        tracker.reflect(ANA, text=PRIVATE, private=True, actor_id=ANA)
        fields = {"title": "Become a data engineer"}
        tracker.draft_goal(ANA, kind="smarty", fields=fields, actor_id=ANA)


@given(parsers.parse("Ana has revised her goal {times:d} times"))
@when(parsers.parse("Ana revises her goal {times:d} more times"))
def revise(tracker: TrackerApplication, clock: ManualClock, times: int) -> None:
    goal_id = next(
        str(n.originator_id)
        for n in tracker.recorder.select_notifications(start=1, limit=100)
        if n.topic.endswith("Goal.Drafted")
    )
    for _ in range(times):
        clock.advance(days=7)
        with acting_as(Actor(ANA)):
            version = tracker.get_goal(goal_id)["version"]
            tracker.revise_goal(
                goal_id, changes={"title": f"Become a data engineer (take {version})"},
                reason="I learned more about the role", actor_id=ANA,
            )  # fmt: skip


@when(parsers.parse("{who} replays the feed from the beginning, {limit:d} events a page"))
@when(parsers.parse("{who} resumes from her checkpoint, {limit:d} events a page"))
def replay(integrators: dict[str, Integrator], who: str, limit: int) -> None:
    integrators[who].replay(limit)


@when(parsers.parse("{who} replays {pages:d} pages of {limit:d} events and stops"))
def replay_some(integrators: dict[str, Integrator], who: str, pages: int, limit: int) -> None:
    for _ in range(pages):
        assert integrators[who].read_page(limit) == limit


@then("she has every event of the tracker once, in order")
def has_everything(integrators: dict[str, Integrator], tracker: TrackerApplication) -> None:
    her = integrators["the integrator"]
    stored = tracker.recorder.select_notifications(start=1, limit=1000)
    assert [int(e["sequence"]) for e in her.events] == [n.id for n in stored]
    assert [e["id"] for e in her.events] == [
        f"{n.originator_id}/{n.originator_version}" for n in stored
    ]
    assert her.checkpoint == stored[-1].id


@then("Ana's private reflection reached her without its text")
def private_withheld(integrators: dict[str, Integrator]) -> None:
    events = integrators["the integrator"].events
    [reflection] = [e for e in events if e["type"] == "org.tracker.plan.reflected.v1"]
    assert reflection["data"]["private"] is True
    assert reflection["data"]["text"] is None
    assert reflection["subject"] == ANA


@then("both have the same events in the same order")
def same_events(integrators: dict[str, Integrator]) -> None:
    first, second = integrators.values()
    assert first.events == second.events
    assert len(first.events) == 12
