"""The calendar view: check-ins, milestones and action items of a mentee, each on its date,
with a sequence that grows when its date or status changes, and nothing private."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain import CheckIn, Goal
from projections.calendar import CalendarProjection, calendar_for
from projections.store import MemoryViewStore
from tests.unit.projections.plan_story import SMARTY_READY, Story, project


def view_of(story: Story) -> MemoryViewStore:
    projection = CalendarProjection(MemoryViewStore("calendar"))
    project(projection, story.records)
    assert isinstance(projection.view, MemoryViewStore)
    return projection.view


def entries(story: Story, mentee: str = "ana") -> dict[str, dict[str, Any]]:
    calendar = calendar_for(view_of(story), mentee)
    assert calendar is not None
    return {entry["uid"]: entry for entry in calendar["entries"]}


def goal_with_milestone(story: Story) -> tuple[Goal, str]:
    goal = story.goal("ana", "Lead a pipeline", **SMARTY_READY)
    milestone = goal.add_milestone(
        title="SQL course", due=date(2025, 3, 1), skills=["sql"], actor_id="ana", at=story.later()
    )
    story.save(goal)
    return goal, milestone


def check_in_with_agenda(story: Story) -> CheckIn:
    mentorship = story.mentorship("ana", "grace")
    check_in = story.check_in(mentorship, date(2025, 2, 3))
    check_in.add_agenda_item(text="Which course first?", actor_id="ana", at=story.later())
    check_in.add_agenda_item(text="Conference budget", actor_id="grace", at=story.later())
    story.save(check_in)
    return check_in


def test_a_check_in_shows_who_meets_and_the_agenda() -> None:
    story = Story()
    story.plan("ana")
    check_in = check_in_with_agenda(story)

    entry = entries(story)[f"check-in-{check_in.id}"]

    assert entry["date"] == "2025-02-03"
    assert entry["summary"] == "Check-in: ana with grace"
    assert entry["description"].splitlines() == [
        "Mentee: ana",
        "Mentor: grace",
        "Agenda:",
        "- Which course first? (ana)",
        "- Conference budget (grace)",
    ]
    assert (entry["status"], entry["sequence"]) == ("confirmed", 0)


def test_rescheduling_moves_the_date_and_bumps_the_sequence_but_agenda_items_do_not() -> None:
    story = Story()
    check_in = check_in_with_agenda(story)
    uid = f"check-in-{check_in.id}"
    created = entries(story)[uid]
    check_in.reschedule(
        scheduled_for=date(2025, 2, 10), reason="travel", actor_id="grace", at=story.later()
    )
    story.save(check_in)
    moved = entries(story)[uid]
    check_in.add_agenda_item(text="Promotion", actor_id="ana", at=story.later())
    story.save(check_in)
    with_more_agenda = entries(story)[uid]

    assert (created["date"], moved["date"]) == ("2025-02-03", "2025-02-10")
    assert (created["sequence"], moved["sequence"], with_more_agenda["sequence"]) == (0, 1, 1)
    assert "Moved from 2025-02-03: travel" in moved["description"]
    assert "- Promotion (ana)" in with_more_agenda["description"]
    assert moved["created"] == created["created"] < moved["modified"]
    assert with_more_agenda["modified"] > moved["modified"]


def test_a_cancelled_check_in_stays_in_the_calendar_as_cancelled() -> None:
    story = Story()
    check_in = check_in_with_agenda(story)
    check_in.cancel(reason="ill", actor_id="ana", at=story.later())
    story.save(check_in)

    entry = entries(story)[f"check-in-{check_in.id}"]

    assert entry["status"] == "cancelled"
    assert entry["sequence"] == 1
    assert entry["summary"] == "Check-in: ana with grace (cancelled)"
    assert entry["description"].endswith("Cancelled: ill")


def test_milestones_follow_reschedules_completion_drops_and_the_goal_title() -> None:
    story = Story()
    goal, sql = goal_with_milestone(story)
    spark = goal.add_milestone(
        title="Spark course", due=date(2025, 4, 1), skills=[], actor_id="ana", at=story.later()
    )
    goal.reschedule_milestone(
        milestone_id=sql, due=date(2025, 3, 15), reason="busy", actor_id="ana", at=story.later()
    )
    completed_at = story.later()
    goal.complete_milestone(milestone_id=sql, actor_id="ana", at=completed_at)
    goal.drop_milestone(milestone_id=spark, reason="not needed", actor_id="ana", at=story.later())
    goal.revise(
        changes={"title": "Lead two pipelines"}, reason="grew", actor_id="ana", at=story.later()
    )
    story.save(goal)

    shown = entries(story)
    done, dropped = shown[f"milestone-{sql}"], shown[f"milestone-{spark}"]

    assert (done["date"], done["status"], done["sequence"]) == ("2025-03-15", "confirmed", 2)
    assert done["summary"] == "Milestone reached: SQL course (Lead two pipelines)"
    assert "Moved from 2025-03-01: busy" in done["description"]
    assert f"Completed on {completed_at.date().isoformat()}" in done["description"]
    assert "Skills: sql" in done["description"]
    assert (dropped["date"], dropped["status"], dropped["sequence"]) == (
        "2025-04-01",
        "cancelled",
        1,
    )
    assert dropped["description"].endswith("Dropped: not needed")


def test_abandoning_a_goal_cancels_its_open_milestones_and_reopening_restores_them() -> None:
    story = Story()
    goal, sql = goal_with_milestone(story)
    goal.activate(actor_id="ana", at=story.later())
    goal.abandon(reason="new job", actor_id="ana", at=story.later())
    story.save(goal)
    abandoned = entries(story)[f"milestone-{sql}"]
    goal.reopen(reason="back on it", actor_id="ana", at=story.later())
    story.save(goal)
    reopened = entries(story)[f"milestone-{sql}"]

    assert (abandoned["status"], abandoned["sequence"]) == ("cancelled", 1)
    assert (reopened["status"], reopened["sequence"]) == ("confirmed", 2)


def test_action_items_show_owner_due_date_and_when_done() -> None:
    story = Story()
    check_in = check_in_with_agenda(story)
    item = check_in.assign_action_item(
        text="Enrol in the SQL course", owner_id="ana", due=date(2025, 2, 20),
        actor_id="grace", at=story.later(),
    )  # fmt: skip
    story.save(check_in)
    assigned = entries(story)[f"action-item-{item}"]
    check_in.complete_action_item(item_id=item, actor_id="ana", at=story.later())
    story.save(check_in)
    done = entries(story)[f"action-item-{item}"]

    assert assigned["date"] == "2025-02-20"
    assert assigned["summary"] == "Action item for ana: Enrol in the SQL course"
    assert "From the check-in of 2025-02-03 (ana with grace)" in assigned["description"]
    assert done["summary"] == "Done: action item for ana: Enrol in the SQL course"
    assert done["description"].endswith(f"Done on {story.now.date().isoformat()}")
    assert (done["sequence"], done["status"]) == (1, "confirmed")


def test_private_notes_never_reach_the_calendar() -> None:
    story = Story()
    check_in = check_in_with_agenda(story)
    check_in.write_note(text="I fear the reorg", private=True, actor_id="ana", at=story.later())
    check_in.write_note(text="Shared minutes", private=False, actor_id="ana", at=story.later())
    story.save(check_in)

    view = view_of(story)

    stored = repr(view.documents()) + repr(view.all_entries())
    assert "I fear the reorg" not in stored
    assert "Shared minutes" not in stored


def test_entries_are_in_date_order_and_other_mentees_items_stay_out() -> None:
    story = Story()
    story.plan("ana")
    story.plan("ben")
    goal_with_milestone(story)  # 2025-03-01
    check_in_with_agenda(story)  # 2025-02-03
    ben_goal = story.goal("ben", "Ben's goal")
    ben_goal.add_milestone(
        title="Ben's step", due=date(2025, 1, 1), skills=[], actor_id="ben", at=story.later()
    )
    story.save(ben_goal)
    store = view_of(story)

    ana = calendar_for(store, "ana")
    ben = calendar_for(store, "ben")

    assert ana is not None
    assert ben is not None
    assert [(e["date"], e["kind"]) for e in ana["entries"]] == [
        ("2025-02-03", "check_in"),
        ("2025-03-01", "milestone"),
    ]
    assert [e["summary"] for e in ben["entries"]] == ["Milestone: Ben's step (Ben's goal)"]
    assert calendar_for(store, "nobody") is None


def test_a_mentee_whose_id_extends_another_ones_sees_only_her_own_items() -> None:
    story = Story()
    story.plan("ana")
    other = story.goal("ana:item:milestone", "Someone else's goal")
    other.add_milestone(
        title="Hers", due=date(2025, 1, 1), skills=[], actor_id="ana:item:milestone",
        at=story.later(),
    )  # fmt: skip
    story.save(other)

    calendar = calendar_for(view_of(story), "ana")

    assert calendar == {"mentee_id": "ana", "entries": []}


def test_a_rebuild_from_zero_gives_the_same_view() -> None:
    story = Story()
    goal_with_milestone(story)
    check_in_with_agenda(story)

    assert view_of(story).digest() == view_of(story).digest()


def test_a_mentor_sees_only_his_own_check_ins_and_everyone_sees_milestones() -> None:
    story = Story()
    goal_with_milestone(story)
    with_grace = check_in_with_agenda(story)
    with_alan = story.check_in(story.mentorship("ana", "alan"), date(2025, 2, 5))
    item = with_alan.assign_action_item(
        text="Read the book", owner_id="ana", due=date(2025, 2, 9), actor_id="alan",
        at=story.later(),
    )  # fmt: skip
    story.save(with_alan)
    store = view_of(story)

    def kinds_and_ids(viewer: str | None, milestones: bool = True) -> set[tuple[str, str]]:
        calendar = calendar_for(store, "ana", viewer, milestones=milestones)
        assert calendar is not None
        return {(e["kind"], e["id"]) for e in calendar["entries"] if e["kind"] != "milestone"}

    grace_check_in = ("check_in", str(with_grace.id))
    alan_items = {("check_in", str(with_alan.id)), ("action_item", item)}
    assert kinds_and_ids("ana") == kinds_and_ids(None) == {grace_check_in, *alan_items}
    assert kinds_and_ids("grace") == {grace_check_in}
    assert kinds_and_ids("alan") == alan_items
    assert kinds_and_ids("eve") == set()
    eve = calendar_for(store, "ana", "eve")
    hidden = calendar_for(store, "ana", "eve", milestones=False)
    assert eve is not None
    assert hidden is not None
    assert [e["kind"] for e in eve["entries"]] == ["milestone"]
    assert hidden["entries"] == []
