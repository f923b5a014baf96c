"""Use cases of goals: draft, revise with a reason, lifecycle, milestones, feedback."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import Goal, Plan, plan_id_for
from domain.errors import UnknownItem
from domain.rules import parse_choice
from domain.values import FeedbackSource, GoalKind
from tracker.services.base import Receipt, UseCases


class GoalUseCases(UseCases):
    def draft_goal(
        self, mentee_id: str, *, kind: str, fields: dict[str, Any], actor_id: str
    ) -> Receipt:
        """The mentee drafts a goal in her plan (the plan must have been started)."""
        plan = self.load(Plan, plan_id_for(mentee_id))
        if isinstance(fields, dict):
            require_servable(plan, fields.get("serves"))
        goal = Goal.draft(
            mentee_id=mentee_id,
            kind=parse_choice(GoalKind, kind, "kind"),
            fields=fields,
            actor_id=actor_id,
            at=self.clock(),
        )
        return self.create(goal)

    def revise_goal(
        self,
        goal_id: str,
        *,
        changes: dict[str, Any],
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        def revise(goal: Goal) -> None:
            if isinstance(changes, dict) and "serves" in changes:
                require_servable(self.load(Plan, plan_id_for(goal.mentee_id)), changes["serves"])
            goal.revise(changes=changes, reason=reason, actor_id=actor_id, at=self.clock())

        return self.change(Goal, goal_id, expected_version, revise)

    def activate_goal(
        self, goal_id: str, *, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.activate(actor_id=actor_id, at=self.clock()),
        )

    def achieve_goal(
        self,
        goal_id: str,
        *,
        evidence: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.achieve(evidence=evidence, actor_id=actor_id, at=self.clock()),
        )

    def abandon_goal(
        self, goal_id: str, *, reason: str, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.abandon(reason=reason, actor_id=actor_id, at=self.clock()),
        )

    def defer_goal(
        self, goal_id: str, *, reason: str, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.defer(reason=reason, actor_id=actor_id, at=self.clock()),
        )

    def reopen_goal(
        self, goal_id: str, *, reason: str, actor_id: str, expected_version: int | None = None
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.reopen(reason=reason, actor_id=actor_id, at=self.clock()),
        )

    def add_milestone(
        self,
        goal_id: str,
        *,
        title: str,
        due: date,
        skills: list[str],
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.add_milestone(
                title=title, due=due, skills=skills, actor_id=actor_id, at=self.clock()
            ),
        )

    def reschedule_milestone(
        self,
        goal_id: str,
        milestone_id: str,
        *,
        due: date,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.reschedule_milestone(
                milestone_id=milestone_id,
                due=due,
                reason=reason,
                actor_id=actor_id,
                at=self.clock(),
            ),
        )

    def complete_milestone(
        self,
        goal_id: str,
        milestone_id: str,
        *,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.complete_milestone(
                milestone_id=milestone_id, actor_id=actor_id, at=self.clock()
            ),
        )

    def drop_milestone(
        self,
        goal_id: str,
        milestone_id: str,
        *,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.drop_milestone(
                milestone_id=milestone_id, reason=reason, actor_id=actor_id, at=self.clock()
            ),
        )

    def give_feedback(
        self,
        goal_id: str,
        *,
        text: str,
        source: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.give_feedback(
                text=text,
                source=parse_choice(FeedbackSource, source, "source"),
                actor_id=actor_id,
                at=self.clock(),
            ),
        )

    def recognise_achievement(
        self,
        goal_id: str,
        *,
        title: str,
        evidence: str,
        milestone_id: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Goal,
            goal_id,
            expected_version,
            lambda g: g.recognise_achievement(
                title=title,
                evidence=evidence,
                milestone_id=milestone_id,
                actor_id=actor_id,
                at=self.clock(),
            ),
        )


def require_servable(plan: Plan, serves: object) -> None:
    """A goal may serve an option only if the mentee's plan has it."""
    if isinstance(serves, str) and serves.strip().startswith("option:"):
        option_id = serves.strip().partition(":")[2]
        if option_id not in plan.options:
            raise UnknownItem("The plan has no such option to serve.", field="serves")
