"""Check-ins: the history, scheduling, and one meeting's agenda, four questions, action
items and notes, private ones staying their author's."""

from __future__ import annotations

import re

from tests.web.pages.conftest import MENTEE, Story, Visitor


def test_the_history_lists_check_ins_and_schedules_the_next(grace: Visitor, story: Story) -> None:
    page = grace.text(grace.get(f"/plans/{MENTEE}/check-ins"))
    assert "With Ada Lovelace active" in page
    assert "3 Feb 2025 Scheduled — 0 done, 1 open" in page
    bad = grace.submit(f"/mentorships/{story.mentorship_id}/check-ins", {"scheduled_for": ""})
    assert bad.status_code == 422
    assert "Give a date." in grace.text(bad)
    made = grace.submit(
        f"/mentorships/{story.mentorship_id}/check-ins", {"scheduled_for": "2025-03-03"}
    )
    assert made.status_code == 302
    assert "Check-in of 3 Mar 2025" in grace.text(grace.get(made.location))


def test_both_fill_in_a_check_in_and_a_private_note_stays_private(
    ada: Visitor, grace: Visitor, story: Story
) -> None:
    path = f"/check-ins/{story.check_in_id}"
    ada.get(path)
    assert ada.submit(f"{path}/agenda", {"text": "My first 1:1s"}).status_code == 302
    ada.get(path)
    version = re.search(r'name="version" value="(\d+)"', ada.last)
    assert version
    answers = {
        "where_are_you_now": "Senior engineer",
        "where_do_you_want_to_be": "Managing a team",
        "version": version.group(1),
    }
    assert ada.submit(f"{path}/answers", answers).status_code == 302
    assert (
        ada.submit(f"{path}/notes", {"text": "I was nervous", "private": "on"}).status_code == 302
    )
    assert ada.submit(f"{path}/notes", {"text": "We agreed on a plan"}).status_code == 302
    hers = ada.text(ada.get(path))
    assert "My first 1:1s — Ada Lovelace" in hers
    assert "Senior engineer" in hers
    assert "Managing a team" in hers
    assert "I was nervous Ada Lovelace · Private: only you see it" in hers
    his = grace.text(grace.get(path))
    assert "We agreed on a plan" in his
    assert "I was nervous" not in his


def test_an_action_item_needs_a_due_date_and_is_marked_done(grace: Visitor, story: Story) -> None:
    path = f"/check-ins/{story.check_in_id}"
    grace.get(path)
    refused = grace.submit(
        f"{path}/action-items", {"text": "Draft a team charter", "owner_id": MENTEE}
    )
    assert refused.status_code == 422
    assert re.search(r'id="e-ai-due">The due date must be a date', grace.last)
    assert 'value="Draft a team charter"' in grace.last
    page = grace.text(grace.get(path))
    assert "Read The Manager's Path — Ada Lovelace, due 10 Jan 2025 Overdue" in page
    item = re.search(r"action-items/([0-9a-f-]{36})/done", grace.last)
    assert item
    assert grace.submit(f"{path}/action-items/{item.group(1)}/done", {}).status_code == 302
    assert "Done 7 Feb 2025" in grace.text(grace.get(path))


def test_holding_a_check_in_closes_its_schedule(grace: Visitor, story: Story) -> None:
    path = f"/check-ins/{story.check_in_id}"
    grace.get(path)
    version = re.search(r'name="version" value="(\d+)"', grace.last)
    assert version
    held = grace.submit(f"{path}/hold", {"held_on": "2025-02-03", "version": version.group(1)})
    assert held.status_code == 302
    page = grace.text(grace.get(path))
    assert "Held Ada Lovelace with Grace Hopper · held 3 Feb 2025" in page
    assert "Mark as held" not in page
