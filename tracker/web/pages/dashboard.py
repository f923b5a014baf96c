"""The mentor's dashboard: his mentees, their cadence, what is overdue or idle, what changed
since he last looked, and the proposals he still waits on."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from projections.dashboard import SEEN_VIEW, mark_seen
from tracker.services.dashboard import mentor_dashboard
from tracker.web.pages.base import Page, me, pages_blueprint, render, signed_in, tracker
from tracker.web.pages.forms import Form
from tracker.web.read_models import get_projections

dashboard_pages = pages_blueprint("dashboard")
IDLE_DAYS = 30


@dashboard_pages.get("/dashboard", endpoint="dashboard")
@signed_in
def dashboard() -> Page:
    """Only the mentor's own dashboard: nobody reads another's."""
    projections = get_projections()
    board = mentor_dashboard(
        projections.fresh, projections.database.store(SEEN_VIEW), me(),
        today=tracker().now_date(), idle_days=IDLE_DAYS,
    )  # fmt: skip
    return render("dashboard.html", here="dashboard", board=board)


@dashboard_pages.post("/dashboard/seen", endpoint="seen")
@signed_in
def seen() -> Response:
    """Mark every change up to the one shown as seen: next time only newer ones are listed."""
    form = Form()
    position = form.text("position") or ""
    projections = get_projections()
    latest = projections.fresh("dashboard").max_tracking_id(tracker().name) or 0
    if position.isdigit() and 0 < int(position) <= latest:
        mark_seen(projections.database.store(SEEN_VIEW), me(), int(position))
        flash("Marked as seen.", "success")
    return redirect(url_for("dashboard.dashboard"))
