"""How values read on a page: dates, moments, field names, people, statuses (Jinja filters)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, g

from domain.rules import label_of
from projections.timeline import EVENTS
from tracker.web.auth import get_accounts

# Field and section names whose plain-words form reads badly.
LABELS = {
    "vision_statement": "Vision statement",
    "purpose_question": "Purpose question",
    "self_assessment": "Self-assessment",
    "current_reality": "Current reality",
    "three_circles": "Three circles",
    "ideal_occupation": "Ideal occupation",
    "good_at": "What I am good at",
    "want_to_do": "What I want to do",
    "world_wants": "What the world wants",
    "preferred_knowledge_skills_experience": "Preferred knowledge, skills and experience",
    "smarty": "SMARTY",
    "real": "REAL",
    "time_bound": "Time-bound",
    "learning_focused": "Learning-focused",
    "yours": "Yours",
    "where_are_you_now": "Where are you now?",
    "where_do_you_want_to_be": "Where do you want to be?",
    "how_might_you_get_there": "How might you get there?",
    "how_are_you_doing": "How are you doing?",
    "checkin": "check-in",
    "action_item": "action item",
}


def label(name: object) -> str:
    """'target_date' -> 'Target date': a field, section or status name in words."""
    text = str(name)
    if text in LABELS:
        return LABELS[text]
    words = label_of(text)
    return words[:1].upper() + words[1:]


def as_date(value: Any) -> date | None:
    """A date from a date, a datetime or an ISO string; None for nothing or nonsense."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def as_moment(value: Any) -> datetime | None:
    """A datetime from a datetime or an ISO string; None for nothing or nonsense."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def day(value: Any) -> str:
    """'3 Mar 2025' (or the value as given when it is no date)."""
    found = as_date(value)
    if found is None:
        return "" if value is None else str(value)
    return f"{found.day} {found:%b %Y}"


def moment(value: Any) -> str:
    """'3 Mar 2025, 14:05 UTC': when something happened, to the minute."""
    found = as_moment(value)
    if found is None:
        return day(value)
    zone = found.tzname() or ""
    return f"{found.day} {found:%b %Y, %H:%M} {zone}".rstrip()


def value(item: Any) -> str:
    """A field's value in words: yes/no, dates, lists, what a goal serves."""
    if item is None or item == "":
        return "—"
    if isinstance(item, bool):
        return "yes" if item else "no"
    if isinstance(item, date | datetime):
        return day(item)
    if isinstance(item, list | tuple):
        return ", ".join(value(i) for i in item)
    text = str(item)
    if text.startswith("section:"):
        return f"the section {label(text.removeprefix('section:')).lower()}"
    if text.startswith("option:"):
        return "one of the options"
    if len(text) == 10 and as_date(text) is not None:
        return day(text)
    return text


def field_name(path: Any) -> str:
    """'vision_statement.statement' -> 'Statement': the field a change names, in words."""
    return label(str(path).rsplit(".", 1)[-1])


def event_words(event_type: Any) -> str:
    """'Goal.Revised' -> 'revised the goal': what an event did, without its names."""
    found = EVENTS.get(str(event_type))
    if found is None:
        return str(event_type).rsplit(".", 1)[-1].lower()
    return found[1].split(" {", 1)[0].replace("_", " ")


def person(user_id: Any) -> str:
    """A person's name for an id: the account's display name, else the id itself."""
    if not user_id:
        return "someone"
    names: dict[str, str] = g.setdefault("person_names", {})
    ident = str(user_id)
    if ident not in names:
        names[ident] = _display_name(ident)
    return names[ident]


def _display_name(user_id: str) -> str:
    account = get_accounts().get(user_id)
    if account is not None and account.display_name:
        return account.display_name
    return user_id


def init_formatting(app: Flask) -> None:
    """Make the filters available to every template."""
    app.jinja_env.filters.update(
        label=label,
        day=day,
        moment=moment,
        person=person,
        value=value,
        event_words=event_words,
        field_name=field_name,
    )
    app.jinja_env.globals.update(as_date=as_date, zip=zip)
