"""Reading one aggregate as plain data, as it is now or at a past version."""

from __future__ import annotations

from typing import Any

from domain import CheckIn, Goal, Mentorship, Plan, Proposal, plan_id_for
from tracker.services import data
from tracker.services.base import UseCases


class QueryUseCases(UseCases):
    def get_goal(self, goal_id: str, version: int | None = None) -> dict[str, Any]:
        return data.goal_data(self.load(Goal, goal_id, version))

    def get_plan(self, mentee_id: str, *, viewer_id: str) -> dict[str, Any]:
        return data.plan_data(self.load(Plan, plan_id_for(mentee_id)), viewer_id)

    def get_mentorship(self, mentorship_id: str) -> dict[str, Any]:
        return data.mentorship_data(self.load(Mentorship, mentorship_id))

    def get_proposal(self, proposal_id: str) -> dict[str, Any]:
        return data.proposal_data(self.load(Proposal, proposal_id))

    def get_check_in(self, check_in_id: str, *, viewer_id: str) -> dict[str, Any]:
        return data.check_in_data(self.load(CheckIn, check_in_id), viewer_id)
