"""Reading one aggregate as plain data, as it is now or at a past version."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain import CheckIn, Goal, Mentorship, Plan, Proposal, plan_id_for
from projections.records import ENVELOPE, jsonable
from tracker.access import shared_plan
from tracker.services import data
from tracker.services.base import UseCases


class QueryUseCases(UseCases):
    def get_goal(self, goal_id: str, version: int | None = None) -> dict[str, Any]:
        return data.goal_data(self.load(Goal, goal_id, version))

    def get_plan(
        self, mentee_id: str, *, viewer_id: str, version: int | None = None
    ) -> dict[str, Any]:
        plan = data.plan_data(self.load(Plan, plan_id_for(mentee_id), version), viewer_id)
        if self.access is None:
            return plan
        return shared_plan(plan, self.access.visible_parts(mentee_id))  # supporters: a part

    def get_mentorship(self, mentorship_id: str) -> dict[str, Any]:
        return data.mentorship_data(self.load(Mentorship, mentorship_id))

    def get_proposal(self, proposal_id: str) -> dict[str, Any]:
        return data.proposal_data(self.load(Proposal, proposal_id))

    def get_check_in(self, check_in_id: str, *, viewer_id: str) -> dict[str, Any]:
        return data.check_in_data(self.load(CheckIn, check_in_id), viewer_id)

    def changes_since(
        self, aggregate_id: str, version: int, *, viewer_id: str | None
    ) -> list[dict[str, Any]]:
        """What happened to a record after `version`, oldest first: for each event its new
        version, type, who, when, which fields it set, and why.

        Values are left out (the reader reloads the record for them), and so are private
        reflections and notes of anyone but the viewer. With the access policy on, a record
        the current actor may not read is not found, as everywhere else.
        """
        if self.access is not None:
            self.load(Aggregate, aggregate_id)  # the policy's read check (NotFound if hidden)
        events = self.events.get(UUID(aggregate_id), gt=version)
        return [_change(event) for event in events if _visible(event, viewer_id)]


def _visible(event: Any, viewer_id: str | None) -> bool:
    return not getattr(event, "private", False) or event.actor_id == viewer_id


def _change(event: Any) -> dict[str, Any]:
    attributes = {k: v for k, v in vars(event).items() if k not in ENVELOPE}
    changes = attributes.pop("changes", None)
    section = attributes.pop("section", None)
    reason = attributes.pop("reason", None)
    if isinstance(changes, dict):
        fields = [f"{section}.{name}" if section else name for name in changes]
    else:
        fields = [f"section.{section}"] if section else sorted(attributes)
    return {
        "version": event.originator_version,
        "type": type(event).__qualname__,
        "actor_id": getattr(event, "actor_id", None),
        "at": jsonable(event.timestamp),
        "changed": fields,
        "reason": reason,
    }
