"""The mentor does not dictate: he proposes, and only the mentee's acceptance changes the
goal or the plan, crediting both."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Flask

MENTEE = "ada"
MENTOR = "grace"


def test_an_accepted_goal_proposal_is_applied_crediting_both(app: Flask, api: Any) -> None:
    api.start_plan()
    api.active_mentorship()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    proposal = {"changes": {"measurable": "Two hires made"}, "rationale": "Easier to check"}
    made = api.post(f"{goal}/proposals", proposal, actor=MENTOR)
    assert made.status_code == 201
    assert api.ok("GET", goal)["measurable"] == "Team ships its quarterly roadmap"

    accepted = api.ok("POST", f"{made.headers['Location']}/accept", {"reason": "Agreed"}, version=1)

    assert accepted["target_id"] == goal.rsplit("/", 1)[-1]
    assert accepted["target_version"] == 2
    assert api.ok("GET", goal)["measurable"] == "Two hires made"
    read = api.ok("GET", made.headers["Location"])
    assert (read["status"], read["proposed_by"], read["decision_reason"]) == (
        "accepted",
        MENTOR,
        "Agreed",
    )
    revised = list(app.extensions["tracker"].events.get(UUID(accepted["target_id"])))[-1]
    assert (revised.actor_id, revised.proposed_by, revised.reason) == (MENTEE, MENTOR, "Agreed")


def test_only_the_mentee_accepts(api: Any) -> None:
    api.start_plan()
    api.active_mentorship()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    made = api.ok(
        "POST", f"{goal}/proposals", {"changes": {"title": "Mine"}, "rationale": "Hm"}, actor=MENTOR
    )

    refused = api.post(f"/api/v1/proposals/{made['id']}/accept", actor=MENTOR, version=1)

    assert refused.status_code == 403
    assert api.ok("GET", goal)["title"] != "Mine"


def test_a_section_proposal_declined_changes_nothing(api: Any) -> None:
    api.start_plan()
    api.active_mentorship()
    section = f"/api/v1/plans/{MENTEE}/sections/vision_statement"
    body = {"fields": {"statement": "Be a CTO"}, "rationale": "Aim high"}
    made = api.post(f"{section}/proposals", body, actor=MENTOR)
    assert made.status_code == 201

    api.ok("POST", f"{made.headers['Location']}/decline", {"reason": "Not my aim"}, version=1)

    assert api.ok("GET", made.headers["Location"])["status"] == "declined"
    assert api.ok("GET", f"/api/v1/plans/{MENTEE}")["sections"] == {}


def test_the_proposer_may_withdraw(api: Any) -> None:
    api.start_plan()
    api.active_mentorship()
    section = f"/api/v1/plans/{MENTEE}/sections/purpose_question"
    made = api.ok(
        "POST",
        f"{section}/proposals",
        {"fields": {"question": "Why?"}, "rationale": "Focus"},
        actor=MENTOR,
    )

    api.ok("POST", f"/api/v1/proposals/{made['id']}/withdraw", actor=MENTOR, version=1)

    assert api.ok("GET", f"/api/v1/proposals/{made['id']}")["status"] == "withdrawn"
