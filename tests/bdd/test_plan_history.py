"""Looking back: a mentor audits who changed a goal's target date and why; a mentee views
her plan as it stood before a date, and what changed since."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from parse import with_pattern
from pytest_bdd import given, parsers, scenarios, then, when

from projections.goal_history import goal_blame_for, goal_history_for
from projections.plan_as_of import plan_as_of, plan_diff
from tests.bdd.bdd_world import World, day
from tracker.clock import ManualClock
from tracker.projecting import Projections
from tracker.settings import Settings

scenarios("plan_history.feature")

# "on 3 March 2025 Ana ...": a typed date, or the parser would take "3" for the date.
DAY = {"Day": with_pattern(r"\d{1,2} [A-Z][a-z]+ \d{4}")(day)}


def on_day(text: str) -> parsers.parse:
    """A step pattern whose {name:Day} fields are dates as the features write them."""
    return parsers.parse(text, extra_types=DAY)


@pytest.fixture
def projections(world: World, sqlite_url: str) -> Iterator[Projections]:
    """The tracker's read models on the scenario's database."""
    opened = Projections(world.app, Settings(database_url=sqlite_url))
    yield opened
    opened.close()


@pytest.fixture
def story() -> dict[str, Any]:
    """What the steps remember between them (the milestone's id)."""
    return {}


def on(clock: ManualClock, when: date) -> None:
    clock.set(datetime.combine(when, time(9, 0), tzinfo=UTC))


def before(when: date) -> datetime:
    """The last moment before the day begins."""
    return datetime.combine(when, time(), tzinfo=UTC) - timedelta(microseconds=1)


def spoken(value: str | None) -> str:
    """An ISO date as the feature writes it ('30 June 2025'); nothing as an empty cell."""
    if not value:
        return ""
    return f"{date.fromisoformat(value[:10]):%-d %B %Y}"


# Writing the story ------------------------------------------------------------------------
@given(
    on_day(
        "on {when:Day} {mentor} proposed moving the target date to {target:Day}, "
        'because "{rationale}"'
    )
)
def proposed(
    world: World, clock: ManualClock, when: date, mentor: str, target: date, rationale: str
) -> None:
    on(clock, when)
    world.propose_goal_revision(mentor, {"target_date": target}, rationale).expect_done()


@given(
    on_day('on {when:Day} {mentee} accepted the proposal, saying "{reason}"'),
)
def accepted(world: World, clock: ManualClock, when: date, mentee: str, reason: str) -> None:
    on(clock, when)
    world.accept_proposal(mentee, reason).expect_done()


@given(
    on_day(
        'on {when:Day} {mentee} moved the target date to {target:Day} herself, because "{reason}"'
    ),
)
def moved_target(
    world: World, clock: ManualClock, when: date, mentee: str, target: date, reason: str
) -> None:
    on(clock, when)
    world.revise_goal(mentee, {"target_date": target}, reason).expect_done()


@given(on_day('on {when:Day} {mentee} wrote her vision "{text}"'))
@given(on_day('on {when:Day} {mentee} rewrote her vision as "{text}"'))
def wrote_vision(world: World, clock: ManualClock, when: date, mentee: str, text: str) -> None:
    on(clock, when)
    world.edit_plan_section(mentee, "vision_statement", {"statement": text}).expect_done()


@given(
    on_day('on {when:Day} {mentee} added the milestone "{title}" due {due:Day}'),
)
def added_milestone(
    world: World, clock: ManualClock, story: dict[str, Any], when: date, mentee: str,
    title: str, due: date,
) -> None:  # fmt: skip
    on(clock, when)
    receipt = world.app.add_milestone(
        world.goal_id, title=title, due=due, skills=[], actor_id=world.person(mentee)
    )
    story["milestone_id"] = receipt.created["item_id"]


@given(
    on_day('on {when:Day} {mentee} moved the milestone to {due:Day}, because "{reason}"'),
)
def moved_milestone(
    world: World, clock: ManualClock, story: dict[str, Any], when: date, mentee: str,
    due: date, reason: str,
) -> None:  # fmt: skip
    on(clock, when)
    world.app.reschedule_milestone(
        world.goal_id, story["milestone_id"], due=due, reason=reason,
        actor_id=world.person(mentee),
    )  # fmt: skip


@given(
    on_day('on {when:Day} {mentee} wrote a private reflection "{text}"'),
)
def private_reflection(
    world: World, clock: ManualClock, when: date, mentee: str, text: str
) -> None:
    on(clock, when)
    me = world.person(mentee)
    world.app.reflect(me, text=text, private=True, actor_id=me)


# The mentor's audit -------------------------------------------------------------------------
@when(parsers.parse("{mentor} audits who changed the goal's target date"), target_fixture="audit")
def audit(world: World, projections: Projections) -> dict[str, Any]:
    store = projections.fresh("goal_history")
    blame = goal_blame_for(store, world.goal_id)
    history = goal_history_for(store, world.goal_id)
    assert blame is not None
    assert history is not None
    return {"blame": blame, "history": history}


@then(
    parsers.parse(
        'she sees the target date was last set to {target} by {who} on {when}, because "{reason}"'
    ),
    converters={"target": day, "when": day},
)
def last_set(
    world: World, audit: dict[str, Any], target: date, who: str, when: date, reason: str
) -> None:
    credit = audit["blame"]["fields"]["target_date"]
    assert credit["value"] == target.isoformat()
    assert credit["actor_id"] == world.person(who)
    assert credit["at"].startswith(when.isoformat())
    assert (credit["reason"], credit["proposal_id"]) == (reason, None)


@then("the target date's history reads:")
def target_history(world: World, audit: dict[str, Any], datatable: list[list[str]]) -> None:
    names = {world.person(name): name for name in ("Ana", "Maria")}
    rows = [
        [
            spoken(revision["at"]),
            spoken(change["from"]),
            spoken(change["to"]),
            names[revision["actor_id"]],
            names.get(revision["proposed_by"] or "", ""),
            revision["reason"] or "",
        ]
        for revision in audit["history"]["revisions"]
        if (change := revision["changes"].get("target_date"))
    ]
    assert rows == datatable[1:]


# The mentee looks back --------------------------------------------------------------------
@when(
    parsers.parse("{mentee} views her plan as it was before {when}"),
    converters={"when": day},
    target_fixture="then_plan",
)
def view_before(world: World, projections: Projections, mentee: str, when: date) -> dict[str, Any]:
    me = world.person(mentee)
    plan = plan_as_of(projections.fresh("plan_as_of"), me, viewer_id=me, when=before(when))
    assert plan is not None
    return plan


@then(parsers.parse('her vision reads "{text}"'))
def vision_reads(then_plan: dict[str, Any], text: str) -> None:
    assert then_plan["sections"]["vision_statement"]["statement"] == text


@then(parsers.parse('the milestone "{title}" is due {due}'), converters={"due": day})
def milestone_due(then_plan: dict[str, Any], title: str, due: date) -> None:
    (goal,) = then_plan["goals"]
    (milestone,) = [m for m in goal["milestones"] if m["title"] == title]
    assert milestone["due"] == due.isoformat()


@then(parsers.parse('the goal "{title}" is {status}, due {due}'), converters={"due": day})
def goal_then(then_plan: dict[str, Any], title: str, status: str, due: date) -> None:
    (goal,) = then_plan["goals"]
    assert (goal["fields"]["title"], goal["status"]) == (title, status)
    assert goal["fields"]["target_date"] == due.isoformat()


def compare(projections: Projections, world: World, mentee: str, viewer: str, when: date) -> Any:
    store = projections.fresh("plan_as_of")
    return plan_diff(
        store, world.person(mentee), viewer_id=world.person(viewer), since=before(when)
    )


@when(
    parsers.parse("{mentee} compares her plan before {when} with her plan today"),
    converters={"when": day},
    target_fixture="diff",
)
def compare_with_today(
    world: World, projections: Projections, story: dict[str, Any], mentee: str, when: date
) -> dict[str, Any]:
    story["compared_since"] = when
    diff: dict[str, Any] = compare(projections, world, mentee, mentee, when)
    return diff


@then(parsers.parse('she sees her vision changed from "{old}" to "{new}"'))
def vision_changed(diff: dict[str, Any], old: str, new: str) -> None:
    change = diff["sections"]["vision_statement"]["changed"]["statement"]
    assert change == {"from": old, "to": new}


@then(
    parsers.parse('she sees the milestone "{title}" moved from {old} to {new}'),
    converters={"old": day, "new": day},
)
def milestone_moved(diff: dict[str, Any], title: str, old: date, new: date) -> None:
    (goal,) = diff["goals"]["changed"]
    (milestone,) = goal["changes"]["changed"]["milestones"]["changed"].values()
    assert milestone["changed"]["due"] == {"from": old.isoformat(), "to": new.isoformat()}


@then(parsers.parse('she sees her new reflection "{text}"'))
def new_reflection(diff: dict[str, Any], text: str) -> None:
    assert [r["text"] for r in diff["reflections"]["added"]] == [text]


@then(parsers.parse("{mentor} comparing the same dates does not see {mentee}'s private reflection"))
def mentor_compares(
    world: World, projections: Projections, story: dict[str, Any], diff: dict[str, Any],
    mentor: str, mentee: str,
) -> None:  # fmt: skip
    theirs = compare(projections, world, mentee, mentor, story["compared_since"])
    assert theirs["reflections"] == {}
    assert "I am not sure" not in str(theirs)
    assert theirs["sections"] == diff["sections"]
