"""Histories for bench_scaling: long plans that stay the same size, and many small plans.

Both write through `TrackerApplication.save` in batches: the events are made by the real
domain aggregates (every rule checked) and stored by the application's mapper, transcoder
and recorder exactly as the commands store them; only the per-command load is skipped,
which is what makes 100,000 events per plan or a million in the store writable in minutes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from eventsourcing.domain import Aggregate

from domain import Goal, Plan, Proposal
from domain.values import GoalKind, ProposalTarget
from tracker.application import TrackerApplication

START = datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
SPAN = timedelta(days=730)
MENTOR = "mentor-of-everyone"
SAVE_EVERY = 500
PROBE_REVISIONS = 20
GOAL_FIELDS: dict[str, Any] = {
    "title": "Lead the platform team",
    "specific": "Run planning and reviews",
    "measurable": "Two quarterly plans delivered",
    "target_date": date(2026, 6, 30),
}


def words(n: int) -> str:
    """A sentence that changes a little with n, long enough for a word-level diff."""
    return f"Lead {n % 7 + 2} design reviews a quarter and write each one up for the team"


@dataclass
class LongPlan:
    """One mentee's plan with `events` events over two years, the plan staying the same size.

    The history rewrites the same things again and again (two sections, two goals' fields,
    one milestone moved back and forth, proposals made and declined), so the plan a reader
    sees is as big after 100 events as after 100,000: only the length of its history grows.
    After the history, a "probe" goal gets exactly PROBE_REVISIONS revisions, so its own
    revision history is the same size for every plan.
    """

    app: TrackerApplication
    mentee: str
    events: int
    first_position: int = 0
    last_position: int = 0
    goal_ids: dict[str, str] = field(default_factory=dict)
    _n: int = 0

    def at(self) -> datetime:
        """The time of the next event: evenly spread over SPAN (the probe goes at the end)."""
        self._n += 1
        return START + SPAN * min(self._n / self.events, 1.0)

    def time_at(self, share: float) -> datetime:
        return START + SPAN * share

    def position_at(self, share: float) -> int:
        return self.first_position + int((self.last_position - self.first_position) * share)

    def write(self) -> None:
        """Write the history, then the probe goal; positions bracket the whole.

        Events are saved in the order they happened (positions follow times), as commands
        store them one at a time; only the saving is batched.
        """
        who, app = self.mentee, self.app
        self.first_position = (app.recorder.max_notification_id() or 0) + 1
        plan = Plan.start(mentee_id=who, actor_id=who, at=self.at())
        goals = [self._new_goal()]
        milestone = goals[0].add_milestone(
            title="First review", due=date(2025, 6, 1), skills=["facilitation"], actor_id=who,
            at=self.at(),
        )  # fmt: skip
        goals.append(self._new_goal())
        self.goal_ids["long"] = str(goals[0].id)
        pending: list[Proposal] = []
        batch = InTimeOrder(plan, *goals)
        for n in range(self._n, self.events):
            made = self._one_event(n, plan, goals, milestone, pending)
            batch.collect(plan, *goals, *([made] if made is not None else []))
            if n % SAVE_EVERY == 0:
                batch.save(app)
                batch = InTimeOrder(plan, *goals)
        batch.save(app)
        self._write_probe()
        self.last_position = app.recorder.max_notification_id() or 0

    def _new_goal(self) -> Goal:
        who = self.mentee
        goal = Goal.draft(
            mentee_id=who, kind=GoalKind.SMARTY, fields=GOAL_FIELDS, actor_id=who, at=self.at()
        )
        goal.activate(actor_id=who, at=self.at())
        return goal

    def _one_event(
        self, n: int, plan: Plan, goals: list[Goal], milestone: str, pending: list[Proposal]
    ) -> Proposal | None:
        """The n-th event; a new proposal when one is made (it must be saved too)."""
        who, at, step = self.mentee, self.at(), n % 8
        if step in (0, 4):
            section, name = ("vision_statement", "statement") if step == 0 else (
                "purpose_question", "question")  # fmt: skip
            plan.edit_section(section=section, fields={name: words(n)}, reason="grew",
                              actor_id=who, at=at)  # fmt: skip
        elif step in (1, 5):
            goal, name = (goals[0], "title") if step == 1 else (goals[1], "measurable")
            goal.revise(changes={name: f"{words(n)} ({n})"}, reason="sharper", actor_id=who,
                        at=at)  # fmt: skip
        elif step in (2, 6):
            due = date(2025, 6, 1) + timedelta(days=n % 5 + 1)
            goals[0].reschedule_milestone(milestone_id=milestone, due=due, reason="moved",
                                          actor_id=who, at=at)  # fmt: skip
        elif step == 3 or not pending:
            proposal = Proposal.make(
                mentee_id=who, target=ProposalTarget.GOAL, target_id=str(goals[0].id),
                section=None, changes={"title": "Bolder"}, rationale="why not",
                based_on_version=None, actor_id=MENTOR, at=at,
            )  # fmt: skip
            pending.append(proposal)
            return proposal
        else:
            proposal = pending.pop()
            proposal.decline(reason="not now", actor_id=who, at=at)
            return proposal
        return None

    def _write_probe(self) -> None:
        """A goal with exactly PROBE_REVISIONS revisions, through the service's commands."""
        who, app = self.mentee, self.app
        receipt = app.draft_goal(who, kind="smarty", fields=GOAL_FIELDS, actor_id=who)
        self.goal_ids["probe"] = receipt.id
        for n in range(PROBE_REVISIONS):
            app.revise_goal(receipt.id, changes={"measurable": words(n) + f" ({n})"},
                            reason="sharper", actor_id=who)  # fmt: skip


class InTimeOrder:
    """A batch to save: aggregates' new events in the order they were collected."""

    def __init__(self, *aggregates: Aggregate) -> None:
        self.events: list[Any] = []
        self.aggregates: dict[Any, Aggregate] = {}
        self.collect(*aggregates)

    def collect(self, *aggregates: Aggregate) -> None:
        """Take the aggregates' pending events (the one changed just now has them)."""
        for aggregate in aggregates:
            self.events += aggregate.collect_events()
            self.aggregates[aggregate.id] = aggregate

    def save(self, app: TrackerApplication) -> None:
        """Store the events in order; the aggregates come along for snapshots and caching."""
        app.save(*self.events, *self.aggregates.values())


class SmallPlans:
    """Fills the store with many small plans of EVENTS_PER_PLAN events each: a plan and
    three active goals revised 31 times each (a new mentee also costs a key of her own)."""

    EVENTS_PER_PLAN = 100
    GOALS = 3

    def __init__(self, app: TrackerApplication) -> None:
        self.app = app
        self.numbers = itertools.count()
        self.goals: list[tuple[str, str]] = []  # (goal id, mentee) of the first plans

    def add(self, events: int, plans_per_save: int = 10) -> int:
        """Write at least `events` events (whole plans, 1,000 per save); the number written."""
        written = 0
        while written < events:
            batch: list[Aggregate] = []
            for _ in range(plans_per_save):
                batch += self._small_plan(next(self.numbers))
            self.app.save(*batch)
            written += plans_per_save * self.EVENTS_PER_PLAN
        return written

    def _small_plan(self, number: int) -> list[Aggregate]:
        who = f"fill-{number}"
        at = START + timedelta(minutes=number)
        made: list[Aggregate] = [Plan.start(mentee_id=who, actor_id=who, at=at)]
        revisions = (self.EVENTS_PER_PLAN - 1) // self.GOALS - 2
        for g in range(self.GOALS):
            goal = Goal.draft(mentee_id=who, kind=GoalKind.SMARTY, fields=GOAL_FIELDS,
                              actor_id=who, at=at)  # fmt: skip
            goal.activate(actor_id=who, at=at)
            for n in range(revisions):
                goal.revise(changes={"measurable": words(n + g)}, reason="sharper",
                            actor_id=who, at=at + timedelta(seconds=n + 1))  # fmt: skip
            made.append(goal)
            if len(self.goals) < 100:
                self.goals.append((str(goal.id), who))
        return made
