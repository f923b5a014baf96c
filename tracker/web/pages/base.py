"""What every page works with: who is signed in, reading views as they may, rendering.

Pages read and write through the application service and the read models, never around
them. The access policy lives in the application service (`tracker.access`): a page that
reads a view about a mentee first asks the service whether the viewer may read her plan, so
a page never shows what the JSON API would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from projections.relationships import MentorshipLink, relationships_for
from projections.store import ViewStore
from tracker.accounts import Accounts
from tracker.application import TrackerApplication
from tracker.web.auth import current_actor, get_accounts
from tracker.web.context import get_tracker
from tracker.web.read_models import get_projections, plan_access, whole_plan_access

View = TypeVar("View", bound=Callable[..., Any])
Page = str | Response | tuple[str, int]


class SignInRequired(Exception):
    """The page needs a signed-in user; answered with a redirect to the sign-in page."""


def pages_blueprint(name: str) -> Blueprint:
    """A blueprint of HTML pages (templates in tracker/templates/pages)."""
    return Blueprint(name, __name__)


def me() -> str:
    """The signed-in user's id; SignInRequired (a redirect to sign in) when nobody is."""
    actor = current_actor()
    if actor is None:
        raise SignInRequired
    return actor.user_id


def signed_in(view: View) -> View:
    """Send whoever is not signed in to the sign-in page, and back here afterwards."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        me()
        return view(*args, **kwargs)

    return cast(View, checked)


def sign_in_redirect() -> Response:
    """To the sign-in page, coming back to the page asked for (same site only)."""
    wanted = request.full_path if request.method == "GET" else request.path
    return redirect(url_for("entry.sign_in", next=wanted.rstrip("?")))


def tracker() -> TrackerApplication:
    """The application service."""
    return get_tracker()


def accounts() -> Accounts:
    """The accounts service (names, tokens)."""
    return get_accounts()


def view(name: str) -> ViewStore:
    """A read model's store, holding every change written before this request."""
    return get_projections().fresh(name)


def visible_parts(mentee_id: str) -> frozenset[str] | None:
    """The parts of her plan the viewer may see (None: all of it); NotFound if the viewer may
    not know it exists, AccessDenied if only not this."""
    return plan_access(mentee_id)


def require_whole_plan(mentee_id: str) -> None:
    """Only the mentee and her active mentors read the whole plan's history and check-ins."""
    whole_plan_access(mentee_id)


def render(template: str, status: int = 200, **context: Any) -> Page:
    """A page from tracker/templates/pages."""
    html = render_template(f"pages/{template}", **context)
    return (html, status) if status != 200 else html


def back_to(default: str) -> str:
    """A same-site `next` address from the form or query, else `default` (no open redirect)."""
    target = request.values.get("next", "")
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


class Relation:
    """What the viewer is to a mentee: herself, her mentor in an active mentorship, or
    neither (a supporter she shares parts with), and their mentorships as the viewer sees
    them (all of hers for her; his own for a mentor)."""

    def __init__(self, mentee_id: str, viewer_id: str) -> None:
        links = relationships_for(view("relationships"), mentee_id).mentorships
        self.mentee_id = mentee_id
        self.viewer_id = viewer_id
        self.owner = viewer_id == mentee_id
        self.mentor = any(m.mentor_id == viewer_id and m.status == "active" for m in links)
        self.mentorships = [m for m in links if self.owner or m.mentor_id == viewer_id]

    @property
    def active_mentorships(self) -> list[MentorshipLink]:
        """The viewer's active mentorships with her (hers with anyone, for her)."""
        return [m for m in self.mentorships if m.status == "active"]


def relation(mentee_id: str) -> Relation:
    """What the signed-in viewer is to this mentee."""
    return Relation(mentee_id, me())
