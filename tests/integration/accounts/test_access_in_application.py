"""The access policy enforced by the application service itself, on SQLite and PostgreSQL,
with relationships from the relationships view: a mentor whose mentorship ends, a supporter
shown part of a plan, strangers guessing ids, and nobody acting in someone else's name."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from uuid import uuid4

import pytest

from domain import NotAllowed
from projections.relationships import mentees_of, plans_shared_with, relationships_for
from tracker.access import AccessDenied, Actor, Operation, Resource, acting_as
from tracker.application import TrackerApplication
from tracker.errors import NotFound
from tracker.projecting import Projections

ANA, MARIA, SAM, BEN = "mentee-ana", "mentor-maria", "friend-sam", "mentee-ben"


@dataclass
class Story:
    goal_id: str
    mentorship_id: str
    check_in_id: str
    sam_member_id: str


def as_(user_id: str, admin: bool = False) -> AbstractContextManager[Actor]:
    return acting_as(Actor(user_id, admin=admin))


@pytest.fixture
def story(guarded_app: TrackerApplication) -> Story:
    """Ana's plan with a goal, Maria as her active mentor with a check-in, Sam a supporter."""
    app = guarded_app
    with as_(ANA):
        app.start_plan(mentee_id=ANA, actor_id=ANA)
        app.edit_plan_section(
            ANA, section="vision_statement", fields={"statement": "Teach"}, reason=None,
            actor_id=ANA,
        )  # fmt: skip
        app.edit_plan_section(
            ANA, section="three_circles", fields={"good_at": "Explaining"}, reason=None,
            actor_id=ANA,
        )  # fmt: skip
        goal = app.draft_goal(ANA, kind="real", fields={"title": "Teach"}, actor_id=ANA).id
        sam = app.add_supporter(
            ANA, name="Sam", kind="person", brings="Hiring", user_id=SAM, actor_id=ANA
        ).created["item_id"]
        invited = app.invite_mentor(
            mentee_id=ANA, mentor_id=MARIA, help_wanted="Teaching", duration="A year",
            frequency="Monthly", actor_id=ANA,
        ).id  # fmt: skip
    with as_(MARIA):
        app.accept_invitation(
            invited, cadence_days=30, meeting_minutes=60, guidance="Careers", actor_id=MARIA
        )
        check_in = app.schedule_check_in(invited, scheduled_for=date(2025, 2, 1), actor_id=MARIA)
    return Story(goal, invited, check_in.id, sam)


def test_an_active_mentor_reads_comments_and_proposes_but_never_applies(
    guarded_app: TrackerApplication, story: Story
) -> None:
    app = guarded_app
    with as_(MARIA):
        assert app.get_plan(ANA, viewer_id=MARIA)["sections"]["vision_statement"]
        app.give_feedback(story.goal_id, text="Good start", source="mentor", actor_id=MARIA)
        app.write_note(story.check_in_id, text="Talked", private=False, actor_id=MARIA)
        app.propose_goal_revision(
            story.goal_id, changes={"title": "Teach adults"}, rationale="Sharper", actor_id=MARIA
        )
        with pytest.raises(NotAllowed):
            app.revise_goal(story.goal_id, changes={"title": "X"}, reason="Y", actor_id=MARIA)
        with pytest.raises(NotAllowed, match="mentee"):
            app.reflect(ANA, text="Hm", private=False, actor_id=MARIA)


def test_when_the_mentorship_ends_the_mentor_loses_access_and_she_keeps_her_history(
    guarded_app: TrackerApplication, story: Story
) -> None:
    app = guarded_app
    with as_(MARIA):
        app.give_feedback(story.goal_id, text="Keep going", source="mentor", actor_id=MARIA)
    with as_(ANA):
        app.end_mentorship(story.mentorship_id, reason="Done for now", actor_id=ANA)
    with as_(MARIA):
        for read in (
            lambda: app.get_plan(ANA, viewer_id=MARIA),
            lambda: app.get_goal(story.goal_id),
            lambda: app.get_check_in(story.check_in_id, viewer_id=MARIA),
        ):
            with pytest.raises(NotFound):
                read()
        with pytest.raises(NotFound):
            app.propose_goal_revision(
                story.goal_id, changes={"title": "Mine"}, rationale="Hm", actor_id=MARIA
            )
        with pytest.raises(NotFound):
            app.write_note(story.check_in_id, text="Late", private=False, actor_id=MARIA)
        assert app.get_mentorship(story.mentorship_id)["status"] == "ended"
    with as_(ANA):
        feedback = app.get_goal(story.goal_id)["feedback"]
        assert [(f["by"], f["text"]) for f in feedback] == [(MARIA, "Keep going")]
        assert app.get_check_in(story.check_in_id, viewer_id=ANA)["mentor_id"] == MARIA


def test_a_supporter_sees_only_what_she_shares_and_gives_feedback_only_as_support(
    guarded_app: TrackerApplication, story: Story
) -> None:
    app = guarded_app
    with as_(SAM), pytest.raises(NotFound):
        app.get_plan(ANA, viewer_id=SAM)
    with as_(ANA):
        app.share_with_supporter(ANA, story.sam_member_id, parts=["vision_statement"], actor_id=ANA)
    with as_(SAM):
        seen = app.get_plan(ANA, viewer_id=SAM)
        assert list(seen["sections"]) == ["vision_statement"]
        assert seen["support_network"] == []
        assert seen["options"] == []
        with pytest.raises(NotFound):
            app.get_goal(story.goal_id)
    with as_(ANA):
        app.share_with_supporter(
            ANA, story.sam_member_id, parts=["vision_statement", "goals"], actor_id=ANA
        )
    with as_(SAM):
        app.give_feedback(story.goal_id, text="I can help", source="support", actor_id=SAM)
        with pytest.raises(AccessDenied, match="Feedback from the mentor"):
            app.give_feedback(story.goal_id, text="As mentor", source="mentor", actor_id=SAM)
        with pytest.raises(AccessDenied):
            app.propose_goal_revision(
                story.goal_id, changes={"title": "Mine"}, rationale="Hm", actor_id=SAM
            )
    with as_(ANA):
        app.remove_supporter(ANA, story.sam_member_id, reason="Moved on", actor_id=ANA)
    with as_(SAM), pytest.raises(NotFound):
        app.get_goal(story.goal_id)


@pytest.mark.parametrize(
    ("who", "admin"), [(BEN, False), ("admin-ola", True), ("mentor-unknown", False)]
)
def test_strangers_and_admins_guessing_ids_learn_nothing(
    guarded_app: TrackerApplication, story: Story, who: str, admin: bool
) -> None:
    app = guarded_app
    with as_(who, admin):
        for attempt in (
            lambda: app.get_plan(ANA, viewer_id=who),
            lambda: app.get_goal(story.goal_id),
            lambda: app.get_check_in(story.check_in_id, viewer_id=who),
            lambda: app.get_mentorship(story.mentorship_id),
            lambda: app.give_feedback(story.goal_id, text="Hi", source="mentor", actor_id=who),
            lambda: app.start_plan(mentee_id=ANA, actor_id=who),
        ):
            with pytest.raises(NotFound):
                attempt()
        # Told exactly what a made-up id is told.
        with pytest.raises(NotFound) as real:
            app.get_goal(story.goal_id)
        made_up = str(uuid4())
        with pytest.raises(NotFound) as missing:
            app.get_goal(made_up)
        assert str(real.value).replace(story.goal_id, made_up) == str(missing.value)


def test_nobody_acts_in_someone_elses_name_and_nobody_acts_unsigned(
    guarded_app: TrackerApplication, story: Story
) -> None:
    app = guarded_app
    before = app.recorder.max_notification_id()
    with as_(MARIA), pytest.raises(AccessDenied, match="someone else's name"):
        app.reflect(ANA, text="Forged", private=False, actor_id=ANA)
    with pytest.raises(AccessDenied, match="Sign in"):
        app.get_goal(story.goal_id)
    assert app.recorder.max_notification_id() == before


def test_the_feed_and_account_management_need_their_own_scope_and_role(
    guarded_app: TrackerApplication,
) -> None:
    app = guarded_app
    with acting_as(Actor("feed-bot", scopes=frozenset({"read:events"}))):
        app.authorize(Operation.READ_EVENTS)
        with pytest.raises(NotFound):
            app.authorize(Operation.READ_PLAN, Resource(ANA))
    with as_("admin-ola", admin=True):
        app.authorize(Operation.MANAGE_ACCOUNTS)
        with pytest.raises(AccessDenied):
            app.authorize(Operation.READ_EVENTS)
    with as_(ANA), pytest.raises(AccessDenied):
        app.authorize(Operation.MANAGE_ACCOUNTS)


def test_the_relationships_view_answers_by_mentee_mentor_and_supporter(
    guarded_app: TrackerApplication, story: Story, projections: Projections
) -> None:
    with as_(ANA):
        guarded_app.share_with_supporter(ANA, story.sam_member_id, parts=["goals"], actor_id=ANA)
    store = projections.fresh("relationships")
    ana = relationships_for(store, ANA)
    assert [(m.mentor_id, m.status) for m in ana.mentorships] == [(MARIA, "active")]
    assert ana.shared_with(SAM) == frozenset({"goals"})
    assert [(m["mentee_id"], m["status"]) for m in mentees_of(store, MARIA)] == [(ANA, "active")]
    assert plans_shared_with(store, SAM) == {ANA: ["goals"]}
    digest = store.digest()
    projections.rebuild("relationships")
    assert projections.runner("relationships").store.digest() == digest
