"""The peer's use cases, written the conventional way: load rows, check, update, commit.

Each command runs in one session and one transaction, with the same validation as the
tracker's domain (`domain.goal.clean_goal_fields`, `domain.rules.changed_only`, the plan's
sections) so that the comparison is of storage designs, not of how much each side checks.
Continuum writes the version rows and closes the previous version inside the same commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain.goal import clean_goal_fields
from domain.rules import changed_only, require_known_fields
from domain.values import PLAN_SECTIONS, GoalKind
from peer.database import PeerDatabase
from peer.models import GOAL_FIELDS, PeerGoal, PeerMilestone, PeerPlan, PeerPlanSection


class Receipt(Protocol):
    """What both sides' commands return."""

    @property
    def id(self) -> Any: ...

    @property
    def version(self) -> int: ...


class Commands(Protocol):
    """The commands the benchmark drives on both sides: TrackerApplication's signatures,
    which PeerTracker mirrors."""

    def start_plan(self, *, mentee_id: str, actor_id: str) -> object: ...

    def draft_goal(
        self, mentee_id: str, *, kind: str, fields: dict[str, Any], actor_id: str
    ) -> Receipt: ...

    def activate_goal(self, goal_id: Any, *, actor_id: str, expected_version: int) -> Receipt: ...

    def revise_goal(
        self,
        goal_id: Any,
        *,
        changes: dict[str, Any],
        reason: str,
        actor_id: str,
        expected_version: int,
    ) -> Receipt: ...

    def edit_plan_section(
        self, mentee_id: str, *, section: str, fields: dict[str, str], reason: str, actor_id: str
    ) -> object: ...

    def add_milestone(
        self,
        goal_id: Any,
        *,
        title: str,
        due: date,
        skills: list[str],
        actor_id: str,
        expected_version: int,
    ) -> Receipt: ...


class PeerConflict(Exception):
    """The row is not at the version the caller read (optimistic locking)."""


class PeerRefused(Exception):
    """The command breaks a rule (wrong actor, nothing changed, unknown row)."""


@dataclass(frozen=True)
class PeerReceipt:
    """What a command returns: the row's id and its new version."""

    id: int
    version: int


class PeerTracker:
    """Plans, sections and goals in versioned tables."""

    def __init__(self, database: PeerDatabase) -> None:
        self.sessions = database.sessions

    def start_plan(self, *, mentee_id: str, actor_id: str) -> int:
        """The mentee starts her plan; returns its id."""
        if actor_id != mentee_id:
            raise PeerRefused("Only the mentee starts her plan.")
        with self.sessions.begin() as session:
            plan = PeerPlan(mentee_id=mentee_id, started_by=actor_id)
            session.add(plan)
            session.flush()
            return plan.id

    def edit_plan_section(
        self, mentee_id: str, *, section: str, fields: dict[str, str], reason: str, actor_id: str
    ) -> None:
        """Write fields of one section of the plan, with a reason."""
        with self.sessions.begin() as session:
            plan = _plan_of(session, mentee_id)
            if actor_id != mentee_id:
                raise PeerRefused("Only the mentee edits her plan.")
            rows = {
                row.field: row
                for row in session.scalars(
                    sa.select(PeerPlanSection).where(
                        PeerPlanSection.plan_id == plan.id, PeerPlanSection.section == section
                    )
                )
            }
            current = {name: row.value for name, row in rows.items()}
            changes = _section_changes(current, section, fields)
            for name, value in changes.items():
                row = rows.get(name) or PeerPlanSection(
                    plan_id=plan.id, section=section, field=name
                )
                row.value, row.revised_by, row.revision_reason = value, actor_id, reason
                session.add(row)

    def draft_goal(
        self, mentee_id: str, *, kind: str, fields: dict[str, Any], actor_id: str
    ) -> PeerReceipt:
        """The mentee drafts a goal in her plan."""
        cleaned = clean_goal_fields(GoalKind(kind), fields)
        if actor_id != mentee_id:
            raise PeerRefused("Only the mentee sets her own goals.")
        with self.sessions.begin() as session:
            plan = _plan_of(session, mentee_id)
            goal = PeerGoal(
                plan_id=plan.id, mentee_id=mentee_id, kind=kind, status="draft",
                revised_by=actor_id, revision_reason=None, **cleaned,
            )  # fmt: skip
            session.add(goal)
            session.flush()
            return PeerReceipt(goal.id, goal.version)

    def activate_goal(self, goal_id: int, *, actor_id: str, expected_version: int) -> PeerReceipt:
        """Draft -> active."""
        with self.sessions.begin() as session:
            goal = _goal_at(session, goal_id, expected_version, actor_id)
            goal.status, goal.revised_by, goal.revision_reason = "active", actor_id, None
            session.flush()
            return PeerReceipt(goal.id, goal.version)

    def revise_goal(
        self,
        goal_id: int,
        *,
        changes: dict[str, Any],
        reason: str,
        actor_id: str,
        expected_version: int,
    ) -> PeerReceipt:
        """Change fields of a goal, saying why; only changed fields are written."""
        if not reason.strip():
            raise PeerRefused("A revision needs a reason.")
        with self.sessions.begin() as session:
            goal = _goal_at(session, goal_id, expected_version, actor_id)
            current = {name: getattr(goal, name) for name in GOAL_FIELDS}
            effective = changed_only(current, clean_goal_fields(GoalKind(goal.kind), changes))
            if not effective:
                raise PeerRefused("This revision would not change the goal.")
            for name, value in effective.items():
                setattr(goal, name, value)
            goal.revised_by, goal.revision_reason = actor_id, reason
            session.flush()  # the UPDATE checks the version: a racing writer fails here
            return PeerReceipt(goal.id, goal.version)

    def add_milestone(
        self,
        goal_id: int,
        *,
        title: str,
        due: date,
        skills: list[str],
        actor_id: str,
        expected_version: int,
    ) -> PeerReceipt:
        """A step toward the goal (its own row: the goal's version does not move)."""
        with self.sessions.begin() as session:
            goal = _goal_at(session, goal_id, expected_version, actor_id)
            session.add(
                PeerMilestone(
                    goal_id=goal_id, title=title, due=due, skills=",".join(skills),
                    status="planned", revised_by=actor_id,
                )
            )  # fmt: skip
            return PeerReceipt(goal.id, goal.version)


def _section_changes(
    current: dict[str, str | None], section: str, fields: dict[str, str]
) -> dict[str, str]:
    if section not in PLAN_SECTIONS:
        raise PeerRefused(f"The plan has no section {section!r}.")
    require_known_fields(fields, PLAN_SECTIONS[section], f"The section {section!r}")
    changes = changed_only(current, {name: text.strip() for name, text in fields.items()})
    if not changes:
        raise PeerRefused("This edit would not change the section.")
    return changes


def _plan_of(session: Session, mentee_id: str) -> PeerPlan:
    plan = session.scalars(sa.select(PeerPlan).where(PeerPlan.mentee_id == mentee_id)).first()
    if plan is None:
        raise PeerRefused(f"Mentee {mentee_id} has no plan.")
    return plan


def _goal_at(session: Session, goal_id: int, expected_version: int, actor_id: str) -> PeerGoal:
    goal = session.get(PeerGoal, goal_id)
    if goal is None:
        raise PeerRefused(f"No goal {goal_id}.")
    if goal.version != expected_version:
        raise PeerConflict(f"Goal {goal_id} is at version {goal.version}, not {expected_version}.")
    if goal.mentee_id != actor_id:
        raise PeerRefused("Only the mentee revises her goals.")
    return goal
