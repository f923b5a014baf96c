"""The composed plan of one mentee, folded from EventRecords: the pure reducer (no I/O).

One state per mentee holds what a reader of the whole plan sees: the plan's sections,
options, support network and reflections, every goal with its criteria, milestones,
status, feedback and achievements, and the proposals still pending. It is plain JSON
(dates as ISO strings), so it can be stored as a view document or a checkpoint as is.

`apply_event` is the one reducer: the live projection, the "as of" query (checkpoint +
deltas) and a fresh replay all use it, which is what makes them agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from domain.values import CRITERIA, GoalKind, GoalStatus, OptionStatus, ProposalStatus
from projections.records import EventRecord

PlanState = dict[str, Any]
Handler = Callable[[PlanState, EventRecord], None]

# Events that create a stream and name its mentee; later events of the stream are routed by it.
CREATING_EVENTS = ("Plan.Started", "Goal.Drafted", "Proposal.Made")
PLAN_AGGREGATES = ("Plan", "Goal", "Proposal")


def empty_plan(mentee_id: str) -> PlanState:
    """The plan before any event: nothing written yet."""
    return {
        "mentee_id": mentee_id,
        "started_at": None,
        "position": 0,
        "at": None,
        "events": 0,
        "sections": {},
        "options": {},
        "support_network": {},
        "reflections": {},
        "goals": {},
        "proposals": {},
    }


def is_plan_event(record: EventRecord) -> bool:
    """Whether the record belongs to a mentee's plan (plan, goal or proposal stream)."""
    return record.aggregate in PLAN_AGGREGATES


def mentee_named_by(record: EventRecord) -> str | None:
    """The mentee a stream-creating plan event names, else None."""
    if record.type in CREATING_EVENTS:
        return str(record.data["mentee_id"])
    return None


def apply_event(state: PlanState, record: EventRecord) -> PlanState:
    """Fold one record of this mentee's plan into the state, in place; returns the state.

    Callers that keep the old state pass a copy. Records of other kinds are counted as
    seen but change nothing, so positions stay comparable.
    """
    handler = HANDLERS.get(record.type)
    if handler is not None:
        handler(state, record)
    state["position"] = record.position
    state["at"] = record.at_iso
    state["events"] += 1
    return state


def replay(records: Iterable[EventRecord], mentee_id: str) -> PlanState:
    """A fresh fold of every record of this mentee's plan, routing streams as it goes."""
    owners: dict[str, str] = {}
    state = empty_plan(mentee_id)
    for record in records:
        if not is_plan_event(record):
            continue
        named = mentee_named_by(record)
        if named is not None:
            owners[record.stream_id] = named
        if owners.get(record.stream_id) == mentee_id:
            apply_event(state, record)
    return state


# Plan --------------------------------------------------------------------------------------
def _started(state: PlanState, record: EventRecord) -> None:
    state["started_at"] = record.at_iso


def _section_edited(state: PlanState, record: EventRecord) -> None:
    state["sections"].setdefault(record.data["section"], {}).update(record.data["changes"])


def _option_added(state: PlanState, record: EventRecord) -> None:
    state["options"][record.data["option_id"]] = {
        "title": record.data["title"],
        "description": record.data["description"],
        "status": OptionStatus.CONSIDERED.value,
        "research": [],
    }


def _option_researched(state: PlanState, record: EventRecord) -> None:
    research = {k: record.data[k] for k in ("facts", "opinions", "sources")}
    state["options"][record.data["option_id"]]["research"].append(research)


def _option_status(status: OptionStatus) -> Handler:
    def handle(state: PlanState, record: EventRecord) -> None:
        state["options"][record.data["option_id"]]["status"] = status.value

    return handle


def _supporter_added(state: PlanState, record: EventRecord) -> None:
    member = {k: record.data[k] for k in ("name", "kind", "brings", "user_id")}
    state["support_network"][record.data["member_id"]] = member


def _supporter_removed(state: PlanState, record: EventRecord) -> None:
    state["support_network"].pop(record.data["member_id"], None)


def _reflected(state: PlanState, record: EventRecord) -> None:
    # The author is kept so that readers other than her never see a private one.
    state["reflections"][record.data["reflection_id"]] = {
        "text": record.data["text"],
        "private": bool(record.data["private"]),
        "author_id": record.actor_id,
        "at": record.at_iso,
    }


# Goals -------------------------------------------------------------------------------------
def new_goal(record: EventRecord) -> dict[str, Any]:
    """A goal as drafted: every criterion of its framework, given fields filled in."""
    kind = GoalKind(record.data["kind"])
    fields: dict[str, Any] = dict.fromkeys(CRITERIA[kind])
    fields.update({"title": None, "target_date": None, "stretch": False, "serves": None})
    fields.update(record.data["fields"])
    return {
        "kind": kind.value,
        "status": GoalStatus.DRAFT.value,
        "fields": fields,
        "original_target_date": fields["target_date"],
        "milestones": {},
        "feedback": [],
        "achievements": [],
        "drafted_at": record.at_iso,
        "updated_at": record.at_iso,
    }


def apply_goal_event(goals: dict[str, Any], record: EventRecord) -> None:
    """Fold one Goal.* record into a mapping of goal id -> goal, in place."""
    if record.type == "Goal.Drafted":
        goals[record.stream_id] = new_goal(record)
        return
    goal = goals.get(record.stream_id)
    if goal is None:
        return
    handler = GOAL_HANDLERS.get(record.name)
    if handler is not None:
        handler(goal, record)
    goal["updated_at"] = record.at_iso


def _goal(state: PlanState, record: EventRecord) -> None:
    apply_goal_event(state["goals"], record)


def _revised(goal: dict[str, Any], record: EventRecord) -> None:
    changes = record.data["changes"]
    goal["fields"].update(changes)
    # The first target date ever set is the one a roadmap measures slippage from.
    if goal["original_target_date"] is None and changes.get("target_date") is not None:
        goal["original_target_date"] = changes["target_date"]


def _goal_status(status: GoalStatus) -> Callable[[dict[str, Any], EventRecord], None]:
    def handle(goal: dict[str, Any], record: EventRecord) -> None:
        goal["status"] = status.value

    return handle


def _milestone_added(goal: dict[str, Any], record: EventRecord) -> None:
    goal["milestones"][record.data["milestone_id"]] = {
        "title": record.data["title"],
        "due": record.data["due"],
        "original_due": record.data["due"],
        "skills": list(record.data["skills"]),
        "status": "planned",
        "completed_on": None,
        "reschedules": 0,
    }


def _milestone_rescheduled(goal: dict[str, Any], record: EventRecord) -> None:
    milestone = goal["milestones"][record.data["milestone_id"]]
    milestone["due"] = record.data["due"]
    milestone["reschedules"] += 1


def _milestone_completed(goal: dict[str, Any], record: EventRecord) -> None:
    milestone = goal["milestones"][record.data["milestone_id"]]
    milestone["status"] = "completed"
    milestone["completed_on"] = record.at.date().isoformat()


def _milestone_dropped(goal: dict[str, Any], record: EventRecord) -> None:
    goal["milestones"][record.data["milestone_id"]]["status"] = "dropped"


def _feedback_given(goal: dict[str, Any], record: EventRecord) -> None:
    goal["feedback"].append(
        {
            "text": record.data["text"],
            "source": record.data["source"],
            "by": record.actor_id,
            "at": record.at_iso,
        }
    )


def _achievement_recognised(goal: dict[str, Any], record: EventRecord) -> None:
    goal["achievements"].append(
        {
            "title": record.data["title"],
            "evidence": record.data["evidence"],
            "milestone_id": record.data["milestone_id"],
            "by": record.actor_id,
            "at": record.at_iso,
        }
    )


# Proposals ---------------------------------------------------------------------------------
def _proposal_made(state: PlanState, record: EventRecord) -> None:
    keep = ("target", "target_id", "section", "changes", "rationale", "based_on_version")
    state["proposals"][record.stream_id] = {
        **{k: record.data[k] for k in keep},
        "status": ProposalStatus.PENDING.value,
        "proposed_by": record.actor_id,
        "made_at": record.at_iso,
    }


def _proposal_decided(state: PlanState, record: EventRecord) -> None:
    # Only pending proposals are part of the plan; a decided one leaves it.
    state["proposals"].pop(record.stream_id, None)


GOAL_HANDLERS: dict[str, Callable[[dict[str, Any], EventRecord], None]] = {
    "Revised": _revised,
    "Activated": _goal_status(GoalStatus.ACTIVE),
    "Reopened": _goal_status(GoalStatus.ACTIVE),
    "Achieved": _goal_status(GoalStatus.ACHIEVED),
    "Abandoned": _goal_status(GoalStatus.ABANDONED),
    "Deferred": _goal_status(GoalStatus.DEFERRED),
    "MilestoneAdded": _milestone_added,
    "MilestoneRescheduled": _milestone_rescheduled,
    "MilestoneCompleted": _milestone_completed,
    "MilestoneDropped": _milestone_dropped,
    "FeedbackGiven": _feedback_given,
    "AchievementRecognised": _achievement_recognised,
}

HANDLERS: dict[str, Handler] = {
    "Plan.Started": _started,
    "Plan.SectionEdited": _section_edited,
    "Plan.OptionAdded": _option_added,
    "Plan.OptionResearched": _option_researched,
    "Plan.OptionShortlisted": _option_status(OptionStatus.SHORTLISTED),
    "Plan.OptionDiscarded": _option_status(OptionStatus.DISCARDED),
    "Plan.SupporterAdded": _supporter_added,
    "Plan.SupporterRemoved": _supporter_removed,
    "Plan.Reflected": _reflected,
    **{f"Goal.{name}": _goal for name in ("Drafted", *GOAL_HANDLERS)},
    "Proposal.Made": _proposal_made,
    "Proposal.Accepted": _proposal_decided,
    "Proposal.Declined": _proposal_decided,
    "Proposal.Withdrawn": _proposal_decided,
}


def visible_plan(state: PlanState, viewer_id: str) -> dict[str, Any]:
    """The plan as a reader sees it: lists with ids, private reflections only for the author."""
    return {
        "mentee_id": state["mentee_id"],
        "as_of": {"position": state["position"], "at": state["at"]},
        "started_at": state["started_at"],
        "sections": state["sections"],
        "options": _listed(state["options"]),
        "support_network": _listed(state["support_network"]),
        "reflections": [
            r
            for r in _listed(state["reflections"])
            if not r["private"] or r["author_id"] == viewer_id
        ],
        "goals": [
            {**goal, "milestones": _listed(goal["milestones"])} for goal in _listed(state["goals"])
        ],
        "pending_proposals": _listed(state["proposals"]),
    }


def _listed(items: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": ident, **item} for ident, item in items.items()]
