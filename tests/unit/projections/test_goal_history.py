"""Goal revision history, blame per field and milestone drift, from real domain events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain import Goal
from projections.goal_history import (
    RECENT_MOVES,
    GoalHistoryProjection,
    field_change,
    goal_blame_for,
    goal_history_for,
    goal_history_page,
    goal_key,
    goal_revisions_newest_first,
    milestone_drift_for,
    word_diff,
)
from projections.store import MemoryViewStore, dump_doc
from tests.unit.projections.plan_story import SMARTY_READY, Story, project


@pytest.fixture
def story() -> Story:
    story = Story()
    story.plan("ana")
    return story


def viewed(story: Story) -> MemoryViewStore:
    view = GoalHistoryProjection(MemoryViewStore("goal_history"))
    project(view, story.records)
    assert isinstance(view.view, MemoryViewStore)
    return view.view


def test_a_target_date_changed_by_an_accepted_proposal_credits_mentee_and_mentor(
    story: Story,
) -> None:
    goal = story.goal("ana", "Become a data engineer", **SMARTY_READY)
    proposal = story.propose(goal, "maria", {"target_date": date(2025, 9, 30)}, "Too tight")
    story.accept(proposal, goal, reason="Maria is right, the course ends in August")
    store = viewed(story)

    blame = goal_blame_for(store, str(goal.id))

    assert blame is not None
    target = blame["fields"]["target_date"]
    assert target["value"] == "2025-09-30"
    assert target["actor_id"] == "ana"
    assert target["proposed_by"] == "maria"
    assert target["proposal_id"] == str(proposal.id)
    assert target["reason"] == "Maria is right, the course ends in August"
    assert target["at"] == story.now.isoformat()
    assert blame["fields"]["title"]["reason"] is None  # set when drafted, no reason needed
    assert blame["fields"]["yours"]["actor_id"] is None  # never written


def test_each_revision_lists_the_fields_it_changed_with_before_and_after(story: Story) -> None:
    goal = story.goal("ana", "Learn Spark")
    goal.revise(
        changes={"title": "Master Spark", "stretch": True},
        reason="bolder",
        actor_id="ana",
        at=story.later(),
    )
    story.save(goal)

    history = goal_history_for(viewed(story), str(goal.id))

    assert history is not None
    drafted, revised = history["revisions"]
    assert drafted["event"] == "drafted"
    assert drafted["changes"] == {"title": {"from": None, "to": "Learn Spark"}}
    assert revised["event"] == "revised"
    assert revised["reason"] == "bolder"
    assert revised["actor_id"] == "ana"
    assert revised["changes"] == {
        "title": {"from": "Learn Spark", "to": "Master Spark"},
        "stretch": {"from": False, "to": True},
    }


def test_long_text_gets_a_word_level_diff(story: Story) -> None:
    old = "Lead the migration of two batch pipelines to streaming by June"
    new = "Lead the migration of three batch pipelines to streaming by September"
    goal = story.goal("ana", "Streaming", specific=old)
    goal.revise(changes={"specific": new}, reason="bigger scope", actor_id="ana", at=story.later())
    story.save(goal)

    history = goal_history_for(viewed(story), str(goal.id))

    assert history is not None
    words = history["revisions"][-1]["changes"]["specific"]["words"]
    assert words == [
        {"op": "equal", "text": "Lead the migration of"},
        {"op": "delete", "text": "two"},
        {"op": "insert", "text": "three"},
        {"op": "equal", "text": "batch pipelines to streaming by"},
        {"op": "delete", "text": "June"},
        {"op": "insert", "text": "September"},
    ]


def test_short_values_have_no_word_diff() -> None:
    assert "words" not in field_change("Learn Spark", "Master Spark")
    assert "words" not in field_change(None, True)


def test_word_diff_of_new_text_is_one_insertion() -> None:
    assert word_diff("", "a b c") == [{"op": "insert", "text": "a b c"}]


def test_status_changes_are_revisions_with_their_reason(story: Story) -> None:
    goal = story.goal("ana", "Lead a pipeline", **SMARTY_READY)
    goal.activate(actor_id="ana", at=story.later())
    goal.defer(reason="new baby", actor_id="ana", at=story.later())
    story.save(goal)
    store = viewed(story)

    history = goal_history_for(store, str(goal.id))
    blame = goal_blame_for(store, str(goal.id))

    assert history is not None
    assert blame is not None
    assert [r["event"] for r in history["revisions"]] == ["drafted", "activated", "deferred"]
    assert history["revisions"][-1]["changes"] == {"status": {"from": "active", "to": "deferred"}}
    assert blame["fields"]["status"]["value"] == "deferred"
    assert blame["fields"]["status"]["reason"] == "new baby"


def test_milestone_drift_counts_moves_and_days_slipped(story: Story) -> None:
    goal: Goal = story.goal("ana", "Lead a pipeline", **SMARTY_READY)
    moved = goal.add_milestone(
        title="SQL course", due=date(2025, 3, 1), skills=["sql"], actor_id="ana", at=story.later()
    )
    steady = goal.add_milestone(
        title="Spark course", due=date(2025, 5, 1), skills=[], actor_id="ana", at=story.later()
    )
    for due in (date(2025, 3, 11), date(2025, 3, 8), date(2025, 4, 1)):
        goal.reschedule_milestone(
            milestone_id=moved, due=due, reason="busy", actor_id="ana", at=story.later()
        )
    goal.complete_milestone(milestone_id=steady, actor_id="ana", at=story.later())
    story.save(goal)

    drift = milestone_drift_for(viewed(story), str(goal.id))

    assert drift is not None
    first, second = drift["milestones"]
    assert first["id"] == moved
    assert (first["moves"], first["days_slipped"], first["days_pulled_in"]) == (3, 34, 3)
    assert (first["original_due"], first["due"], first["net_days"]) == (
        "2025-03-01",
        "2025-04-01",
        31,
    )
    assert [(m["from"], m["to"], m["days"]) for m in first["history"]] == [
        ("2025-03-01", "2025-03-11", 10),
        ("2025-03-11", "2025-03-08", -3),
        ("2025-03-08", "2025-04-01", 24),
    ]
    assert [(m["reason"], m["actor_id"]) for m in first["history"]] == [("busy", "ana")] * 3
    assert (second["moves"], second["status"]) == (0, "completed")
    assert (drift["total_moves"], drift["total_days_slipped"]) == (3, 34)


def test_an_unknown_goal_has_no_history(story: Story) -> None:
    store = viewed(story)

    assert goal_history_for(store, "nope") is None
    assert goal_blame_for(store, "nope") is None
    assert milestone_drift_for(store, "nope") is None


def moved_often(story: Story, moves: int) -> tuple[Goal, str]:
    """A goal whose one milestone was moved `moves` times, a day later each time."""
    goal: Goal = story.goal("ana", "Lead a pipeline", **SMARTY_READY)
    milestone = goal.add_milestone(
        title="SQL course", due=date(2025, 3, 1), skills=[], actor_id="ana", at=story.later()
    )
    for n in range(1, moves + 1):
        goal.reschedule_milestone(
            milestone_id=milestone, due=date(2025, 3, 1) + timedelta(days=n),
            reason=f"move {n}", actor_id="ana", at=story.later(0.01),
        )  # fmt: skip
    story.save(goal)
    return goal, milestone


def test_the_goal_document_does_not_grow_with_milestone_moves(story: Story) -> None:
    goal, _ = moved_often(story, 3)
    few = len(dump_doc(viewed(story).get(goal_key(str(goal.id))) or {}))
    more, _ = moved_often(story, 60)

    many = len(dump_doc(viewed(story).get(goal_key(str(more.id))) or {}))

    assert many <= few + 4  # the counters' extra digits, not the moves
    drift = milestone_drift_for(viewed(story), str(more.id))
    assert drift is not None
    (milestone,) = drift["milestones"]
    assert (milestone["moves"], milestone["days_slipped"], milestone["net_days"]) == (60, 60, 60)
    # Drift shows the latest moves, oldest first; every move stays in the history.
    assert [m["reason"] for m in milestone["history"]] == [
        f"move {n}" for n in range(61 - RECENT_MOVES, 61)
    ]


def test_history_pages_follow_one_another_to_the_whole_history(story: Story) -> None:
    goal, _ = moved_often(story, 12)
    store = viewed(story)
    whole = goal_history_for(store, str(goal.id))
    assert whole is not None

    pages, after = [], None
    while True:
        page = goal_history_page(store, str(goal.id), after=after, limit=5)
        assert page is not None
        pages.append(page["revisions"])
        after = page["next_after"]
        if after is None:
            break

    assert [len(p) for p in pages] == [5, 5, 4]  # drafted, milestone added, 12 moves
    assert [r for p in pages for r in p] == whole["revisions"]
    assert page["title"] == "Lead a pipeline"


def test_a_history_page_of_an_unknown_goal_is_none_and_a_bad_limit_is_refused(
    story: Story,
) -> None:
    store = viewed(story)

    assert goal_history_page(store, "nope") is None
    with pytest.raises(ValueError, match="limit"):
        goal_history_page(store, "nope", limit=0)


def test_newest_first_pages_walk_back_to_the_first_revision_and_forward_again(
    story: Story,
) -> None:
    goal, _ = moved_often(story, 12)
    store = viewed(story)
    whole = goal_history_for(store, str(goal.id))
    assert whole is not None
    newest_first = list(reversed(whole["revisions"]))

    back, cursor = [], None
    while True:
        page = goal_revisions_newest_first(store, str(goal.id), before=cursor, limit=5)
        assert page is not None
        back.append(page)
        cursor = page["older"]
        if cursor is None:
            break
    assert [len(p["revisions"]) for p in back] == [5, 5, 4]
    assert [r for p in back for r in p["revisions"]] == newest_first
    assert back[0]["newer"] is None  # the latest page has nothing newer
    assert all(p["newer"] is not None for p in back[1:])

    forward, cursor = [], back[-1]["newer"]
    while cursor is not None:
        page = goal_revisions_newest_first(store, str(goal.id), after=cursor, limit=5)
        assert page is not None
        forward.append(page["revisions"])
        cursor = page["newer"]
    assert [r for p in reversed(forward) for r in p] == newest_first[:10]


def test_a_newest_first_page_past_either_end_is_empty_and_points_back(story: Story) -> None:
    goal, _ = moved_often(story, 2)  # drafted, milestone added, 2 moves: 4 revisions
    store = viewed(story)
    whole = goal_history_for(store, str(goal.id))
    assert whole is not None
    first, last = whole["revisions"][0]["position"], whole["revisions"][-1]["position"]

    before_all = goal_revisions_newest_first(store, str(goal.id), before=first)
    after_all = goal_revisions_newest_first(store, str(goal.id), after=last)

    assert before_all is not None
    assert after_all is not None
    assert (before_all["revisions"], before_all["older"]) == ([], None)
    assert before_all["newer"] is not None
    assert (after_all["revisions"], after_all["newer"]) == ([], None)
    assert after_all["older"] == last + 1
    assert goal_revisions_newest_first(store, "nope") is None
    with pytest.raises(ValueError, match="not both"):
        goal_revisions_newest_first(store, str(goal.id), before=2, after=1)
