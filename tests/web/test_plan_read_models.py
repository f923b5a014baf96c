"""GET the plan as of a moment, the diff, goal history and blame, the roadmap, and the
mentor's dashboard over HTTP: fresh, private where they must be, strict about input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.web.conftest import MENTEE, MENTOR, Api, make_app, tracker
from tracker.clock import ManualClock

PLAN = f"/api/v1/plans/{MENTEE}"
DASHBOARD = f"/api/v1/mentors/{MENTOR}/dashboard"


@pytest.fixture
def app(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(sqlite_url, clock)
    yield app
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    tracker(app).close()


def edit_vision(api: Api, statement: str) -> dict[str, Any]:
    version = api.ok("GET", PLAN)["version"]  # an edit overwrites: it names what it read
    path = f"{PLAN}/sections/vision_statement"
    body = {"fields": {"statement": statement}, "reason": "clearer"}
    return api.ok("PATCH", path, body, version=version)


def problem(api: Api, path: str, status: int, **kwargs: Any) -> dict[str, Any]:
    response = api.get(path, **kwargs)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    data: dict[str, Any] = response.get_json()
    return data


def test_the_plan_as_of_a_position_and_a_date(api: Api, clock: ManualClock) -> None:
    api.start_plan()  # 6 January 2025
    first = edit_vision(api, "Build tools")
    clock.advance(days=10)
    edit_vision(api, "Lead a team")

    by_position = api.ok("GET", f"{PLAN}/as-of?position={first['position']}")
    by_date = api.ok("GET", f"{PLAN}/as-of?date=2025-01-06")
    by_time = api.ok("GET", f"{PLAN}/as-of?date=2025-01-16T08:59:00Z")
    now = api.ok("GET", f"{PLAN}/as-of?date=2025-01-16")

    for then in (by_position, by_date, by_time):
        assert then["sections"]["vision_statement"]["statement"] == "Build tools"
    assert now["sections"]["vision_statement"]["statement"] == "Lead a team"
    before = problem(api, f"{PLAN}/as-of?date=2025-01-05", 404)
    assert "had not been started" in before["detail"]


@pytest.mark.parametrize(
    "query",
    ["", "?date=2025-01-06&position=1", "?date=yesterday", "?position=-1", "?date=12"],
)
def test_as_of_needs_exactly_one_readable_moment(api: Api, query: str) -> None:
    api.start_plan()

    answer = problem(api, f"{PLAN}/as-of{query}", 422)

    assert answer["errors"]


def test_an_unknown_plan_is_not_found(api: Api) -> None:
    problem(api, "/api/v1/plans/nobody/as-of?position=1", 404)
    problem(api, "/api/v1/plans/nobody/diff?from=1", 404)
    problem(api, "/api/v1/plans/nobody/roadmap", 404)


def test_the_diff_between_two_dates(api: Api, clock: ManualClock) -> None:
    api.start_plan()
    edit_vision(api, "Build tools")
    clock.advance(days=10)
    edit_vision(api, "Lead a team")
    goal_id = api.draft_goal()

    diff = api.ok("GET", f"{PLAN}/diff?from=2025-01-16&to=2025-01-16")

    assert diff["sections"]["vision_statement"]["changed"]["statement"] == {
        "from": "Build tools",
        "to": "Lead a team",
    }
    assert [g["id"] for g in diff["goals"]["added"]] == [goal_id]
    assert problem(api, f"{PLAN}/diff?from=2025-02-01&to=2025-01-01", 422)["errors"]["to"]
    assert problem(api, f"{PLAN}/diff", 422)["errors"]["from"]


def test_a_mentor_audits_who_changed_the_target_date(api: Api) -> None:
    api.start_plan()
    api.active_mentorship()
    goal_id = api.draft_goal()
    proposal = {"changes": {"target_date": "2026-03-31"}, "rationale": "More realistic"}
    made = api.post(f"/api/v1/goals/{goal_id}/proposals", proposal, actor=MENTOR)
    api.ok("POST", f"{made.headers['Location']}/accept", {"reason": "Agreed"}, version=1)

    blame = api.ok("GET", f"/api/v1/goals/{goal_id}/blame", actor=MENTOR)
    history = api.ok("GET", f"/api/v1/goals/{goal_id}/history", actor=MENTOR)

    target = blame["fields"]["target_date"]
    assert (target["value"], target["actor_id"], target["proposed_by"], target["reason"]) == (
        "2026-03-31",
        MENTEE,
        MENTOR,
        "Agreed",
    )
    assert [r["event"] for r in history["items"]] == ["drafted", "revised"]
    assert history["items"][1]["changes"]["target_date"]["from"] == "2025-12-31"
    problem(api, "/api/v1/goals/not-a-uuid/history", 404)
    problem(api, "/api/v1/goals/00000000-0000-4000-8000-000000000000/blame", 404)


def test_the_roadmap_flags_overdue_milestones(api: Api) -> None:
    goal_id = (api.start_plan(), api.draft_goal())[1]
    milestone = {"title": "First hire", "due": "2025-03-01", "skills": ["interviewing"]}
    api.ok("POST", f"/api/v1/goals/{goal_id}/milestones", milestone)

    early = api.ok("GET", f"{PLAN}/roadmap?today=2025-02-01")
    late = api.ok("GET", f"{PLAN}/roadmap?today=2025-03-02")
    drift = api.ok("GET", f"/api/v1/goals/{goal_id}/milestone-drift")

    assert [i["title"] for i in early["axis"]] == ["First hire", "Lead a platform team"]
    assert early["overdue"] == []
    assert [i["title"] for i in late["overdue"]] == ["First hire"]
    assert drift["milestones"][0]["moves"] == 0
    assert problem(api, f"{PLAN}/roadmap?today=someday", 422)["errors"]["today"]


def test_the_dashboard_is_the_mentors_own(api: Api) -> None:
    api.start_plan()
    api.active_mentorship()
    api.ok("POST", f"{PLAN}/reflections", {"text": "Scared of failing", "private": True})

    board = api.ok("GET", f"{DASHBOARD}?today=2025-01-06", actor=MENTOR)

    (card,) = board["mentees"]
    assert card["mentee_id"] == MENTEE
    assert card["next_check_in"]["date"] == "2025-02-05"
    assert "Scared of failing" not in str(board)
    assert problem(api, DASHBOARD, 403, actor=MENTEE)["title"] == "Not allowed"
    problem(api, DASHBOARD, 401, actor=None)
    assert problem(api, f"{DASHBOARD}?idle_days=0", 422, actor=MENTOR)["errors"]["idle_days"]


def test_marking_changes_seen(api: Api) -> None:
    api.start_plan()
    api.active_mentorship()
    board = api.ok("GET", DASHBOARD, actor=MENTOR)
    latest = board["latest_position"]
    assert board["mentees"][0]["changes_since_seen"]

    seen = api.ok("POST", f"{DASHBOARD}/seen", {"position": latest}, actor=MENTOR)
    edit_vision(api, "Lead a team")
    after = api.ok("GET", DASHBOARD, actor=MENTOR)

    assert seen == {"mentor_id": MENTOR, "seen_position": latest}
    assert [c["type"] for c in after["mentees"][0]["changes_since_seen"]] == ["Plan.SectionEdited"]
    (edit,) = after["mentees"][0]["changes_since_seen"]
    assert (edit["subject"], edit["subject_kind"]) == ("vision_statement", "section")
    back = api.ok("POST", f"{DASHBOARD}/seen", {"position": 1}, actor=MENTOR)
    assert back["seen_position"] == latest  # never moves back
    beyond = api.post(f"{DASHBOARD}/seen", {"position": latest + 100}, actor=MENTOR)
    assert beyond.status_code == 422
    assert api.post(f"{DASHBOARD}/seen", {"position": "x"}, actor=MENTOR).status_code == 422
    assert api.post(f"{DASHBOARD}/seen", {"position": latest}, actor=MENTEE).status_code == 403


HAL = "hal"  # Ada's second mentor in the test below


def second_mentor(api: Api) -> str:
    """Hal, Ada's second active mentor; his mentorship's id."""
    invitation = {
        "mentee_id": MENTEE, "mentor_id": HAL, "help_wanted": "Negotiate a promotion",
        "duration": "six months", "frequency": "monthly",
    }  # fmt: skip
    mentorship_id = str(api.ok("POST", "/api/v1/mentorships", invitation)["id"])
    agreement = {"cadence_days": 30, "meeting_minutes": 60, "guidance": "career"}
    accept = f"/api/v1/mentorships/{mentorship_id}/accept"
    api.ok("POST", accept, agreement, actor=HAL, version=1)
    return mentorship_id


def test_the_dashboard_counts_only_changes_its_mentor_may_see(api: Api) -> None:
    api.start_plan()
    api.active_mentorship()
    halls = second_mentor(api)
    goal_id = api.draft_goal()
    seen = api.ok("GET", DASHBOARD, actor=MENTOR)["latest_position"]
    api.ok("POST", f"{DASHBOARD}/seen", {"position": seen}, actor=MENTOR)

    edit_vision(api, "Lead a team")  # Grace may see this
    for n in range(51):  # and none of these: Hal's pending proposals, his check-in, her secret
        proposal = {"changes": {"title": f"Lead {n} teams"}, "rationale": f"Bolder {n}"}
        api.ok("POST", f"/api/v1/goals/{goal_id}/proposals", proposal, actor=HAL)
    api.ok("POST", f"/api/v1/mentorships/{halls}/check-ins", {"scheduled_for": "2025-02-01"})
    api.ok("POST", f"{PLAN}/reflections", {"text": "Scared", "private": True})

    graces = api.ok("GET", DASHBOARD, actor=MENTOR)
    hals = api.ok("GET", f"/api/v1/mentors/{HAL}/dashboard", actor=HAL)

    (card,) = graces["mentees"]
    (edit,) = card["changes_since_seen"]
    assert edit["type"] == "Plan.SectionEdited"
    assert card["more_changes"] is False  # 52 changes after her cursor, but one hers to see
    assert card["latest_position"] == graces["latest_position"] == edit["position"]
    assert "Bolder" not in str(graces)
    (his,) = hals["mentees"]
    assert len(his["changes_since_seen"]) == 50
    assert his["more_changes"] is True  # he sees his own proposals: more than 50 changes
    newest = his["changes_since_seen"][:2]
    assert [(c["type"], c["by_you"]) for c in newest] == [
        ("CheckIn.Scheduled", False),  # Ada put their check-in in the diary
        ("Proposal.Made", True),
    ]
    assert hals["latest_position"] > graces["latest_position"]

    api.ok("POST", f"{DASHBOARD}/seen", {"position": graces["latest_position"]}, actor=MENTOR)
    assert api.ok("GET", DASHBOARD, actor=MENTOR)["mentees"][0]["changes_since_seen"] == []
    edit_vision(api, "Lead two teams")
    after = api.ok("GET", DASHBOARD, actor=MENTOR)["mentees"][0]
    assert [c["type"] for c in after["changes_since_seen"]] == ["Plan.SectionEdited"]
