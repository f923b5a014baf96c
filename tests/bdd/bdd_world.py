"""The world the journeys run in: people by name, what they ask for, what they see.

Steps talk only to `World`. It drives the use cases of `TrackerApplication` (without the
access policy: these journeys are about the domain's rules); to run them over the JSON API,
only this module would change (each command one request carrying a bearer token and
`If-Match`, each read one GET) while the features and steps stay as they are. The access
policy's journeys run over HTTP in test_privacy.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from domain import DomainError
from projections.records import jsonable
from tracker.application import TrackerApplication
from tracker.errors import AlreadyExists, Conflict, NotFound
from tracker.services.base import Receipt


def day(text: str) -> date:
    """A date as people write it in the features: '30 June 2025'."""
    return datetime.strptime(text.strip(), "%d %B %Y").date()


def as_seen(data: Any) -> dict[str, Any]:
    """Data in the shape the JSON API sends it: dates as ISO strings, enums as values."""
    seen: dict[str, Any] = jsonable(data)
    return seen


@dataclass(frozen=True)
class Outcome:
    """What a person learns after asking for something: it was done, or why it was not."""

    actor: str
    done: bool
    id: str | None = None
    version: int | None = None
    problem: str | None = None
    current_version: int | None = None  # set only when refused because of a conflict

    def expect_done(self) -> Outcome:
        assert self.done, f"{self.actor} was refused: {self.problem}"
        return self


class World:
    """The tracker as the people in the scenarios use it, by name, seeing what they would see."""

    def __init__(self, app: TrackerApplication) -> None:
        self.app = app
        self.people: dict[str, str] = {}
        self.mentorship_id = ""
        self.mentorship_mentee = ""  # the mentee who sent the invitation the story follows
        self.goal_id = ""
        self.proposal_id = ""
        self.goal_owner = ""  # the mentee whose goal the story follows
        # The goal version each reader has open: what they would send as If-Match.
        self.open_versions: dict[str, int] = {}

    def person(self, name: str) -> str:
        """The user id of someone in the story (made up the first time they appear)."""
        return self.people.setdefault(name, str(uuid4()))

    def _attempt(self, name: str, command: Callable[[str], Receipt]) -> Outcome:
        try:
            receipt = command(self.person(name))
        except Conflict as conflict:
            return Outcome(name, False, problem=conflict.message, current_version=conflict.current)
        except (DomainError, NotFound, AlreadyExists) as error:
            return Outcome(name, False, problem=error.message)
        return Outcome(name, True, id=receipt.id, version=receipt.version)

    # Mentorship ---------------------------------------------------------------------------
    def invite(
        self, mentee: str, mentor: str, *, help_wanted: str, duration: str, frequency: str
    ) -> Outcome:
        outcome = self._attempt(
            mentee,
            lambda actor: self.app.invite_mentor(
                mentee_id=actor,
                mentor_id=self.person(mentor),
                help_wanted=help_wanted,
                duration=duration,
                frequency=frequency,
                actor_id=actor,
            ),
        )
        if outcome.done:
            self.mentorship_id, self.mentorship_mentee = str(outcome.id), mentee
        return outcome

    def accept_invitation(
        self, mentor: str, *, cadence_days: int, meeting_minutes: int, guidance: str
    ) -> Outcome:
        return self._attempt(
            mentor,
            lambda actor: self.app.accept_invitation(
                self.mentorship_id,
                cadence_days=cadence_days,
                meeting_minutes=meeting_minutes,
                guidance=guidance,
                actor_id=actor,
            ),
        )

    def decline_invitation(self, mentor: str, *, reason: str) -> Outcome:
        return self._attempt(
            mentor,
            lambda actor: self.app.decline_invitation(
                self.mentorship_id, reason=reason, actor_id=actor
            ),
        )

    def mentorship(self, viewer: str | None = None) -> dict[str, Any]:
        """The mentorship as the viewer (by default its mentee) sees it."""
        return as_seen(self.app.get_mentorship(self.mentorship_id))

    # Plan ---------------------------------------------------------------------------------
    def start_plan(self, mentee: str) -> Outcome:
        return self._attempt(
            mentee, lambda actor: self.app.start_plan(mentee_id=actor, actor_id=actor)
        )

    def edit_plan_section(self, mentee: str, section: str, fields: dict[str, str]) -> Outcome:
        return self._attempt(
            mentee,
            lambda actor: self.app.edit_plan_section(
                actor, section=section, fields=fields, reason=None, actor_id=actor
            ),
        )

    def plan(self, viewer: str, mentee: str) -> dict[str, Any]:
        data = self.app.get_plan(self.person(mentee), viewer_id=self.person(viewer))
        return as_seen(data)

    # Goal ---------------------------------------------------------------------------------
    def draft_goal(self, mentee: str, kind: str, fields: dict[str, Any]) -> Outcome:
        outcome = self._attempt(
            mentee,
            lambda actor: self.app.draft_goal(actor, kind=kind, fields=fields, actor_id=actor),
        )
        if outcome.done:
            self.goal_id, self.goal_owner = str(outcome.id), mentee
        return outcome

    def activate_goal(self, name: str) -> Outcome:
        return self._attempt(
            name, lambda actor: self.app.activate_goal(self.goal_id, actor_id=actor)
        )

    def revise_goal(
        self, name: str, changes: dict[str, Any], reason: str, *, reader: str | None = None
    ) -> Outcome:
        """Revise the goal; a reader sends the version they have open, as If-Match would."""
        expected = self.open_versions[reader] if reader else None
        return self._attempt(
            name,
            lambda actor: self.app.revise_goal(
                self.goal_id,
                changes=changes,
                reason=reason,
                actor_id=actor,
                expected_version=expected,
            ),
        )

    def give_feedback(self, name: str, text: str, *, reader: str) -> Outcome:
        source = "mentee" if self.goal(name)["mentee_id"] == self.person(name) else "mentor"
        return self._attempt(
            name,
            lambda actor: self.app.give_feedback(
                self.goal_id,
                text=text,
                source=source,
                actor_id=actor,
                expected_version=self.open_versions[reader],
            ),
        )

    def open_goal(self, reader: str, viewer: str) -> int:
        """A reader loads the goal and keeps its version, as a browser keeps the ETag."""
        self.open_versions[reader] = int(self.goal(viewer)["version"])
        return self.open_versions[reader]

    def goal(self, viewer: str | None = None) -> dict[str, Any]:
        """The goal as the viewer (by default its mentee) sees it."""
        return as_seen(self.app.get_goal(self.goal_id))

    def goal_revisions(self, viewer: str | None = None) -> list[dict[str, Any]]:
        """The goal's revisions, oldest first: who, proposed by whom, what changed, why, when.

        No query or route lists them yet, so this reads the goal's recorded events.
        """
        revisions = []
        for event in self.app.events.get(UUID(self.goal_id)):
            if type(event).__qualname__ == "Goal.Revised":
                data = vars(event)
                revisions.append(
                    as_seen(
                        {
                            "by": data["actor_id"],
                            "proposed_by": data["proposed_by"],
                            "changes": data["changes"],
                            "reason": data["reason"],
                            "at": data["timestamp"],
                        }
                    )
                )
        return revisions

    # Proposals ----------------------------------------------------------------------------
    def propose_goal_revision(
        self, mentor: str, changes: dict[str, Any], rationale: str
    ) -> Outcome:
        outcome = self._attempt(
            mentor,
            lambda actor: self.app.propose_goal_revision(
                self.goal_id, changes=changes, rationale=rationale, actor_id=actor
            ),
        )
        self.proposal_id = outcome.id or self.proposal_id
        return outcome

    def accept_proposal(self, name: str, reason: str) -> Outcome:
        return self._attempt(
            name,
            lambda actor: self.app.accept_proposal(self.proposal_id, reason=reason, actor_id=actor),
        )

    def decline_proposal(self, name: str, reason: str) -> Outcome:
        return self._attempt(
            name,
            lambda actor: self.app.decline_proposal(
                self.proposal_id, reason=reason, actor_id=actor
            ),
        )

    def proposal(self, viewer: str) -> dict[str, Any]:
        return as_seen(self.app.get_proposal(self.proposal_id))
