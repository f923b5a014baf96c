"""The HTML pages where mentees and mentors live: server-rendered, one blueprint per area.

Every core flow is a plain HTML form (no script needed); pages read and write only through
the application service and the read models. `init_pages(app)` mounts them with their
templates' filters and HTML error pages.
"""

from __future__ import annotations

from typing import Any

from eventsourcing.persistence import PersistenceError
from flask import Blueprint, Flask, Response, request

from projections.plan_as_of import has_plan
from projections.relationships import mentees_of
from tracker.errors import StorageUnavailable
from tracker.web.auth import current_actor
from tracker.web.pages import goal_actions  # noqa: F401  (adds its routes to the goals pages)
from tracker.web.pages.account import account_pages
from tracker.web.pages.base import view
from tracker.web.pages.check_ins import check_in_pages
from tracker.web.pages.dashboard import dashboard_pages
from tracker.web.pages.errors import register_app_errors, register_page_errors
from tracker.web.pages.form_bytes import refuse_forms_that_are_not_utf8
from tracker.web.pages.formatting import init_formatting
from tracker.web.pages.goals import goal_pages
from tracker.web.pages.history import history_pages
from tracker.web.pages.plan import plan_pages
from tracker.web.pages.proposals import proposal_pages
from tracker.web.pages.session import session_pages

PAGE_BLUEPRINTS: tuple[Blueprint, ...] = (
    session_pages,
    account_pages,
    plan_pages,
    goal_pages,
    proposal_pages,
    history_pages,
    check_in_pages,
    dashboard_pages,
)
for _blueprint in PAGE_BLUEPRINTS:  # once: blueprints outlive the apps they are mounted on
    register_page_errors(_blueprint)


def init_pages(app: Flask) -> None:
    """Mount the HTML pages, their filters and their error pages on `app`."""
    init_formatting(app)
    for blueprint in PAGE_BLUEPRINTS:
        app.register_blueprint(blueprint)
    # First of the app's hooks: the CSRF check reads the form, and the raw bytes with it.
    pages = {blueprint.name for blueprint in PAGE_BLUEPRINTS}
    app.before_request_funcs.setdefault(None, []).insert(
        0, lambda: refuse_forms_that_are_not_utf8(pages)
    )
    register_app_errors(app)
    app.context_processor(page_context)
    app.after_request(lambda response: kept_from_caches(response, pages))


def kept_from_caches(response: Response, pages: set[str]) -> Response:
    """Pages show one person's plan: no browser or proxy keeps them (after signing out, the
    back button on a shared computer must not show her plan again)."""
    if request.blueprint in pages:
        response.headers.setdefault("Cache-Control", "private, no-store")
    return response


def page_context() -> dict[str, Any]:
    """Who is signed in, and which of the main pages are theirs (for the navigation)."""
    try:
        actor = current_actor()
        if actor is None:
            return {"viewer": None, "nav": {}}
        nav = {
            "has_plan": has_plan(view("plan_as_of"), actor.user_id),
            "mentoring": bool(mentees_of(view("relationships"), actor.user_id)),
        }
    except (StorageUnavailable, PersistenceError):
        # An error page must still render when the store is what failed.
        return {"viewer": None, "nav": {}}
    return {"viewer": actor.user_id, "nav": nav}
