"""A goal's fields on a form: what the form shows for a goal, and what changed when sent."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.values import CRITERIA, PLAN_SECTIONS, GoalKind
from tracker.web.pages.formatting import label
from tracker.web.pages.forms import Form

BASICS = ("title", "target_date", "stretch", "serves")


def goal_fields(kind: str) -> tuple[str, ...]:
    """The criteria of a goal's framework, in the framework's order."""
    return CRITERIA[GoalKind(kind)]


def form_values(goal: dict[str, Any]) -> dict[str, str]:
    """A goal's current values as a form shows them (dates as YYYY-MM-DD, ticks as 'on')."""
    values = {name: goal.get(name) for name in (*BASICS, *goal_fields(goal["kind"]))}
    shown: dict[str, str] = {}
    for name, value in values.items():
        if name == "stretch":
            shown[name] = "on" if value else ""
        elif isinstance(value, date):
            shown[name] = value.isoformat()
        else:
            shown[name] = "" if value is None else str(value)
    shown["version"] = str(goal.get("version", ""))
    return shown


def submitted(form: Form, kind: str) -> dict[str, Any]:
    """The goal's fields as typed, in the values the application takes (None when blank)."""
    values: dict[str, Any] = {
        "title": form.text("title"),
        "target_date": form.day("target_date"),
        "stretch": form.flag("stretch"),
        "serves": form.text("serves"),
    }
    values.update({name: form.text(name) for name in goal_fields(kind)})
    return values


def changed(form: Form, goal: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value on the form differs from the goal's current one."""
    return {
        name: value
        for name, value in submitted(form, goal["kind"]).items()
        if value != (goal.get(name) if name != "stretch" else bool(goal.get(name)))
    }


def serves_choices(options: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """What a goal may serve: nothing in particular, a section of the plan, or an option."""
    choices = [("", "Nothing in particular")]
    choices += [(f"section:{name}", f"The section {label(name).lower()}") for name in PLAN_SECTIONS]
    choices += [(f"option:{o['id']}", f"The option “{o['title']}”") for o in options]
    return choices
