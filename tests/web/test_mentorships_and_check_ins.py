"""A mentee invites a mentor, they agree how to meet, and hold check-ins whose private
notes stay with their author."""

from __future__ import annotations

from typing import Any

MENTEE = "ada"
MENTOR = "grace"


def test_an_invitation_accepted_with_an_agreement(api: Any) -> None:
    mentorship_id = api.active_mentorship()

    mentorship = api.get(f"/api/v1/mentorships/{mentorship_id}")

    assert mentorship.headers["ETag"] == '"2"'
    body = mentorship.get_json()
    assert body["status"] == "active"
    assert body["agreement"] == {"cadence_days": 30, "meeting_minutes": 60, "guidance": "career"}
    assert body["ask"]["frequency"] == "monthly"


def test_the_agreement_changes_and_the_mentorship_ends(api: Any) -> None:
    path = f"/api/v1/mentorships/{api.active_mentorship()}"
    terms = {
        "cadence_days": 14,
        "meeting_minutes": 45,
        "guidance": "interviews",
        "reason": "Job hunt",
    }
    api.ok("PUT", f"{path}/agreement", terms, actor=MENTOR, version=2)

    api.ok("POST", f"{path}/end", {"reason": "Goal reached"}, version=3)

    read = api.ok("GET", path)
    assert (read["status"], read["agreement"]["cadence_days"]) == ("ended", 14)


def test_an_agreement_out_of_bounds_is_a_422(api: Any) -> None:
    path = f"/api/v1/mentorships/{api.active_mentorship()}"
    terms = {"cadence_days": 1000, "meeting_minutes": 60, "guidance": "career"}

    response = api.call("PUT", f"{path}/agreement", terms, version=2)

    assert response.status_code == 422
    assert "cadence_days" in response.get_json()["errors"]


def test_a_private_note_is_hidden_from_the_other_participant(api: Any) -> None:
    mentorship_id = api.active_mentorship()
    scheduled = api.post(
        f"/api/v1/mentorships/{mentorship_id}/check-ins", {"scheduled_for": "2025-02-03"}
    )
    assert scheduled.status_code == 201
    check_in = scheduled.headers["Location"]
    api.ok("POST", f"{check_in}/notes", {"text": "Nervous about the reorg", "private": True})
    api.ok("POST", f"{check_in}/notes", {"text": "Bring the org chart", "private": False})

    mine = api.ok("GET", check_in)
    theirs = api.ok("GET", check_in, actor=MENTOR)

    assert {n["text"] for n in mine["notes"]} == {"Nervous about the reorg", "Bring the org chart"}
    assert [n["text"] for n in theirs["notes"]] == ["Bring the org chart"]


def test_reading_a_check_in_needs_to_know_who_reads(api: Any) -> None:
    mentorship_id = api.active_mentorship()
    check_in = api.post(
        f"/api/v1/mentorships/{mentorship_id}/check-ins", {"scheduled_for": "2025-02-03"}
    ).headers["Location"]

    assert api.get(check_in, actor=None).status_code == 401


def test_a_check_in_with_its_outcomes(api: Any) -> None:
    mentorship_id = api.active_mentorship()
    check_in = api.post(
        f"/api/v1/mentorships/{mentorship_id}/check-ins", {"scheduled_for": "2025-02-03"}
    ).headers["Location"]
    api.ok("POST", f"{check_in}/agenda", {"text": "Hiring plan, with two options"})
    api.ok("POST", f"{check_in}/answers", {"where_are_you_now": "Senior engineer"}, version=2)
    api.ok("POST", f"{check_in}/hold", {"held_on": "2025-02-04"}, actor=MENTOR, version=3)
    api.ok("POST", f"{check_in}/feedback", {"text": "Good preparation"}, actor=MENTOR)
    api.ok("POST", f"{check_in}/lessons", {"text": "Ask for the budget early"})
    item = api.ok(
        "POST",
        f"{check_in}/action-items",
        {"text": "Draft a job ad", "owner_id": MENTEE, "due": "2025-02-20"},
    )
    api.ok("POST", f"{check_in}/action-items/{item['item_id']}/done", version=item["version"])

    read = api.ok("GET", check_in)

    assert (read["status"], read["held_on"]) == ("held", "2025-02-04")
    assert read["answers"] == {"where_are_you_now": "Senior engineer"}
    assert read["action_items"][0]["done"] is True
    assert read["action_items"][0]["done_on"] == "2025-01-06"
    assert read["feedback"] == [{"text": "Good preparation", "by": MENTOR}]
