"""The roadmap: goals and milestones on a time axis, original versus current dates, overdue."""

from __future__ import annotations

from datetime import date

from domain import Goal
from projections.roadmap import RoadmapProjection, roadmap_for
from projections.store import MemoryViewStore
from tests.unit.projections.plan_story import SMARTY_READY, Story, project


class RoadmapStory(Story):
    goals: dict[str, Goal]


def build() -> tuple[RoadmapStory, MemoryViewStore, dict[str, str]]:
    story = RoadmapStory()
    story.plan("ana")
    story.plan("ben")
    lead = story.goal("ana", "Lead a pipeline", **SMARTY_READY)
    lead.activate(actor_id="ana", at=story.later())
    sql = lead.add_milestone(
        title="SQL course", due=date(2025, 3, 1), skills=["sql"], actor_id="ana", at=story.later()
    )
    spark = lead.add_milestone(
        title="Spark course",
        due=date(2025, 2, 1),
        skills=["spark", "python"],
        actor_id="ana",
        at=story.later(),
    )
    lead.reschedule_milestone(
        milestone_id=sql, due=date(2025, 4, 15), reason="busy", actor_id="ana", at=story.later()
    )
    lead.complete_milestone(milestone_id=spark, actor_id="ana", at=story.later())
    lead.revise(
        changes={"target_date": date(2025, 8, 31)}, reason="scope", actor_id="ana", at=story.later()
    )
    story.save(lead)
    later = story.goal("ana", "Speak at a meetup")
    story.goal("ben", "Ben's own goal", target_date=date(2025, 1, 1))
    story.goals = {"lead": lead}
    view = RoadmapProjection(MemoryViewStore("roadmap"))
    project(view, story.records)
    assert isinstance(view.view, MemoryViewStore)
    ids = {"lead": str(lead.id), "later": str(later.id), "sql": sql, "spark": spark}
    return story, view.view, ids


def test_goals_and_milestones_show_original_and_current_dates() -> None:
    _, store, ids = build()

    road = roadmap_for(store, "ana", today=date(2025, 2, 10))

    lead, undated = road["goals"]
    assert (lead["id"], undated["id"]) == (ids["lead"], ids["later"])
    assert (lead["original_target_date"], lead["target_date"]) == ("2025-06-30", "2025-08-31")
    assert lead["slipped_days"] == 62
    assert lead["status"] == "active"
    assert [m["title"] for m in lead["milestones"]] == ["Spark course", "SQL course"]
    sql = lead["milestones"][1]
    assert (sql["original_due"], sql["due"], sql["slipped_days"]) == (
        "2025-03-01",
        "2025-04-15",
        45,
    )
    assert road["skills"] == ["python", "spark", "sql"]
    assert road["span"] == {"start": "2025-02-01", "end": "2025-08-31"}


def test_the_time_axis_orders_every_dated_item_and_flags_what_is_overdue() -> None:
    _, store, ids = build()

    early = roadmap_for(store, "ana", today=date(2025, 2, 10))
    late = roadmap_for(store, "ana", today=date(2025, 5, 1))

    assert [(i["date"], i["type"], i["title"]) for i in early["axis"]] == [
        ("2025-02-01", "milestone", "Spark course"),
        ("2025-04-15", "milestone", "SQL course"),
        ("2025-08-31", "goal", "Lead a pipeline"),
    ]
    # The Spark course is past due but was completed: not overdue.
    assert early["overdue"] == []
    assert [i.get("milestone_id") for i in late["overdue"]] == [ids["sql"]]


def test_another_mentees_goals_stay_on_her_own_roadmap() -> None:
    _, store, _ = build()

    bens = roadmap_for(store, "ben", today=date(2025, 2, 1))

    assert [g["title"] for g in bens["goals"]] == ["Ben's own goal"]
    assert [i["title"] for i in bens["overdue"]] == ["Ben's own goal"]


def test_a_deferred_goal_and_its_milestones_are_not_overdue() -> None:
    story, store, _ = build()
    lead = story.goals["lead"]
    lead.defer(reason="new baby", actor_id="ana", at=story.later())
    story.save(lead)
    project(RoadmapProjection(store), story.records)

    road = roadmap_for(store, "ana", today=date(2025, 12, 1))

    assert road["goals"][0]["status"] == "deferred"
    assert road["overdue"] == []


def test_a_mentee_with_no_goals_has_an_empty_roadmap() -> None:
    _, store, _ = build()

    road = roadmap_for(store, "carla", today=date(2025, 2, 1))

    assert road["goals"] == []
    assert road["span"] is None
