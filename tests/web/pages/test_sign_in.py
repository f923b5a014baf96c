"""Signing in and out, and where `/` sends people."""

from __future__ import annotations

import re

from tests.web.pages.conftest import MENTEE, STRANGER, Story, Visitor


def test_nobody_signed_in_is_sent_to_sign_in_and_back_afterwards(
    visitor: Visitor, story: Story
) -> None:
    assert visitor.get("/").location == "/sign-in"
    wanted = visitor.get(f"/goals/{story.goal_id}")
    assert wanted.status_code == 302
    assert wanted.location.startswith("/sign-in?next=")
    visitor.get(wanted.location)
    signed = visitor.submit(
        "/sign-in",
        {
            "user_id": MENTEE,
            "password": "a long enough password",
            "next": f"/goals/{story.goal_id}",
        },
    )
    assert signed.location == f"/goals/{story.goal_id}"


def test_home_is_her_plan_for_a_mentee_and_the_dashboard_for_a_mentor(
    ada: Visitor, grace: Visitor
) -> None:
    assert ada.get("/").location == f"/plans/{MENTEE}"
    assert grace.get("/").location == "/dashboard"


def test_a_wrong_password_says_so_keeps_the_user_id_and_not_the_password(
    visitor: Visitor, story: Story
) -> None:
    visitor.get("/sign-in")
    answer = visitor.submit("/sign-in", {"user_id": MENTEE, "password": "not her password"})
    assert answer.status_code == 401
    page = visitor.text(answer)
    assert "The user id or the password is not right." in page
    assert f'value="{MENTEE}"' in answer.get_data(as_text=True)
    assert "not her password" not in answer.get_data(as_text=True)
    assert visitor.get("/").location == "/sign-in"


def test_a_next_address_elsewhere_is_ignored(visitor: Visitor, story: Story) -> None:
    visitor.get("/sign-in")
    answer = visitor.submit(
        "/sign-in",
        {"user_id": MENTEE, "password": "a long enough password", "next": "//evil.example/"},
    )
    assert answer.location == f"/plans/{MENTEE}"


def test_signing_out_ends_the_session(ada: Visitor) -> None:
    # Her plan is kept by no cache, so the back button after signing out cannot show it.
    assert ada.get(f"/plans/{MENTEE}").headers["Cache-Control"] == "private, no-store"
    assert ada.submit("/sign-out", {}).location == "/sign-in"
    assert ada.get(f"/plans/{MENTEE}").status_code == 302


def test_someone_with_neither_plan_nor_mentees_lands_on_the_account_page(
    visitor: Visitor, story: Story
) -> None:
    visitor.sign_in(STRANGER)
    assert visitor.get("/").location == "/account"


def test_too_many_wrong_passwords_make_her_wait_and_say_how_long(
    visitor: Visitor, story: Story
) -> None:
    visitor.get("/sign-in")
    for _ in range(5):
        assert (
            visitor.submit("/sign-in", {"user_id": MENTEE, "password": "guess"}).status_code == 401
        )
    answer = visitor.submit("/sign-in", {"user_id": MENTEE, "password": "a long enough password"})
    assert answer.status_code == 429
    said = re.search(
        r"Too many failed sign-ins; try again in (\d+) seconds\.", visitor.text(answer)
    )
    assert said
    assert answer.headers["Retry-After"] == said.group(1)  # as the JSON API's 429 does
    assert visitor.get("/").location == "/sign-in"


def test_someone_new_starts_her_own_plan_from_the_account_page(
    visitor: Visitor, story: Story
) -> None:
    visitor.sign_in(STRANGER)
    page = visitor.text(visitor.get("/account"))
    assert "You have no career plan yet." in page
    started = visitor.submit("/plans", {})
    assert started.location == f"/plans/{STRANGER}"
    assert "Your career plan" in visitor.text(visitor.get(started.location))
    assert visitor.get("/").location == f"/plans/{STRANGER}"
