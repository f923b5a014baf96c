"""A plan and a first goal: vision, purpose question, a SMARTY goal drafted and activated."""

from __future__ import annotations

from typing import Any

from pytest_bdd import given, parsers, scenarios, then, when

from tests.bdd.bdd_world import Outcome, World, day

scenarios("plan_and_goals.feature")

# Where each part of the plan lives: (section, field).
PLAN_PARTS = {
    "vision statement": ("vision_statement", "statement"),
    "purpose question": ("purpose_question", "question"),
}


@given(parsers.parse("{mentee} has started her plan"))
@when(parsers.parse("{mentee} starts her plan"), target_fixture="outcome")
def start_plan(world: World, mentee: str) -> Outcome:
    return world.start_plan(mentee).expect_done()


@when(parsers.parse('{mentee} writes her {part}: "{text}"'), target_fixture="outcome")
def write_plan_part(world: World, mentee: str, part: str, text: str) -> Outcome:
    section, field = PLAN_PARTS[part]
    return world.edit_plan_section(mentee, section, {field: text}).expect_done()


@then(parsers.parse('{mentee}\'s plan shows the {part} "{text}"'))
def plan_shows(world: World, mentee: str, part: str, text: str) -> None:
    section, field = PLAN_PARTS[part]
    assert world.plan(viewer=mentee, mentee=mentee)["sections"][section][field] == text


@when(parsers.parse('{mentee} drafts a SMARTY goal "{title}":'), target_fixture="outcome")
def draft_smarty_goal(world: World, mentee: str, title: str, datatable: list[list[str]]) -> Outcome:
    return world.draft_goal(mentee, "smarty", {"title": title, **goal_fields(datatable)})


def goal_fields(datatable: list[list[str]]) -> dict[str, Any]:
    """The table's rows below its heading, as goal fields: 'time bound' -> time_bound."""
    fields: dict[str, Any] = {}
    for criterion, answer in datatable[1:]:
        name = criterion.strip().replace(" ", "_")
        fields[name] = day(answer) if name == "target_date" else answer.strip()
    return fields


@when(parsers.parse("{name} activates the goal"), target_fixture="outcome")
def activate(world: World, name: str) -> Outcome:
    return world.activate_goal(name)


@then(parsers.parse('the goal "{title}" is {status}'))
def goal_status(world: World, title: str, status: str) -> None:
    goal = world.goal()
    assert goal["title"] == title
    assert goal["status"] == {"a draft": "draft", "active": "active"}[status]


@then(parsers.parse('the goal\'s measurable outcome reads "{text}"'))
def measurable(world: World, text: str) -> None:
    assert world.goal()["measurable"] == text
