"""A story told with real domain aggregates, turned into EventRecords in the order saved.

Helpers for the read-model tests of plans, goals, roadmaps and dashboards (no storage):
each `save` collects the pending events of the aggregates given and numbers them as the
notification log would.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from domain import CheckIn, Goal, Mentorship, Plan, Proposal
from domain.values import GoalKind, ProposalTarget
from projections.records import EventRecord, to_record
from projections.store import ViewProjection

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
SMARTY_READY = {
    "specific": "Lead one pipeline",
    "measurable": "Shipped",
    "target_date": date(2025, 6, 30),
}


class Story:
    """Moves its own clock and keeps the records of every aggregate saved, in order."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start
        self.records: list[EventRecord] = []

    def later(self, days: float = 1) -> datetime:
        """Move the clock on and return the new moment."""
        self.now += timedelta(days=days)
        return self.now

    def save(self, *aggregates: Aggregate) -> list[EventRecord]:
        """Collect the aggregates' new events as records at the next positions."""
        new = [
            to_record(event, len(self.records) + n)
            for n, event in enumerate((e for a in aggregates for e in a.collect_events()), start=1)
        ]
        self.records.extend(new)
        return new

    # Shortcuts for the usual first steps ----------------------------------------------------
    def plan(self, mentee: str) -> Plan:
        plan = Plan.start(mentee_id=mentee, actor_id=mentee, at=self.later())
        self.save(plan)
        return plan

    def goal(self, mentee: str, title: str, **fields: Any) -> Goal:
        goal = Goal.draft(
            mentee_id=mentee,
            kind=GoalKind.SMARTY,
            fields={"title": title, **fields},
            actor_id=mentee,
            at=self.later(),
        )
        self.save(goal)
        return goal

    def mentorship(self, mentee: str, mentor: str, cadence_days: int = 30) -> Mentorship:
        mentorship = Mentorship.invite(
            mentee_id=mentee,
            mentor_id=mentor,
            help_wanted="a move into data engineering",
            duration="a year",
            frequency="monthly",
            actor_id=mentee,
            at=self.later(),
        )
        mentorship.accept(
            cadence_days=cadence_days,
            meeting_minutes=45,
            guidance="career guidance",
            actor_id=mentor,
            at=self.later(),
        )
        self.save(mentorship)
        return mentorship

    def check_in(self, mentorship: Mentorship, on: date) -> CheckIn:
        check_in = CheckIn.schedule(
            mentorship=mentorship, scheduled_for=on, actor_id=mentorship.mentor_id, at=self.later()
        )
        self.save(check_in)
        return check_in

    def propose(self, goal: Goal, mentor: str, changes: dict[str, Any], why: str) -> Proposal:
        proposal = Proposal.make(
            mentee_id=goal.mentee_id,
            target=ProposalTarget.GOAL,
            target_id=str(goal.id),
            section=None,
            changes=changes,
            rationale=why,
            based_on_version=goal.version,
            actor_id=mentor,
            at=self.later(),
        )
        self.save(proposal)
        return proposal

    def accept(self, proposal: Proposal, goal: Goal, reason: str | None = None) -> None:
        """The mentee accepts: the goal is revised in her name, crediting the proposer."""
        at = self.later()
        why = proposal.accept(reason=reason, actor_id=proposal.mentee_id, at=at)
        goal.revise(
            changes=proposal.changes,
            reason=why,
            actor_id=proposal.mentee_id,
            at=at,
            proposal_id=str(proposal.id),
            proposed_by=proposal.proposed_by,
        )
        self.save(proposal, goal)


def project(projection: ViewProjection, records: list[EventRecord]) -> None:
    """Feed records to a projection the way the runner does: one transaction each."""
    for record in records:
        projection.view.apply(
            Tracking("tracker", record.position),
            lambda tx, record=record: projection.process(record, tx),
        )
