"""A goal's page and editors: its criteria and whole history with blame, a revision that
asks for its reason, a conflict shown side by side, milestones, feedback, achievements."""

from __future__ import annotations

import re

from flask import Flask

from tests.web.pages.conftest import MENTEE, Story, Visitor, acting


def version_on(html: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found
    return found.group(1)


def goal_form(page: str) -> dict[str, str]:
    """The revise form's fields as the page fills them in."""
    inputs = dict(
        re.findall(r'<input type="(?:text|date)" id="f-\w+" name="(\w+)" value="([^"]*)"', page)
    )
    areas = dict(re.findall(r'<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', page))
    return {**inputs, **areas, "version": version_on(page)}


def test_the_goal_page_shows_criteria_milestones_and_who_set_what(
    ada: Visitor, story: Story
) -> None:
    page = ada.text(ada.get(f"/goals/{story.goal_id}"))
    assert "Lead a platform team" in page
    assert "Specific Lead the payments platform team of five people Ada Lovelace" in page
    assert "Shadow the current lead 1 Mar 2025" in page
    assert "History" in page
    assert "Drafted" in page
    assert "Activated" in page


def test_a_revision_without_a_reason_comes_back_with_the_values_kept(
    ada: Visitor, story: Story, app: Flask
) -> None:
    fields = goal_form(ada.get(f"/goals/{story.goal_id}/revise").get_data(as_text=True))
    fields["title"] = "Lead the payments platform team"
    answer = ada.submit(f"/goals/{story.goal_id}/revise", fields)
    assert answer.status_code == 422
    assert re.search(r'id="e-reason">[^<]*The reason must not be empty', ada.last)
    assert 'value="Lead the payments platform team"' in ada.last
    with acting(app, MENTEE) as tracker:
        assert tracker.get_goal(story.goal_id)["title"] == "Lead a platform team"


def test_a_bad_date_is_refused_beside_its_field_and_nothing_is_written(
    ada: Visitor, story: Story, app: Flask
) -> None:
    fields = goal_form(ada.get(f"/goals/{story.goal_id}/revise").get_data(as_text=True))
    answer = ada.submit(
        f"/goals/{story.goal_id}/revise", {**fields, "target_date": "31/12/2025", "reason": "x"}
    )
    assert answer.status_code == 422
    assert re.search(r'id="e-target_date">Give a date as YYYY-MM-DD', ada.last)
    assert 'value="31/12/2025"' in ada.last
    with acting(app, MENTEE) as tracker:
        assert str(tracker.get_goal(story.goal_id)["version"]) == fields["version"]


def test_a_revision_appears_in_the_history_with_its_diff_who_and_why(
    ada: Visitor, story: Story
) -> None:
    fields = goal_form(ada.get(f"/goals/{story.goal_id}/revise").get_data(as_text=True))
    fields.update(specific="Lead the payments platform team of seven people", reason="It grew")
    saved = ada.submit(f"/goals/{story.goal_id}/revise", fields)
    assert saved.status_code == 302
    page = ada.get(saved.location).get_data(as_text=True)
    assert "<del>five</del>" in page
    assert "<ins>seven</ins>" in page
    words = ada.text(ada.get(f"/goals/{story.goal_id}"))
    assert "Revised Version 4 · Ada Lovelace" in words
    assert "Why: It grew" in words
    assert "Ada Lovelace, 7 Feb 2025, v4 “It grew”" in words  # the blame of `specific`


def test_a_revision_of_a_goal_changed_meanwhile_shows_both_and_can_be_sent_again(
    ada: Visitor, story: Story, app: Flask
) -> None:
    fields = goal_form(ada.get(f"/goals/{story.goal_id}/revise").get_data(as_text=True))
    with acting(app, MENTEE) as tracker:
        tracker.revise_goal(
            story.goal_id, changes={"title": "Lead a product team"}, reason="Other tab",
            actor_id=MENTEE,
        )  # fmt: skip
    mine = {**fields, "measurable": "Ships every quarter", "reason": "Sharper"}
    conflict = ada.submit(f"/goals/{story.goal_id}/revise", mine)
    assert conflict.status_code == 409
    page = ada.text(conflict)
    assert "The goal changed while you were writing" in page
    assert "Title Lead a platform team Lead a product team" in page  # yours, now
    assert "Ada Lovelace revised the goal (Title) — “Other tab”" in page
    assert goal_form(ada.last)["measurable"] == "Ships every quarter"  # hers, kept
    again = ada.submit(f"/goals/{story.goal_id}/revise", goal_form(ada.last))  # sent as shown
    assert again.status_code == 302
    with acting(app, MENTEE) as tracker:
        goal = tracker.get_goal(story.goal_id)
    # Her change is saved; the other tab's title, which she left as it was, is not undone.
    assert (goal["title"], goal["measurable"]) == ("Lead a product team", "Ships every quarter")


def test_her_mentor_proposes_a_revision_and_she_sees_it_on_the_goal(
    grace: Visitor, ada: Visitor, story: Story
) -> None:
    form = grace.get(f"/goals/{story.goal_id}/revise")
    assert "Propose a change to the goal" in grace.text(form)
    fields = goal_form(form.get_data(as_text=True))
    sent = grace.submit(
        f"/goals/{story.goal_id}/revise",
        {**fields, "target_date": "2026-03-31", "reason": "A quarter more is realistic"},
    )
    assert sent.status_code == 302
    page = ada.text(ada.get(f"/goals/{story.goal_id}"))
    assert "Grace Hopper proposes new values for Target date" in page


def test_milestones_move_with_a_reason_and_the_drift_shows(ada: Visitor, story: Story) -> None:
    ada.get(f"/goals/{story.goal_id}")
    path = f"/goals/{story.goal_id}/milestones/{story.milestone_id}/reschedule"
    version = version_on(ada.last)
    moved = ada.submit(
        path, {"due": "2025-04-01", "reason": "The lead is on leave", "version": version}
    )
    assert moved.status_code == 302
    page = ada.text(ada.get(f"/goals/{story.goal_id}"))
    assert "Shadow the current lead 1 Apr 2025 1 Mar 2025 moved 1 time, 31 days later" in page
    assert "Why: The lead is on leave" in page


def test_a_lifecycle_step_without_its_reason_is_refused_beside_the_field(
    ada: Visitor, story: Story
) -> None:
    ada.get(f"/goals/{story.goal_id}")
    answer = ada.submit(f"/goals/{story.goal_id}/defer", {"version": version_on(ada.last)})
    assert answer.status_code == 422
    assert re.search(r'id="e-reason-defer">[^<]*reason must not be empty', ada.last)


def test_feedback_and_achievements_are_added_by_her_mentor(
    grace: Visitor, story: Story, app: Flask
) -> None:
    with acting(app, MENTEE) as tracker:
        tracker.complete_milestone(story.goal_id, story.milestone_id, actor_id=MENTEE)
    grace.get(f"/goals/{story.goal_id}")
    feedback = grace.submit(f"/goals/{story.goal_id}/feedback", {"text": "Good scope."})
    assert feedback.status_code == 302
    achievement = {
        "title": "First 1:1s",
        "evidence": "Held six",
        "milestone_id": story.milestone_id,
    }
    assert grace.submit(f"/goals/{story.goal_id}/achievements", achievement).status_code == 302
    page = grace.text(grace.get(f"/goals/{story.goal_id}"))
    assert "Good scope. Grace Hopper (mentor)" in page
    assert "First 1:1s — Held six Recognised by Grace Hopper" in page


def test_drafting_a_goal_without_a_title_keeps_what_was_written(ada: Visitor, app: Flask) -> None:
    form = ada.get(f"/plans/{MENTEE}/goals/new?kind=real")
    assert "Learning-focused" in ada.text(form)
    answer = ada.submit(
        f"/plans/{MENTEE}/goals/new?kind=real", {"relevant": "Matters for my next role"}
    )
    assert answer.status_code == 422
    assert re.search(r'id="e-title">The title must not be empty', ada.last)
    assert "Matters for my next role" in ada.last
    drafted = ada.submit(
        f"/plans/{MENTEE}/goals/new?kind=real", {"title": "Learn to coach", "relevant": "Yes"}
    )
    assert drafted.status_code == 302
    assert "Learn to coach" in ada.text(ada.get(drafted.location))


def revisions_on(html: str) -> list[int]:
    """The versions of the revisions a goal page lists, top to bottom."""
    return [int(v) for v in re.findall(r'<li class="revision" id="v(\d+)">', html)]


def pager_link(html: str, words: str) -> str | None:
    found = re.search(rf'href="([^"]+)">{words}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_a_long_history_is_shown_a_page_at_a_time_and_the_links_walk_all_of_it(
    ada: Visitor, story: Story, app: Flask
) -> None:
    with acting(app, MENTEE) as tracker:
        for n in range(1, 71):
            measurable = f"The team ships {n} roadmaps on time each quarter"
            tracker.revise_goal(
                story.goal_id, changes={"measurable": measurable}, reason=f"r{n}", actor_id=MENTEE
            )
        version = tracker.get_goal(story.goal_id)["version"]
    everything = list(range(version, 0, -1))  # one revision per event of this goal

    latest = ada.get(f"/goals/{story.goal_id}").get_data(as_text=True)
    assert revisions_on(latest) == everything[:30]
    assert pager_link(latest, "Newer revisions") is None
    assert "<del>69</del>" in latest  # the newest revision's inline diff
    assert "<ins>70</ins>" in latest
    assert "Ada Lovelace, 7 Feb 2025, v" in ada.text(ada.get(f"/goals/{story.goal_id}"))  # blame

    walked, html, pages = revisions_on(latest), latest, 1
    while (older := pager_link(html, "Older revisions")) is not None:
        assert older.endswith("#history")
        html = ada.get(older).get_data(as_text=True)
        assert pager_link(html, "Newer revisions") is not None
        walked += revisions_on(html)
        pages += 1
    assert walked == everything
    assert pages == 3  # 73 revisions: drafted, activated, milestone added, 70 revisions

    back = revisions_on(html)
    while (newer := pager_link(html, "Newer revisions")) is not None:
        html = ada.get(newer).get_data(as_text=True)
        back = revisions_on(html) + back
    assert back == everything


def test_a_history_cursor_it_cannot_read_is_refused(ada: Visitor, story: Story) -> None:
    assert ada.get(f"/goals/{story.goal_id}?before=soon").status_code == 400
    assert "must be a position in the history" in ada.last
    assert ada.get(f"/goals/{story.goal_id}?before=9&after=3").status_code == 400
    past_the_start = ada.text(ada.get(f"/goals/{story.goal_id}?before=1"))
    assert "No revisions here. See the latest ones" in past_the_start
    assert "Older revisions" not in past_the_start
