"""Plain values the use cases refuse as domain errors: unknown choices, options not in the plan."""

from __future__ import annotations

import pytest

from domain import DomainError, UnknownItem
from tracker.application import TrackerApplication

MENTEE = "mentee-ada"


@pytest.fixture
def app(memory_app: TrackerApplication) -> TrackerApplication:
    memory_app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    return memory_app


def test_an_unknown_kind_source_or_supporter_kind_is_a_domain_error(
    app: TrackerApplication,
) -> None:
    with pytest.raises(DomainError, match="The kind must be one of: smarty, real") as refused:
        app.draft_goal(MENTEE, kind="weird", fields={"title": "T"}, actor_id=MENTEE)
    assert refused.value.field == "kind"
    goal_id = app.draft_goal(MENTEE, kind="smarty", fields={"title": "T"}, actor_id=MENTEE).id
    with pytest.raises(DomainError, match="The source must be one of") as refused:
        app.give_feedback(goal_id, text="Good", source="boss", actor_id=MENTEE)
    assert refused.value.field == "source"
    with pytest.raises(DomainError, match="The kind must be one of: person, resource"):
        app.add_supporter(MENTEE, name="P", kind="alien", brings="B", user_id=None, actor_id=MENTEE)


def test_a_goal_serves_only_an_option_of_the_plan(app: TrackerApplication) -> None:
    option_id = app.add_option(MENTEE, title="Data eng", description=None, actor_id=MENTEE).created[
        "item_id"
    ]
    with pytest.raises(UnknownItem, match="no such option") as refused:
        app.draft_goal(
            MENTEE, kind="smarty", fields={"title": "T", "serves": "option:nope"}, actor_id=MENTEE
        )
    assert refused.value.field == "serves"
    goal_id = app.draft_goal(
        MENTEE,
        kind="smarty",
        fields={"title": "T", "serves": f"option:{option_id}"},
        actor_id=MENTEE,
    ).id
    with pytest.raises(UnknownItem, match="no such option"):
        app.revise_goal(goal_id, changes={"serves": "option:nope"}, reason="R", actor_id=MENTEE)
    assert app.get_goal(goal_id)["serves"] == f"option:{option_id}"


def test_a_proposed_revision_serves_only_an_option_of_the_plan(app: TrackerApplication) -> None:
    goal_id = app.draft_goal(MENTEE, kind="smarty", fields={"title": "T"}, actor_id=MENTEE).id
    with pytest.raises(UnknownItem, match="no such option") as refused:
        app.propose_goal_revision(
            goal_id, changes={"serves": "option:nope"}, rationale="R", actor_id="mentor-grace"
        )
    assert refused.value.field == "serves"
