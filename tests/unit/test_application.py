"""The use cases on in-memory storage: receipts, versions, conflicts, proposals and privacy."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from domain import DomainError, NotAllowed, NothingChanged, plan_id_for
from tests.stories import mentorship_with_check_in
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.errors import AlreadyExists, Conflict, NotFound
from tracker.services.base import Receipt

MENTEE = "mentee-ada"
MENTOR = "mentor-grace"
SMARTY = {
    "title": "Lead a team",
    "specific": "Lead the payments team",
    "measurable": "Two releases shipped",
    "target_date": date(2025, 12, 31),
}


def log_length(app: TrackerApplication) -> int:
    """How many events the application has stored, all aggregates together."""
    return app.recorder.max_notification_id() or 0


def stored_events(app: TrackerApplication, aggregate_id: str) -> list[Any]:
    return list(app.events.get(UUID(aggregate_id)))


@pytest.fixture
def goal_id(memory_app: TrackerApplication) -> str:
    """A drafted SMARTY goal (version 1) in Ada's started plan."""
    memory_app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    return memory_app.draft_goal(MENTEE, kind="smarty", fields=SMARTY, actor_id=MENTEE).id


@pytest.fixture
def check_in_id(memory_app: TrackerApplication) -> str:
    """A check-in scheduled in Ada and Grace's active mentorship."""
    return mentorship_with_check_in(memory_app)[1]


# Receipts -------------------------------------------------------------------------------------
def test_use_cases_return_plain_receipts_whose_positions_increase(
    memory_app: TrackerApplication, goal_id: str
) -> None:
    receipts = [
        memory_app.activate_goal(goal_id, actor_id=MENTEE, expected_version=1),
        memory_app.add_milestone(
            goal_id, title="Shadow", due=date(2025, 3, 1), skills=[], actor_id=MENTEE
        ),
        memory_app.revise_goal(
            goal_id, changes={"title": "Lead two teams"}, reason="Grew", actor_id=MENTEE
        ),
    ]
    for receipt in receipts:
        assert type(receipt) is Receipt
        assert not isinstance(receipt, Aggregate)
        assert receipt.id == goal_id
    assert [r.version for r in receipts] == [2, 3, 4]
    positions = [r.position for r in receipts if isinstance(r.position, int)]
    assert len(positions) == 3
    assert positions == sorted(set(positions))
    assert receipts[-1].position == log_length(memory_app)
    assert receipts[1].created["item_id"] in {
        m["id"] for m in memory_app.get_goal(goal_id)["milestones"]
    }


def test_queries_return_plain_data_with_the_version(
    memory_app: TrackerApplication, goal_id: str
) -> None:
    goal = memory_app.get_goal(goal_id)
    assert isinstance(goal, dict)
    assert goal["version"] == 1
    assert goal["status"] == "draft"
    assert goal["kind"] == "smarty"
    assert goal["target_date"] == date(2025, 12, 31)


def test_events_are_stamped_with_the_application_clock(
    memory_app: TrackerApplication, clock: ManualClock, goal_id: str
) -> None:
    later = clock.advance(days=40)
    memory_app.activate_goal(goal_id, actor_id=MENTEE)
    (_, activated) = stored_events(memory_app, goal_id)
    assert activated.timestamp == later
    assert memory_app.get_goal(goal_id)["modified_on"] == later


# Optimistic concurrency -----------------------------------------------------------------------
def test_a_stale_expected_version_is_a_conflict_naming_the_current_version(
    memory_app: TrackerApplication, goal_id: str
) -> None:
    memory_app.revise_goal(
        goal_id, changes={"title": "First"}, reason="Mine", actor_id=MENTEE, expected_version=1
    )
    before = log_length(memory_app)

    with pytest.raises(Conflict, match="it is now at version 2") as conflict:
        memory_app.revise_goal(
            goal_id,
            changes={"title": "Second"},
            reason="Also mine",
            actor_id=MENTEE,
            expected_version=1,
        )

    assert (conflict.value.expected, conflict.value.current) == (1, 2)
    assert log_length(memory_app) == before
    assert memory_app.get_goal(goal_id)["title"] == "First"


def test_a_broken_rule_writes_nothing(memory_app: TrackerApplication, goal_id: str) -> None:
    before = log_length(memory_app)
    with pytest.raises(DomainError, match="The reason must not be empty"):
        memory_app.revise_goal(goal_id, changes={"title": "X"}, reason=" ", actor_id=MENTEE)
    with pytest.raises(NotAllowed):
        memory_app.revise_goal(goal_id, changes={"title": "X"}, reason="Mine", actor_id=MENTOR)
    assert log_length(memory_app) == before


# Proposals ------------------------------------------------------------------------------------
def test_accepting_a_proposal_revises_the_goal_in_the_same_save(
    memory_app: TrackerApplication, goal_id: str
) -> None:
    proposed = memory_app.propose_goal_revision(
        goal_id, changes={"achievable": "With a coach"}, rationale="Get help", actor_id=MENTOR
    )
    before = log_length(memory_app)

    accepted = memory_app.accept_proposal(
        proposed.id, reason="Good idea", actor_id=MENTEE, expected_version=1
    )

    # One save: the decision and the revision it applies, side by side in the log.
    assert log_length(memory_app) == before + 2 == accepted.position
    assert accepted.created == {"target_id": goal_id, "target_version": "2"}
    assert memory_app.get_proposal(proposed.id)["status"] == "accepted"
    goal = memory_app.get_goal(goal_id)
    assert (goal["achievable"], goal["version"]) == ("With a coach", 2)
    revised = stored_events(memory_app, goal_id)[-1]
    assert (revised.actor_id, revised.proposed_by) == (MENTEE, MENTOR)
    assert revised.proposal_id == proposed.id
    assert revised.reason == "Good idea"


def test_accepting_a_section_proposal_edits_the_plan_crediting_the_mentor(
    memory_app: TrackerApplication,
) -> None:
    memory_app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    proposed = memory_app.propose_section_edit(
        MENTEE,
        section="vision_statement",
        fields={"statement": "Teach adults"},
        rationale="You light up when teaching",
        actor_id=MENTOR,
    )
    memory_app.accept_proposal(proposed.id, reason=None, actor_id=MENTEE)

    plan = memory_app.get_plan(MENTEE, viewer_id=MENTEE)
    assert plan["sections"]["vision_statement"] == {"statement": "Teach adults"}
    edited = stored_events(memory_app, str(plan_id_for(MENTEE)))[-1]
    assert (edited.actor_id, edited.proposed_by) == (MENTEE, MENTOR)
    assert edited.reason == "You light up when teaching"


def test_only_the_mentee_accepts_and_a_refused_acceptance_writes_nothing(
    memory_app: TrackerApplication, goal_id: str
) -> None:
    proposed = memory_app.propose_goal_revision(
        goal_id, changes={"title": "Lead a team"}, rationale="Keep it", actor_id=MENTOR
    )
    before = log_length(memory_app)
    with pytest.raises(NotAllowed, match="Only the mentee accepts"):
        memory_app.accept_proposal(proposed.id, reason=None, actor_id=MENTOR)
    # The goal already says this: accepting would change nothing, so neither is saved.
    with pytest.raises(NothingChanged):
        memory_app.accept_proposal(proposed.id, reason=None, actor_id=MENTEE)
    assert log_length(memory_app) == before
    assert memory_app.get_proposal(proposed.id)["status"] == "pending"


def test_a_proposal_naming_an_unknown_field_is_refused_at_once(
    memory_app: TrackerApplication, goal_id: str
) -> None:
    before = log_length(memory_app)
    with pytest.raises(DomainError, match="has no field 'salary'"):
        memory_app.propose_goal_revision(
            goal_id, changes={"salary": "More"}, rationale="Money", actor_id=MENTOR
        )
    assert log_length(memory_app) == before


# Privacy --------------------------------------------------------------------------------------
def test_a_private_note_is_seen_only_by_its_author(
    memory_app: TrackerApplication, check_in_id: str
) -> None:
    memory_app.write_note(check_in_id, text="Nervous about it", private=True, actor_id=MENTEE)
    memory_app.write_note(check_in_id, text="Next steps agreed", private=False, actor_id=MENTEE)

    def notes(viewer: str) -> list[str]:
        return [n["text"] for n in memory_app.get_check_in(check_in_id, viewer_id=viewer)["notes"]]

    assert notes(MENTEE) == ["Nervous about it", "Next steps agreed"]
    assert notes(MENTOR) == ["Next steps agreed"]


def test_a_private_reflection_is_seen_only_by_the_mentee(memory_app: TrackerApplication) -> None:
    memory_app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    memory_app.reflect(MENTEE, text="I fear failing", private=True, actor_id=MENTEE)
    memory_app.reflect(MENTEE, text="I enjoy teaching", private=False, actor_id=MENTEE)

    def reflections(viewer: str) -> list[str]:
        return [r["text"] for r in memory_app.get_plan(MENTEE, viewer_id=viewer)["reflections"]]

    assert reflections(MENTEE) == ["I fear failing", "I enjoy teaching"]
    assert reflections(MENTOR) == ["I enjoy teaching"]


# Not found and already exists -----------------------------------------------------------------
def test_an_id_of_another_kind_is_not_found(
    memory_app: TrackerApplication, goal_id: str, check_in_id: str
) -> None:
    plan_id = str(plan_id_for(MENTEE))
    with pytest.raises(NotFound, match=f"No goal with id {plan_id}"):
        memory_app.get_goal(plan_id)
    with pytest.raises(NotFound, match="No check-in with id"):
        memory_app.get_check_in(goal_id, viewer_id=MENTEE)
    before = log_length(memory_app)
    with pytest.raises(NotFound, match="No goal with id"):
        memory_app.revise_goal(check_in_id, changes={"title": "X"}, reason="Y", actor_id=MENTEE)
    assert log_length(memory_app) == before


@pytest.mark.parametrize("ident", ["not-a-uuid", "", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_or_malformed_id_is_not_found(
    memory_app: TrackerApplication, ident: str
) -> None:
    with pytest.raises(NotFound, match="No goal with id"):
        memory_app.get_goal(ident)


def test_a_goal_needs_a_started_plan(memory_app: TrackerApplication) -> None:
    with pytest.raises(NotFound, match="No plan with id"):
        memory_app.draft_goal(MENTEE, kind="smarty", fields={"title": "X"}, actor_id=MENTEE)
    assert log_length(memory_app) == 0


def test_a_second_plan_for_the_same_mentee_already_exists(memory_app: TrackerApplication) -> None:
    memory_app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    memory_app.edit_plan_section(
        MENTEE,
        section="vision_statement",
        fields={"statement": "Teach"},
        reason=None,
        actor_id=MENTEE,
    )
    with pytest.raises(AlreadyExists, match=f"Mentee {MENTEE} already has a plan") as exists:
        memory_app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    assert exists.value.current == 2
    assert log_length(memory_app) == 2


def test_a_past_version_of_a_goal_reads_as_it_was(
    memory_app: TrackerApplication, goal_id: str
) -> None:
    memory_app.revise_goal(
        goal_id, changes={"title": "Lead two teams"}, reason="Grew", actor_id=MENTEE
    )
    assert memory_app.get_goal(goal_id, version=1)["title"] == "Lead a team"
    assert memory_app.get_goal(goal_id)["title"] == "Lead two teams"
