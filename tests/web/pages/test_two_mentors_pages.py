"""Two mentors of one mentee: on the pages, each reads the plan, but what is between Ada and
one of them (his pending proposal, their check-ins) is not the other's to read; a proposal
she accepted is part of her plan's history, credited, for both."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.web.pages.conftest import (
    MENTEE,
    MENTOR,
    STRANGER,
    Story,
    Visitor,
    acting,
    mentored_by,
    service,
)
from tracker.web.read_models import projections_of

OTHER = STRANGER  # Eve, whom Ada invites as her second mentor here
# Grace's pending proposal (its rationale, the value it proposes, the goal page's line about
# it) and her check-in's action item.
GRACES = ("Measure outcomes", "Two engineers grow", "proposes new values", "Read The Manager")


@pytest.fixture
def eve(app: Flask, story: Story) -> Visitor:
    """Eve, Ada's second active mentor, signed in."""
    mentored_by(app, OTHER, "Negotiate a promotion", "six months")
    browser = Visitor(app.test_client())
    assert browser.sign_in(OTHER).status_code == 302
    return browser


def pages(app: Flask, story: Story) -> dict[str, str]:
    """The pages a mentor reads about Ada, by name."""
    today = service(app).now_date().isoformat()
    return {
        "home": f"/plans/{MENTEE}",
        "goal": f"/goals/{story.goal_id}",
        "as of": f"/plans/{MENTEE}/as-of?date={today}",
        "diff": f"/plans/{MENTEE}/diff?from=2024-01-01&to={today}",
        "timeline": f"/plans/{MENTEE}/timeline",
        "dashboard": "/dashboard",
    }


def read(visitor: Visitor, app: Flask, story: Story) -> dict[str, str]:
    """Each page's words, as `visitor` reads them."""
    answers = {name: visitor.get(path) for name, path in pages(app, story).items()}
    assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(answers, 200)
    return {name: visitor.text(answer) for name, answer in answers.items()}


def graces_words(texts: dict[str, str]) -> dict[str, list[str]]:
    return {name: [word for word in GRACES if word in text] for name, text in texts.items()}


def test_her_other_mentor_reads_nothing_of_a_pending_proposal_not_his(
    app: Flask, story: Story, eve: Visitor, grace: Visitor
) -> None:
    eves = read(eve, app, story)
    assert not any(graces_words(eves).values()), graces_words(eves)
    assert "proposed a change" not in eves["timeline"]
    assert "scheduled a check-in" not in eves["timeline"]
    assert "Ada Lovelace activated the goal" in eves["timeline"]
    graces = read(grace, app, story)
    assert all(graces_words(graces).values()), graces_words(graces)
    assert "Grace Hopper proposed a change to a goal" in graces["timeline"]


def test_a_proposal_she_accepted_is_credited_history_for_both_mentors(
    app: Flask, story: Story, eve: Visitor
) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.accept_proposal(story.proposal_id, reason=None, actor_id=MENTEE)
    timeline = eve.text(eve.get(f"/plans/{MENTEE}/timeline"))
    assert "Grace Hopper proposed a change to a goal" in timeline
    assert "Ada Lovelace accepted a proposed change to a goal" in timeline
    assert "Two engineers grow" in eve.text(eve.get(f"/goals/{story.goal_id}"))


def test_a_proposal_she_declined_stays_between_her_and_its_proposer(
    app: Flask, story: Story, eve: Visitor, grace: Visitor
) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.decline_proposal(story.proposal_id, reason="Not this year", actor_id=MENTEE)
    eves = read(eve, app, story)
    assert not any(graces_words(eves).values()), graces_words(eves)
    assert "Not this year" not in eves["timeline"]
    assert "declined a proposed change" not in eves["timeline"]
    assert "Not this year" in grace.text(grace.get(f"/plans/{MENTEE}/timeline"))


def seen_form_position(html: str) -> int | None:
    """The position the dashboard's "Mark all as seen" form would mark (None: no form)."""
    found = re.search(r'name="position" value="(\d+)"', html)
    return int(found.group(1)) if found else None


def test_her_other_mentors_doings_are_not_counted_on_a_mentors_dashboard(
    app: Flask, story: Story, eve: Visitor
) -> None:
    eve.get("/dashboard")
    eve.submit("/dashboard/seen", {"position": seen_form_position(eve.last)})
    with acting(app, MENTEE) as tracker:
        tracker.edit_plan_section(
            MENTEE, section="vision_statement", fields={"statement": "Calm teams ship."},
            reason="Shorter", actor_id=MENTEE,
        )  # fmt: skip
        tracker.reflect(MENTEE, text="Am I ready?", private=True, actor_id=MENTEE)
    with acting(app, MENTOR) as tracker:
        for n in range(55):  # Grace's pending proposals: Eve may not know of them
            tracker.propose_goal_revision(
                story.goal_id, changes={"title": f"Lead {n} teams"}, rationale=f"Bolder {n}",
                actor_id=MENTOR,
            )  # fmt: skip

    page = eve.text(eve.get("/dashboard"))

    assert "1 change by your mentees since you last looked" in page  # not "1 or more"
    assert "Ada Lovelace edited the section" in page
    assert "Bolder" not in page
    with app.app_context():
        changes = projections_of(app).fresh("dashboard").entries(f"changes:{MENTEE}")
    edit = max(c.position for c in changes if c.doc["type"] == "Plan.SectionEdited")
    assert seen_form_position(eve.last) == edit < changes[-1].position  # not Grace's last
