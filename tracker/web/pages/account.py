"""The account page: who you are, your plan or your mentees, your API tokens and your
calendar subscriptions.

A new token's secret, or a new subscription's URL, is shown once, on the page that answers
the form, and never again (only its hash is kept); the page is not cached.
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, make_response, redirect, url_for
from werkzeug.wrappers import Response

from projections.plan_as_of import has_plan
from projections.relationships import mentees_of
from tracker.access import READ_PLAN_SCOPE, TOKEN_SCOPES, WRITE_PLAN_SCOPE
from tracker.accounts.calendar_feeds import IssuedFeed
from tracker.accounts.records import AccountError, IssuedToken
from tracker.errors import AlreadyExists
from tracker.web.calendar import subscription_urls
from tracker.web.pages.base import (
    Page,
    accounts,
    me,
    pages_blueprint,
    render,
    signed_in,
    tracker,
    view,
)
from tracker.web.pages.forms import Form

account_pages = pages_blueprint("my_account")
# Tokens people make for themselves; `read:events` is granted by an operator only.
SELF_SERVED_SCOPES = {scope: TOKEN_SCOPES[scope] for scope in (READ_PLAN_SCOPE, WRITE_PLAN_SCOPE)}
EXPIRY_DAYS = (("30", "30 days"), ("90", "90 days"), ("365", "a year"), ("", "never"))


def _account_page(
    form: Form,
    issued: IssuedToken | None = None,
    status: int = 200,
    subscribed: IssuedFeed | None = None,
) -> Response:
    user_id = me()
    mentorships = mentees_of(view("relationships"), user_id)
    own_plan = has_plan(view("plan_as_of"), user_id)
    calendars = ([user_id] if own_plan else []) + sorted(
        {m["mentee_id"] for m in mentorships if m["status"] == "active"}
    )
    page = render(
        "account.html",
        status=status,
        here="account",
        account=accounts().get(user_id),
        has_plan=own_plan,
        mentorships=mentorships,
        tokens=accounts().list_tokens(user_id),
        now=tracker().clock(),
        scopes=SELF_SERVED_SCOPES,
        expiry_days=EXPIRY_DAYS,
        form=form,
        issued=issued,
        calendars=calendars,
        feeds=accounts().calendar_feeds.list(user_id),
        subscribed=subscribed,
        subscribed_urls=None if subscribed is None else subscription_urls(subscribed.secret),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@account_pages.get("/account", endpoint="account")
@signed_in
def account() -> Response:
    """Your account, your tokens and a form for a new one."""
    return _account_page(Form({"name": "", "expires_in_days": "90"}))


@account_pages.post("/account/tokens", endpoint="issue_token")
@signed_in
def issue_token() -> Response:
    """Make a token and show its secret, once."""
    form = Form()
    scopes = form.many("scopes")
    form.values["scopes"] = scopes
    if not set(scopes) <= set(SELF_SERVED_SCOPES):
        form.fail("scopes", "Choose among the scopes offered here.")
    days = form.text("expires_in_days")
    expires_in = None
    if days is not None:
        number = form.whole_number("expires_in_days", low=1, high=3650)
        expires_in = None if number is None else timedelta(days=number)
    if form.errors:
        return _account_page(form, status=422)
    try:
        issued = accounts().issue_token(
            me(), scopes=scopes, name=form.text("name") or "", expires_in=expires_in
        )
    except AccountError as error:
        form.fail(error.field if error.field in ("name", "scopes") else None, error.message)
        return _account_page(form, status=422)
    return _account_page(Form({"name": "", "expires_in_days": "90"}), issued=issued, status=201)


@account_pages.post("/account/tokens/<token_id>/revoke", endpoint="revoke_token")
@signed_in
def revoke_token(token_id: str) -> Response:
    """Revoke one of your tokens: it stops working at once."""
    if accounts().revoke_token(me(), token_id):
        flash("The token is revoked; requests with it are refused from now on.", "success")
    else:
        flash("That token was already revoked, or is not yours.", "warning")
    return redirect(url_for("my_account.account"))


@account_pages.post("/account/calendar-feeds", endpoint="subscribe_calendar")
@signed_in
def subscribe_calendar() -> Response:
    """Make a calendar subscription URL and show it, once."""
    form = Form()
    mentee_id = form.text("mentee_id") or ""
    user_id = me()
    readable = mentee_id == user_id or any(
        m["mentee_id"] == mentee_id and m["status"] == "active"
        for m in mentees_of(view("relationships"), user_id)
    )
    if not readable:
        flash("Choose your own calendar or that of a mentee you mentor now.", "warning")
        return redirect(url_for("my_account.account"))
    issued = accounts().calendar_feeds.create(user_id, mentee_id)
    return _account_page(Form({"name": "", "expires_in_days": "90"}), status=201, subscribed=issued)


@account_pages.post("/account/calendar-feeds/<feed_id>/revoke", endpoint="revoke_calendar")
@signed_in
def revoke_calendar(feed_id: str) -> Response:
    """Revoke a calendar subscription: its URL stops answering at once."""
    if accounts().calendar_feeds.revoke(me(), feed_id):
        flash("The calendar subscription is revoked; its URL no longer answers.", "success")
    else:
        flash("That subscription was already revoked, or is not yours.", "warning")
    return redirect(url_for("my_account.account"))


@account_pages.post("/plans", endpoint="start_plan")
@signed_in
def start_plan() -> Page:
    """Start your own plan (once)."""
    user_id = me()
    try:
        tracker().start_plan(mentee_id=user_id, actor_id=user_id)
    except AlreadyExists:
        flash("You already have a plan.", "info")
    return redirect(url_for("plan.home", mentee_id=user_id))
