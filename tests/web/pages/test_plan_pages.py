"""The mentee's home and the section editor: what she sees, what she changes, and what
happens when the plan moved on while she was writing."""

from __future__ import annotations

import re

from flask import Flask

from tests.web.pages.conftest import MENTEE, Story, Visitor, acting

EDIT = f"/plans/{MENTEE}/sections/vision_statement/edit"


def version_on(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the form carries no version"
    return found.group(1)


def texts_on(html: str) -> dict[str, str]:
    """The section form's fields as the page fills them in."""
    return dict(re.findall(r'<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', html))


def test_her_home_shows_the_plan_goals_next_check_in_and_pending_proposals(ada: Visitor) -> None:
    page = ada.text(ada.get(f"/plans/{MENTEE}"))
    assert "Your career plan" in page
    assert "I lead teams that ship calmly" in page  # the vision, by section
    assert "Lead a platform team Active SMARTY" in page  # the goal with its status
    assert "Next check-in 3 Feb 2025 with Grace Hopper" in page
    assert "Grace Hopper proposes to change the goal “Lead a platform team”" in page
    assert "Measure outcomes, not output" in page


def test_she_edits_a_section_with_the_version_she_loaded_and_a_reason(
    ada: Visitor, app: Flask
) -> None:
    form = ada.get(EDIT)
    assert "I lead teams that ship calmly" in ada.text(form)
    saved = ada.submit(
        EDIT,
        {
            "statement": "I lead teams that ship calmly.\r\nAnd I keep learning.",
            "reason": "Shorter",
            "version": version_on(ada.last),
        },
    )
    assert saved.status_code == 302
    home = ada.text(ada.get(saved.location))
    assert "Saved the vision statement." in home
    assert "I lead teams that ship calmly. And I keep learning." in home
    with acting(app, MENTEE) as tracker:
        sections = tracker.get_plan(MENTEE, viewer_id=MENTEE)["sections"]
    assert sections["vision_statement"]["statement"].endswith("calmly.\nAnd I keep learning.")


def test_a_stale_form_shows_both_versions_and_sending_it_again_saves(
    ada: Visitor, app: Flask
) -> None:
    ada.get(EDIT)
    loaded = version_on(ada.last)
    with acting(app, MENTEE) as tracker:  # meanwhile, in another tab
        tracker.edit_plan_section(
            MENTEE, section="vision_statement", fields={"statement": "Written elsewhere."},
            reason="Other tab", actor_id=MENTEE,
        )  # fmt: skip
    mine = {"statement": "Mine, typed here.", "reason": "Clearer", "version": loaded}
    conflict = ada.submit(EDIT, mine)
    assert conflict.status_code == 409
    page = ada.text(conflict)
    assert "Someone changed the plan while you were writing" in page
    assert "Statement Mine, typed here. Written elsewhere." in page  # yours, and now
    assert "Ada Lovelace edited the section (Statement) — “Other tab”" in page
    retry = ada.submit(EDIT, {**mine, "version": version_on(ada.last)})
    assert retry.status_code == 302
    with acting(app, MENTEE) as tracker:
        plan = tracker.get_plan(MENTEE, viewer_id=MENTEE)
    assert plan["sections"]["vision_statement"]["statement"] == "Mine, typed here."


def test_sending_again_after_a_conflict_keeps_the_other_change_to_the_same_section(
    ada: Visitor, app: Flask
) -> None:
    edit = f"/plans/{MENTEE}/sections/self_assessment/edit"
    loaded = texts_on(ada.get(edit).get_data(as_text=True))
    with acting(app, MENTEE) as tracker:  # meanwhile, in another tab
        tracker.edit_plan_section(
            MENTEE, section="self_assessment", fields={**loaded, "strengths": "Calm in incidents."},
            reason="Other tab", actor_id=MENTEE,
        )  # fmt: skip
    mine = {**loaded, "values": "Candour.", "reason": "Mine", "version": version_on(ada.last)}
    assert ada.submit(edit, mine).status_code == 409
    again = ada.submit(
        edit, {**texts_on(ada.last), "reason": "Mine", "version": version_on(ada.last)}
    )
    assert again.status_code == 302
    with acting(app, MENTEE) as tracker:
        section = tracker.get_plan(MENTEE, viewer_id=MENTEE)["sections"]["self_assessment"]
    assert (section["strengths"], section["values"]) == ("Calm in incidents.", "Candour.")


def test_an_edit_that_changes_nothing_comes_back_with_the_text_kept(
    ada: Visitor, app: Flask
) -> None:
    ada.get(EDIT)
    version = version_on(ada.last)
    answer = ada.submit(
        EDIT,
        {"statement": "I lead teams that ship calmly and learn as they go.", "version": version},
    )
    assert answer.status_code == 422
    assert "This edit would not change the vision statement." in ada.text(answer)
    assert "I lead teams that ship calmly and learn as they go." in ada.last
    with acting(app, MENTEE) as tracker:
        assert str(tracker.get_plan(MENTEE, viewer_id=MENTEE)["version"]) == version


def test_her_mentor_proposes_a_section_change_instead_and_must_say_why(
    grace: Visitor, app: Flask
) -> None:
    form = grace.get(EDIT)
    assert "Propose a change to the vision statement" in grace.text(form)
    without_why = grace.submit(EDIT, {"statement": "Lead with care.", "version": "2"})
    assert without_why.status_code == 422
    assert 'id="e-reason"' in grace.last  # the message sits beside the field
    assert "Lead with care." in grace.last
    sent = grace.submit(EDIT, {"statement": "Lead with care.", "reason": "Simpler"})
    assert sent.status_code == 302
    home = grace.text(grace.get(f"/plans/{MENTEE}"))
    assert "Grace Hopper proposes to change the section vision statement" in home
    assert "Withdraw" in home


def test_she_accepts_a_proposal_and_declining_one_needs_a_reason(
    ada: Visitor, story: Story, app: Flask
) -> None:
    ada.get(f"/plans/{MENTEE}")
    refused = ada.submit(f"/proposals/{story.proposal_id}/decide", {"decision": "decline"})
    assert refused.status_code == 422
    assert "The reason must not be empty." in ada.text(refused)
    accepted = ada.submit(
        f"/proposals/{story.proposal_id}/decide", {"decision": "accept", "reason": "Yes"}
    )
    assert accepted.status_code == 302
    assert "Accepted: the change is in your plan." in ada.text(ada.get(accepted.location))
    with acting(app, MENTEE) as tracker:
        goal = tracker.get_goal(story.goal_id)
    assert goal["measurable"] == "Two engineers grow into seniors within the year"


def test_nobody_else_learns_the_plan_exists(story: Story, visitor: Visitor) -> None:
    visitor.sign_in("eve")
    for path in (f"/plans/{MENTEE}", f"/goals/{story.goal_id}", f"/plans/{MENTEE}/timeline"):
        answer = visitor.get(path)
        assert answer.status_code == 404, path
        assert answer.mimetype == "text/html"
        assert "Nothing here" in visitor.text(answer)
