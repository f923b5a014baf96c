"""A goal, written with SMARTY or REAL, revised with reasons, reached by milestones."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError, InvalidTransition, NothingChanged, UnknownItem
from domain.rules import (
    changed_only,
    optional_text,
    parse_choice,
    require_actor,
    require_date,
    require_known_fields,
    require_text,
)
from domain.values import (
    CRITERIA,
    GOAL_REVISABLE_FIELDS,
    PLAN_SECTIONS,
    REQUIRED_TO_ACTIVATE,
    FeedbackSource,
    GoalKind,
    GoalStatus,
)

REVISABLE_STATUSES = (GoalStatus.DRAFT, GoalStatus.ACTIVE, GoalStatus.DEFERRED)
CLOSED_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.ABANDONED)


def clean_goal_fields(
    kind: GoalKind, fields: dict[str, Any], *, given_as: str = "fields"
) -> dict[str, Any]:
    """Validate goal fields (criteria of the kind, title, target date, stretch, serves)."""
    require_known_fields(
        fields, GOAL_REVISABLE_FIELDS + CRITERIA[kind], f"A {kind.value} goal", field=given_as
    )
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "title":
            cleaned[name] = require_text(value, "title")
        elif name == "target_date":
            cleaned[name] = None if value is None else require_date(value, "target_date")
        elif name == "stretch":
            if not isinstance(value, bool):
                raise DomainError("Stretch must be true or false.", field="stretch")
            cleaned[name] = value
        elif name == "serves":
            cleaned[name] = _check_serves(value)
        else:
            cleaned[name] = optional_text(value, name)
    return cleaned


def _check_serves(value: str | None) -> str | None:
    """A goal serves a plan section ('section:<name>') or an option ('option:<id>')."""
    serves = optional_text(value, "serves")
    if serves is None:
        return None
    prefix, _, name = serves.partition(":")
    if (prefix == "section" and name in PLAN_SECTIONS) or (prefix == "option" and name):
        return serves
    raise DomainError(
        "A goal serves 'section:<name>' of the plan or 'option:<id>'.", field="serves"
    )


class Goal(Aggregate):
    """One of the mentee's goals; she owns it, a mentor proposes revisions to it."""

    @event("Drafted")
    def __init__(
        self,
        mentee_id: str,
        kind: GoalKind,
        fields: dict[str, Any],
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.mentee_id = mentee_id
        self.kind = kind
        self.fields: dict[str, Any] = dict.fromkeys(CRITERIA[kind])
        self.fields.update({"title": None, "target_date": None, "stretch": False, "serves": None})
        self.fields.update(fields)
        self.status = GoalStatus.DRAFT
        self.milestones: dict[str, dict[str, Any]] = {}
        self.feedback: list[dict[str, Any]] = []
        self.achievements: list[dict[str, Any]] = []

    @classmethod
    def draft(
        cls, *, mentee_id: str, kind: GoalKind, fields: dict[str, Any], actor_id: str, at: datetime
    ) -> Goal:
        """The mentee drafts a goal; it needs a title, the rest may come with revisions."""
        require_actor(actor_id, [mentee_id], "Only the mentee sets her own goals.")
        kind = parse_choice(GoalKind, kind, "kind")
        cleaned = clean_goal_fields(kind, fields)
        if "title" not in cleaned:
            raise DomainError("The title must not be empty.", field="title")
        return cls(mentee_id=mentee_id, kind=kind, fields=cleaned, actor_id=actor_id, timestamp=at)

    @property
    def title(self) -> str:
        return str(self.fields["title"])

    @property
    def target_date(self) -> date | None:
        value = self.fields["target_date"]
        return value if isinstance(value, date) else None

    # Revisions ----------------------------------------------------------------------------
    def revise(
        self,
        *,
        changes: dict[str, Any],
        reason: str,
        actor_id: str,
        at: datetime,
        proposal_id: str | None = None,
        proposed_by: str | None = None,
    ) -> None:
        """Change fields of the goal, always saying why; only changed fields are recorded."""
        self._require_mentee(actor_id)
        if self.status not in REVISABLE_STATUSES:
            raise InvalidTransition(
                f"An {self.status.value} goal cannot be revised until it is reopened."
            )
        why = require_text(reason, "reason")
        cleaned = clean_goal_fields(self.kind, changes, given_as="changes")
        effective = changed_only(self.fields, cleaned)
        if not effective:
            raise NothingChanged("This revision would not change the goal.")
        if self.status == GoalStatus.ACTIVE:
            self._require_ready({**self.fields, **effective}, "stay active")
        self._revised(
            changes=effective,
            reason=why,
            actor_id=actor_id,
            proposal_id=proposal_id,
            proposed_by=proposed_by,
            timestamp=at,
        )

    @event("Revised")
    def _revised(
        self,
        changes: dict[str, Any],
        reason: str,
        actor_id: str,
        proposal_id: str | None,
        proposed_by: str | None,
        timestamp: datetime,
    ) -> None:
        self.fields.update(changes)

    # Lifecycle ----------------------------------------------------------------------------
    def activate(self, *, actor_id: str, at: datetime) -> None:
        """Draft -> active, once the framework's essential criteria are written."""
        self._require_mentee(actor_id)
        self._require_status((GoalStatus.DRAFT,), "activate")
        self._require_ready(self.fields, "become active")
        self._activated(actor_id=actor_id, timestamp=at)

    @event("Activated")
    def _activated(self, actor_id: str, timestamp: datetime) -> None:
        self.status = GoalStatus.ACTIVE

    def achieve(self, *, evidence: str | None, actor_id: str, at: datetime) -> None:
        self._require_mentee(actor_id)
        self._require_status((GoalStatus.ACTIVE,), "mark as achieved")
        self._achieved(
            evidence=optional_text(evidence, "evidence"), actor_id=actor_id, timestamp=at
        )

    @event("Achieved")
    def _achieved(self, evidence: str | None, actor_id: str, timestamp: datetime) -> None:
        self.status = GoalStatus.ACHIEVED

    def abandon(self, *, reason: str, actor_id: str, at: datetime) -> None:
        self._require_mentee(actor_id)
        self._require_status(REVISABLE_STATUSES, "abandon")
        self._abandoned(reason=require_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Abandoned")
    def _abandoned(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = GoalStatus.ABANDONED

    def defer(self, *, reason: str, actor_id: str, at: datetime) -> None:
        self._require_mentee(actor_id)
        self._require_status((GoalStatus.ACTIVE,), "defer")
        self._deferred(reason=require_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Deferred")
    def _deferred(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = GoalStatus.DEFERRED

    def reopen(self, *, reason: str, actor_id: str, at: datetime) -> None:
        """Achieved, abandoned or deferred -> active again, with a reason."""
        self._require_mentee(actor_id)
        self._require_status((*CLOSED_STATUSES, GoalStatus.DEFERRED), "reopen")
        self._require_ready(self.fields, "become active")
        self._reopened(reason=require_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Reopened")
    def _reopened(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = GoalStatus.ACTIVE

    # Milestones ---------------------------------------------------------------------------
    def add_milestone(
        self, *, title: str, due: date, skills: list[str], actor_id: str, at: datetime
    ) -> str:
        """A step toward the goal, with a due date and the skills it needs; returns its id."""
        self._require_mentee(actor_id)
        self._require_status(REVISABLE_STATUSES, "add a milestone to")
        if not isinstance(skills, list | tuple):
            raise DomainError("The skills must be a list of skills.", field="skills")
        milestone_id = str(uuid4())
        self._milestone_added(
            milestone_id=milestone_id,
            title=require_text(title, "title"),
            due=require_date(due, "due"),
            skills=[require_text(s, "skills", label="skill") for s in skills],
            actor_id=actor_id,
            timestamp=at,
        )
        return milestone_id

    @event("MilestoneAdded")
    def _milestone_added(
        self,
        milestone_id: str,
        title: str,
        due: date,
        skills: list[str],
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.milestones[milestone_id] = {
            "title": title,
            "due": due,
            "original_due": due,
            "skills": skills,
            "status": "planned",
            "completed_on": None,
            "reschedules": 0,
        }

    def reschedule_milestone(
        self, *, milestone_id: str, due: date, reason: str, actor_id: str, at: datetime
    ) -> None:
        self._require_mentee(actor_id)
        milestone = self._planned_milestone(milestone_id, "reschedule")
        if milestone["due"] == require_date(due, "due"):
            raise NothingChanged("The milestone is already due on that date.")
        self._milestone_rescheduled(
            milestone_id=milestone_id,
            due=due,
            reason=require_text(reason, "reason"),
            actor_id=actor_id,
            timestamp=at,
        )

    @event("MilestoneRescheduled")
    def _milestone_rescheduled(
        self, milestone_id: str, due: date, reason: str, actor_id: str, timestamp: datetime
    ) -> None:
        self.milestones[milestone_id]["due"] = due
        self.milestones[milestone_id]["reschedules"] += 1

    def complete_milestone(self, *, milestone_id: str, actor_id: str, at: datetime) -> None:
        self._require_mentee(actor_id)
        self._planned_milestone(milestone_id, "complete")
        self._milestone_completed(milestone_id=milestone_id, actor_id=actor_id, timestamp=at)

    @event("MilestoneCompleted")
    def _milestone_completed(self, milestone_id: str, actor_id: str, timestamp: datetime) -> None:
        self.milestones[milestone_id]["status"] = "completed"
        self.milestones[milestone_id]["completed_on"] = timestamp.date()

    def drop_milestone(
        self, *, milestone_id: str, reason: str, actor_id: str, at: datetime
    ) -> None:
        self._require_mentee(actor_id)
        self._planned_milestone(milestone_id, "drop")
        self._milestone_dropped(
            milestone_id=milestone_id,
            reason=require_text(reason, "reason"),
            actor_id=actor_id,
            timestamp=at,
        )

    @event("MilestoneDropped")
    def _milestone_dropped(
        self, milestone_id: str, reason: str, actor_id: str, timestamp: datetime
    ) -> None:
        self.milestones[milestone_id]["status"] = "dropped"

    # Feedback and achievements -------------------------------------------------------------
    def give_feedback(
        self, *, text: str, source: FeedbackSource, actor_id: str, at: datetime
    ) -> None:
        """Feedback from the mentor, the mentee or a member of her support network."""
        self._feedback_given(
            text=require_text(text, "text"),
            source=parse_choice(FeedbackSource, source, "source"),
            actor_id=actor_id,
            timestamp=at,
        )

    @event("FeedbackGiven")
    def _feedback_given(
        self, text: str, source: FeedbackSource, actor_id: str, timestamp: datetime
    ) -> None:
        self.feedback.append({"text": text, "source": source, "by": actor_id, "at": timestamp})

    def recognise_achievement(
        self, *, title: str, evidence: str, milestone_id: str | None, actor_id: str, at: datetime
    ) -> None:
        """Recognise what was reached: a completed milestone, or the achieved goal itself."""
        if milestone_id is not None:
            milestone = self._milestone(milestone_id)
            if milestone["status"] != "completed":
                raise InvalidTransition(
                    "An achievement recognises a completed milestone; this one is "
                    f"{milestone['status']}.",
                    field="milestone_id",
                )
        elif self.status != GoalStatus.ACHIEVED:
            raise InvalidTransition(
                "Without a milestone, an achievement recognises an achieved goal; this goal is "
                f"{self.status.value}."
            )
        self._achievement_recognised(
            title=require_text(title, "title"),
            evidence=require_text(evidence, "evidence"),
            milestone_id=milestone_id,
            actor_id=actor_id,
            timestamp=at,
        )

    @event("AchievementRecognised")
    def _achievement_recognised(
        self,
        title: str,
        evidence: str,
        milestone_id: str | None,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.achievements.append(
            {
                "title": title,
                "evidence": evidence,
                "milestone_id": milestone_id,
                "by": actor_id,
                "at": timestamp,
            }
        )

    # Rules --------------------------------------------------------------------------------
    def _require_mentee(self, actor_id: str) -> None:
        require_actor(
            actor_id,
            [self.mentee_id],
            "Only the mentee changes her goal; a mentor proposes a revision instead.",
        )

    def _require_status(self, allowed: tuple[GoalStatus, ...], verb: str) -> None:
        if self.status not in allowed:
            raise InvalidTransition(f"Cannot {verb} a goal that is {self.status.value}.")

    def _require_ready(self, fields: dict[str, Any], outcome: str) -> None:
        missing = [name for name in REQUIRED_TO_ACTIVATE[self.kind] if not fields.get(name)]
        if missing:
            names = " and ".join(m.replace("_", " ") for m in missing)
            raise DomainError(
                f"A {self.kind.value.upper()} goal cannot {outcome} without {names}.",
                field=missing[0],
            )

    def _milestone(self, milestone_id: str) -> dict[str, Any]:
        try:
            return self.milestones[milestone_id]
        except KeyError:
            raise UnknownItem("The goal has no such milestone.", field="milestone_id") from None

    def _planned_milestone(self, milestone_id: str, verb: str) -> dict[str, Any]:
        milestone = self._milestone(milestone_id)
        if milestone["status"] != "planned":
            raise InvalidTransition(
                f"Cannot {verb} a milestone that is {milestone['status']}.", field="milestone_id"
            )
        return milestone
