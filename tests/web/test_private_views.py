"""Views of a whole plan keep each mentorship's conversation to its two people."""

from __future__ import annotations

from tests.web.conftest import Api

API = "/api/v1"


def mentor(api: Api, mentor_id: str, ask: str) -> str:
    """Ada invites `mentor_id` with her ask, and he accepts: the mentorship's id."""
    invitation = {"mentee_id": "ada", "mentor_id": mentor_id, "help_wanted": ask,
                  "duration": "a year", "frequency": "monthly"}  # fmt: skip
    mentorship_id = str(api.ok("POST", f"{API}/mentorships", invitation, actor="ada")["id"])
    agreement = {"cadence_days": 30, "meeting_minutes": 60, "guidance": "career"}
    accept = f"{API}/mentorships/{mentorship_id}/accept"
    api.ok("POST", accept, agreement, actor=mentor_id, version=1)
    return mentorship_id


def test_a_mentor_reads_her_timeline_without_her_other_mentorships(api: Api) -> None:
    api.start_plan("ada")
    mentor(api, "grace", "Help me lead")
    with_ed = mentor(api, "ed", "Help me negotiate my salary")
    check_in = api.ok(
        "POST", f"{API}/mentorships/{with_ed}/check-ins", {"scheduled_for": "2025-02-03"},
        actor="ada",
    )["id"]  # fmt: skip
    note = {"text": "She is thinking of leaving", "private": False}
    api.ok("POST", f"{API}/check-ins/{check_in}/notes", note, actor="ed")
    timeline = f"{API}/plans/ada/timeline?limit=100"

    graces = api.ok("GET", timeline, actor="grace")
    eds = api.ok("GET", timeline, actor="ed")
    adas = api.ok("GET", timeline, actor="ada")

    for words in ("negotiate my salary", "thinking of leaving"):
        assert words not in str(graces)
        assert words in str(eds)
        assert words in str(adas)
    assert {e["actor_id"] for e in graces["items"]} == {"ada", "grace"}
    assert len(adas["items"]) == len(eds["items"]) + 2  # grace's invitation and acceptance
