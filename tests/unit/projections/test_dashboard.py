"""The mentor dashboard, from real domain events: check-ins, action items, idle goals,
pending proposals, what changed since the mentor last looked, and the checklist."""

from __future__ import annotations

import json
from datetime import date

import pytest

from domain import CheckIn, Goal, Mentorship, Plan
from domain.values import FeedbackSource, SupportKind
from projections.dashboard import (
    DashboardProjection,
    dashboard_for,
    mark_seen,
    seen_position,
)
from projections.store import MemoryViewStore
from tests.unit.projections.plan_story import SMARTY_READY, Story, project


class Scene:
    """Ana is mentored by Maria (monthly); Ben invited Maria, who has not answered yet."""

    def __init__(self) -> None:
        self.story = Story()  # starts 6 January 2025
        self.plan: Plan = self.story.plan("ana")
        self.mentorship: Mentorship = self.story.mentorship("ana", "maria", cadence_days=30)
        self.goal: Goal = self.story.goal("ana", "Lead a pipeline", **SMARTY_READY)
        invitation = Mentorship.invite(
            mentee_id="ben",
            mentor_id="maria",
            help_wanted="a first job",
            duration="six months",
            frequency="monthly",
            actor_id="ben",
            at=self.story.later(),
        )
        self.story.save(invitation)
        self.store = MemoryViewStore("dashboard")
        self.seen = MemoryViewStore("dashboard_seen")

    def project(self) -> None:
        project(DashboardProjection(self.store), self.story.records)

    def hold(self, check_in: CheckIn, on: date) -> None:
        check_in.hold(held_on=on, actor_id="maria", at=self.story.later())
        self.story.save(check_in)

    def card(self, today: date, **kw: int) -> dict:  # type: ignore[type-arg]
        self.project()
        board = dashboard_for(self.store, "maria", today=today, **kw)
        (card,) = board["mentees"]
        return card  # type: ignore[no-any-return]


@pytest.fixture
def scene() -> Scene:
    return Scene()


def test_only_active_mentorships_get_a_card_and_invitations_are_listed(scene: Scene) -> None:
    scene.project()

    board = dashboard_for(scene.store, "maria", today=date(2025, 2, 1))

    assert [c["mentee_id"] for c in board["mentees"]] == ["ana"]
    assert [i["mentee_id"] for i in board["invitations"]] == ["ben"]
    assert dashboard_for(scene.store, "someone", today=date(2025, 2, 1))["mentees"] == []


def test_next_check_in_follows_the_cadence_after_the_last_one_held(scene: Scene) -> None:
    first = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    scene.hold(first, date(2025, 2, 3))

    card = scene.card(date(2025, 2, 10))

    assert card["last_check_in"] == {"check_in_id": str(first.id), "held_on": "2025-02-03"}
    assert card["next_check_in"] == {
        "date": "2025-03-05",
        "check_in_id": None,
        "scheduled": False,
        "overdue": False,
    }
    assert scene.card(date(2025, 3, 6))["next_check_in"]["overdue"] is True


def test_a_scheduled_check_in_is_the_next_one(scene: Scene) -> None:
    first = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    scene.hold(first, date(2025, 2, 3))
    second = scene.story.check_in(scene.mentorship, date(2025, 2, 20))

    card = scene.card(date(2025, 2, 10))

    assert card["next_check_in"]["check_in_id"] == str(second.id)
    assert card["next_check_in"]["date"] == "2025-02-20"
    assert card["next_check_in"]["scheduled"] is True


def test_overdue_action_items_are_listed_until_done(scene: Scene) -> None:
    check_in = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    item = check_in.assign_action_item(
        text="Send the CV",
        owner_id="ana",
        due=date(2025, 2, 7),
        actor_id="maria",
        at=scene.story.later(),
    )
    check_in.assign_action_item(
        text="Intro to Jo",
        owner_id="maria",
        due=date(2025, 3, 1),
        actor_id="maria",
        at=scene.story.later(),
    )
    scene.story.save(check_in)

    overdue = scene.card(date(2025, 2, 10))["overdue_action_items"]

    assert [(i["id"], i["owner_id"], i["days_overdue"]) for i in overdue] == [(item, "ana", 3)]
    check_in.complete_action_item(item_id=item, actor_id="ana", at=scene.story.later())
    scene.story.save(check_in)
    assert scene.card(date(2025, 2, 10))["overdue_action_items"] == []


def test_goals_without_activity_for_the_given_days_are_idle(scene: Scene) -> None:
    # The goal was drafted on 10 January 2025 (the story moves a day per step).
    assert scene.card(date(2025, 2, 8), idle_days=30)["idle_goals"] == []
    (idle,) = scene.card(date(2025, 2, 9), idle_days=30)["idle_goals"]
    assert (idle["title"], idle["idle_days"]) == ("Lead a pipeline", 30)
    scene.goal.give_feedback(
        text="Nice", source=FeedbackSource.MENTOR, actor_id="maria", at=scene.story.later()
    )
    scene.story.save(scene.goal)
    assert scene.card(date(2025, 2, 9), idle_days=30)["idle_goals"] == []


def test_pending_proposals_show_until_decided(scene: Scene) -> None:
    proposal = scene.story.propose(scene.goal, "maria", {"title": "Lead two pipelines"}, "Bolder")

    assert [p["id"] for p in scene.card(date(2025, 2, 1))["pending_proposals"]] == [
        str(proposal.id)
    ]
    scene.story.accept(proposal, scene.goal)
    assert scene.card(date(2025, 2, 1))["pending_proposals"] == []


def test_changes_since_the_mentor_last_looked(scene: Scene) -> None:
    scene.project()
    first = dashboard_for(scene.store, "maria", today=date(2025, 2, 1))
    assert mark_seen(scene.seen, "maria", first["latest_position"]) is True
    scene.goal.revise(
        changes={"title": "Lead two pipelines"},
        reason="ambition",
        actor_id="ana",
        at=scene.story.later(),
    )
    scene.story.save(scene.goal)
    scene.project()

    seen = seen_position(scene.seen, "maria")
    board = dashboard_for(scene.store, "maria", today=date(2025, 2, 1), seen_position=seen)

    (change,) = board["mentees"][0]["changes_since_seen"]
    assert change["type"] == "Goal.Revised"
    assert (change["subject"], change["subject_kind"], change["fields"], change["reason"]) == (
        "Lead a pipeline",
        "goal",
        ["title"],
        "ambition",
    )
    assert change["by_you"] is False
    assert board["latest_position"] == change["position"]
    assert mark_seen(scene.seen, "maria", seen) is False  # the cursor never moves back


def test_a_change_says_what_it_is_about_and_a_check_in_by_its_date_as_data(
    scene: Scene,
) -> None:
    scene.project()
    seen = dashboard_for(scene.store, "maria", today=date(2025, 2, 1))["latest_position"]
    check_in = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    check_in.add_agenda_item(text="My first month", actor_id="ana", at=scene.story.later())
    scene.story.save(check_in)
    scene.plan.edit_section(
        section="vision_statement", fields={"statement": "I build calm pipelines"},
        reason="first draft", actor_id="ana", at=scene.story.later(),
    )  # fmt: skip
    scene.story.save(scene.plan)
    scene.project()

    board = dashboard_for(scene.store, "maria", today=date(2025, 2, 1), seen_position=seen)

    edited, added, scheduled = board["mentees"][0]["changes_since_seen"]
    assert (edited["subject"], edited["subject_kind"]) == ("vision_statement", "section")
    assert "check_in_date" not in edited
    for change in (added, scheduled):
        assert change["stream_id"] == str(check_in.id)
        assert (change["subject"], change["subject_kind"], change["check_in_date"]) == (
            "check-in of 2025-02-03",
            "check_in",
            "2025-02-03",
        )


def test_private_notes_and_reflections_never_reach_the_dashboard(scene: Scene) -> None:
    check_in = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    check_in.write_note(text="I fear my boss", private=True, actor_id="ana", at=scene.story.later())
    scene.story.save(check_in)
    scene.plan.reflect(text="I doubt myself", private=True, actor_id="ana", at=scene.story.later())
    scene.story.save(scene.plan)
    scene.project()

    board = dashboard_for(scene.store, "maria", today=date(2025, 2, 1))

    text = json.dumps(board) + json.dumps(scene.store.all_entries(), default=str)
    assert "I fear my boss" not in text
    assert "I doubt myself" not in text
    assert "CheckIn.NoteWritten" not in text


def checklist_done(card: dict) -> dict[str, bool]:  # type: ignore[type-arg]
    return {item["item"]: item["done"] for item in card["checklist"]}


def test_the_checklist_starts_with_nothing_done(scene: Scene) -> None:
    done = checklist_done(scene.card(date(2025, 2, 1)))

    assert done == dict.fromkeys(done, False)
    assert list(done) == [
        "vision_statement",
        "goals_set",
        "roadmap",
        "support_network",
        "regular_check_ins",
        "sessions_documented",
        "achievements_recognised",
    ]


def test_the_checklist_ticks_off_what_the_plan_and_check_ins_show(scene: Scene) -> None:
    s, ana = scene.story, "ana"
    scene.plan.edit_section(
        section="vision_statement",
        fields={"statement": "Data for good"},
        reason=None,
        actor_id=ana,
        at=s.later(),
    )
    scene.plan.add_supporter(
        name="Data meetup",
        kind=SupportKind.RESOURCE,
        brings="peers",
        user_id=None,
        actor_id=ana,
        at=s.later(),
    )
    s.save(scene.plan)
    scene.goal.activate(actor_id=ana, at=s.later())
    ms = scene.goal.add_milestone(
        title="SQL", due=date(2025, 2, 1), skills=[], actor_id=ana, at=s.later()
    )
    scene.goal.complete_milestone(milestone_id=ms, actor_id=ana, at=s.later())
    s.save(scene.goal)
    first = s.check_in(scene.mentorship, date(2025, 2, 3))
    first.answer(answers={"how_are_you_doing": "Well"}, actor_id=ana, at=s.later())
    scene.hold(first, date(2025, 2, 3))
    s.check_in(scene.mentorship, date(2025, 3, 3))

    card = scene.card(date(2025, 2, 10))
    done = checklist_done(card)

    assert done == {
        "vision_statement": True,
        "goals_set": True,
        "roadmap": True,
        "support_network": True,
        "regular_check_ins": True,
        "sessions_documented": True,
        "achievements_recognised": False,
    }
    details = {i["item"]: i["detail"] for i in card["checklist"]}
    assert details["achievements_recognised"] == "0 recognised, 1 waiting"
    scene.goal.recognise_achievement(
        title="SQL done", evidence="certificate", milestone_id=ms, actor_id="maria", at=s.later()
    )
    s.save(scene.goal)
    assert checklist_done(scene.card(date(2025, 2, 10)))["achievements_recognised"] is True


def test_a_held_check_in_without_any_record_is_not_documented(scene: Scene) -> None:
    first = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    first.write_note(text="private to ana", private=True, actor_id="ana", at=scene.story.later())
    scene.hold(first, date(2025, 2, 3))

    card = scene.card(date(2025, 2, 10))

    details = {i["item"]: (i["done"], i["detail"]) for i in card["checklist"]}
    assert details["sessions_documented"] == (False, "0 of 1 held check-ins documented")
    assert details["regular_check_ins"] == (False, "1 held, next not scheduled")


def test_a_rebuild_gives_the_same_dashboard_view(scene: Scene) -> None:
    check_in = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    check_in.assign_action_item(
        text="CV", owner_id="ana", due=date(2025, 2, 7), actor_id="maria", at=scene.story.later()
    )
    scene.story.save(check_in)
    scene.project()
    live = scene.store.digest()

    scene.store.clear()
    scene.project()

    assert scene.store.digest() == live


def test_a_changed_agreement_moves_the_next_check_in_and_an_ended_one_drops_the_card(
    scene: Scene,
) -> None:
    first = scene.story.check_in(scene.mentorship, date(2025, 2, 3))
    scene.hold(first, date(2025, 2, 3))
    scene.mentorship.change_agreement(
        cadence_days=14,
        meeting_minutes=45,
        guidance="career guidance",
        reason="more often while she applies",
        actor_id="ana",
        at=scene.story.later(),
    )
    scene.story.save(scene.mentorship)

    assert scene.card(date(2025, 2, 10))["next_check_in"]["date"] == "2025-02-17"
    scene.mentorship.end(reason="she got the job", actor_id="ana", at=scene.story.later())
    scene.story.save(scene.mentorship)
    scene.project()
    assert dashboard_for(scene.store, "maria", today=date(2025, 2, 10))["mentees"] == []


def revise_her_goal(scene: Scene, times: int) -> None:
    """Ana revises her goal's title `times` times, and the views catch up."""
    for n in range(times):
        scene.goal.revise(
            changes={"title": f"Lead {n} pipelines"}, reason=f"r{n}", actor_id="ana",
            at=scene.story.later(),
        )  # fmt: skip
    scene.story.save(scene.goal)
    scene.project()


def test_what_the_caller_hides_is_neither_listed_nor_counted(scene: Scene) -> None:
    revise_her_goal(scene, 12)  # the last three hidden from this reader
    everything = dashboard_for(scene.store, "maria", today=date(2025, 2, 1))
    hidden = {c["position"] for c in everything["mentees"][0]["changes_since_seen"][:3]}

    def sees(mentee_id: str, change: dict) -> bool:  # type: ignore[type-arg]
        assert mentee_id == "ana"
        return change["position"] not in hidden

    board = dashboard_for(
        scene.store, "maria", today=date(2025, 2, 1), changes_limit=4, sees_change=sees
    )
    (card,) = board["mentees"]
    listed = [c["position"] for c in card["changes_since_seen"]]
    assert len(listed) == 4
    assert not hidden & set(listed)
    assert board["latest_position"] == card["latest_position"] == listed[0]
    assert card["more_changes"] is True
    shown = [c["position"] for c in everything["mentees"][0]["changes_since_seen"][3:]]
    assert listed == shown[:4]
    only_hidden_after = dashboard_for(
        scene.store, "maria", today=date(2025, 2, 1), seen_position=listed[0], sees_change=sees
    )
    assert only_hidden_after["mentees"][0]["changes_since_seen"] == []
    assert only_hidden_after["mentees"][0]["more_changes"] is False
    assert only_hidden_after["latest_position"] == listed[0]  # the cursor it was given


def test_a_long_run_of_hidden_changes_is_read_only_so_far(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    revise_her_goal(scene, 12)
    positions = [
        c["position"]
        for c in dashboard_for(scene.store, "maria", today=date(2025, 2, 1))["mentees"][0][
            "changes_since_seen"
        ]
    ]
    oldest = min(positions)
    monkeypatch.setattr("projections.dashboard.MAX_SCANNED_CHANGES", 6)

    board = dashboard_for(
        scene.store, "maria", today=date(2025, 2, 1), changes_limit=2,
        sees_change=lambda _, change: change["position"] == oldest,
    )  # fmt: skip

    (card,) = board["mentees"]  # the one change he sees lies past the changes read
    assert (card["changes_since_seen"], card["more_changes"]) == ([], False)
    assert board["latest_position"] == 0
