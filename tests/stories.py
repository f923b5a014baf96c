"""Small stories the tests of several layers start from, written through the use cases."""

from __future__ import annotations

from datetime import date

from tracker.application import TrackerApplication

MENTEE = "mentee-ada"
MENTOR = "mentor-grace"


def mentorship_with_check_in(app: TrackerApplication) -> tuple[str, str]:
    """Ada invites Grace, Grace accepts, Ada schedules their first check-in (3 Feb 2025):
    (mentorship id, check-in id)."""
    invited = app.invite_mentor(
        mentee_id=MENTEE,
        mentor_id=MENTOR,
        help_wanted="Management",
        duration="Six months",
        frequency="Monthly",
        actor_id=MENTEE,
    )
    app.accept_invitation(
        invited.id, cadence_days=30, meeting_minutes=60, guidance="Career", actor_id=MENTOR
    )
    check_in = app.schedule_check_in(invited.id, scheduled_for=date(2025, 2, 3), actor_id=MENTEE)
    return invited.id, check_in.id
