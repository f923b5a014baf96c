"""The mentorship: an invitation from a mentee, accepted or declined by a mentor, its agreement."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError, InvalidTransition, NotAllowed, NothingChanged
from domain.rules import optional_text, require_actor, require_text, require_whole_number
from domain.values import MentorshipStatus


def agreement_terms(cadence_days: int, meeting_minutes: int, guidance: str) -> dict[str, Any]:
    """Validate and normalise the terms of an agreement (how often, how long, what kind)."""
    cadence_days = require_whole_number(cadence_days, "cadence_days", 1, 366)
    meeting_minutes = require_whole_number(meeting_minutes, "meeting_minutes", 5, 480)
    return {
        "cadence_days": cadence_days,
        "meeting_minutes": meeting_minutes,
        "guidance": require_text(guidance, "guidance", label="kind of guidance"),
    }


class Mentorship(Aggregate):
    """One mentor and one mentee; the mentee usually recruits the mentor with a prepared ask."""

    @event("Invited")
    def __init__(
        self,
        mentee_id: str,
        mentor_id: str,
        help_wanted: str,
        duration: str,
        frequency: str,
        actor_id: str,
        timestamp: datetime,
    ) -> None:
        self.mentee_id = mentee_id
        self.mentor_id = mentor_id
        self.ask = {"help_wanted": help_wanted, "duration": duration, "frequency": frequency}
        self.status = MentorshipStatus.INVITED
        self.agreement: dict[str, Any] | None = None
        self.end_reason: str | None = None

    @classmethod
    def invite(
        cls,
        *,
        mentee_id: str,
        mentor_id: str,
        help_wanted: str,
        duration: str,
        frequency: str,
        actor_id: str,
        at: datetime,
    ) -> Mentorship:
        """A mentee invites a mentor with a prepared ask: what help, for how long, how often."""
        if actor_id != mentee_id:
            raise NotAllowed("Only the mentee sends an invitation for her own mentorship.")
        mentor_id = require_text(mentor_id, "mentor_id", label="mentor")
        if mentee_id == mentor_id:
            raise DomainError("A mentee cannot be her own mentor.", field="mentor_id")
        return cls(
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            help_wanted=require_text(help_wanted, "help_wanted", label="help wanted"),
            duration=require_text(duration, "duration"),
            frequency=require_text(frequency, "frequency"),
            actor_id=actor_id,
            timestamp=at,
        )

    @property
    def participants(self) -> tuple[str, str]:
        return (self.mentee_id, self.mentor_id)

    def accept(
        self, *, cadence_days: int, meeting_minutes: int, guidance: str, actor_id: str, at: datetime
    ) -> None:
        """The mentor accepts the invitation and they agree how they will meet."""
        self._require_status(MentorshipStatus.INVITED, "accept")
        require_actor(actor_id, [self.mentor_id], "Only the invited mentor accepts.")
        terms = agreement_terms(cadence_days, meeting_minutes, guidance)
        self._accepted(agreement=terms, actor_id=actor_id, timestamp=at)

    @event("Accepted")
    def _accepted(self, agreement: dict[str, Any], actor_id: str, timestamp: datetime) -> None:
        self.agreement = agreement
        self.status = MentorshipStatus.ACTIVE

    def decline(self, *, reason: str, actor_id: str, at: datetime) -> None:
        """The mentor declines the invitation, saying why."""
        self._require_status(MentorshipStatus.INVITED, "decline")
        require_actor(actor_id, [self.mentor_id], "Only the invited mentor declines.")
        self._declined(reason=require_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Declined")
    def _declined(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = MentorshipStatus.DECLINED
        self.end_reason = reason

    def change_agreement(
        self,
        *,
        cadence_days: int,
        meeting_minutes: int,
        guidance: str,
        reason: str | None,
        actor_id: str,
        at: datetime,
    ) -> None:
        """Either side changes the agreement while the mentorship lasts."""
        self._require_status(MentorshipStatus.ACTIVE, "change the agreement of")
        require_actor(actor_id, self.participants, "Only the mentee or the mentor change it.")
        terms = agreement_terms(cadence_days, meeting_minutes, guidance)
        if terms == self.agreement:
            raise NothingChanged("The agreement already has these terms.")
        self._agreement_changed(
            agreement=terms, reason=optional_text(reason, "reason"), actor_id=actor_id, timestamp=at
        )

    @event("AgreementChanged")
    def _agreement_changed(
        self, agreement: dict[str, Any], reason: str | None, actor_id: str, timestamp: datetime
    ) -> None:
        self.agreement = agreement

    def end(self, *, reason: str, actor_id: str, at: datetime) -> None:
        """Either side ends the mentorship; the mentee keeps all history."""
        self._require_status(MentorshipStatus.ACTIVE, "end")
        require_actor(actor_id, self.participants, "Only the mentee or the mentor end it.")
        self._ended(reason=require_text(reason, "reason"), actor_id=actor_id, timestamp=at)

    @event("Ended")
    def _ended(self, reason: str, actor_id: str, timestamp: datetime) -> None:
        self.status = MentorshipStatus.ENDED
        self.end_reason = reason

    def _require_status(self, status: MentorshipStatus, verb: str) -> None:
        if self.status != status:
            raise InvalidTransition(
                f"Cannot {verb} a mentorship that is {self.status.value} "
                f"(it must be {status.value})."
            )
