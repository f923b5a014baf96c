"""A mentee's year written through the application service, for the timeline tests.

Ada (mentee) invites Grace (mentor); over the year she writes her vision, drafts and
activates a goal, slips and then meets a milestone, holds check-ins, accepts a mentor's
proposal, and writes a private reflection while Grace writes a private note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.application import TrackerApplication
from tracker.clock import ManualClock

ADA, GRACE = "ada", "grace"


@dataclass
class Year:
    """Ids and positions the tests look up after the story."""

    goal_id: str = ""
    milestone_id: str = ""
    proposal_id: str = ""
    check_in_id: str = ""
    last_position: int = 0
    positions: dict[str, int] = field(default_factory=dict)


def write_year(app: TrackerApplication, clock: ManualClock) -> Year:
    """Write the story; the clock ends a little under a year after it started."""
    year = Year()
    mentorship = app.invite_mentor(
        mentee_id=ADA, mentor_id=GRACE, help_wanted="data engineering", duration="a year",
        frequency="monthly", actor_id=ADA,
    ).id  # fmt: skip
    app.accept_invitation(
        mentorship, cadence_days=30, meeting_minutes=45, guidance="career", actor_id=GRACE
    )
    app.start_plan(mentee_id=ADA, actor_id=ADA)
    clock.advance(days=2)
    app.edit_plan_section(
        ADA, section="vision_statement", fields={"statement": "Build data tools people trust"},
        reason="first draft", actor_id=ADA,
    )  # fmt: skip
    clock.advance(days=10)
    fields = {
        "title": "Become a data engineer",
        "specific": "Join the platform team",
        "measurable": "Two pipelines in production",
        "target_date": date(2025, 12, 31),
    }
    year.goal_id = app.draft_goal(ADA, kind="smarty", fields=fields, actor_id=ADA).id
    app.activate_goal(year.goal_id, actor_id=ADA)
    receipt = app.add_milestone(
        year.goal_id, title="First pipeline", due=date(2025, 3, 1), skills=["sql"], actor_id=ADA
    )
    year.milestone_id = receipt.created["item_id"]
    clock.advance(days=40)
    app.reschedule_milestone(
        year.goal_id, year.milestone_id, due=date(2025, 4, 1), reason="holiday", actor_id=ADA
    )
    year.check_in_id = app.schedule_check_in(
        mentorship, scheduled_for=date(2025, 3, 10), actor_id=GRACE
    ).id
    clock.advance(days=40)
    app.hold_check_in(year.check_in_id, held_on=date(2025, 3, 10), actor_id=GRACE)
    app.write_note(year.check_in_id, text="Worried about workload", private=True, actor_id=GRACE)
    app.complete_milestone(year.goal_id, year.milestone_id, actor_id=ADA)
    app.recognise_achievement(
        year.goal_id, title="First pipeline shipped", evidence="in production",
        milestone_id=year.milestone_id, actor_id=GRACE,
    )  # fmt: skip
    clock.advance(days=100)
    year.proposal_id = app.propose_goal_revision(
        year.goal_id, changes={"target_date": date(2026, 3, 31)}, rationale="more realistic",
        actor_id=GRACE,
    ).id  # fmt: skip
    year.positions["revised"] = (
        app.accept_proposal(year.proposal_id, reason="agreed", actor_id=ADA).position or 0
    )
    clock.advance(days=150)
    app.reflect(ADA, text="I doubt myself sometimes", private=True, actor_id=ADA)
    app.edit_plan_section(
        ADA, section="vision_statement",
        fields={"statement": "Build data tools people trust, and teach others to"},
        reason="after a year", actor_id=ADA,
    )  # fmt: skip
    year.last_position = app.recorder.max_notification_id() or 0
    return year
