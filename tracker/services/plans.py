"""Use cases of the plan: start it, edit sections, options, support network, reflections."""

from __future__ import annotations

from eventsourcing.application import AggregateNotFoundError

from domain import Plan, plan_id_for
from domain.rules import parse_choice
from domain.values import SupportKind
from tracker.access import Operation, Resource
from tracker.errors import AlreadyExists
from tracker.services.base import Receipt, UseCases


class PlanUseCases(UseCases):
    def start_plan(self, *, mentee_id: str, actor_id: str) -> Receipt:
        """The mentee starts her one plan; a second start is refused, naming the version."""
        self.authorize(Operation.CHANGE_PLAN, Resource(mentee_id))  # before saying it exists
        try:
            existing: Plan = self.repository.get(plan_id_for(mentee_id))
        except AggregateNotFoundError:
            return self.create(Plan.start(mentee_id=mentee_id, actor_id=actor_id, at=self.clock()))
        raise AlreadyExists(f"Mentee {mentee_id} already has a plan.", existing.version)

    def edit_plan_section(
        self,
        mentee_id: str,
        *,
        section: str,
        fields: dict[str, str],
        reason: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.edit_section(
                section=section, fields=fields, reason=reason, actor_id=actor_id, at=self.clock()
            ),
        )

    def add_option(
        self,
        mentee_id: str,
        *,
        title: str,
        description: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.add_option(
                title=title, description=description, actor_id=actor_id, at=self.clock()
            ),
        )

    def research_option(
        self,
        mentee_id: str,
        option_id: str,
        *,
        facts: str,
        opinions: str | None,
        sources: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.research_option(
                option_id=option_id,
                facts=facts,
                opinions=opinions,
                sources=sources,
                actor_id=actor_id,
                at=self.clock(),
            ),
        )

    def shortlist_option(
        self,
        mentee_id: str,
        option_id: str,
        *,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.shortlist_option(option_id=option_id, actor_id=actor_id, at=self.clock()),
        )

    def discard_option(
        self,
        mentee_id: str,
        option_id: str,
        *,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.discard_option(
                option_id=option_id, reason=reason, actor_id=actor_id, at=self.clock()
            ),
        )

    def add_supporter(
        self,
        mentee_id: str,
        *,
        name: str,
        kind: str,
        brings: str,
        user_id: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.add_supporter(
                name=name,
                kind=parse_choice(SupportKind, kind, "kind"),
                brings=brings,
                user_id=user_id,
                actor_id=actor_id,
                at=self.clock(),
            ),
        )

    def remove_supporter(
        self,
        mentee_id: str,
        member_id: str,
        *,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.remove_supporter(
                member_id=member_id, reason=reason, actor_id=actor_id, at=self.clock()
            ),
        )

    def reflect(
        self,
        mentee_id: str,
        *,
        text: str,
        private: bool,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.reflect(text=text, private=private, actor_id=actor_id, at=self.clock()),
        )

    def share_with_supporter(
        self,
        mentee_id: str,
        member_id: str,
        *,
        parts: list[str],
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        """The mentee lets a supporter with an account read these parts of her plan."""
        return self.change(
            Plan,
            plan_id_for(mentee_id),
            expected_version,
            lambda p: p.share_with_supporter(
                member_id=member_id, parts=parts, actor_id=actor_id, at=self.clock()
            ),
        )
