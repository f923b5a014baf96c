"""Changing the same goal at the same moment: the first save wins, the second is told."""

from __future__ import annotations

from datetime import date

from pytest_bdd import given, parsers, scenarios, then, when

from tests.bdd.bdd_world import Outcome, World, day

scenarios("conflicts.feature")


@given(parsers.parse("{first} and {second} both have the goal open at version {version:d}"))
def both_open(world: World, first: str, second: str, version: int) -> None:
    assert world.open_goal(first, viewer=first) == version
    assert world.open_goal(second, viewer=second) == version


@given(parsers.parse("{name} has the goal open in two windows at version {version:d}"))
def two_windows(world: World, name: str, version: int) -> None:
    assert world.open_goal(f"{name}'s first window", viewer=name) == version
    assert world.open_goal(f"{name}'s second window", viewer=name) == version


@when(parsers.parse("{name} reloads the goal"))
def reload(world: World, name: str) -> None:
    world.open_goal(name, viewer=name)


@when(
    parsers.parse('{name} gives feedback on the goal she has open: "{text}"'),
    target_fixture="outcome",
)
def give_feedback(world: World, name: str, text: str) -> Outcome:
    return world.give_feedback(name, text, reader=name)


@when(
    parsers.parse(
        '{name} moves the target date of the goal she has open to {target}, because "{reason}"'
    ),
    converters={"target": day},
    target_fixture="outcome",
)
def revise_open_goal(world: World, name: str, target: date, reason: str) -> Outcome:
    return world.revise_goal(name, {"target_date": target}, reason, reader=name)


@when(
    parsers.parse(
        '{name} moves the target date in her {window} window to {target}, because "{reason}"'
    ),
    converters={"target": day},
    target_fixture="outcome",
)
def revise_in_window(world: World, name: str, window: str, target: date, reason: str) -> Outcome:
    reader = f"{name}'s {window} window"
    return world.revise_goal(name, {"target_date": target}, reason, reader=reader)


@then(
    parsers.parse(
        "{name} is told the goal was changed by someone else and is now at version {version:d}"
    )
)
def told_conflict(outcome: Outcome, name: str, version: int) -> None:
    assert outcome.actor == name
    assert not outcome.done
    assert outcome.current_version == version
    assert "changed by someone else" in (outcome.problem or "")
    assert f"now at version {version}" in (outcome.problem or "")


@then(parsers.parse('the goal shows {name}\'s feedback "{text}"'))
def shows_feedback(world: World, name: str, text: str) -> None:
    feedback = [(f["by"], f["text"]) for f in world.goal()["feedback"]]
    assert (world.person(name), text) in feedback


@then(parsers.parse("the goal is at version {version:d}"))
def goal_version(world: World, version: int) -> None:
    assert world.goal()["version"] == version
