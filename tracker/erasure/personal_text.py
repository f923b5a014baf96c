"""Which attributes of which events hold a mentee's personal text, and walking to them.

Only the STRING LEAVES under these paths are encrypted: ids, enums, dates, numbers, flags,
actor ids and field names stay readable, so that streams, projections and the access policy
work the same before and after an erasure. A path is dotted; `*` stands for every value of a
mapping or every item of a list; a path that ends on a mapping or list covers every string
inside it, except values under `STRUCTURAL_KEYS` (references and dates kept as text).

Every event of the domain is listed, most with the text they carry, so that a new event is
a decision (tests/integration/accounts/test_erasure.py checks that none is forgotten).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

# In goal fields and proposed changes these are references, dates and flags, not prose.
STRUCTURAL_KEYS = frozenset({"serves", "target_date", "stretch"})

# Streams owned by a mentee: all their text is hers to erase, whoever typed it (a mentor's
# feedback on her goal is about her).
EVENT_TEXT: dict[str, tuple[str, ...]] = {
    "Plan.Started": (),
    "Plan.SectionEdited": ("changes", "reason"),
    "Plan.OptionAdded": ("title", "description"),
    "Plan.OptionResearched": ("facts", "opinions", "sources"),
    "Plan.OptionShortlisted": (),
    "Plan.OptionDiscarded": ("reason",),
    "Plan.SupporterAdded": ("name", "brings"),
    "Plan.SupporterRemoved": ("reason",),
    "Plan.SharedWithSupporter": (),
    "Plan.Reflected": ("text",),
    "Goal.Drafted": ("fields",),
    "Goal.Revised": ("changes", "reason"),
    "Goal.Activated": (),
    "Goal.Achieved": ("evidence",),
    "Goal.Abandoned": ("reason",),
    "Goal.Deferred": ("reason",),
    "Goal.Reopened": ("reason",),
    "Goal.MilestoneAdded": ("title", "skills"),
    "Goal.MilestoneRescheduled": ("reason",),
    "Goal.MilestoneCompleted": (),
    "Goal.MilestoneDropped": ("reason",),
    "Goal.FeedbackGiven": ("text",),
    "Goal.AchievementRecognised": ("title", "evidence"),
    "Proposal.Made": ("changes", "rationale"),
    "Proposal.Accepted": ("reason",),
    "Proposal.Declined": ("reason",),
    "Proposal.Withdrawn": ("reason",),
    "CheckIn.Scheduled": (),
    "CheckIn.Rescheduled": ("reason",),
    "CheckIn.AgendaItemAdded": ("text",),
    "CheckIn.Answered": ("answers",),
    "CheckIn.Held": (),
    "CheckIn.Cancelled": ("reason",),
    "CheckIn.FeedbackRecorded": ("text",),
    "CheckIn.LessonLearned": ("text",),
    "CheckIn.ActionItemAssigned": ("text",),
    "CheckIn.ActionItemDone": (),
    "CheckIn.NoteWritten": ("text",),
    # A mentorship is shared with the mentor: only the mentee's own words are hers (the ask
    # in the invitation, and what she writes when she changes or ends it).
    "Mentorship.Invited": ("help_wanted", "duration", "frequency"),
    "Mentorship.Accepted": (),
    "Mentorship.Declined": (),
    "Mentorship.AgreementChanged": (),
    "Mentorship.Ended": (),
}

# Text that is the mentee's only when she is the actor of the event.
MENTEE_ACTED_TEXT: dict[str, tuple[str, ...]] = {
    "Mentorship.AgreementChanged": ("agreement.guidance", "reason"),
    "Mentorship.Ended": ("reason",),
}

# Snapshots hold the aggregate's state: the same text, at the places the state keeps it.
SNAPSHOT_TEXT: dict[str, tuple[str, ...]] = {
    "Plan": (
        "sections",
        "options.*.title",
        "options.*.description",
        "options.*.research.*.facts",
        "options.*.research.*.opinions",
        "options.*.research.*.sources",
        "support_network.*.name",
        "support_network.*.brings",
        "reflections.*.text",
    ),
    "Goal": (
        "fields",
        "milestones.*.title",
        "milestones.*.skills",
        "feedback.*.text",
        "achievements.*.title",
        "achievements.*.evidence",
    ),
    "Proposal": ("changes", "rationale", "decision_reason"),
    "CheckIn": (
        "agenda.*.text",
        "answers",
        "feedback.*.text",
        "lessons.*.text",
        "action_items.*.text",
        "notes.*.text",
    ),
    # Who wrote the agreement and end reason is not in the state: only the ask is surely hers.
    "Mentorship": ("ask",),
}

Leaf = Callable[[str], str]


def paths_for_event(event_type: str, mentee_acted: bool) -> tuple[str, ...]:
    """The personal-text paths of an event of `event_type` ('Plan.SectionEdited')."""
    paths = EVENT_TEXT.get(event_type, ())
    if mentee_acted:
        paths += MENTEE_ACTED_TEXT.get(event_type, ())
    return paths


def paths_for_snapshot(aggregate: str) -> tuple[str, ...]:
    """The personal-text paths of a snapshot's event state (under its `state`)."""
    return tuple(f"state.{path}" for path in SNAPSHOT_TEXT.get(aggregate, ()))


def map_text(state: dict[str, Any], paths: Sequence[str], leaf: Leaf) -> dict[str, Any]:
    """A copy of `state` with `leaf` applied to every string under `paths`.

    Containers are copied only along the paths, so the original is never changed (it may be
    a domain event still held by an aggregate).
    """
    result: dict[str, Any] = state
    for path in paths:
        result = _along(result, _steps(path), leaf)
    return result


@lru_cache(maxsize=256)
def _steps(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def _along(value: Any, steps: Sequence[str], leaf: Leaf) -> Any:
    if not steps:
        return _all_text(value, leaf)
    step, rest = steps[0], steps[1:]
    if step == "*":
        if isinstance(value, dict):
            return {k: _along(v, rest, leaf) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(_along(v, rest, leaf) for v in value)
        return value
    if isinstance(value, dict) and step in value:
        changed = dict(value)
        changed[step] = _along(value[step], rest, leaf)
        return changed
    return value


def _all_text(value: Any, leaf: Leaf) -> Any:
    if isinstance(value, str):
        return leaf(value)
    if isinstance(value, dict):
        return {k: v if k in STRUCTURAL_KEYS else _all_text(v, leaf) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_all_text(v, leaf) for v in value)
    return value
