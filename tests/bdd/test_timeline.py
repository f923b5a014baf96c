"""A mentee looks at how her plan grew over the year: her timeline and her growth chart."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from projections.growth import growth_for
from projections.timeline import timeline_for
from tests.bdd.bdd_world import World, day
from tracker.clock import ManualClock
from tracker.projecting import Projections
from tracker.settings import Settings

scenarios("timeline.feature")

SMARTY_ESSENTIALS = {
    "specific": "Join the platform team as a junior data engineer",
    "measurable": "Two production pipelines I built, reviewed and running for a month",
    "target_date": date(2025, 12, 31),
}


@pytest.fixture
def projections(world: World, sqlite_url: str) -> Iterator[Projections]:
    """The tracker's read models on the scenario's database."""
    opened = Projections(world.app, Settings(database_url=sqlite_url))
    yield opened
    opened.close()


class Year:
    """Carries out one row of Ana's year: who did what, and why."""

    def __init__(self, world: World) -> None:
        self.world, self.app = world, world.app
        self.goal_id = self.milestone_id = ""

    def do(self, who: str, what: str, why: str | None) -> None:
        actor = self.world.person(who)
        for pattern, action in self.actions().items():
            match = re.fullmatch(pattern, what)
            if match:
                action(actor, why, *match.groups())
                return
        raise AssertionError(f"Nobody knows how to: {what}")

    def actions(self) -> dict[str, Callable[..., Any]]:
        return {
            r"starts her plan": lambda me, why: self.app.start_plan(mentee_id=me, actor_id=me),
            r"writes her vision: (.+)": self.vision,
            r'drafts and activates the goal "(.+)"': self.goal,
            r'adds the milestone "(.+)" due (.+)': self.milestone,
            r"moves the milestone to (.+)": lambda me, why, due: self.app.reschedule_milestone(
                self.goal_id, self.milestone_id, due=day(due), reason=why, actor_id=me
            ),
            r"holds a check-in": self.check_in,
            r"meets the milestone": lambda me, why: self.app.complete_milestone(
                self.goal_id, self.milestone_id, actor_id=me
            ),
            r'recognises the achievement "(.+)"': self.recognise,
            r"writes a private reflection: (.+)": lambda me, why, text: self.app.reflect(
                me, text=text, private=True, actor_id=me
            ),
        }

    def vision(self, me: str, why: str | None, text: str) -> None:
        fields = {"statement": text}
        self.app.edit_plan_section(
            me, section="vision_statement", fields=fields, reason=why, actor_id=me
        )

    def goal(self, me: str, why: str | None, title: str) -> None:
        fields = {"title": title, **SMARTY_ESSENTIALS}
        self.goal_id = self.app.draft_goal(me, kind="smarty", fields=fields, actor_id=me).id
        self.app.activate_goal(self.goal_id, actor_id=me)

    def milestone(self, me: str, why: str | None, title: str, due: str) -> None:
        receipt = self.app.add_milestone(
            self.goal_id, title=title, due=day(due), skills=["sql"], actor_id=me
        )
        self.milestone_id = receipt.created["item_id"]

    def recognise(self, me: str, why: str | None, title: str) -> None:
        self.app.recognise_achievement(
            self.goal_id, title=title, evidence="in production", milestone_id=self.milestone_id,
            actor_id=me,
        )  # fmt: skip

    def check_in(self, me: str, why: str | None) -> None:
        today = self.app.clock().date()
        check_in = self.app.schedule_check_in(
            self.world.mentorship_id, scheduled_for=today, actor_id=me
        )
        self.app.hold_check_in(check_in.id, held_on=today, actor_id=me)


def rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    heading = [cell.strip() for cell in datatable[0]]
    return [
        dict(zip(heading, (cell.strip() for cell in row), strict=True)) for row in datatable[1:]
    ]


@given(parsers.parse("{mentee} has spent the year on her plan:"))
def spent_the_year(
    world: World, clock: ManualClock, mentee: str, datatable: list[list[str]]
) -> None:
    year = Year(world)
    for row in rows(datatable):
        when_ = day(row["date"])
        clock.set(datetime(when_.year, when_.month, when_.day, 9, 0, tzinfo=UTC))
        year.do(row["who"], row["what"], row["why"] or None)


@when(parsers.parse("{reader} reads her timeline"), target_fixture="timeline")
@when(parsers.parse("{reader} reads {mentee}'s timeline"), target_fixture="timeline")
def read_timeline(
    world: World, projections: Projections, reader: str, mentee: str = ""
) -> dict[str, Any]:
    owner = world.person(mentee or reader)
    store = projections.fresh("timeline")
    return timeline_for(store, owner, viewer_id=world.person(reader), limit=500)


@when(
    parsers.parse("{reader} reads only the milestones of her timeline between {since} and {until}"),
    target_fixture="timeline",
)
def read_milestones(
    world: World, projections: Projections, reader: str, since: str, until: str
) -> dict[str, Any]:
    me = world.person(reader)
    start, end = (datetime.combine(day(d), datetime.min.time(), UTC) for d in (since, until))
    store = projections.fresh("timeline")
    return timeline_for(store, me, viewer_id=me, kinds=["milestone"], since=start, until=end)


@then("she sees these changes in order:")
def sees_changes(world: World, timeline: dict[str, Any], datatable: list[list[str]]) -> None:
    names = {user_id: name for name, user_id in world.people.items()}
    seen = [
        {
            "date": datetime.fromisoformat(entry["at"]).strftime("%-d %B %Y"),
            "who": names.get(entry["actor_id"], entry["actor_id"]),
            "what": entry["what"],
            "why": entry["reason"] or "",
        }
        for entry in timeline["entries"]
    ]
    assert seen == rows(datatable)


@then(parsers.parse("she sees {count:d} changes"))
def sees_count(timeline: dict[str, Any], count: int) -> None:
    assert len(timeline["entries"]) == count


@then(parsers.parse("none of them is {mentee}'s private reflection"))
def no_private_reflection(timeline: dict[str, Any], mentee: str) -> None:
    assert all(entry["kind"] != "reflection" for entry in timeline["entries"])
    assert "doubt" not in str(timeline)


@when(parsers.parse("{mentee} looks at how her plan grew per month"), target_fixture="chart")
def growth_per_month(world: World, projections: Projections, mentee: str) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = growth_for(
        projections.fresh("timeline"), world.person(mentee), "month"
    )["points"]
    return points


@then(parsers.parse("the chart has a point for every month from {first} to {last}"))
def every_month(chart: list[dict[str, Any]], first: str, last: str) -> None:
    months = [datetime.fromisoformat(p["period_start"]).strftime("%B %Y") for p in chart]
    assert months[0] == first
    assert months[-1] == last
    assert len(months) == len(set(months)) == 12


@then("the chart shows:")
def chart_shows(chart: list[dict[str, Any]], datatable: list[list[str]]) -> None:
    by_month = {datetime.fromisoformat(p["period_start"]).strftime("%B %Y"): p for p in chart}
    for row in rows(datatable):
        point = by_month[row["month"]]
        figures = {
            "active goals": point["goals"]["active"],
            "milestones planned": point["milestones"]["planned"],
            "met": point["milestones"]["met"],
            "slipped": point["milestones"]["slipped"],
            "achievements": point["achievements"],
            "check-ins held": point["checkins_held"],
            "vision in words": point["section_words"]["vision_statement"],
        }
        assert {k: str(v) for k, v in figures.items()} == {k: row[k] for k in figures}, row["month"]
