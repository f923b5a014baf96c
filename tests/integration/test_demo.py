"""The demo story, as someone exploring the tracker would see it after `tracker demo`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from tracker.accounts import Accounts
from tracker.application import TrackerApplication, build_application
from tracker.cli import main
from tracker.demo import (
    DEMO_ADMIN,
    PEOPLE,
    DemoSummary,
    StoryClock,
    create_demo_accounts,
    load_demo,
)
from tracker.settings import Settings

NOW = datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
MENTEES = ("mentee-ana", "mentee-ben", "mentee-chloe")


def run_demo(database_url: str, seed: int = 0) -> tuple[TrackerApplication, DemoSummary]:
    clock = StoryClock(NOW)
    app = build_application(Settings(database_url=database_url), clock=clock)
    return app, load_demo(app, clock, seed=seed)


def events(app: TrackerApplication) -> list[Any]:
    """Every domain event in the store, in log order."""
    head = app.recorder.max_notification_id() or 0
    notifications = app.recorder.select_notifications(start=1, limit=head + 1)
    return [app.mapper.to_domain_event(n) for n in notifications]


def named(all_events: list[Any], name: str) -> list[Any]:
    return [e for e in all_events if type(e).__qualname__ == name]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, TrackerApplication]]:
    """One demo on a SQLite file, shared by the read-only tests below."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'tracker.sqlite'}"
    app, _ = run_demo(url)
    yield url, app
    app.close()


@pytest.fixture(scope="module")
def story(loaded: tuple[str, TrackerApplication]) -> list[Any]:
    return events(loaded[1])


def test_each_mentee_has_a_plan_with_every_section_options_and_support(
    loaded: tuple[str, TrackerApplication],
) -> None:
    app = loaded[1]
    for mentee in MENTEES:
        plan = app.get_plan(mentee, viewer_id=mentee)
        assert set(plan["sections"]) == {
            "vision_statement",
            "purpose_question",
            "self_assessment",
            "current_reality",
            "three_circles",
            "ideal_occupation",
        }, mentee
        assert len(plan["sections"]["ideal_occupation"]) == 10
        statuses = {option["status"] for option in plan["options"]}
        assert {"shortlisted", "discarded"} <= statuses, mentee
        assert {m["kind"] for m in plan["support_network"]} == {"person", "resource"}


def test_goals_are_in_every_status_and_one_is_a_stretch(
    loaded: tuple[str, TrackerApplication], story: list[Any]
) -> None:
    app = loaded[1]
    goals = [app.get_goal(str(e.originator_id)) for e in named(story, "Goal.Drafted")]
    assert {g["status"] for g in goals} == {"draft", "active", "achieved", "deferred", "abandoned"}
    assert {g["kind"] for g in goals} == {"smarty", "real"}
    assert any(g["stretch"] for g in goals)
    achieved = next(g for g in goals if g["status"] == "achieved")
    assert any(a["milestone_id"] is None for a in achieved["achievements"])


def test_every_mentee_revised_a_goal_and_slipped_a_milestone_with_reasons(
    loaded: tuple[str, TrackerApplication], story: list[Any]
) -> None:
    app = loaded[1]
    # The creating event names the mentee.
    mentee_of = {e.originator_id: e.mentee_id for e in named(story, "Goal.Drafted")}
    revised: dict[str, list[str]] = defaultdict(list)
    slipped: dict[str, list[str]] = defaultdict(list)
    for e in named(story, "Goal.Revised"):
        revised[mentee_of[e.originator_id]].append(e.reason)
    for e in named(story, "Goal.MilestoneRescheduled"):
        slipped[mentee_of[e.originator_id]].append(e.reason)
    for mentee in MENTEES:
        assert revised[mentee], f"{mentee} revised no goal"
        assert slipped[mentee], f"{mentee} slipped no milestone"
        assert all(reason.strip() for reason in revised[mentee] + slipped[mentee])
    completed = named(story, "Goal.MilestoneCompleted")
    assert len({app.get_goal(str(e.originator_id))["mentee_id"] for e in completed}) == 3


def test_the_mentor_proposes_and_the_mentees_accept_and_decline(story: list[Any]) -> None:
    made = named(story, "Proposal.Made")
    assert {e.actor_id for e in made} == {"mentor-maria"}
    assert {e.mentee_id for e in made} == set(MENTEES)
    accepted = named(story, "Proposal.Accepted")
    declined = named(story, "Proposal.Declined")
    assert accepted
    assert declined
    assert all(e.reason for e in declined)
    credited = [e for e in named(story, "Goal.Revised") if e.proposed_by == "mentor-maria"]
    assert credited
    assert all(e.actor_id.startswith("mentee-") for e in credited)


def test_a_proposal_waits_for_a_mentee_to_decide_at_first_start(story: list[Any]) -> None:
    """Her home's pending proposals and her mentor's proposals to follow up are not empty."""
    decided = {
        str(e.originator_id)
        for e in named(story, "Proposal.Accepted")
        + named(story, "Proposal.Declined")
        + named(story, "Proposal.Withdrawn")
    }
    waiting = [e for e in named(story, "Proposal.Made") if str(e.originator_id) not in decided]
    assert [(e.actor_id, e.mentee_id) for e in waiting] == [("mentor-maria", "mentee-ana")]


def test_mentorships_include_a_declined_invitation_and_a_changed_agreement(
    story: list[Any],
) -> None:
    assert [e.actor_id for e in named(story, "Mentorship.Declined")] == ["mentor-david"]
    assert {e.actor_id for e in named(story, "Mentorship.Accepted")} == {"mentor-maria"}
    assert len(named(story, "Mentorship.AgreementChanged")) == 1


def test_monthly_check_ins_with_four_answers_outcomes_and_overdue_items(
    loaded: tuple[str, TrackerApplication], story: list[Any]
) -> None:
    app = loaded[1]
    check_ins = [
        app.get_check_in(str(e.originator_id), viewer_id="mentor-maria")
        for e in named(story, "CheckIn.Scheduled")
    ]
    held = [c for c in check_ins if c["status"] == "held"]
    assert len(held) >= 30
    assert {c["status"] for c in check_ins} == {"held", "cancelled", "scheduled"}
    assert all(len(c["answers"]) == 4 and c["feedback"] and c["lessons"] for c in held)
    items = [item for c in held for item in c["action_items"]]
    today = NOW.date()
    assert any(item["done"] for item in items)
    assert any(not item["done"] and item["due"] < today for item in items)
    notes = named(story, "CheckIn.NoteWritten")
    assert {n.private for n in notes} == {True, False}


def test_events_spread_over_the_twelve_months_ending_now(story: list[Any]) -> None:
    stamps = [e.timestamp for e in story]
    assert stamps == sorted(stamps), "the log reads in the order things happened"
    assert stamps[-1] <= NOW
    assert NOW - stamps[-1] < timedelta(days=10)
    assert stamps[-1] - stamps[0] > timedelta(days=330)
    months = {(s.year, s.month) for s in stamps}
    assert len(months) >= 12
    per_month: dict[tuple[int, int], int] = defaultdict(int)
    for s in stamps:
        per_month[(s.year, s.month)] += 1
    assert min(per_month[m] for m in sorted(months)[1:-1]) >= 10, "no empty months"


def test_a_second_run_with_if_empty_adds_nothing(loaded: tuple[str, TrackerApplication]) -> None:
    url, app = loaded
    before = app.recorder.max_notification_id()
    result = CliRunner().invoke(main, ["--database-url", url, "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert f"already has {before} events; no demo loaded" in result.output
    assert app.recorder.max_notification_id() == before


def test_the_demo_accounts_are_members_since_the_story_began(
    loaded: tuple[str, TrackerApplication], story: list[Any]
) -> None:
    app = loaded[1]
    create_demo_accounts(app)  # made already (and kept) if `tracker demo --if-empty` ran
    accounts = Accounts.for_application(app)
    began = story[0].timestamp
    assert NOW - began > timedelta(days=360)
    for user_id in (DEMO_ADMIN, *PEOPLE):
        account = accounts.get(user_id)
        assert account is not None
        assert account.created == began, user_id


def test_one_seed_gives_one_history_and_another_seed_other_times() -> None:
    def history(seed: int) -> list[tuple[str, datetime, str]]:
        app, _ = run_demo("memory://", seed=seed)
        return [(type(e).__qualname__, e.timestamp, e.actor_id) for e in events(app)]

    first, again, other = history(7), history(7), history(8)
    assert first == again
    assert sorted((name, actor) for name, _, actor in first) == sorted(
        (name, actor) for name, _, actor in other
    )
    assert [at for _, at, _ in first] != [at for _, at, _ in other]


@pytest.mark.postgres
def test_the_demo_loads_on_postgresql(postgres_url: str, story: list[Any]) -> None:
    app, summary = run_demo(postgres_url)
    try:
        assert summary.events == len(story)
        assert summary.goal_statuses["achieved"] == 1
        assert len(app.get_plan("mentee-ben", viewer_id="mentee-ben")["sections"]) == 6
    finally:
        app.close()
