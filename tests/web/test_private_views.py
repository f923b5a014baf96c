"""Views of a whole plan keep each mentorship's conversation to its two people."""

from __future__ import annotations

import pytest

from tests.web.conftest import Api
from tracker.services import timeline_pages

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


def with_grace_and_ed(api: Api) -> str:
    """Ada's plan with two mentors, Grace (to lead) and Ed (to negotiate her salary), and a
    check-in with Ed: its id."""
    api.start_plan("ada")
    mentor(api, "grace", "Help me lead")
    with_ed = mentor(api, "ed", "Help me negotiate my salary")
    return str(
        api.ok(
            "POST", f"{API}/mentorships/{with_ed}/check-ins", {"scheduled_for": "2025-02-03"},
            actor="ada",
        )["id"]
    )  # fmt: skip


def test_a_mentor_reads_her_timeline_without_her_other_mentorships(api: Api) -> None:
    check_in = with_grace_and_ed(api)
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


def write_runs_ed_alone_sees(api: Api) -> list[str]:
    """Ada's options between runs of agenda items of her check-in with Ed (which Grace does
    not see): the titles of the options, in order."""
    check_in = with_grace_and_ed(api)
    titles = []
    for run, options in ((7, 2), (9, 4), (3, 1), (8, 0)):
        for item in range(run):
            api.ok(
                "POST", f"{API}/check-ins/{check_in}/agenda", {"text": f"Pay {item}"}, actor="ed"
            )
        for _ in range(options):
            titles.append(f"Option {len(titles)}")
            api.ok("POST", f"{API}/plans/ada/options", {"title": titles[-1]}, actor="ada")
    return titles


def pages_of(api: Api, reader: str, limit: int) -> list[list[dict[str, object]]]:
    """Every page of Ada's timeline as `reader` reads them, following the cursors."""
    pages, cursor = [], ""
    while True:
        page = api.ok("GET", f"{API}/plans/ada/timeline?limit={limit}{cursor}", actor=reader)
        pages.append(page["items"])
        if page["next_cursor"] is None:
            return pages
        cursor = f"&cursor={page['next_cursor']}"


def test_a_mentor_reads_full_timeline_pages_past_what_he_does_not_see(api: Api) -> None:
    titles = write_runs_ed_alone_sees(api)
    whole = api.ok("GET", f"{API}/plans/ada/timeline?limit=500", actor="grace")["items"]
    assert [e["subject"].get("title") for e in whole if e["kind"] == "option"] == titles
    assert not any(e["type"].startswith("CheckIn.") for e in whole)

    pages = pages_of(api, "grace", limit=3)

    assert [len(page) for page in pages[:-1]] == [3] * (len(pages) - 1)
    assert 1 <= len(pages[-1]) <= 3
    assert [entry for page in pages for entry in page] == whole


def test_a_long_run_he_does_not_see_shortens_a_page_but_paging_still_ends(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles = write_runs_ed_alone_sees(api)
    whole = api.ok("GET", f"{API}/plans/ada/timeline?limit=500", actor="grace")["items"]
    monkeypatch.setattr(timeline_pages, "MAX_SCANNED", 4)  # at most a batch or two a page

    pages = pages_of(api, "grace", limit=2)

    assert [entry for page in pages for entry in page] == whole
    assert any(len(page) < 2 for page in pages[:-1])  # the bound was reached, yet it went on
    assert [e["subject"].get("title") for p in pages for e in p if e["kind"] == "option"] == titles
