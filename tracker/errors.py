"""Errors of the application layer, mapped to HTTP problems in one place (tracker.web.problems)."""

from __future__ import annotations


class ApplicationError(Exception):
    """Base for errors a use case reports to its caller."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ApplicationError):
    """No such plan, goal, mentorship, proposal or check-in (or not of the kind asked for)."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"No {what} with id {ident}.")
        self.what = what
        self.ident = str(ident)


class Conflict(ApplicationError):
    """Someone else changed it first: the expected version is stale; nothing was written."""

    def __init__(self, what: str, expected: int | None, current: int) -> None:
        had = f"you had version {expected}" if expected is not None else "at the same moment"
        super().__init__(
            f"The {what} was changed by someone else ({had}); it is now at version "
            f"{current}. Reload it and try again."
        )
        self.expected = expected
        self.current = current


class StaleVersion(Conflict):
    """The caller named a version (HTTP If-Match) that is no longer the current one.

    Unlike a plain `Conflict` (two writers passing the version check at the same moment),
    this one is known before anything is tried, and names the record so that callers can
    say what changed since the version they had.
    """

    def __init__(self, what: str, aggregate_id: str, expected: int, current: int) -> None:
        super().__init__(what, expected, current)
        self.aggregate_id = aggregate_id
        self.had = expected  # as `expected`, but never None


class AlreadyExists(ApplicationError):
    """Creating something that exists already (e.g. a second plan for the same mentee)."""

    def __init__(self, message: str, current: int) -> None:
        super().__init__(message)
        self.current = current


class StorageUnavailable(ApplicationError):
    """The database is locked, full or down; the caller may retry later."""
