"""A mentee starts her plan, writes a section, drafts a SMARTY goal, activates and revises
it, and reads it back as it is now and as it was."""

from __future__ import annotations

from typing import Any

from tracker.clock import ManualClock

# The fixtures' `api` speaks for the mentee unless told otherwise (conftest.Api).
MENTEE = "ada"
MENTOR = "grace"


def test_starting_a_plan_answers_201_with_where_to_read_it(api: Any) -> None:
    response = api.post("/api/v1/plans", {"mentee_id": MENTEE})

    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/plans/{MENTEE}"
    assert response.headers["ETag"] == '"1"'
    body = response.get_json()
    assert body["version"] == 1
    assert body["position"] >= 1
    plan = api.ok("GET", response.headers["Location"])
    assert plan["mentee_id"] == MENTEE
    assert plan["sections"] == {}


def test_a_section_edit_is_kept_with_only_what_changed(api: Any) -> None:
    api.start_plan()
    path = f"/api/v1/plans/{MENTEE}/sections/three_circles"
    first = {"fields": {"good_at": "Untangling systems", "want_to_do": "Grow people"}}
    api.ok("PATCH", path, first, version=1)

    edit = {"fields": {"good_at": "Explaining"}, "reason": "Clearer"}
    receipt = api.ok("PATCH", path, edit, version=2)

    assert receipt["version"] == 3
    plan = api.ok("GET", f"/api/v1/plans/{MENTEE}")
    assert plan["sections"]["three_circles"] == {
        "good_at": "Explaining",
        "want_to_do": "Grow people",
    }


def test_put_replaces_the_whole_section(api: Any) -> None:
    api.start_plan()
    path = f"/api/v1/plans/{MENTEE}/sections/three_circles"
    first = {"fields": {"good_at": "Untangling", "want_to_do": "Grow people"}}
    api.ok("PATCH", path, first, version=1)

    api.ok("PUT", path, {"fields": {"good_at": "Explaining"}, "reason": "Starting over"}, version=2)

    plan = api.ok("GET", f"/api/v1/plans/{MENTEE}")
    assert plan["sections"]["three_circles"] == {"good_at": "Explaining", "want_to_do": ""}


def test_draft_activate_revise_and_read_a_goal(
    api: Any, clock: ManualClock, smarty_goal: dict[str, Any]
) -> None:
    api.start_plan()
    drafted = api.post(f"/api/v1/plans/{MENTEE}/goals", smarty_goal)
    assert drafted.status_code == 201
    goal_path = drafted.headers["Location"]
    assert goal_path == f"/api/v1/goals/{drafted.get_json()['id']}"

    api.ok("POST", f"{goal_path}/activate", version=1)
    clock.advance(days=30)
    revision = {"changes": {"target_date": "2026-03-31"}, "reason": "The reorganisation slipped"}
    receipt = api.ok("POST", f"{goal_path}/revisions", revision, version=2)

    now = api.get(goal_path)
    assert now.status_code == 200
    assert now.headers["ETag"] == f'"{receipt["version"]}"' == '"3"'
    goal = now.get_json()
    assert goal["status"] == "active"
    assert goal["target_date"] == "2026-03-31"
    assert goal["modified_on"].startswith("2025-02-05T09:00:00")
    assert goal["specific"] == smarty_goal["specific"]

    then = api.get(f"{goal_path}?version=1")
    assert then.headers["ETag"] == '"1"'
    assert then.get_json()["status"] == "draft"
    assert then.get_json()["target_date"] == "2025-12-31"


def test_a_version_the_goal_never_had_is_not_found(api: Any) -> None:
    api.start_plan()
    goal_id = api.draft_goal()

    response = api.get(f"/api/v1/goals/{goal_id}?version=7")

    assert response.status_code == 404
    assert "version 7" in response.get_json()["detail"]


def test_milestones_slip_and_are_met(api: Any) -> None:
    api.start_plan()
    api.active_mentorship()  # her mentor recognises the achievement
    goal_id = api.draft_goal()
    goal = f"/api/v1/goals/{goal_id}"
    added = api.ok("POST", f"{goal}/milestones", {"title": "Shadow a lead", "due": "2025-03-01"})
    milestone = f"{goal}/milestones/{added['item_id']}"

    moved = {"due": "2025-04-01", "reason": "Team busy"}
    api.ok("POST", f"{milestone}/reschedule", moved, version=2)
    api.ok("POST", f"{milestone}/complete", version=3)
    recognised = {
        "title": "First lead",
        "evidence": "Ran planning",
        "milestone_id": added["item_id"],
    }
    api.ok("POST", f"{goal}/achievements", recognised, actor=MENTOR)

    read = api.ok("GET", goal)
    [step] = read["milestones"]
    assert (step["due"], step["original_due"], step["status"]) == (
        "2025-04-01",
        "2025-03-01",
        "completed",
    )
    assert read["achievements"][0]["by"] == MENTOR


def test_lifecycle_steps_follow_the_rules(api: Any) -> None:
    api.start_plan()
    goal = f"/api/v1/goals/{api.draft_goal()}"
    api.ok("POST", f"{goal}/activate", version=1)
    api.ok("POST", f"{goal}/defer", {"reason": "Parental leave"}, version=2)
    api.ok("POST", f"{goal}/reopen", {"reason": "Back at work"}, version=3)
    api.ok("POST", f"{goal}/achieve", {"evidence": "Promoted"}, version=4)

    bigger = {"changes": {"title": "Bigger"}, "reason": "Why not"}
    revised = api.post(f"{goal}/revisions", bigger, version=5)

    assert revised.status_code == 422
    assert "reopened" in revised.get_json()["detail"]
    assert api.ok("GET", goal)["status"] == "achieved"


def test_a_private_reflection_is_for_the_mentee_only(api: Any) -> None:
    api.start_plan()
    api.active_mentorship()
    reflections = f"/api/v1/plans/{MENTEE}/reflections"
    api.ok("POST", reflections, {"text": "Afraid of managing friends", "private": True})
    api.ok("POST", reflections, {"text": "Enjoyed the offsite", "private": False})

    mine = api.ok("GET", f"/api/v1/plans/{MENTEE}")["reflections"]
    theirs = api.ok("GET", f"/api/v1/plans/{MENTEE}", actor=MENTOR)["reflections"]

    assert len(mine) == 2
    assert [r["text"] for r in theirs] == ["Enjoyed the offsite"]
    assert api.get(f"/api/v1/plans/{MENTEE}", actor=None).status_code == 401


def test_options_are_researched_and_narrowed_and_supporters_added(api: Any) -> None:
    api.start_plan()
    plan = f"/api/v1/plans/{MENTEE}"
    option = api.ok("POST", f"{plan}/options", {"title": "Engineering manager"})["item_id"]
    other = api.ok("POST", f"{plan}/options", {"title": "Staff engineer"})["item_id"]
    api.ok("POST", f"{plan}/options/{option}/research", {"facts": "Two openings", "sources": "HR"})
    api.ok("POST", f"{plan}/options/{option}/shortlist", version=4)
    api.ok("POST", f"{plan}/options/{other}/discard", {"reason": "Less people work"}, version=5)
    supporter = {"name": "Lin", "kind": "person", "brings": "Has managed for ten years"}
    api.ok("POST", f"{plan}/support-network", supporter)

    read = api.ok("GET", plan)

    statuses = {o["title"]: o["status"] for o in read["options"]}
    assert statuses == {"Engineering manager": "shortlisted", "Staff engineer": "discarded"}
    assert read["options"][0]["research"][0]["facts"] == "Two openings"
    assert read["support_network"][0]["name"] == "Lin"
