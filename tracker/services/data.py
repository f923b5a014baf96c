"""Aggregates turned into plain data for callers (never the aggregates themselves).

Private notes and private reflections are left out unless the viewer is their author.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from domain import CheckIn, Goal, Mentorship, Plan, Proposal


def plain(value: Any) -> Any:
    """Enums to their values, recursively through dicts and lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _common(aggregate: Any) -> dict[str, Any]:
    return {
        "id": str(aggregate.id),
        "version": aggregate.version,
        "created_on": aggregate.created_on,
        "modified_on": aggregate.modified_on,
    }


def goal_data(goal: Goal) -> dict[str, Any]:
    milestones = [{"id": mid, **plain(m)} for mid, m in goal.milestones.items()]
    return {
        **_common(goal),
        "mentee_id": goal.mentee_id,
        "kind": goal.kind.value,
        "status": goal.status.value,
        **plain(goal.fields),
        "milestones": milestones,
        "feedback": plain(goal.feedback),
        "achievements": plain(goal.achievements),
    }


def plan_data(plan: Plan, viewer_id: str) -> dict[str, Any]:
    reflections = [
        {"id": rid, **r}
        for rid, r in plan.reflections.items()
        if not r["private"] or viewer_id == plan.mentee_id
    ]
    return {
        **_common(plan),
        "mentee_id": plan.mentee_id,
        "sections": plain(plan.sections),
        "options": [{"id": oid, **plain(o)} for oid, o in plan.options.items()],
        "support_network": [{"id": mid, **plain(m)} for mid, m in plan.support_network.items()],
        "reflections": reflections,
    }


def mentorship_data(mentorship: Mentorship) -> dict[str, Any]:
    return {
        **_common(mentorship),
        "mentee_id": mentorship.mentee_id,
        "mentor_id": mentorship.mentor_id,
        "status": mentorship.status.value,
        "ask": mentorship.ask,
        "agreement": mentorship.agreement,
        "end_reason": mentorship.end_reason,
    }


def proposal_data(proposal: Proposal) -> dict[str, Any]:
    return {
        **_common(proposal),
        "mentee_id": proposal.mentee_id,
        "proposed_by": proposal.proposed_by,
        "target": proposal.target.value,
        "target_id": proposal.target_id,
        "section": proposal.section,
        "changes": plain(proposal.changes),
        "rationale": proposal.rationale,
        "based_on_version": proposal.based_on_version,
        "status": proposal.status.value,
        "decision_reason": proposal.decision_reason,
    }


def check_in_data(check_in: CheckIn, viewer_id: str) -> dict[str, Any]:
    notes = [
        {"id": nid, **n}
        for nid, n in check_in.notes.items()
        if not n["private"] or n["author_id"] == viewer_id
    ]
    return {
        **_common(check_in),
        "mentorship_id": check_in.mentorship_id,
        "mentee_id": check_in.mentee_id,
        "mentor_id": check_in.mentor_id,
        "scheduled_for": check_in.scheduled_for,
        "status": check_in.status.value,
        "held_on": check_in.held_on,
        "agenda": check_in.agenda,
        "answers": check_in.answers,
        "feedback": check_in.feedback,
        "lessons": check_in.lessons,
        "action_items": [{"id": iid, **i} for iid, i in check_in.action_items.items()],
        "notes": notes,
    }
