"""The three kinds of write, and what each asks of the client (see docs/http.md).

- `creates`: a new record (plan, goal, mentorship, proposal, check-in). 201 + Location.
- `appends`: adds to a record without changing what is there (feedback, notes, agenda
  items, lessons, milestones, options, supporters, action items). These commute, so
  If-Match is optional: unrelated writes never fail.
- `overwrites`: changes what others may have read (revisions, section edits, lifecycle
  steps, agreements, decisions on proposals, milestone and check-in changes, answers).
  If-Match is required (428 without it; 412 with a stale one).

All three honour Idempotency-Key. Place them under `acting`, above the body's schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.web.idempotency import idempotent
from tracker.web.versions import accepts_if_match, requires_if_match


def creates(view: Callable[..., Any]) -> Callable[..., Any]:
    """A write that creates a record: a retry with the same Idempotency-Key creates none."""
    return idempotent(view)


def appends(view: Callable[..., Any]) -> Callable[..., Any]:
    """A write that adds to a record: If-Match checked if given, Idempotency-Key honoured."""
    return accepts_if_match(idempotent(view))


def overwrites(view: Callable[..., Any]) -> Callable[..., Any]:
    """A write that overwrites state: If-Match required, Idempotency-Key honoured."""
    return requires_if_match(idempotent(view))
