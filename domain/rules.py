"""Small checks shared by the aggregates, each raising a DomainError with a clear message."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

from domain.errors import DomainError, NotAllowed

MAX_TEXT = 20_000
# C0 controls but tab, line feed and carriage return; DEL; C1 controls. Nobody types them
# on purpose; they ring bells, move a terminal's cursor or break the calendar feed and logs.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

E = TypeVar("E", bound=Enum)

# How people call the fields whose names read badly in a sentence.
FIELD_LABELS = {
    "due": "due date",
    "scheduled_for": "date of the check-in",
    "held_on": "date it was held",
    "target_date": "target date",
    "brings": "description of what they bring",
    "help_wanted": "help wanted",
    "cadence_days": "cadence in days",
    "meeting_minutes": "meeting length in minutes",
}


def label_of(field: str) -> str:
    """The words for a field in a message: 'target date' for 'target_date'."""
    return FIELD_LABELS.get(field, field.replace("_", " "))


def control_characters_message(text: str) -> str | None:
    """What is wrong with text holding a control character (other than tab and line breaks),
    naming the first one; None when it holds none."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return (
        f"must not contain control characters (found U+{ord(found.group()):04X}); "
        "only tabs and line breaks are allowed"
    )


def require_text(value: Any, field: str, *, label: str | None = None) -> str:
    """Return the text stripped of outer spaces, refusing blank, non-text or oversized text
    and text with control characters."""
    name = label or label_of(field)
    if value is not None and not isinstance(value, str):
        raise DomainError(f"The {name} must be text.", field=field)
    problem = control_characters_message(value or "")
    if problem:
        raise DomainError(f"The {name} {problem}.", field=field)
    text = (value or "").strip()
    if not text:
        raise DomainError(f"The {name} must not be empty.", field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(f"The {name} is longer than {MAX_TEXT} characters.", field=field)
    return text


def optional_text(value: Any, field: str) -> str | None:
    """Like require_text, but an empty value means 'none'."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return require_text(value, field)


def require_known_fields(
    given: Mapping[str, Any], allowed: Iterable[str], what: str, *, field: str = "fields"
) -> None:
    """Refuse anything but named fields (`field` is where they were given), and field names
    the aggregate does not have, naming them."""
    if not isinstance(given, Mapping):
        raise DomainError(
            f"{what} must be given as named fields, not {type(given).__name__}.", field=field
        )
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise DomainError(
            f"{what} has no field {', '.join(repr(u) for u in unknown)}; "
            f"known fields: {', '.join(allowed)}.",
            field=unknown[0],
        )


def require_actor(actor_id: str, allowed: Iterable[str], message: str) -> None:
    """Refuse an actor who is not among those allowed to take this step."""
    if actor_id not in set(allowed):
        raise NotAllowed(message)


def require_date(value: Any, field: str) -> date:
    # A datetime is a date too, but it would not compare with the plain dates stored beside it.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise DomainError(f"The {label_of(field)} must be a date.", field=field)
    return value


def require_whole_number(value: Any, field: str, low: int, high: int) -> int:
    """A whole number within bounds (booleans are not numbers here)."""
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise DomainError(
            f"The {label_of(field)} must be a whole number from {low} to {high}.", field=field
        )
    return value


def parse_choice(choices: type[E], value: Any, field: str) -> E:
    """The enum member for a value, or a DomainError listing the choices."""
    if isinstance(value, choices):
        return value
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in choices)
        raise DomainError(
            f"The {label_of(field)} must be one of: {allowed}.", field=field
        ) from None


def changed_only(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the changes whose value differs from the current one."""
    return {k: v for k, v in changes.items() if current.get(k) != v}
