"""Signing in and out, and `/`: the signed-in person's home, or the sign-in page."""

from __future__ import annotations

from flask import flash, make_response, redirect, url_for
from werkzeug.wrappers import Response

from projections.plan_as_of import has_plan
from projections.relationships import mentees_of
from tracker.web.auth import SignInFailed, SignInThrottled, current_actor, sign_in, sign_out
from tracker.web.pages.base import Page, back_to, pages_blueprint, render, view
from tracker.web.pages.forms import Form

session_pages = pages_blueprint("entry")


def home_of(user_id: str) -> str:
    """Where a person starts: her plan, else his dashboard, else the account page."""
    if has_plan(view("plan_as_of"), user_id):
        return url_for("plan.home", mentee_id=user_id)
    if mentees_of(view("relationships"), user_id):
        return url_for("dashboard.dashboard")
    return url_for("my_account.account")


@session_pages.get("/")
def home() -> Response:
    """The signed-in person's home; the sign-in page for everyone else."""
    actor = current_actor()
    if actor is None:
        return redirect(url_for("entry.sign_in"))
    return redirect(home_of(actor.user_id))


@session_pages.get("/sign-in", endpoint="sign_in")
def sign_in_page() -> Page:
    """The sign-in form."""
    return render("sign_in.html", form=Form({"next": back_to("")}))


@session_pages.post("/sign-in", endpoint="sign_in_post")
def sign_in_submitted() -> Page:
    """Check the password; on success go where the person was going, else say why not."""
    form = Form()
    user_id, password = form.text("user_id") or "", form.raw("password")
    try:
        actor = sign_in(user_id, password)
    except SignInThrottled as error:
        form.fail(None, str(error))
        form.values.pop("password", None)
        page = make_response(render("sign_in.html", status=429, form=form))
        page.headers["Retry-After"] = str(error.retry_after)
        return page
    except SignInFailed as error:
        form.fail(None, str(error))
        form.values.pop("password", None)
        return render("sign_in.html", status=401, form=form)
    return redirect(back_to(home_of(actor.user_id)))


@session_pages.post("/sign-out", endpoint="sign_out")
def sign_out_submitted() -> Response:
    """End the session and go to the sign-in page."""
    sign_out()
    flash("You are signed out.", "info")
    return redirect(url_for("entry.sign_in"))
