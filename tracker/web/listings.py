"""What the lists of the API show, read fresh from the read models (never from aggregates).

- goals of a plan: the plan's current state in the "plan_as_of" view, in drafting order;
- proposals of a plan: the "proposal" entries of the plan's timeline, in the order made,
  those the reader sees;
- check-ins of a mentorship: the mentorship's check-ins in the "dashboard" view, by date.

Each list asks the access policy first (`plan_access`): who may not read them is told the
plan (or mentorship) does not exist, as a made-up id would be. Each item carries
`position`, the key its list is ordered and paged by; `listed` answers one page of them
(see `tracker.web.pagination`) without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from projections.plan_as_of import has_plan, state_as_of
from projections.timeline import VIEW as TIMELINE
from projections.timeline import shared_partition
from tracker.access import Operation, sees_proposal
from tracker.errors import NotFound
from tracker.web.actor import acting_user
from tracker.web.pagination import Page, page_of, paged
from tracker.web.read_models import get_projections, plan_access
from tracker.web.versions import Rendered

Item = dict[str, Any]
GOAL_FIELDS = ("title", "target_date", "stretch", "serves")
DECISIONS = {
    "Proposal.Accepted": "accepted",
    "Proposal.Declined": "declined",
    "Proposal.Withdrawn": "withdrawn",
}


def listed(items: list[Item], query: Mapping[str, Any]) -> Rendered:
    """The page of `items` the query asks for (`tracker.web.pagination.PageQuery`)."""
    page = page_of(items, key=_position, after=query.get("cursor"), limit=query["limit"])
    return paged(Page([_shown(item) for item in page.items], page.next_position))


def _position(item: Item) -> Any:
    return item["position"]


def _shown(item: Item) -> Item:
    return {k: v for k, v in item.items() if k != "position"}


def goals_of_plan(mentee_id: str, status: str | None) -> list[Item]:
    """The goals of the mentee's plan, in the order drafted; 404 if she has no plan."""
    plan_access(mentee_id, part="goals")
    store = get_projections().fresh("plan_as_of")
    if not has_plan(store, mentee_id):
        raise NotFound("plan", mentee_id)
    state = state_as_of(store, mentee_id)
    goals = []
    for drafted, (goal_id, goal) in enumerate(state["goals"].items()):
        milestones = goal["milestones"].values()
        goals.append(
            {
                "position": drafted,
                "id": goal_id,
                "kind": goal["kind"],
                "status": goal["status"],
                **{name: goal["fields"].get(name) for name in GOAL_FIELDS},
                "milestones_planned": sum(m["status"] == "planned" for m in milestones),
                "milestones_completed": sum(m["status"] == "completed" for m in milestones),
                "drafted_at": goal["drafted_at"],
                "updated_at": goal["updated_at"],
            }
        )
    return [g for g in goals if status is None or g["status"] == status]


def proposals_of_plan(mentee_id: str, status: str | None) -> list[Item]:
    """Every proposal made to the mentee's plan, oldest first, with what became of it; a
    mentor sees another's only once she accepted it (tracker.access.sees_proposal)."""
    plan_access(mentee_id, operation=Operation.READ_PROPOSAL)
    projections = get_projections()
    store = projections.fresh(TIMELINE)
    if not projections.plan_started(mentee_id, store):
        raise NotFound("plan", mentee_id)
    proposals: dict[str, Item] = {}
    for entry in store.entries(shared_partition(mentee_id), kinds=["proposal"]):
        doc, data = entry.doc, entry.doc["data"]
        proposal_id = doc["subject"]["id"]
        if doc["type"] == "Proposal.Made":
            proposals[proposal_id] = {
                "position": entry.position,
                "id": proposal_id,
                **{k: data.get(k) for k in ("target", "target_id", "section", "changes")},
                "rationale": data.get("rationale"),
                "proposed_by": doc["actor_id"],
                "made_at": entry.at.isoformat(),
                "status": "pending",
                "decided_by": None,
                "decided_at": None,
                "decision_reason": None,
            }
        elif doc["type"] in DECISIONS and proposal_id in proposals:
            proposals[proposal_id].update(
                status=DECISIONS[doc["type"]],
                decided_by=doc["actor_id"],
                decided_at=entry.at.isoformat(),
                decision_reason=data.get("reason"),
            )
    viewer = acting_user()
    return [
        p
        for p in proposals.values()
        if (status is None or p["status"] == status)
        and sees_proposal(viewer, mentee_id, p["proposed_by"], p["status"])
    ]


def check_ins_of_mentorship(mentorship_id: str, status: str | None) -> list[Item]:
    """The check-ins of a mentorship by date (then id); 404 if there is no such mentorship."""
    store = get_projections().fresh("dashboard")
    mentorship = store.get(f"mentorship:{mentorship_id}")
    missing = NotFound("mentorship", mentorship_id)
    if mentorship is None:
        raise missing
    plan_access(
        mentorship["mentee_id"], operation=Operation.READ_CHECK_IN, missing=missing,
        mentorship_id=mentorship_id,
    )  # fmt: skip
    check_ins = store.get(f"check_ins:{mentorship_id}") or {}
    meetings = []
    for check_in_id, check_in in check_ins.items():
        items = check_in["action_items"].values()
        meetings.append(
            {
                "position": [check_in["scheduled_for"], check_in_id],
                "id": check_in_id,
                "scheduled_for": check_in["scheduled_for"],
                "status": check_in["status"],
                "held_on": check_in["held_on"],
                "action_items_open": sum(not item["done"] for item in items),
                "action_items_done": sum(bool(item["done"]) for item in items),
            }
        )
    return [c for c in meetings if status is None or c["status"] == status]
