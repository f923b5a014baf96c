"""Domain errors: every broken rule says, in plain words, what was wrong."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message says which, for people to read."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The actor may not do this (e.g. a mentor accepting a proposal)."""


class InvalidTransition(DomainError):
    """The lifecycle does not allow this step from the current status."""


class NothingChanged(DomainError):
    """A revision or edit that would change nothing is refused, so history stays meaningful."""


class UnknownItem(DomainError):
    """A milestone, action item, option or member that the aggregate does not hold."""
