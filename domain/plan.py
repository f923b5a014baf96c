"""The career plan: one per mentee, revised section by section for years."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError, NothingChanged, UnknownItem
from domain.rules import (
    changed_only,
    optional_text,
    parse_choice,
    require_actor,
    require_known_fields,
    require_text,
)
from domain.values import PLAN_SECTIONS, OptionStatus, SupportKind

_PLAN_NAMESPACE = uuid5(NAMESPACE_URL, "urn:tracker:plan")
# What a mentee may share with a member of her support network who has an account.
SHAREABLE_PARTS: tuple[str, ...] = (*PLAN_SECTIONS, "options", "goals", "reflections")


def plan_id_for(mentee_id: str) -> UUID:
    """A mentee has exactly one plan; its id follows from hers."""
    return uuid5(_PLAN_NAMESPACE, mentee_id)


def section_changes(plan: Plan, section: str, fields: dict[str, str]) -> dict[str, str]:
    """Validate an edit of one section and keep only the fields whose text changes."""
    if not isinstance(section, str) or section not in PLAN_SECTIONS:
        raise DomainError(
            f"The plan has no section {section!r}; sections: {', '.join(PLAN_SECTIONS)}.",
            field="section",
        )
    require_known_fields(fields, PLAN_SECTIONS[section], f"The section {section!r}")
    cleaned = {name: optional_text(text, name) or "" for name, text in fields.items()}
    for name, text in cleaned.items():
        if text:
            require_text(text, name)
    changes = changed_only(plan.sections.get(section, {}), cleaned)
    # An empty field that was never written is no change either.
    changes = {k: v for k, v in changes.items() if v or k in plan.sections.get(section, {})}
    if not changes:
        raise NothingChanged(f"This edit would not change the {section.replace('_', ' ')}.")
    return changes


class Plan(Aggregate):
    """Vision, purpose question, self-assessment, options, support network and reflections."""

    @staticmethod
    def create_id(mentee_id: str, **_: Any) -> UUID:
        return plan_id_for(mentee_id)

    @event("Started")
    def __init__(self, mentee_id: str, actor_id: str, timestamp: datetime) -> None:
        self.mentee_id = mentee_id
        self.sections: dict[str, dict[str, str]] = {}
        self.options: dict[str, dict[str, Any]] = {}
        self.support_network: dict[str, dict[str, Any]] = {}
        self.reflections: dict[str, dict[str, Any]] = {}

    @classmethod
    def start(cls, *, mentee_id: str, actor_id: str, at: datetime) -> Plan:
        """The mentee starts her plan (the mentee owns it: nobody else starts it for her)."""
        require_text(mentee_id, "mentee_id", label="mentee")
        require_actor(actor_id, [mentee_id], "Only the mentee starts her own plan.")
        return cls(mentee_id=mentee_id, actor_id=actor_id, timestamp=at)

    # Sections -----------------------------------------------------------------------------
    def edit_section(
        self,
        *,
        section: str,
        fields: dict[str, str],
        reason: str | None,
        actor_id: str,
        at: datetime,
        proposal_id: str | None = None,
        proposed_by: str | None = None,
    ) -> None:
        """Write new text into a section; only changed fields are recorded."""
        self._require_mentee(actor_id)
        changes = section_changes(self, section, fields)
        self._section_edited(
            section=section,
            changes=changes,
            reason=optional_text(reason, "reason"),
            actor_id=actor_id,
            proposal_id=proposal_id,
            proposed_by=proposed_by,
            timestamp=at,
        )

    @event("SectionEdited")
    def _section_edited(
        self,
        section: str,
        changes: dict[str, str],
        reason: str | None,
        actor_id: str,
        proposal_id: str | None,
        proposed_by: str | None,
        timestamp: datetime,
    ) -> None:
        self.sections.setdefault(section, {}).update(changes)

    # Options ------------------------------------------------------------------------------
    def add_option(
        self, *, title: str, description: str | None, actor_id: str, at: datetime
    ) -> str:
        """Record a possibility the mentee will research; returns its id."""
        self._require_mentee(actor_id)
        option_id = str(uuid4())
        self._option_added(
            option_id=option_id,
            title=require_text(title, "title"),
            description=optional_text(description, "description"),
            actor_id=actor_id,
            timestamp=at,
        )
        return option_id

    @event("OptionAdded")
    def _option_added(
        self,
        option_id: str,
        title: str,
        description: str | None,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.options[option_id] = {
            "title": title,
            "description": description,
            "status": OptionStatus.CONSIDERED,
            "research": [],
        }

    def research_option(
        self,
        *,
        option_id: str,
        facts: str,
        opinions: str | None,
        sources: str | None,
        actor_id: str,
        at: datetime,
    ) -> None:
        """Record research on an option, keeping facts apart from opinions."""
        self._require_mentee(actor_id)
        self._require_option(option_id)
        self._option_researched(
            option_id=option_id,
            facts=require_text(facts, "facts"),
            opinions=optional_text(opinions, "opinions"),
            sources=optional_text(sources, "sources"),
            actor_id=actor_id,
            timestamp=at,
        )

    @event("OptionResearched")
    def _option_researched(
        self,
        option_id: str,
        facts: str,
        opinions: str | None,
        sources: str | None,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.options[option_id]["research"].append(
            {"facts": facts, "opinions": opinions, "sources": sources}
        )

    def shortlist_option(self, *, option_id: str, actor_id: str, at: datetime) -> None:
        """Narrow the options down: this one fits the ideal occupation."""
        self._require_mentee(actor_id)
        option = self._require_option(option_id)
        if option["status"] == OptionStatus.SHORTLISTED:
            raise NothingChanged("This option is already shortlisted.")
        self._option_shortlisted(option_id=option_id, actor_id=actor_id, timestamp=at)

    @event("OptionShortlisted")
    def _option_shortlisted(self, option_id: str, actor_id: str, timestamp: datetime) -> None:
        self.options[option_id]["status"] = OptionStatus.SHORTLISTED

    def discard_option(self, *, option_id: str, reason: str, actor_id: str, at: datetime) -> None:
        self._require_mentee(actor_id)
        option = self._require_option(option_id)
        if option["status"] == OptionStatus.DISCARDED:
            raise NothingChanged("This option is already discarded.")
        self._option_discarded(
            option_id=option_id,
            reason=require_text(reason, "reason"),
            actor_id=actor_id,
            timestamp=at,
        )

    @event("OptionDiscarded")
    def _option_discarded(
        self, option_id: str, reason: str, actor_id: str, timestamp: datetime
    ) -> None:
        self.options[option_id]["status"] = OptionStatus.DISCARDED

    # Support network ----------------------------------------------------------------------
    def add_supporter(
        self,
        *,
        name: str,
        kind: SupportKind,
        brings: str,
        user_id: str | None,
        actor_id: str,
        at: datetime,
    ) -> str:
        """Add a person or resource to the support network, with what they bring."""
        self._require_mentee(actor_id)
        member_id = str(uuid4())
        self._supporter_added(
            member_id=member_id,
            name=require_text(name, "name"),
            kind=parse_choice(SupportKind, kind, "kind"),
            brings=require_text(brings, "brings", label="description of what they bring"),
            user_id=optional_text(user_id, "user_id"),
            actor_id=actor_id,
            timestamp=at,
        )
        return member_id

    @event("SupporterAdded")
    def _supporter_added(
        self,
        member_id: str,
        name: str,
        kind: SupportKind,
        brings: str,
        user_id: str | None,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.support_network[member_id] = {
            "name": name,
            "kind": kind,
            "brings": brings,
            "user_id": user_id,
        }

    def remove_supporter(self, *, member_id: str, reason: str, actor_id: str, at: datetime) -> None:
        self._require_mentee(actor_id)
        if member_id not in self.support_network:
            raise UnknownItem("The support network has no such member.", field="member_id")
        self._supporter_removed(
            member_id=member_id,
            reason=require_text(reason, "reason"),
            actor_id=actor_id,
            timestamp=at,
        )

    @event("SupporterRemoved")
    def _supporter_removed(
        self, member_id: str, reason: str, actor_id: str, timestamp: datetime
    ) -> None:
        del self.support_network[member_id]

    def share_with_supporter(
        self, *, member_id: str, parts: list[str], actor_id: str, at: datetime
    ) -> None:
        """Let a supporter with an account read these parts of the plan; [] stops sharing."""
        self._require_mentee(actor_id)
        member = self.support_network.get(member_id)
        if member is None:
            raise UnknownItem("The support network has no such member.", field="member_id")
        if not member["user_id"]:
            raise DomainError(
                "Only a supporter with an account (a user id) can be shown the plan.",
                field="member_id",
            )
        if not isinstance(parts, list | tuple) or not all(isinstance(p, str) for p in parts):
            raise DomainError("Parts must be a list of part names.", field="parts")
        unknown = sorted(set(parts) - set(SHAREABLE_PARTS))
        if unknown:
            raise DomainError(
                f"The plan has no part {unknown[0]!r}; parts: {', '.join(SHAREABLE_PARTS)}.",
                field="parts",
            )
        chosen = [part for part in SHAREABLE_PARTS if part in parts]
        if chosen == member.get("shared", []):
            raise NothingChanged("This supporter already sees exactly these parts.")
        self._shared_with_supporter(
            member_id=member_id,
            user_id=member["user_id"],
            parts=chosen,
            actor_id=actor_id,
            timestamp=at,
        )

    @event("SharedWithSupporter")
    def _shared_with_supporter(
        self, member_id: str, user_id: str, parts: list[str], actor_id: str, timestamp: datetime
    ) -> None:
        self.support_network[member_id]["shared"] = parts

    # Reflections --------------------------------------------------------------------------
    def reflect(self, *, text: str, private: bool, actor_id: str, at: datetime) -> str:
        """The mentee writes a reflection; a private one is for her eyes only."""
        self._require_mentee(actor_id)
        reflection_id = str(uuid4())
        self._reflected(
            reflection_id=reflection_id,
            text=require_text(text, "text"),
            private=bool(private),
            actor_id=actor_id,
            timestamp=at,
        )
        return reflection_id

    @event("Reflected")
    def _reflected(
        self, reflection_id: str, text: str, private: bool, actor_id: str, timestamp: datetime
    ) -> None:
        self.reflections[reflection_id] = {"text": text, "private": private}

    # Rules --------------------------------------------------------------------------------
    def _require_mentee(self, actor_id: str) -> None:
        require_actor(
            actor_id,
            [self.mentee_id],
            "Only the mentee changes her plan; a mentor proposes changes instead.",
        )

    def _require_option(self, option_id: str) -> dict[str, Any]:
        try:
            return self.options[option_id]
        except KeyError:
            raise UnknownItem("The plan has no such option.", field="option_id") from None
