"""How the demo's stories are told: each mentee's year is a generator that yields the day it
waits for, and `play` runs the stories side by side, moving the clock day by day.

Every change goes through the application service, so the demo writes exactly the events a
real user would, with their timestamps spread over the year.
"""

from __future__ import annotations

import heapq
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from random import Random
from typing import Any, NamedTuple

from tracker.application import TrackerApplication
from tracker.clock import ManualClock

# A story yields the day (counted from the first day of the demo year) it next acts on.
Story = Generator[int, None, None]


class StoryClock(ManualClock):
    """A ManualClock that moves on a little at every reading, as each step takes a moment."""

    def __init__(self, start: datetime, step: timedelta = timedelta(minutes=3)) -> None:
        super().__init__(start)
        self.step = step

    def __call__(self) -> datetime:
        now = self.now
        self.now += self.step
        return now


def play(stories: Sequence[Story], clock: ManualClock, first_day: date, rng: Random) -> None:
    """Run the stories in the order of their days, each step at a working hour of its day.

    The clock never goes back, so the event log reads in the order things happened.
    """
    queue: list[tuple[datetime, int, Story]] = []
    last_day: dict[int, int] = {}

    def wait(order: int, story: Story) -> None:
        day = next(story, None)
        if day is not None:
            if day < last_day.get(order, 0):
                raise ValueError(f"Story {order} goes back from day {last_day[order]} to {day}.")
            last_day[order] = day
            hour = timedelta(hours=8, seconds=rng.randrange(0, 10 * 3600))
            when = datetime.combine(first_day, time(), clock.now.tzinfo) + timedelta(days=day)
            heapq.heappush(queue, (when + hour, order, story))

    for order, story in enumerate(stories):
        wait(order, story)
    while queue:
        when, order, story = heapq.heappop(queue)
        clock.set(max(clock.now, when))
        wait(order, story)


class Action(NamedTuple):
    """An action item agreed at a check-in: who owns it, what, due in how many days, done?"""

    owner: str  # "mentee" or "mentor"
    text: str
    due_in: int
    done: bool


class Note(NamedTuple):
    by: str  # "mentee" or "mentor"
    text: str
    private: bool = False


@dataclass(frozen=True)
class Meeting:
    """One monthly check-in: the agenda both bring, the four answers, and what came of it."""

    day: int
    now: str
    want: str
    how: str
    doing: str
    agenda: tuple[str, ...] = ()
    mentor_agenda: tuple[str, ...] = ()
    feedback: str = ""
    lesson: str = ""
    actions: tuple[Action, ...] = ()
    notes: tuple[Note, ...] = ()
    moved_from: int | None = None  # first scheduled on this day, then moved, with a reason
    moved_because: str = ""


@dataclass
class Scene:
    """One mentee's year with her mentor: the ids the story needs and short verbs for it."""

    app: TrackerApplication
    mentee: str
    mentor: str
    first_day: date
    mentorship_id: str = ""
    goals: dict[str, str] = field(default_factory=dict)
    milestones: dict[str, tuple[str, str]] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    open_items: list[tuple[str, str, str]] = field(default_factory=list)

    def day(self, n: int) -> date:
        return self.first_day + timedelta(days=n)

    def who(self, part: str) -> str:
        return self.mentee if part == "mentee" else self.mentor

    # The mentorship --------------------------------------------------------------------
    def invite(self, mentor: str, help_wanted: str, duration: str, frequency: str) -> str:
        return self.app.invite_mentor(
            mentee_id=self.mentee,
            mentor_id=mentor,
            help_wanted=help_wanted,
            duration=duration,
            frequency=frequency,
            actor_id=self.mentee,
        ).id

    def accept(self, cadence_days: int, minutes: int, guidance: str) -> None:
        self.app.accept_invitation(
            self.mentorship_id,
            cadence_days=cadence_days,
            meeting_minutes=minutes,
            guidance=guidance,
            actor_id=self.mentor,
        )

    # The plan --------------------------------------------------------------------------
    def edit(self, section: str, reason: str | None = None, **fields: str) -> None:
        self.app.edit_plan_section(
            self.mentee, section=section, fields=fields, reason=reason, actor_id=self.mentee
        )

    def option(self, key: str, title: str, description: str) -> None:
        receipt = self.app.add_option(
            self.mentee, title=title, description=description, actor_id=self.mentee
        )
        self.options[key] = receipt.created["item_id"]

    def research(self, key: str, facts: str, opinions: str | None, sources: str) -> None:
        self.app.research_option(
            self.mentee,
            self.options[key],
            facts=facts,
            opinions=opinions,
            sources=sources,
            actor_id=self.mentee,
        )

    def shortlist(self, key: str) -> None:
        self.app.shortlist_option(self.mentee, self.options[key], actor_id=self.mentee)

    def discard(self, key: str, reason: str) -> None:
        self.app.discard_option(self.mentee, self.options[key], reason=reason, actor_id=self.mentee)

    def supporter(self, name: str, kind: str, brings: str, user_id: str | None = None) -> None:
        self.app.add_supporter(
            self.mentee, name=name, kind=kind, brings=brings, user_id=user_id, actor_id=self.mentee
        )

    def reflect(self, text: str, private: bool = False) -> None:
        self.app.reflect(self.mentee, text=text, private=private, actor_id=self.mentee)

    # Goals -----------------------------------------------------------------------------
    def goal(self, key: str, kind: str, **fields: Any) -> None:
        receipt = self.app.draft_goal(self.mentee, kind=kind, fields=fields, actor_id=self.mentee)
        self.goals[key] = receipt.id

    def revise(self, key: str, reason: str, **changes: Any) -> None:
        self.app.revise_goal(self.goals[key], changes=changes, reason=reason, actor_id=self.mentee)

    def activate(self, key: str) -> None:
        self.app.activate_goal(self.goals[key], actor_id=self.mentee)

    def milestone(self, goal: str, key: str, title: str, due_day: int, *skills: str) -> None:
        receipt = self.app.add_milestone(
            self.goals[goal],
            title=title,
            due=self.day(due_day),
            skills=list(skills),
            actor_id=self.mentee,
        )
        self.milestones[key] = (self.goals[goal], receipt.created["item_id"])

    def slip(self, key: str, due_day: int, reason: str) -> None:
        goal_id, milestone_id = self.milestones[key]
        self.app.reschedule_milestone(
            goal_id, milestone_id, due=self.day(due_day), reason=reason, actor_id=self.mentee
        )

    def complete(self, key: str) -> None:
        goal_id, milestone_id = self.milestones[key]
        self.app.complete_milestone(goal_id, milestone_id, actor_id=self.mentee)

    def feedback(self, goal: str, text: str, by: str | None = None, source: str = "mentor") -> None:
        """Feedback on a goal, from the mentor unless another giver is named."""
        actor = by or self.mentor
        self.app.give_feedback(self.goals[goal], text=text, source=source, actor_id=actor)

    def recognise(self, goal: str, title: str, evidence: str, milestone: str | None = None) -> None:
        milestone_id = self.milestones[milestone][1] if milestone else None
        self.app.recognise_achievement(
            self.goals[goal],
            title=title,
            evidence=evidence,
            milestone_id=milestone_id,
            actor_id=self.mentor,
        )

    # Proposals from the mentor -----------------------------------------------------------
    def propose_goal(self, goal: str, rationale: str, **changes: Any) -> str:
        return self.app.propose_goal_revision(
            self.goals[goal], changes=changes, rationale=rationale, actor_id=self.mentor
        ).id

    def propose_section(self, section: str, rationale: str, **fields: str) -> str:
        return self.app.propose_section_edit(
            self.mentee, section=section, fields=fields, rationale=rationale, actor_id=self.mentor
        ).id

    def accept_proposal(self, proposal_id: str, reason: str | None = None) -> None:
        self.app.accept_proposal(proposal_id, reason=reason, actor_id=self.mentee)

    def decline_proposal(self, proposal_id: str, reason: str) -> None:
        self.app.decline_proposal(proposal_id, reason=reason, actor_id=self.mentee)

    # Check-ins -------------------------------------------------------------------------
    def check_in(self, m: Meeting) -> Story:
        """Scheduled a week ahead, the agenda the day before, then held and written up."""
        first = m.day if m.moved_from is None else m.moved_from
        yield first - 7
        check_in_id = self.app.schedule_check_in(
            self.mentorship_id, scheduled_for=self.day(first), actor_id=self.mentor
        ).id
        if m.moved_from is not None:
            yield first - 2
            self.app.reschedule_check_in(
                check_in_id,
                scheduled_for=self.day(m.day),
                reason=m.moved_because,
                actor_id=self.mentee,
            )
        yield m.day - 1
        self.tick_off_done_items()
        for text in m.agenda:
            self.app.add_agenda_item(check_in_id, text=text, actor_id=self.mentee)
        for text in m.mentor_agenda:
            self.app.add_agenda_item(check_in_id, text=text, actor_id=self.mentor)
        yield m.day
        self.hold(check_in_id, m)

    def hold(self, check_in_id: str, m: Meeting) -> None:
        """The meeting itself: the four answers, then feedback, lessons, actions and notes."""
        answers = {
            "where_are_you_now": m.now,
            "where_do_you_want_to_be": m.want,
            "how_might_you_get_there": m.how,
            "how_are_you_doing": m.doing,
        }
        self.app.answer_four_questions(check_in_id, answers=answers, actor_id=self.mentee)
        self.app.hold_check_in(check_in_id, held_on=self.day(m.day), actor_id=self.mentor)
        if m.feedback:
            self.app.record_check_in_feedback(check_in_id, text=m.feedback, actor_id=self.mentor)
        if m.lesson:
            self.app.record_lesson(check_in_id, text=m.lesson, actor_id=self.mentee)
        for action in m.actions:
            receipt = self.app.assign_action_item(
                check_in_id,
                text=action.text,
                owner_id=self.who(action.owner),
                due=self.day(m.day + action.due_in),
                actor_id=self.mentor,
            )
            if action.done:
                self.open_items.append((check_in_id, receipt.created["item_id"], action.owner))
        for note in m.notes:
            self.app.write_note(
                check_in_id, text=note.text, private=note.private, actor_id=self.who(note.by)
            )

    def tick_off_done_items(self) -> None:
        """Action items that were done get ticked off before the next meeting."""
        for check_in_id, item_id, owner in self.open_items:
            self.app.complete_action_item(check_in_id, item_id, actor_id=self.who(owner))
        self.open_items.clear()

    def cancelled_check_in(self, day: int, reason: str, by: str = "mentee") -> Story:
        yield day - 7
        check_in_id = self.app.schedule_check_in(
            self.mentorship_id, scheduled_for=self.day(day), actor_id=self.mentor
        ).id
        yield day - 1
        self.app.cancel_check_in(check_in_id, reason=reason, actor_id=self.who(by))

    def next_check_in(self, day: int, *agenda: str) -> None:
        """Put the next meeting in the diary (it lies ahead when the demo ends)."""
        check_in_id = self.app.schedule_check_in(
            self.mentorship_id, scheduled_for=self.day(day), actor_id=self.mentor
        ).id
        for text in agenda:
            self.app.add_agenda_item(check_in_id, text=text, actor_id=self.mentee)
