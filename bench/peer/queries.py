"""The peer's reads: a goal's history from its version rows, and the plan as of a date.

Written as someone who knows Continuum well would, to give the conventional design its best
showing: the history is ONE query (version rows joined to their transactions, instead of
Continuum's `version.changeset`, which lazily loads each version's predecessor: one query
per version), diffed in Python with the same field diff the tracker's view stores; "as of"
is one query per table with the validity strategy's condition (`transaction_id <= t <
end_transaction_id`), `t` being the last transaction issued by then (an indexed lookup).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from peer.models import (
    GOAL_FIELDS,
    GoalVersion,
    MilestoneVersion,
    PeerPlan,
    PlanVersion,
    SectionVersion,
    Transaction,
    as_utc,
    naive_utc,
    valid_at,
)
from projections.goal_history import field_change

INSERTED = 0


class PeerReads:
    """Read use cases over the versioned tables; each opens its own session."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def goal_history(self, goal_id: int) -> dict[str, Any] | None:
        """Every version of the goal, oldest first: who, when, why, and each field's change."""
        with self.sessions() as session:
            rows = session.execute(
                sa.select(GoalVersion, Transaction.issued_at)
                .join(Transaction, Transaction.id == GoalVersion.transaction_id)
                .where(GoalVersion.id == goal_id)
                .order_by(GoalVersion.transaction_id)
            ).all()
        if not rows:
            return None
        revisions = []
        previous: Any = None
        for version, issued_at in rows:
            revisions.append(_revision(previous, version, issued_at))
            previous = version
        last = rows[-1][0]
        return {
            "goal_id": goal_id,
            "mentee_id": last.mentee_id,
            "kind": last.kind,
            "title": last.title,
            "status": last.status,
            "revisions": revisions,
        }

    def plan_as_of(self, mentee_id: str, when: datetime) -> dict[str, Any] | None:
        """The plan's sections, goals and milestones as they stood at `when`."""
        with self.sessions() as session:
            plan_id = session.scalar(sa.select(PeerPlan.id).where(PeerPlan.mentee_id == mentee_id))
            if plan_id is None:
                return None
            then = (
                sa.select(sa.func.max(Transaction.id))
                .where(Transaction.issued_at <= naive_utc(when))
                .scalar_subquery()
            )
            plan = session.scalars(
                sa.select(PlanVersion).where(PlanVersion.id == plan_id, valid_at(PlanVersion, then))
            ).first()
            if plan is None:
                return None
            sections = session.scalars(
                sa.select(SectionVersion).where(
                    SectionVersion.plan_id == plan_id, valid_at(SectionVersion, then)
                )
            ).all()
            goals = session.scalars(
                sa.select(GoalVersion)
                .where(GoalVersion.plan_id == plan_id, valid_at(GoalVersion, then))
                .order_by(GoalVersion.id)
            ).all()
            milestones = session.scalars(
                sa.select(MilestoneVersion)
                .where(
                    MilestoneVersion.goal_id.in_([g.id for g in goals]),
                    valid_at(MilestoneVersion, then),
                )
                .order_by(MilestoneVersion.id)
            ).all()
        return _plan(plan, sections, goals, milestones)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _revision(previous: Any, version: Any, issued_at: datetime) -> dict[str, Any]:
    """One history entry: what changed from the previous version row, by whom and why."""
    changes: dict[str, Any] = {}
    for name in (*GOAL_FIELDS, "status"):
        old = None if previous is None else _json(getattr(previous, name))
        new = _json(getattr(version, name))
        if old != new:
            changes[name] = field_change(old, new)
    if version.operation_type == INSERTED:
        event = "drafted"
    elif set(changes) - {"status"}:
        event = "revised"
    else:
        event = str(version.status)
    return {
        "event": event,
        "version": version.version,
        "at": as_utc(issued_at).isoformat(),
        "actor_id": version.revised_by,
        "reason": version.revision_reason,
        "changes": changes,
    }


def _plan(plan: Any, sections: Any, goals: Any, milestones: Any) -> dict[str, Any]:
    by_section: dict[str, dict[str, Any]] = {}
    for row in sections:
        by_section.setdefault(row.section, {})[row.field] = row.value
    by_goal: dict[int, dict[str, Any]] = {
        g.id: {
            "kind": g.kind,
            "status": g.status,
            "fields": {name: _json(getattr(g, name)) for name in GOAL_FIELDS},
            "milestones": {},
        }
        for g in goals
    }
    for m in milestones:
        by_goal[m.goal_id]["milestones"][m.id] = {
            "title": m.title,
            "due": m.due.isoformat(),
            "status": m.status,
        }
    return {"mentee_id": plan.mentee_id, "sections": by_section, "goals": by_goal}
