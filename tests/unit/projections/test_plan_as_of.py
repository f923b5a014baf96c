"""Plan as of any date or position, and the plan diff: built from real domain events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.values import SupportKind
from projections.plan_as_of import PlanAsOfProjection, plan_as_of, plan_diff, state_as_of
from projections.plan_as_of_checkpoints import SCALARS_ONLY, TOUCHES
from projections.plan_state import HANDLERS, replay
from projections.records import jsonable
from projections.store import Entry, MemoryViewStore
from tests.unit.projections.plan_story import SMARTY_READY, Story, project
from tests.unit.projections.random_story import MENTEES, random_world


def new_view(checkpoint_every: int = 64, full_every: int = 16) -> PlanAsOfProjection:
    projection = PlanAsOfProjection(MemoryViewStore("plan_as_of"))
    projection.checkpoint_every = checkpoint_every
    projection.full_every = full_every
    return projection


def as_json(value: Any) -> Any:
    """Compare states the way they are stored."""
    return json.loads(json.dumps(value))


@pytest.fixture
def story() -> Story:
    return Story()


def test_the_plan_as_of_a_position_shows_each_section_as_it_stood(story: Story) -> None:
    plan = story.plan("ana")
    plan.edit_section(
        section="vision_statement",
        fields={"statement": "Build data tools"},
        reason=None,
        actor_id="ana",
        at=story.later(),
    )
    (first,) = story.save(plan)
    plan.edit_section(
        section="vision_statement",
        fields={"statement": "Lead a data team"},
        reason="promotion",
        actor_id="ana",
        at=story.later(),
    )
    story.save(plan)
    view = new_view()
    project(view, story.records)

    then = plan_as_of(view.view, "ana", viewer_id="ana", position=first.position)
    now = plan_as_of(view.view, "ana", viewer_id="ana")

    assert then is not None
    assert now is not None
    assert then["sections"]["vision_statement"] == {"statement": "Build data tools"}
    assert now["sections"]["vision_statement"] == {"statement": "Lead a data team"}
    assert then["as_of"]["position"] == first.position


def test_the_plan_as_of_a_date_shows_goals_milestones_and_pending_proposals(story: Story) -> None:
    story.plan("ana")
    goal = story.goal("ana", "Become a data engineer", **SMARTY_READY)
    milestone = goal.add_milestone(
        title="Finish the SQL course",
        due=date(2025, 3, 1),
        skills=["sql"],
        actor_id="ana",
        at=story.later(),
    )
    story.save(goal)
    proposal = story.propose(goal, "maria", {"target_date": date(2025, 9, 30)}, "Too tight")
    before_accepting = story.now
    story.later(3)
    story.accept(proposal, goal)
    view = new_view()
    project(view, story.records)

    then = plan_as_of(view.view, "ana", viewer_id="maria", when=before_accepting)
    now = plan_as_of(view.view, "ana", viewer_id="maria")

    assert then is not None
    assert now is not None
    (goal_then,) = then["goals"]
    assert goal_then["fields"]["target_date"] == "2025-06-30"
    assert goal_then["milestones"][0]["id"] == milestone
    assert goal_then["milestones"][0]["due"] == "2025-03-01"
    assert [p["id"] for p in then["pending_proposals"]] == [str(proposal.id)]
    assert now["goals"][0]["fields"]["target_date"] == "2025-09-30"
    assert now["pending_proposals"] == []


def test_before_the_plan_was_started_there_is_no_plan(story: Story) -> None:
    story.plan("ana")
    view = new_view()
    project(view, story.records)

    assert plan_as_of(view.view, "ana", viewer_id="ana", when=story.now - timedelta(days=1)) is None
    assert plan_as_of(view.view, "nobody", viewer_id="nobody") is None


def test_a_private_reflection_is_seen_by_its_author_only(story: Story) -> None:
    plan = story.plan("ana")
    plan.reflect(text="I doubt myself", private=True, actor_id="ana", at=story.later())
    plan.reflect(text="Good month", private=False, actor_id="ana", at=story.later())
    story.save(plan)
    view = new_view()
    project(view, story.records)

    mine = plan_as_of(view.view, "ana", viewer_id="ana")
    mentors = plan_as_of(view.view, "ana", viewer_id="maria")
    diff_for_mentor = plan_diff(view.view, "ana", viewer_id="maria", since=0)

    assert mine is not None
    assert mentors is not None
    assert [r["text"] for r in mine["reflections"]] == ["I doubt myself", "Good month"]
    assert [r["text"] for r in mentors["reflections"]] == ["Good month"]
    assert "I doubt myself" not in json.dumps(diff_for_mentor)


def test_the_plan_state_agrees_with_the_aggregates(story: Story) -> None:
    plan = story.plan("ana")
    plan.edit_section(
        section="three_circles",
        fields={"good_at": "SQL"},
        reason=None,
        actor_id="ana",
        at=story.later(),
    )
    option = plan.add_option(title="Data team", description=None, actor_id="ana", at=story.later())
    plan.research_option(
        option_id=option,
        facts="hiring",
        opinions=None,
        sources="HR",
        actor_id="ana",
        at=story.later(),
    )
    member = plan.add_supporter(
        name="Library",
        kind=SupportKind.RESOURCE,
        brings="books",
        user_id=None,
        actor_id="ana",
        at=story.later(),
    )
    plan.remove_supporter(member_id=member, reason="moved", actor_id="ana", at=story.later())
    story.save(plan)
    goal = story.goal("ana", "Lead a pipeline", **SMARTY_READY)
    goal.activate(actor_id="ana", at=story.later())
    ms = goal.add_milestone(
        title="Course", due=date(2025, 4, 1), skills=["sql"], actor_id="ana", at=story.later()
    )
    goal.reschedule_milestone(
        milestone_id=ms, due=date(2025, 5, 1), reason="busy", actor_id="ana", at=story.later()
    )
    goal.complete_milestone(milestone_id=ms, actor_id="ana", at=story.later())
    story.save(goal)

    state = replay(story.records, "ana")

    assert state["sections"] == plan.sections
    assert state["options"] == jsonable(plan.options)
    assert state["support_network"] == {}
    (goal_state,) = state["goals"].values()
    assert goal_state["fields"] == jsonable(goal.fields)
    assert goal_state["status"] == goal.status.value
    assert goal_state["milestones"] == jsonable(goal.milestones)


def test_the_diff_names_what_was_added_removed_and_changed(story: Story) -> None:
    plan = story.plan("ana")
    plan.edit_section(
        section="vision_statement",
        fields={"statement": "Tools"},
        reason=None,
        actor_id="ana",
        at=story.later(),
    )
    member = plan.add_supporter(
        name="Meetup",
        kind=SupportKind.RESOURCE,
        brings="peers",
        user_id=None,
        actor_id="ana",
        at=story.later(),
    )
    story.save(plan)
    kept = story.goal("ana", "Learn Spark", **SMARTY_READY)
    middle = story.now
    plan.edit_section(
        section="vision_statement",
        fields={"statement": "Teams"},
        reason="grew",
        actor_id="ana",
        at=story.later(),
    )
    plan.edit_section(
        section="purpose_question",
        fields={"question": "Does it help?"},
        reason=None,
        actor_id="ana",
        at=story.later(),
    )
    plan.remove_supporter(member_id=member, reason="ended", actor_id="ana", at=story.later())
    story.save(plan)
    kept.revise(
        changes={"title": "Master Spark"}, reason="bolder", actor_id="ana", at=story.later()
    )
    story.save(kept)
    added = story.goal("ana", "Speak at a meetup")
    view = new_view()
    project(view, story.records)

    diff = plan_diff(view.view, "ana", viewer_id="ana", since=middle)

    assert diff["sections"] == {
        "purpose_question": {"added": {"question": "Does it help?"}},
        "vision_statement": {"changed": {"statement": {"from": "Tools", "to": "Teams"}}},
    }
    assert [g["id"] for g in diff["goals"]["added"]] == [str(added.id)]
    (changed,) = diff["goals"]["changed"]
    assert changed["title"] == "Master Spark"
    assert changed["changes"]["changed"]["fields"] == {
        "changed": {"title": {"from": "Learn Spark", "to": "Master Spark"}}
    }
    assert [m["name"] for m in diff["support_network"]["removed"]] == ["Meetup"]


class CountingStore(MemoryViewStore):
    """Counts the delta entries an "as of" query reads."""

    read = 0

    def entries(
        self, partition: str, kinds: Iterable[str] | None = None, *args: Any, **kw: Any
    ) -> list[Entry]:
        found = super().entries(partition, kinds, *args, **kw)
        self.read += sum(entry.kind == "delta" for entry in found)
        return found


def test_as_of_reads_at_most_one_checkpoint_interval_of_deltas(story: Story) -> None:
    plan = story.plan("ana")
    for n in range(200):
        plan.edit_section(
            section="purpose_question",
            fields={"question": f"Q{n}?"},
            reason=None,
            actor_id="ana",
            at=story.later(),
        )
    story.save(plan)
    store = CountingStore("plan_as_of")
    view = PlanAsOfProjection(store)
    view.checkpoint_every = 16
    project(view, story.records)

    for position in (1, 17, 100, 150, 201):
        store.read = 0
        state = state_as_of(store, "ana", position=position)
        assert store.read < 16
        expected = f"Q{position - 2}?" if position > 1 else None
        assert state["sections"].get("purpose_question", {}).get("question") == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    checkpoint_every=st.integers(min_value=1, max_value=6),
    full_every=st.integers(min_value=1, max_value=12),  # above FULL_EVERY too
)
def test_as_of_every_moment_equals_a_fresh_replay_up_to_it(
    data: st.DataObject, checkpoint_every: int, full_every: int
) -> None:
    records = random_world(data).story.records
    view = new_view(checkpoint_every, full_every)
    project(view, records)

    for mentee in MENTEES:
        assert view.view.get(f"plan:{mentee}") == as_json(replay(records, mentee))
        for t in range(len(records) + 1):
            expected = as_json(replay(records[:t], mentee))
            assert state_as_of(view.view, mentee, position=t) == expected
        for record in records:
            # Events saved together share a time: "as of" that time includes all of them.
            upto = [r for r in records if r.at <= record.at]
            expected = as_json(replay(upto, mentee))
            assert state_as_of(view.view, mentee, when=record.at) == expected


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_rebuild_equals_the_live_view(data: st.DataObject) -> None:
    records = random_world(data).story.records
    view = new_view(4)
    project(view, records)
    live = view.view.digest()

    view.view.clear()
    project(view, records)

    assert view.view.digest() == live


def test_the_moment_may_be_given_as_a_time_with_any_offset(story: Story) -> None:
    story.plan("ana")
    view = new_view()
    project(view, story.records)
    here = story.now.astimezone(timezone(timedelta(hours=-5)))

    assert plan_as_of(view.view, "ana", viewer_id="ana", when=here) is not None


def test_checkpoints_between_whole_ones_hold_only_what_changed(story: Story) -> None:
    plan = story.plan("ana")
    for n in range(400):
        plan.reflect(text=f"Week {n}", private=False, actor_id="ana", at=story.later())
    story.save(plan)
    view = new_view(checkpoint_every=16, full_every=4)
    project(view, story.records)

    checkpoints = view.view.entries("plan:ana", kinds=["checkpoint"])
    small = [len(json.dumps(c.doc)) for c in checkpoints if "changed" in c.doc]
    whole = [len(json.dumps(c.doc)) for c in checkpoints if "changed" not in c.doc]
    assert len(whole) == 7
    assert len(small) == 18
    # At most three intervals' reflections (48) each, however long the plan grows.
    assert max(small) < 3.5 * min(small)
    assert whole[-1] > 5 * max(small)
    for checkpoint in checkpoints:
        replayed = replay([r for r in story.records if r.position <= checkpoint.position], "ana")
        assert state_as_of(view.view, "ana", position=checkpoint.position) == as_json(replayed)


def test_every_plan_handler_says_which_item_it_writes() -> None:
    # Not listed, a type makes the next checkpoint whole: correct, but as large as before.
    for name in HANDLERS:
        assert name in TOUCHES or name in SCALARS_ONLY, name
