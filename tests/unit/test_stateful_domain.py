"""The whole domain as a state machine: plans, goals, mentorships, check-ins and proposals.

Hypothesis issues commands with valid and invalid inputs, by the right people and by the
wrong ones. A refused command changes nothing; after every step the rules of the domain hold
over the state and the collected events, and replaying those events from scratch gives the
same aggregates. Accepting a proposal changes two aggregates; like the use case, the step
commits both or neither.
"""

from __future__ import annotations

import contextlib
import copy
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate, CanMutateAggregate
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from domain import CheckIn, DomainError, Goal, Mentorship, Plan, Proposal, plan_id_for
from domain.goal import clean_goal_fields
from domain.values import (
    CRITERIA,
    FOUR_QUESTIONS,
    PLAN_SECTIONS,
    REQUIRED_TO_ACTIVATE,
    GoalKind,
    GoalStatus,
    MentorshipStatus,
    ProposalStatus,
    ProposalTarget,
)

Event = CanMutateAggregate[UUID]
MENTEES = ("ada", "bo")
MENTORS = ("grace", "hal")
EVERYONE = (*MENTEES, *MENTORS, "eve")
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


class LongText(str):
    """Text one character over the limit, printed briefly in Hypothesis' reports."""

    def __repr__(self) -> str:
        return "TOO_LONG"


TOO_LONG = LongText("x" * 20_001)

# Mostly good values; sometimes blank, missing, too long, out of range or of the wrong type.
texts = st.sampled_from(["Lead the team", "Two releases", "With a coach", "Ship it", "", None])
odd_texts = texts | texts | texts | st.sampled_from([TOO_LONG, 42, "\u00e9t\u00e9 \U0001f331"])
dates = st.dates(min_value=date(2024, 6, 1), max_value=date(2026, 12, 31))
odd_dates = dates | dates | dates | st.sampled_from([START, "2025-02-30", None])
SOURCES = ("mentor", "mentee", "support", "boss")
numbers = (
    st.integers(min_value=5, max_value=366)
    | st.integers(min_value=5, max_value=366)
    | st.sampled_from([-2, 0, 481, True, 1.5, "30"])
)
# Who acts: usually the one who should (0-6), otherwise anybody at all.
# (sampled, not integers: Hypothesis favours the ends of an integer range.)
whos = st.sampled_from(range(10))
picks = st.sampled_from(range(64))
# A goal's kind with its criteria (all of them, in good or bad words), or now and then a
# kind that does not exist.
goal_drafts = st.sampled_from([*GoalKind, *GoalKind, "okr"]).flatmap(
    lambda kind: st.tuples(
        st.just(kind if isinstance(kind, str) else kind.value),
        st.fixed_dictionaries(dict.fromkeys(CRITERIA.get(kind, ("specific",)), texts)),  # type: ignore[call-overload]
    )
)


def revisions(kind: GoalKind) -> st.SearchStrategy[dict[str, Any]]:
    """Changes to a goal of this kind: its own fields mostly, now and then one it lacks."""
    values: dict[str, st.SearchStrategy[Any]] = {
        "title": odd_texts,
        "target_date": odd_dates,
        "stretch": st.sampled_from([True, False, "yes"]),
        "serves": st.sampled_from(["section:vision_statement", "section:nowhere", None]),
        "budget": st.just("1000 EUR"),
    }
    values |= dict.fromkeys(CRITERIA[kind], texts)
    # Criteria twice, so that most revisions touch what the framework asks for.
    names = st.sampled_from([*values, *CRITERIA[kind]])
    return st.lists(names, min_size=1, max_size=3, unique=True).flatmap(
        lambda keys: st.fixed_dictionaries({key: values[key] for key in keys})
    )


# What an achieved or abandoned goal refuses until it is reopened (its milestones may still
# be completed, dropped or moved, and feedback and recognition still come).
CLOSED_GOALS_REFUSE = (
    "Goal.Revised",
    "Goal.MilestoneAdded",
    "Goal.Activated",
    "Goal.Deferred",
    "Goal.Achieved",
    "Goal.Abandoned",
)
# The commands of each aggregate, the common ones more than once.
PLAN_COMMANDS = (
    "edit_section", "edit_section", "add_option", "research_option", "shortlist_option",
    "discard_option", "add_supporter", "remove_supporter", "reflect",
)  # fmt: skip
GOAL_COMMANDS = (
    "revise", "revise", "activate", "activate", "achieve", "defer", "reopen", "reopen",
    "abandon", "add_milestone", "add_milestone", "reschedule_milestone", "complete_milestone",
    "complete_milestone", "drop_milestone", "give_feedback", "recognise_achievement",
)  # fmt: skip
CHECK_IN_COMMANDS = (
    "reschedule", "add_agenda_item", "answer", "hold", "cancel", "record_feedback",
    "record_lesson", "assign_action_item", "complete_action_item", "write_note",
)  # fmt: skip
# Anyone may give feedback on a goal or recognise it (a mentor, a member of the network).
ANYONE_MAY = ("give_feedback", "recognise_achievement")


def acting(proper: str, who: int) -> str:
    """The one who should act, or (for who >= 7) anybody, often someone who may not."""
    return proper if who < 7 else EVERYONE[who % len(EVERYONE)]


def rendering(aggregate: Aggregate) -> dict[str, Any]:
    """Everything an aggregate holds but its uncollected events, as a deep copy."""
    return copy.deepcopy({k: v for k, v in vars(aggregate).items() if k != "_pending_events"})


def name_of(event: Event) -> str:
    return type(event).__qualname__  # e.g. "Goal.Revised"


def some(cls: type[Aggregate]) -> Any:
    """Run the rule only when there is such an aggregate to run it on."""
    return precondition(lambda machine: bool(machine.all_of(cls)))


class MentoringMachine(RuleBasedStateMachine):
    """The domain's aggregates, the events they emitted, and the rules over both."""

    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.aggregates: dict[UUID, Aggregate] = {}
        self.log: list[Event] = []

    # Machinery -----------------------------------------------------------------------------
    def at(self) -> datetime:
        self.now += timedelta(hours=7)
        return self.now

    def all_of(self, cls: type[Any]) -> list[Any]:
        return [a for a in self.aggregates.values() if isinstance(a, cls)]

    def one_of(self, cls: type[Any], pick: int) -> Any:
        found = self.all_of(cls)
        return found[pick % len(found)]

    def save(self, *aggregates: Aggregate) -> None:
        for aggregate in aggregates:
            self.aggregates[aggregate.id] = aggregate
            self.log.extend(aggregate.collect_events())

    def attempt(self, target: Aggregate, command: str, **kwargs: Any) -> None:
        """Run one command on one aggregate: saved if allowed, untouched if refused."""
        before = rendering(target)
        try:
            getattr(target, command)(**kwargs, at=self.at())
        except DomainError:
            assert rendering(target) == before
            assert target.collect_events() == []
            return
        self.save(target)

    def create(self, factory: Callable[..., Aggregate], **kwargs: Any) -> None:
        with contextlib.suppress(DomainError):
            self.save(factory(**kwargs, at=self.at()))

    @staticmethod
    def item(items: dict[str, Any], pick: int) -> str:
        """An id the aggregate holds, or (for pick 0 or when it holds none) an unknown one."""
        ids = list(items)
        return ids[pick % len(ids)] if ids and pick else str(uuid4())

    @initialize()
    def ada_has_begun(self) -> None:
        """Ada's plan, a goal ready to activate and a mentorship, so every rule has work."""
        ada, grace, at = MENTEES[0], MENTORS[0], self.at()
        ready = {"title": "Lead", "specific": "5 people", "measurable": "2 releases"}
        mentorship = Mentorship.invite(
            mentee_id=ada, mentor_id=grace, help_wanted="Management", duration="a year",
            frequency="monthly", actor_id=ada, at=at,
        )  # fmt: skip
        mentorship.accept(
            cadence_days=30, meeting_minutes=60, guidance="career", actor_id=grace, at=at
        )
        self.save(
            Plan.start(mentee_id=ada, actor_id=ada, at=at),
            Goal.draft(
                mentee_id=ada, kind=GoalKind.SMARTY, actor_id=ada, at=at,
                fields={**ready, "target_date": date(2025, 12, 31)},
            ),
            mentorship,
        )  # fmt: skip

    # Plans ---------------------------------------------------------------------------------
    @precondition(lambda m: len(m.all_of(Plan)) < len(MENTEES))
    @rule(mentee=st.sampled_from(MENTEES), who=whos)
    def start_plan(self, mentee: str, who: int) -> None:
        if plan_id_for(mentee) not in self.aggregates:  # the use case refuses a second plan
            self.create(Plan.start, mentee_id=mentee, actor_id=acting(mentee, who))

    @some(Plan)
    @rule(
        pick=picks, command=st.sampled_from(PLAN_COMMANDS), text=odd_texts, item=picks,
        section=st.sampled_from([*PLAN_SECTIONS, "secrets"]), who=whos,
    )  # fmt: skip
    def plan_command(
        self, pick: int, command: str, text: Any, item: int, section: str, who: int
    ) -> None:
        plan: Plan = self.one_of(Plan, pick)
        option = self.item(plan.options, item)
        names = PLAN_SECTIONS.get(section, ("anything",))
        kwargs = {
            "edit_section": {
                "section": section, "fields": {names[item % len(names)]: text}, "reason": "Grew"
            },
            "add_option": {"title": text, "description": None},
            "research_option": {
                "option_id": option, "facts": text, "opinions": None, "sources": None
            },
            "shortlist_option": {"option_id": option},
            "discard_option": {"option_id": option, "reason": text},
            "add_supporter": {
                "name": text, "kind": ("person", "resource", "robot")[item % 3],
                "brings": "Contacts", "user_id": None,
            },
            "remove_supporter": {
                "member_id": self.item(plan.support_network, item), "reason": text
            },
            "reflect": {"text": text, "private": item % 2 == 0},
        }[command]  # fmt: skip
        self.attempt(plan, command, **kwargs, actor_id=acting(plan.mentee_id, who))

    # Goals ---------------------------------------------------------------------------------
    @some(Plan)
    @precondition(lambda m: len(m.all_of(Goal)) < 4)
    @rule(pick=picks, draft=goal_drafts, title=odd_texts, target_date=odd_dates, who=whos)
    def draft_goal(
        self, pick: int, draft: tuple[str, dict[str, Any]], title: Any, target_date: Any, who: int
    ) -> None:
        mentee = self.one_of(Plan, pick).mentee_id  # the use case drafts into a started plan
        kind, criteria = draft
        fields = {"title": title, "target_date": target_date, **criteria}
        actor = acting(mentee, who)
        self.create(Goal.draft, mentee_id=mentee, kind=kind, fields=fields, actor_id=actor)

    @some(Goal)
    @rule(
        pick=picks, command=st.sampled_from(GOAL_COMMANDS), data=st.data(), text=texts,
        day=odd_dates, item=picks, who=whos,
    )  # fmt: skip
    def goal_command(
        self, pick: int, command: str, data: st.DataObject, text: Any, day: Any, item: int,
        who: int,
    ) -> None:  # fmt: skip
        goal: Goal = self.one_of(Goal, pick)
        milestone = self.item(goal.milestones, item)
        kwargs = {
            "revise": lambda: {"changes": data.draw(revisions(goal.kind)), "reason": text},
            "activate": dict,
            "achieve": lambda: {"evidence": text},
            "add_milestone": lambda: {"title": text, "due": day, "skills": ["SQL"]},
            "reschedule_milestone": lambda: {"milestone_id": milestone, "due": day, "reason": text},
            "complete_milestone": lambda: {"milestone_id": milestone},
            "drop_milestone": lambda: {"milestone_id": milestone, "reason": text},
            "give_feedback": lambda: {"text": text, "source": SOURCES[item % len(SOURCES)]},
            "recognise_achievement": lambda: {
                "title": "Well done", "evidence": text,
                "milestone_id": milestone if item % 2 else None,
            },
        }.get(command, lambda: {"reason": text})()  # fmt: skip
        proper = EVERYONE[who % len(EVERYONE)] if command in ANYONE_MAY else goal.mentee_id
        self.attempt(goal, command, **kwargs, actor_id=acting(proper, who))

    # Mentorships and check-ins -------------------------------------------------------------
    @precondition(lambda m: len(m.all_of(Mentorship)) < 3)
    @rule(
        mentee=st.sampled_from(MENTEES), mentor=st.sampled_from(EVERYONE), ask=odd_texts,
        who=whos,
    )  # fmt: skip
    def invite(self, mentee: str, mentor: str, ask: Any, who: int) -> None:
        self.create(
            Mentorship.invite, mentee_id=mentee, mentor_id=mentor, help_wanted=ask,
            duration="a year", frequency="monthly", actor_id=acting(mentee, who),
        )  # fmt: skip

    @some(Mentorship)
    @rule(
        pick=picks, command=st.sampled_from(["accept", "decline", "change_agreement", "end"]),
        cadence=numbers, minutes=numbers, text=odd_texts, who=whos, side=st.booleans(),
    )  # fmt: skip
    def mentorship_command(
        self, pick: int, command: str, cadence: Any, minutes: Any, text: Any, who: int, side: bool
    ) -> None:
        m: Mentorship = self.one_of(Mentorship, pick)
        terms = {"cadence_days": cadence, "meeting_minutes": minutes, "guidance": "career"}
        kwargs = {"accept": terms, "change_agreement": {**terms, "reason": text}}.get(
            command, {"reason": text}
        )
        proper = m.mentor_id if command in ("accept", "decline") or side else m.mentee_id
        self.attempt(m, command, **kwargs, actor_id=acting(proper, who))

    @some(Mentorship)
    @precondition(lambda m: len(m.all_of(CheckIn)) < 3)
    @rule(pick=picks, day=odd_dates, who=whos, side=st.booleans())
    def schedule_check_in(self, pick: int, day: Any, who: int, side: bool) -> None:
        m: Mentorship = self.one_of(Mentorship, pick)
        actor = acting(m.participants[side], who)
        self.create(CheckIn.schedule, mentorship=m, scheduled_for=day, actor_id=actor)

    @some(CheckIn)
    @rule(
        pick=picks, command=st.sampled_from(CHECK_IN_COMMANDS), text=odd_texts, day=odd_dates,
        item=picks, who=whos, private=st.sampled_from([True, False, "yes"]),
    )  # fmt: skip
    def check_in_command(
        self, pick: int, command: str, text: Any, day: Any, item: int, who: int, private: Any
    ) -> None:
        c: CheckIn = self.one_of(CheckIn, pick)
        question = (*FOUR_QUESTIONS, "what_is_your_salary")[item % 5]
        kwargs = {
            "reschedule": {"scheduled_for": day, "reason": "Travel"},
            "answer": {"answers": {question: text}},
            "hold": {"held_on": day},
            "cancel": {"reason": text},
            "assign_action_item": {
                "text": text, "owner_id": acting(c.mentee_id, item % 10), "due": day
            },
            "complete_action_item": {"item_id": self.item(c.action_items, item)},
            "write_note": {"text": text, "private": private},
        }.get(command, {"text": text})  # fmt: skip
        self.attempt(c, command, **kwargs, actor_id=acting(c.participants[item % 2], who))

    # Proposals -----------------------------------------------------------------------------
    @some(Plan)
    @precondition(lambda m: len(m.all_of(Proposal)) < 4)
    @rule(
        pick=picks, to_goal=st.booleans(), data=st.data(), text=texts,
        section=st.sampled_from([*PLAN_SECTIONS, "secrets"]), actor=st.sampled_from(EVERYONE),
    )  # fmt: skip
    def propose(
        self, pick: int, to_goal: bool, data: st.DataObject, text: Any, section: str, actor: str
    ) -> None:
        target: Goal | Plan = self.one_of(Goal if to_goal else Plan, pick)
        if isinstance(target, Goal):
            changes = data.draw(revisions(target.kind))
            try:
                clean_goal_fields(target.kind, changes)  # the use case checks them first
            except DomainError:
                return
        else:
            changes = {PLAN_SECTIONS.get(section, ("anything",))[0]: text}
        self.create(
            Proposal.make, mentee_id=target.mentee_id, target_id=str(target.id),
            target=ProposalTarget.GOAL if to_goal else ProposalTarget.PLAN_SECTION,
            section=None if to_goal else section, changes=changes, rationale="Fits better",
            based_on_version=target.version, actor_id=actor,
        )  # fmt: skip

    @some(Proposal)
    @rule(
        pick=picks, command=st.sampled_from(["accept", "accept", "decline", "withdraw"]),
        reason=texts, who=whos,
    )  # fmt: skip
    def decide(self, pick: int, command: str, reason: Any, who: int) -> None:
        p: Proposal = self.one_of(Proposal, pick)
        actor = acting(p.proposed_by if command == "withdraw" else p.mentee_id, who)
        if command == "accept":
            self.accept(p, reason, actor)
        else:
            self.attempt(p, command, reason=reason, actor_id=actor)

    def accept(self, proposal: Proposal, reason: Any, actor: str) -> None:
        """Decision and applied change in one step, on copies: both are kept or neither."""
        p = copy.deepcopy(proposal)
        target = copy.deepcopy(self.aggregates[UUID(p.target_id)])
        at, credit = self.at(), {"proposal_id": str(p.id), "proposed_by": p.proposed_by}
        try:
            why = p.accept(reason=reason, actor_id=actor, at=at)
            if isinstance(target, Goal):
                target.revise(changes=p.changes, reason=why, actor_id=actor, at=at, **credit)
            elif isinstance(target, Plan):
                target.edit_section(
                    section=str(p.section), fields=p.changes, reason=why, actor_id=actor, at=at,
                    **credit,
                )  # fmt: skip
        except DomainError:
            return
        self.save(p, target)

    # Rules that always hold ----------------------------------------------------------------
    @invariant()
    def replay_gives_the_same_state(self) -> None:
        by_stream: dict[UUID, list[Event]] = defaultdict(list)
        for event in self.log:
            by_stream[event.originator_id].append(event)
        assert set(by_stream) == set(self.aggregates)
        for stream_id, events in by_stream.items():
            replayed: Any = None
            for event in events:
                replayed = event.mutate(replayed)
            assert rendering(replayed) == rendering(self.aggregates[stream_id])
            assert self.aggregates[stream_id].version == len(events)

    @invariant()
    def goals_keep_their_rules(self) -> None:
        completions = Counter(
            e.milestone_id
            for e in self.log
            if name_of(e) == "Goal.MilestoneCompleted"  # type: ignore[attr-defined]
        )
        assert all(n == 1 for n in completions.values()), "a milestone completed twice"
        for goal in self.all_of(Goal):
            if goal.status in (GoalStatus.ACTIVE, GoalStatus.ACHIEVED):
                assert all(goal.fields[f] for f in REQUIRED_TO_ACTIVATE[goal.kind])
            if goal.kind == GoalKind.SMARTY and goal.status == GoalStatus.ACTIVE:
                assert goal.fields["measurable"]
                assert goal.fields["target_date"]
            for milestone in goal.milestones.values():
                assert (milestone["completed_on"] is not None) == (
                    milestone["status"] == "completed"
                )

    @invariant()
    def closed_goals_are_not_revised_until_reopened(self) -> None:
        closed: set[UUID] = set()
        for event in self.log:
            name, goal_id = name_of(event), event.originator_id
            if goal_id in closed:
                assert name not in CLOSED_GOALS_REFUSE, f"{name} on a closed goal"
            if name in ("Goal.Achieved", "Goal.Abandoned"):
                closed.add(goal_id)
            elif name == "Goal.Reopened":
                closed.discard(goal_id)

    @invariant()
    def only_participants_act(self) -> None:
        for event in self.log:
            owner = self.aggregates[event.originator_id]
            actor, name = event.actor_id, name_of(event)  # type: ignore[attr-defined]
            if isinstance(owner, Plan | Goal) and name not in (
                "Goal.FeedbackGiven",
                "Goal.AchievementRecognised",
            ):
                assert actor == owner.mentee_id, name
            elif isinstance(owner, Mentorship):
                allowed = {
                    "Mentorship.Invited": {owner.mentee_id},
                    "Mentorship.Accepted": {owner.mentor_id},
                    "Mentorship.Declined": {owner.mentor_id},
                }.get(name, set(owner.participants))
                assert actor in allowed, name
            elif isinstance(owner, CheckIn):
                assert actor in owner.participants, name
            elif isinstance(owner, Proposal):
                assert (actor == owner.mentee_id) == (
                    name in ("Proposal.Accepted", "Proposal.Declined")
                ), name

    @invariant()
    def decisions_are_final_and_credited(self) -> None:
        credited = Counter(getattr(e, "proposal_id", None) for e in self.log)
        decided: set[UUID] = set()
        for event in self.log:
            if isinstance(self.aggregates[event.originator_id], Proposal):
                assert event.originator_id not in decided, "a proposal decided twice"
                if name_of(event) != "Proposal.Made":
                    decided.add(event.originator_id)
        for p in self.all_of(Proposal):
            assert credited[str(p.id)] == (1 if p.status == ProposalStatus.ACCEPTED else 0)

    @invariant()
    def check_ins_only_in_active_mentorships(self) -> None:
        status: dict[str, str] = {}
        closed: set[UUID] = set()
        for event in self.log:
            name = name_of(event)
            if name.startswith("Mentorship."):
                status[str(event.originator_id)] = name
            elif name == "CheckIn.Scheduled":
                last = status[event.mentorship_id]  # type: ignore[attr-defined]
                assert last in ("Mentorship.Accepted", "Mentorship.AgreementChanged")
            elif name.startswith("CheckIn."):
                assert event.originator_id not in closed, f"{name} after cancel"
                if name == "CheckIn.Cancelled":
                    closed.add(event.originator_id)
        for m in self.all_of(Mentorship):
            assert (m.agreement is not None) == (
                m.status in (MentorshipStatus.ACTIVE, MentorshipStatus.ENDED)
            )


MentoringMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=40, deadline=None
)
TestMentoringDomain = MentoringMachine.TestCase
