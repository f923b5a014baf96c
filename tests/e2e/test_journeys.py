"""Mentees and mentors in a real browser, on the demo's year of mentoring: sign in, edit the
plan, revise a goal and read its history, the timeline chart and the plan as of last month;
a mentor proposes a change and reads the dashboard. Each main page is photographed."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Site

pytestmark = pytest.mark.slow

ANA, MARIA, CHLOE, BEN = "mentee-ana", "mentor-maria", "mentee-chloe", "mentee-ben"
GOAL = "Move into a data engineering role"
BENS_GOAL = "Become the unit's EHR super-user"


def sign_in(page: Any, site: Site, user_id: str) -> None:
    page.goto(f"{site.url}/")
    assert page.url.endswith("/sign-in")
    page.get_by_label("User id").fill(user_id)
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name="Sign in").click()
    # Wait for the page after sign-in to load, not for the sign-in page already loaded.
    page.wait_for_url(lambda url: not url.endswith("/sign-in"))


def photograph(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_mentee_edits_her_plan_revises_a_goal_and_reads_its_history(
    page: Any, site: Site, screenshots: Path
) -> None:
    page.goto(f"{site.url}/sign-in")
    photograph(page, screenshots, "00-sign-in")
    sign_in(page, site, ANA)
    assert page.url.endswith(f"/plans/{ANA}")
    assert page.get_by_role("heading", name="Your career plan").is_visible()
    assert page.get_by_role("button", name="Accept").is_visible()  # the demo's open proposal
    photograph(page, screenshots, "01-mentee-home")

    page.get_by_role("link", name="Edit the vision statement").click()
    page.get_by_label("Statement").fill("I build the data platform others rely on.")
    page.get_by_label("Why you change it").fill("Shorter, after the platform interview")
    photograph(page, screenshots, "01b-section-editor")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved the vision statement.").is_visible()
    assert page.get_by_text("I build the data platform others rely on.").is_visible()

    page.get_by_role("link", name=GOAL).first.click()
    page.get_by_role("link", name="Revise this goal").click()
    page.get_by_label("Measurable").fill("An offer for a data engineering role, in writing")
    page.get_by_role("button", name="Save the revision").click()  # no reason yet
    assert page.locator("#e-reason").inner_text().endswith("The reason must not be empty.")
    assert page.get_by_label("Measurable").input_value().startswith("An offer for a data")
    photograph(page, screenshots, "02-goal-revision-refused")
    page.get_by_label("Why you revise it").fill("An offer is what counts, not a title")
    page.get_by_role("button", name="Save the revision").click()

    history = page.locator("#history")
    latest = history.locator("li.revision").first
    assert "Revised" in latest.inner_text()
    assert "Why: An offer is what counts, not a title" in latest.inner_text()
    assert latest.locator("ins").first.is_visible()  # the inline diff
    assert "An offer is what counts" in page.locator("table.criteria").inner_text()  # blame
    cells = latest.locator("table.changes tr").first.locator("th, td").all()
    field, change = (cell.bounding_box()["width"] for cell in cells)
    assert field < change / 2, "the field's name takes the room its diff needs"
    photograph(page, screenshots, "03-goal-with-history")


def test_the_timeline_charts_growth_and_the_plan_reads_as_of_last_month(
    page: Any, site: Site, screenshots: Path
) -> None:
    sign_in(page, site, ANA)
    page.get_by_role("link", name="Timeline").click()
    chart = page.get_by_role("img", name=re.compile("How the plan grew"))
    assert chart.is_visible()
    assert page.locator("svg.growth g.series path").count() == 6
    assert page.locator("ol.timeline li").count() > 20
    kinds = page.get_by_label("Kind of change").locator("option").all_inner_texts()
    kinds += page.locator("ol.timeline .badge").all_inner_texts()
    assert [k for k in kinds if k[:1] != k[:1].upper()] == []  # "Check-in" as "Plan" is
    photograph(page, screenshots, "04-timeline")

    page.get_by_role("link", name="As of a date").click()
    last_month = date.today() - timedelta(days=31)
    page.get_by_label("As of the end of").fill(last_month.isoformat())
    page.get_by_role("button", name="Show the plan").click()
    heading = f"The plan as it stood on {last_month.day} {last_month:%b %Y}"
    assert page.get_by_role("heading", name=heading).is_visible()
    assert page.get_by_role("heading", name="Goals then").is_visible()
    photograph(page, screenshots, "05-plan-as-of-last-month")

    page.get_by_role("link", name="What changed since then").click()
    assert page.get_by_role("heading", name="What changed in the plan").is_visible()
    photograph(page, screenshots, "06-diff")

    page.get_by_role("link", name="Roadmap").click()
    assert page.get_by_role("img", name="Roadmap of goals and milestones").is_visible()
    assert page.locator("svg.gantt .milestone .first").count() >= 1  # a moved milestone
    photograph(page, screenshots, "07-roadmap")

    page.get_by_role("link", name="Check-ins").click()
    assert page.locator("tbody tr", has_text="Held").count() >= 10  # a year of monthly meetings
    photograph(page, screenshots, "08a-check-in-history")
    page.locator("tbody tr", has_text="Held").first.locator("a").click()
    assert page.get_by_role("heading", name="The four questions").is_visible()
    assert page.get_by_label("Where are you now?").input_value()  # answered at the meeting
    photograph(page, screenshots, "08-check-in")

    page.get_by_role("link", name="Ana Ribeiro").click()
    page.get_by_label("Name").fill("notebook sync")
    page.get_by_label(re.compile("^read:plan")).check()
    page.get_by_role("button", name="Make the token").click()
    assert page.get_by_role("textbox", name="Token").input_value().startswith("trk_")
    assert page.get_by_role("row", name=re.compile("notebook sync")).is_visible()
    photograph(page, screenshots, "09-account-new-token")


def test_a_mentor_proposes_a_change_and_follows_it_on_the_dashboard(
    page: Any, site: Site, screenshots: Path
) -> None:
    sign_in(page, site, MARIA)
    assert page.url.endswith("/dashboard")
    assert page.get_by_role("heading", name="Your mentees").is_visible()
    photograph(page, screenshots, "10-mentor-dashboard")

    page.get_by_role("link", name="Ana Ribeiro", exact=True).first.click()
    page.get_by_role("link", name=GOAL).first.click()
    page.get_by_role("link", name="Propose a change").click()
    page.get_by_label("Achievable").fill("Two evenings a week on dbt, reviewed by Priya")
    page.get_by_label("Why you propose it").fill("Make the time you need explicit")
    page.get_by_role("button", name="Send the proposal").click()
    assert page.get_by_text("Your proposal is sent; she decides.").is_visible()
    assert page.get_by_text("Maria Okafor proposes new values for Achievable").is_visible()
    proposal = page.get_by_role("complementary", name="Pending proposal")
    assert "Two evenings a week on dbt, reviewed by Priya" in proposal.inner_text()
    assert "Why: Make the time you need explicit" in proposal.inner_text()
    photograph(page, screenshots, "11-goal-with-proposal")

    page.get_by_role("link", name="Dashboard").click()
    followed = page.get_by_role("listitem").filter(has_text="Make the time you need explicit")
    assert followed.first.is_visible()
    followed.first.get_by_role("link", name="Achievable of the goal").click()  # what it is about
    assert page.get_by_role("heading", name=GOAL).is_visible()


def test_the_core_flow_works_without_javascript(browser: Any, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site, CHLOE)
        page.get_by_role("link", name="Edit the purpose question").click()
        page.get_by_label("Question").fill("Does this help people learn on their own?")
        page.get_by_role("button", name="Save").click()
        assert page.get_by_text("Does this help people learn on their own?").is_visible()
        page.get_by_role("button", name="Sign out").click()
        assert page.url.endswith("/sign-in")
    finally:
        context.close()


def test_the_plan_fits_a_phone_and_prints_without_navigation_or_forms(
    browser: Any, site: Site, screenshots: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, site, ANA)
        top = {  # what is coming up, under her goals, not below the whole plan
            name: page.get_by_role("heading", name=name).bounding_box()["y"]
            for name in ("Goals", "Next check-in", "Pending proposals", "Vision statement")
        }
        assert sorted(top, key=top.__getitem__) == list(top)
        photograph(page, screenshots, "12-mentee-home-phone")
        page.get_by_role("link", name=GOAL).first.click()
        for where in (f"/plans/{ANA}", page.url):
            page.goto(where if where.startswith("http") else site.url + where)
            wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert wider <= 0, f"{where} is {wider}px wider than the phone"
        photograph(page, screenshots, "13-goal-phone")
        page.goto(f"{site.url}/plans/{ANA}")
        page.set_viewport_size({"width": 900, "height": 1200})
        page.emulate_media(media="print")
        assert not page.locator("header.site").is_visible()
        assert not page.get_by_role("link", name="Edit the vision statement").is_visible()
        assert page.get_by_role("heading", name="Vision statement").is_visible()
        assert page.get_by_text("Build and run a production data pipeline").is_visible()  # closed
        photograph(page, screenshots, "14-plan-printed")
    finally:
        context.close()


def test_a_goal_changed_in_another_tab_shows_both_versions_and_her_values_save_on_retry(
    browser: Any, site: Site, screenshots: Path
) -> None:
    mine, other = (browser.new_context(viewport={"width": 1280, "height": 900}) for _ in "ab")
    try:
        tab, elsewhere = mine.new_page(), other.new_page()
        for window in (tab, elsewhere):
            sign_in(window, site, BEN)
            window.get_by_role("link", name=BENS_GOAL).first.click()
            window.get_by_role("link", name="Revise this goal").click()
        tab.get_by_label("Actionable").fill("Super-user training, then the night-shift rota")
        tab.get_by_label("Why you revise it").fill("Nights need a super-user too")
        elsewhere.get_by_label("Engaging").fill("Colleagues bring me their EHR problems")
        elsewhere.get_by_label("Why you revise it").fill("Said more plainly")
        elsewhere.get_by_role("button", name="Save the revision").click()
        tab.get_by_role("button", name="Save the revision").click()

        conflict = tab.get_by_role("alert").filter(has_text="The goal changed while you were")
        assert conflict.is_visible()
        assert "“Said more plainly”" in conflict.inner_text()
        differs = conflict.locator("tr.differs")
        assert differs.count() == 2  # hers and the other tab's, each with both versions
        assert "the night-shift rota" in differs.filter(has_text="Actionable").inner_text()
        assert "bring me their" in differs.filter(has_text="Engaging").inner_text()
        assert tab.get_by_label("Actionable").input_value().endswith("the night-shift rota")
        photograph(tab, screenshots, "15-goal-conflict")

        tab.get_by_role("button", name="Save the revision").click()
        latest = tab.locator("#history li.revision").first
        assert "Why: Nights need a super-user too" in latest.inner_text()
        criteria = tab.locator("table.criteria").inner_text()
        assert "the night-shift rota" in criteria
        assert "bring me their" in criteria  # the other tab's change is kept too
    finally:
        mine.close()
        other.close()
