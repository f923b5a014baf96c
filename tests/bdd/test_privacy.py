"""Who may read a mentee's plan (features/privacy.feature), through the JSON API as served:
the access policy on, each person signed in with a bearer token of her own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from pytest_bdd import given, parsers, scenarios, then, when

from tests.web.conftest import Api

scenarios("privacy.feature")

ANA, MARIA, PRIYA = "ana", "maria", "priya"
API = "/api/v1"
PLAN = f"{API}/plans/{ANA}"
SECRET_WORDS = ("Afraid of the interview", "strengths", "Platform team", "SQL and dbt")


@dataclass
class Story:
    """The ids the scenario wrote, and the answers people got."""

    goal: str = ""
    mentorship: str = ""
    check_in: str = ""
    proposal: str = ""
    supporter: str = ""
    answers: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def api(web: Flask) -> Api:
    return Api(web.test_client())


@pytest.fixture
def story() -> Story:
    return Story()


def status(api: Api, path: str, who: str) -> int:
    return api.get(path, actor=who).status_code


def version_of(api: Api, path: str) -> int:
    return int(api.ok("GET", path, actor=ANA)["version"])


# Background -------------------------------------------------------------------------------
@given(parsers.parse('Ana keeps her career plan in the tracker, with the goal "{title}"'))
def ana_plan(api: Api, story: Story, title: str) -> None:
    api.ok("POST", f"{API}/plans", {"mentee_id": ANA}, actor=ANA)
    goal = {"kind": "smarty", "title": title, "target_date": "2025-12-31"}
    story.goal = f"{API}/goals/{api.ok('POST', f'{PLAN}/goals', goal, actor=ANA)['id']}"


@given("Maria mentors Ana, proposed a change to that goal and gave feedback on it")
def maria_mentors(api: Api, story: Story) -> None:
    invitation = {
        "mentee_id": ANA, "mentor_id": MARIA, "help_wanted": "Moving into data engineering",
        "duration": "a year", "frequency": "monthly",
    }  # fmt: skip
    story.mentorship = (
        f"{API}/mentorships/" + api.ok("POST", f"{API}/mentorships", invitation, actor=ANA)["id"]
    )
    agreement = {"cadence_days": 30, "meeting_minutes": 45, "guidance": "career"}
    api.ok("POST", f"{story.mentorship}/accept", agreement, actor=MARIA, version=1)
    change = {"changes": {"measurable": "Two pipelines in production"}, "rationale": "Checkable"}
    made = api.ok("POST", f"{story.goal}/proposals", change, actor=MARIA)
    story.proposal = f"{API}/proposals/{made['id']}"
    feedback = {"text": "Your SQL and dbt are ready", "source": "mentor"}
    api.ok("POST", f"{story.goal}/feedback", feedback, actor=MARIA)


@given("Maria and Ana held a check-in, and Maria wrote a note in it")
def check_in(api: Api, story: Story) -> None:
    when_ = {"scheduled_for": "2025-02-03"}
    made = api.ok("POST", f"{story.mentorship}/check-ins", when_, actor=ANA)
    story.check_in = f"{API}/check-ins/{made['id']}"
    note = {"text": "Platform team has an opening", "private": False}
    api.ok("POST", f"{story.check_in}/notes", note, actor=MARIA)


# A mentorship ends ------------------------------------------------------------------------
@given("Maria reads Ana's plan, her goal, their check-in and her timeline")
def maria_reads(api: Api, story: Story) -> None:
    for path in (PLAN, story.goal, story.check_in, f"{PLAN}/timeline"):
        assert status(api, path, MARIA) == 200, path


@when(parsers.parse('Ana ends the mentorship, saying "{reason}"'))
def ana_ends(api: Api, story: Story, reason: str) -> None:
    version = version_of(api, story.mentorship)
    api.ok("POST", f"{story.mentorship}/end", {"reason": reason}, actor=ANA, version=version)


@then("Maria can no longer read Ana's plan, her goal, their check-in or her timeline")
def maria_locked_out(api: Api, story: Story) -> None:
    for path in (PLAN, story.goal, story.check_in, f"{PLAN}/timeline", story.proposal):
        answer = api.get(path, actor=MARIA)
        assert answer.status_code == 404, path  # as if it did not exist
        assert not any(word in answer.get_data(as_text=True) for word in SECRET_WORDS)


@then("Maria can no longer propose a change to Ana's goal or give feedback on it")
def maria_cannot_write(api: Api, story: Story) -> None:
    change = {"changes": {"title": "Lead a data team"}, "rationale": "Aim higher"}
    feedback = {"text": "Keep going", "source": "mentor"}
    assert api.post(f"{story.goal}/proposals", change, actor=MARIA).status_code == 404
    assert api.post(f"{story.goal}/feedback", feedback, actor=MARIA).status_code == 404
    assert len(api.ok("GET", story.goal, actor=ANA)["feedback"]) == 1


@then("Maria still sees their mentorship, now ended")
def maria_sees_the_record(api: Api, story: Story) -> None:
    assert api.ok("GET", story.mentorship, actor=MARIA)["status"] == "ended"


@then("Ana still sees Maria's proposal, her feedback and the note of their check-in")
def ana_keeps_history(api: Api, story: Story) -> None:
    assert api.ok("GET", story.proposal, actor=ANA)["proposed_by"] == MARIA
    [feedback] = api.ok("GET", story.goal, actor=ANA)["feedback"]
    assert feedback["text"] == "Your SQL and dbt are ready"
    notes = api.ok("GET", story.check_in, actor=ANA)["notes"]
    assert [n["text"] for n in notes] == ["Platform team has an opening"]
    kinds = {e["kind"] for e in api.ok("GET", f"{PLAN}/timeline?limit=100", actor=ANA)["items"]}
    assert {"proposal", "feedback", "checkin", "mentorship"} <= kinds


# Sharing with the support network ---------------------------------------------------------
@given("Priya is in Ana's support network, with an account of her own")
def priya_supports(api: Api, story: Story) -> None:
    member = {"name": "Priya Nair", "kind": "person", "brings": "Code reviews", "user_id": PRIYA}
    story.supporter = api.ok("POST", f"{PLAN}/support-network", member, actor=ANA)["item_id"]
    assert status(api, PLAN, PRIYA) == 404  # nothing shared yet: nothing to see


@given("Ana wrote her vision statement, her self-assessment, an option and a reflection")
def ana_writes(api: Api) -> None:
    sections = {
        "vision_statement": {"statement": "Build data platforms people trust"},
        "self_assessment": {"strengths": "My strengths are analysis and patience"},
    }
    for section, fields in sections.items():
        version = version_of(api, PLAN)
        path = f"{PLAN}/sections/{section}"
        api.ok("PATCH", path, {"fields": fields}, actor=ANA, version=version)
    api.ok("POST", f"{PLAN}/options", {"title": "Platform team"}, actor=ANA)
    reflection = {"text": "Afraid of the interview", "private": False}
    api.ok("POST", f"{PLAN}/reflections", reflection, actor=ANA)


def share(api: Api, story: Story, parts: list[str]) -> None:
    path = f"{PLAN}/support-network/{story.supporter}/share"
    api.ok("PUT", path, {"parts": parts}, actor=ANA, version=version_of(api, PLAN))


@when("Ana shares her vision statement and her goals with Priya")
def ana_shares(api: Api, story: Story) -> None:
    share(api, story, ["vision_statement", "goals"])


@when("Ana stops sharing with Priya")
def ana_stops(api: Api, story: Story) -> None:
    share(api, story, [])


@then("Priya sees Ana's vision statement and her goal")
def priya_sees_shared(api: Api, story: Story) -> None:
    plan = api.ok("GET", PLAN, actor=PRIYA)
    assert plan["sections"]["vision_statement"]["statement"] == "Build data platforms people trust"
    assert api.ok("GET", story.goal, actor=PRIYA)["title"] == "Become a data engineer"
    story.answers["plan"] = plan


@then("Priya sees neither Ana's self-assessment, nor her options, nor her reflections")
def priya_sees_no_more(story: Story) -> None:
    plan = story.answers["plan"]
    assert set(plan["sections"]) == {"vision_statement"}
    assert (plan["options"], plan["reflections"], plan["support_network"]) == ([], [], [])
    assert not any(word in str(plan) for word in SECRET_WORDS)


@then("Priya cannot read Ana's check-ins, proposals or timeline")
def priya_kept_out(api: Api, story: Story) -> None:
    assert status(api, story.check_in, PRIYA) == 404
    assert status(api, story.proposal, PRIYA) == 404
    timeline = api.get(f"{PLAN}/timeline", actor=PRIYA)
    assert timeline.status_code == 403  # she knows the plan; its history is not shared
    assert not any(word in timeline.get_data(as_text=True) for word in SECRET_WORDS)


@then("Priya cannot find Ana's plan or her goal at all")
def priya_finds_nothing(api: Api, story: Story) -> None:
    assert status(api, PLAN, PRIYA) == 404
    assert status(api, story.goal, PRIYA) == 404
