"""Random plan histories for property tests: domain commands drawn by hypothesis.

Two mentees share one event log (so routing by stream matters); a command the domain
refuses (a DomainError) is simply skipped, as a user's refused command writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from hypothesis import strategies as st

from domain import DomainError, Goal, Plan, Proposal
from domain.values import PLAN_SECTIONS, FeedbackSource, GoalKind, ProposalTarget, SupportKind
from tests.unit.projections.plan_story import Story

MENTEES = ("ana", "ben")
MENTOR = "maria"
WORDS = st.sampled_from(["data", "lead", "team", "ship", "learn", "plan", "grow", "care"])
TEXT = st.lists(WORDS, min_size=1, max_size=9).map(" ".join)
DUE = st.integers(min_value=0, max_value=400).map(lambda d: date(2025, 1, 1) + timedelta(days=d))


@dataclass
class World:
    story: Story
    plans: dict[str, Plan] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


def _pick(data: st.DataObject, items: list) -> object:  # type: ignore[type-arg]
    # By index: aggregates are not hashable, which sampled_from would need.
    return items[data.draw(st.integers(0, len(items) - 1))]


def edit_section(w: World, data: st.DataObject) -> None:
    plan = w.plans[data.draw(st.sampled_from(MENTEES))]
    section = data.draw(st.sampled_from(sorted(PLAN_SECTIONS)))
    name = data.draw(st.sampled_from(PLAN_SECTIONS[section]))
    plan.edit_section(
        section=section,
        fields={name: data.draw(TEXT)},
        reason=data.draw(st.none() | TEXT),
        actor_id=plan.mentee_id,
        at=w.story.later(0.3),
    )
    w.story.save(plan)


def plan_items(w: World, data: st.DataObject) -> None:
    plan = w.plans[data.draw(st.sampled_from(MENTEES))]
    me, at = plan.mentee_id, w.story.later(0.2)
    choice = data.draw(st.integers(0, 4))
    if choice == 0 or not plan.options:
        plan.add_option(title=data.draw(TEXT), description=None, actor_id=me, at=at)
    elif choice == 1:
        option = str(_pick(data, sorted(plan.options)))
        plan.research_option(
            option_id=option, facts="f", opinions="o", sources=None, actor_id=me, at=at
        )
    elif choice == 2:
        plan.shortlist_option(option_id=str(_pick(data, sorted(plan.options))), actor_id=me, at=at)
    elif choice == 3:
        plan.add_supporter(
            name="Jo", kind=SupportKind.RESOURCE, brings="maps", user_id=None, actor_id=me, at=at
        )
    else:
        plan.reflect(text=data.draw(TEXT), private=data.draw(st.booleans()), actor_id=me, at=at)
    w.story.save(plan)


def draft_goal(w: World, data: st.DataObject) -> None:
    mentee = data.draw(st.sampled_from(MENTEES))
    kind = data.draw(st.sampled_from(list(GoalKind)))
    fields = {"title": data.draw(TEXT)}
    if kind == GoalKind.SMARTY:
        fields.update(specific=data.draw(TEXT), measurable="yes", target_date=data.draw(DUE))
    else:
        fields.update(relevant=data.draw(TEXT), actionable="yes")
    goal = Goal.draft(
        mentee_id=mentee, kind=kind, fields=fields, actor_id=mentee, at=w.story.later(0.5)
    )
    w.goals.append(goal)
    w.story.save(goal)


def change_goal(w: World, data: st.DataObject) -> None:
    goal: Goal = _pick(data, w.goals)  # type: ignore[assignment]
    me, at = goal.mentee_id, w.story.later(0.4)
    step = data.draw(st.integers(0, 7))
    planned = [m for m, v in goal.milestones.items() if v["status"] == "planned"]
    if step == 0:
        goal.revise(changes={"title": data.draw(TEXT)}, reason="clearer", actor_id=me, at=at)
    elif step == 1:
        goal.activate(actor_id=me, at=at)
    elif step == 2:
        goal.achieve(evidence=None, actor_id=me, at=at)
    elif step == 3 and data.draw(st.booleans()):
        goal.defer(reason="later", actor_id=me, at=at)
    elif step == 3:
        goal.reopen(reason="again", actor_id=me, at=at)
    elif step == 4 or not planned:
        goal.add_milestone(
            title=data.draw(TEXT), due=data.draw(DUE), skills=["sql"], actor_id=me, at=at
        )
    elif step == 5:
        goal.reschedule_milestone(
            milestone_id=planned[0], due=data.draw(DUE), reason="slip", actor_id=me, at=at
        )
    elif step == 6:
        goal.complete_milestone(milestone_id=planned[-1], actor_id=me, at=at)
    else:
        goal.give_feedback(
            text=data.draw(TEXT), source=FeedbackSource.MENTOR, actor_id=MENTOR, at=at
        )
    w.story.save(goal)


def propose(w: World, data: st.DataObject) -> None:
    goal: Goal = _pick(data, w.goals)  # type: ignore[assignment]
    proposal = Proposal.make(
        mentee_id=goal.mentee_id,
        target=ProposalTarget.GOAL,
        target_id=str(goal.id),
        section=None,
        changes={"title": data.draw(TEXT)},
        rationale="sharper",
        based_on_version=goal.version,
        actor_id=MENTOR,
        at=w.story.later(0.1),
    )
    w.proposals.append(proposal)
    w.story.save(proposal)


def decide(w: World, data: st.DataObject) -> None:
    proposal: Proposal = _pick(data, w.proposals)  # type: ignore[assignment]
    at = w.story.later(0.1)
    if data.draw(st.booleans()):
        proposal.decline(reason="not now", actor_id=proposal.mentee_id, at=at)
        w.story.save(proposal)
        return
    goal = next(g for g in w.goals if str(g.id) == proposal.target_id)
    why = proposal.accept(reason=None, actor_id=proposal.mentee_id, at=at)
    # If the revision is refused the application saves neither event: random_world drops both.
    goal.revise(
        changes=proposal.changes,
        reason=why,
        actor_id=proposal.mentee_id,
        at=at,
        proposal_id=str(proposal.id),
        proposed_by=MENTOR,
    )
    w.story.save(proposal, goal)


STEPS: list[Callable[[World, st.DataObject], None]] = [
    edit_section,
    plan_items,
    draft_goal,
    change_goal,
    propose,
    decide,
]


def random_world(data: st.DataObject, max_steps: int = 40) -> World:
    """A history of both mentees' plans built from up to `max_steps` random commands."""
    world = World(Story())
    for mentee in MENTEES:
        world.plans[mentee] = world.story.plan(mentee)
    for _ in range(data.draw(st.integers(0, max_steps))):
        available = [s for s in STEPS if s not in (change_goal, propose) or world.goals]
        if not world.proposals:
            available = [s for s in available if s is not decide]
        step = data.draw(st.sampled_from(available))
        try:
            step(world, data)
        except DomainError:
            for aggregate in (*world.plans.values(), *world.goals, *world.proposals):
                aggregate.collect_events()  # nothing was emitted; keep it that way
    return world
