"""Small checks shared by the aggregates, each raising a DomainError with a clear message."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from domain.errors import DomainError, NotAllowed

MAX_TEXT = 20_000


def require_text(value: str | None, field: str, *, label: str | None = None) -> str:
    """Return the text stripped of outer spaces, refusing blank or oversized text."""
    text = (value or "").strip()
    name = label or field.replace("_", " ")
    if not text:
        raise DomainError(f"The {name} must not be empty.", field=field)
    if len(text) > MAX_TEXT:
        raise DomainError(f"The {name} is longer than {MAX_TEXT} characters.", field=field)
    return text


def optional_text(value: str | None, field: str) -> str | None:
    """Like require_text, but an empty value means 'none'."""
    if value is None or not value.strip():
        return None
    return require_text(value, field)


def require_known_fields(given: Iterable[str], allowed: Iterable[str], what: str) -> None:
    """Refuse field names the aggregate does not have, naming them."""
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
        raise DomainError(f"The {field.replace('_', ' ')} must be a date.", field=field)
    return value


def changed_only(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the changes whose value differs from the current one."""
    return {k: v for k, v in changes.items() if current.get(k) != v}
