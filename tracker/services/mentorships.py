"""Use cases of the mentorship: invite, accept or decline, change the agreement, end."""

from __future__ import annotations

from domain import Mentorship
from tracker.services.base import Receipt, UseCases


class MentorshipUseCases(UseCases):
    def invite_mentor(
        self,
        *,
        mentee_id: str,
        mentor_id: str,
        help_wanted: str,
        duration: str,
        frequency: str,
        actor_id: str,
    ) -> Receipt:
        """A mentee invites a mentor with her prepared ask."""
        mentorship = Mentorship.invite(
            mentee_id=mentee_id,
            mentor_id=mentor_id,
            help_wanted=help_wanted,
            duration=duration,
            frequency=frequency,
            actor_id=actor_id,
            at=self.clock(),
        )
        return self.create(mentorship)

    def accept_invitation(
        self,
        mentorship_id: str,
        *,
        cadence_days: int,
        meeting_minutes: int,
        guidance: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Mentorship,
            mentorship_id,
            expected_version,
            lambda m: m.accept(
                cadence_days=cadence_days,
                meeting_minutes=meeting_minutes,
                guidance=guidance,
                actor_id=actor_id,
                at=self.clock(),
            ),
        )

    def decline_invitation(
        self,
        mentorship_id: str,
        *,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Mentorship,
            mentorship_id,
            expected_version,
            lambda m: m.decline(reason=reason, actor_id=actor_id, at=self.clock()),
        )

    def change_agreement(
        self,
        mentorship_id: str,
        *,
        cadence_days: int,
        meeting_minutes: int,
        guidance: str,
        reason: str | None,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Mentorship,
            mentorship_id,
            expected_version,
            lambda m: m.change_agreement(
                cadence_days=cadence_days,
                meeting_minutes=meeting_minutes,
                guidance=guidance,
                reason=reason,
                actor_id=actor_id,
                at=self.clock(),
            ),
        )

    def end_mentorship(
        self,
        mentorship_id: str,
        *,
        reason: str,
        actor_id: str,
        expected_version: int | None = None,
    ) -> Receipt:
        return self.change(
            Mentorship,
            mentorship_id,
            expected_version,
            lambda m: m.end(reason=reason, actor_id=actor_id, at=self.clock()),
        )
