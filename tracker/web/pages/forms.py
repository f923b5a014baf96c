"""A submitted HTML form: its values kept as typed, and a message beside each field.

Pages parse only what HTML cannot say (dates, whole numbers, checkboxes); every rule about
the content is the domain's, whose errors name their field (`DomainError.field`), so the
message lands beside the field it is about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from flask import request

from domain.errors import DomainError

FORM = "form"  # errors about the whole form, shown above it
FIRST_YEAR, LAST_YEAR = 1900, 2999


class InvalidForm(Exception):
    """The form cannot be sent to the application as it is (its `errors` say why)."""


class Form:
    """The values a person submitted (or a record's current values) and what is wrong."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        source = request.form if values is None else values
        self.values: dict[str, Any] = {k: source[k] for k in source}
        self.errors: dict[str, list[str]] = {}

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name, "")

    def error(self, name: str) -> str:
        """The messages about one field, as one sentence run."""
        return " ".join(self.errors.get(name, []))

    def fail(self, name: str | None, message: str) -> None:
        """Add a message about a field (or, with no field, about the whole form)."""
        self.errors.setdefault(name or FORM, []).append(message)

    def refused(
        self,
        error: DomainError,
        fields: Iterable[str] = (),
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        """A domain rule said no: beside its field if the form has one (some are called
        otherwise on the form: `aliases`), else above the form."""
        name = (aliases or {}).get(str(error.field), error.field)
        known = set(fields) | set(self.values)
        self.fail(name if name in known else None, error.message)

    def check(self) -> None:
        """InvalidForm if anything is wrong so far."""
        if self.errors:
            raise InvalidForm(self.errors)

    # Values --------------------------------------------------------------------------------
    def text(self, name: str) -> str | None:
        """The text typed, without outer spaces; None when blank."""
        value = self.raw(name).strip()
        return value or None

    def raw(self, name: str) -> str:
        """The text as typed ('' when absent), with the browser's CRLF line ends made LF."""
        return str(self.values.get(name) or "").replace("\r\n", "\n")

    def many(self, name: str) -> list[str]:
        """Every value of a repeated field (ticked checkboxes of one name)."""
        return [str(v) for v in request.form.getlist(name)]

    def flag(self, name: str) -> bool:
        """A checkbox: ticked or not."""
        return str(self.values.get(name, "")).lower() in ("on", "true", "1", "yes")

    def day(self, name: str, *, required: bool = False) -> date | None:
        """A date from a date input (YYYY-MM-DD); a message when it is not one."""
        value = self.text(name)
        if value is None:
            if required:
                self.fail(name, "Give a date.")
            return None
        try:
            day = date.fromisoformat(value)
        except ValueError:
            self.fail(name, "Give a date as YYYY-MM-DD, for example 2025-03-01.")
            return None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            # A typo, surely; and the pages compute days around it, which must exist.
            self.fail(name, f"Give a date between the years {FIRST_YEAR} and {LAST_YEAR}.")
            return None
        return day

    def whole_number(self, name: str, *, low: int, high: int) -> int | None:
        """A whole number within bounds; a message when it is not one."""
        value = self.text(name)
        if value is not None and value.isdigit() and low <= int(value) <= high:
            return int(value)
        self.fail(name, f"Give a whole number from {low} to {high}.")
        return None

    def version(self) -> int | None:
        """The version the form was loaded at (hidden field `version`)."""
        value = self.text("version")
        if value is None or not value.isdigit() or len(value) > 9:
            self.fail(None, "This form lost track of the version it was loaded at; reload it.")
            return None
        return int(value)
