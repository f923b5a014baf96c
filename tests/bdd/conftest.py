"""Fixtures and the steps several features share; the world itself lives in bdd_world.py.

Each scenario gets a fresh tracker on its own SQLite file, with the clock fixed at
6 January 2025, 09:00 UTC (the `clock` fixture of tests/conftest.py) so dates never drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from pytest_bdd import given, parsers, then

from tests.bdd.bdd_world import Outcome, World, day
from tests.web.conftest import close_app, make_app
from tracker.application import build_application
from tracker.clock import ManualClock
from tracker.settings import Settings

# What an active goal needs besides its title and target date.
SMARTY_ESSENTIALS = {
    "specific": "Join the platform team as a junior data engineer",
    "measurable": "Two production pipelines I built, reviewed and running for a month",
}


@pytest.fixture
def world(sqlite_url: str, clock: ManualClock) -> Iterator[World]:
    """A fresh tracker on its own SQLite file, its clock fixed at 6 January 2025, 09:00 UTC."""
    app = build_application(Settings(database_url=sqlite_url), clock=clock)
    yield World(app)
    app.close()


@pytest.fixture
def web(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    """The web app on a fresh SQLite file, for scenarios told through HTTP."""
    app = make_app(sqlite_url, clock)
    yield app
    close_app(app)


# People -----------------------------------------------------------------------------------
@given(parsers.parse("{name} is a mentee who wants to {ambition}"))
@given(parsers.parse("{name} is an experienced {profession}"))
@given(parsers.parse("{name} is a mentor {mentee} did not invite"))
def someone(world: World, name: str) -> None:
    world.person(name)


@given(parsers.parse("{mentor} mentors {mentee}"))
def mentorship_agreed(world: World, mentor: str, mentee: str) -> None:
    world.invite(
        mentee,
        mentor,
        help_wanted="moving into data engineering",
        duration="a year",
        frequency="monthly",
    ).expect_done()
    world.accept_invitation(
        mentor, cadence_days=30, meeting_minutes=45, guidance="career guidance"
    ).expect_done()


@given(
    parsers.parse('{mentee} has an active SMARTY goal "{title}" due {target}'),
    converters={"target": day},
)
def active_goal(world: World, mentee: str, title: str, target: date) -> None:
    world.start_plan(mentee).expect_done()
    fields = {"title": title, "target_date": target, **SMARTY_ESSENTIALS}
    world.draft_goal(mentee, "smarty", fields).expect_done()
    world.activate_goal(mentee).expect_done()


@given(parsers.parse("today is {today}"), converters={"today": day})
def today_is(clock: ManualClock, today: date) -> None:
    clock.set(datetime(today.year, today.month, today.day, 9, 0, tzinfo=UTC))


# What people are told ---------------------------------------------------------------------
@then(parsers.parse('{name} is told "{words}"'))
def told(outcome: Outcome, name: str, words: str) -> None:
    assert outcome.actor == name, f"the last answer went to {outcome.actor}, not {name}"
    assert not outcome.done, f"{name} was not refused"
    assert words.lower() in (outcome.problem or "").lower(), outcome.problem


# The goal as people see it ----------------------------------------------------------------
@then(parsers.parse("the goal shows the target date {target}"), converters={"target": day})
def goal_target_date(world: World, target: date) -> None:
    goal = world.goal()
    assert goal["target_date"] == target.isoformat()


@then("the goal has never been revised")
def never_revised(world: World) -> None:
    assert world.goal_revisions() == []


@then("the goal has been revised once")
def revised_once(world: World) -> None:
    assert len(world.goal_revisions()) == 1
