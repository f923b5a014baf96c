"""How the plan came to be: its timeline with a chart of its growth, the plan as it stood on
any date and what changed between two dates, and the roadmap of goals and milestones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import request

from projections.goal_history import field_change
from projections.growth import PERIODS, growth_for
from projections.plan_as_of import plan_as_of, plan_diff
from projections.roadmap import roadmap_for
from projections.timeline import KINDS
from tracker.services.timeline_pages import timeline_page
from tracker.web.pages import charts
from tracker.web.pages.base import (
    Page,
    me,
    pages_blueprint,
    relation,
    render,
    require_whole_plan,
    signed_in,
    tracker,
    view,
)
from tracker.web.pages.forms import Form
from tracker.web.pages.plan import current_plan
from tracker.web.read_models import visibility_for

history_pages = pages_blueprint("history")
PAGE_SIZE = 50


def start_of(day: date) -> datetime:
    """Midnight (UTC) at the start of a day."""
    return datetime.combine(day, time(), tzinfo=UTC)


def end_of(day: date) -> datetime:
    """The last moment of a day (UTC): 'as of a date' includes what happened that day."""
    return start_of(day + timedelta(days=1)) - timedelta(microseconds=1)


def _query() -> Form:
    """The page's query string, read like a form (values kept, messages by field)."""
    return Form(request.args)


@history_pages.get("/plans/<mentee_id>/timeline", endpoint="timeline")
@signed_in
def timeline(mentee_id: str) -> Page:
    """Every change to the plan in order, filtered by kind and dates, with its growth chart."""
    require_whole_plan(mentee_id)
    query = _query()
    since, until = query.day("since"), query.day("until")
    kind = query.text("kind")
    if kind is not None and kind not in KINDS:
        query.fail("kind", "Choose one of the kinds listed.")
    if since and until and until < since:
        query.fail("until", "The end must not be before the start.")
    period = query.text("period") or "month"
    period = period if period in PERIODS else "month"
    cursor = query.text("after")
    after = int(cursor) if cursor and cursor.isdigit() and len(cursor) < 19 else None
    store = view("timeline")
    entries: dict[str, Any] = {"entries": [], "next_after": None}
    growth: dict[str, Any] = {"points": [], "period": period}
    if not query.errors:
        entries = timeline_page(
            store, visibility_for(mentee_id, me()), kinds=[kind] if kind else None,
            since=start_of(since) if since else None,
            until=start_of(until + timedelta(days=1)) if until else None,
            after=after, limit=PAGE_SIZE,
        )  # fmt: skip
        growth = growth_for(store, mentee_id, period, since=since, until=until)
    return render(
        "timeline.html",
        status=422 if query.errors else 200,
        mentee_id=mentee_id,
        form=query,
        kinds=KINDS,
        periods=PERIODS,
        period=period,
        entries=entries["entries"],
        next_after=entries["next_after"],
        chart=charts.growth_chart(growth),
        last_month=(tracker().now_date() - timedelta(days=30)).isoformat(),
    )


@history_pages.get("/plans/<mentee_id>/as-of", endpoint="as_of")
@signed_in
def as_of(mentee_id: str) -> Page:
    """The whole plan as it stood at the end of a chosen date (a month ago unless chosen)."""
    require_whole_plan(mentee_id)
    today = tracker().now_date()
    query = _query()
    if not query.text("date"):
        query.values["date"] = (today - timedelta(days=30)).isoformat()
    chosen = query.day("date")
    plan = None
    if chosen is not None:
        found = plan_as_of(view("plan_as_of"), mentee_id, viewer_id=me(), when=end_of(chosen))
        plan = visibility_for(mentee_id, me()).plan(found)
    return render(
        "as_of.html",
        status=422 if query.errors else 200,
        mentee_id=mentee_id,
        link=relation(mentee_id),
        form=query,
        chosen=chosen,
        today=today,
        plan=plan,
        now=current_plan(mentee_id),
    )


@history_pages.get("/plans/<mentee_id>/diff", endpoint="diff")
@signed_in
def diff(mentee_id: str) -> Page:
    """What was added, removed and changed in the plan between two dates."""
    require_whole_plan(mentee_id)
    today = tracker().now_date()
    query = _query()
    query.values.setdefault("from", (today - timedelta(days=30)).isoformat())
    query.values.setdefault("to", today.isoformat())
    since, until = query.day("from", required=True), query.day("to", required=True)
    if since and until and until < since:
        query.fail("to", "The second date must not be before the first.")
    changes = None
    if not query.errors and since and until:
        store = view("plan_as_of")
        found = plan_diff(
            store, mentee_id, viewer_id=me(), since=start_of(since), until=end_of(until)
        )
        changes = visibility_for(mentee_id, me()).diff(found)
    names = {m["id"]: m["title"] for g in current_plan(mentee_id)["goals"] for m in g["milestones"]}
    return render(
        "diff.html",
        status=422 if query.errors else 200,
        mentee_id=mentee_id,
        form=query,
        changes=changes,
        rows=lambda found: changed_rows(found, names),
    )


def changed_rows(
    found: dict[str, Any], names: dict[str, str], path: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """A nested diff (`projections.plan_diff`) as rows a table shows: where, what, how.

    Long texts get a word-level diff; ids of milestones read as their titles.
    """
    if "from" in found or "to" in found:
        change = field_change(found.get("from"), found.get("to"))
        return [{"path": path, "op": "changed", "change": change}]
    if "appended" in found:
        return [{"path": path, "op": "added", "change": {"from": None, "to": found["appended"]}}]
    rows: list[dict[str, Any]] = []
    for group in ("added", "removed", "changed"):
        for key, value in (found.get(group) or {}).items():
            name = names.get(key) or (value.get("title") if isinstance(value, dict) else None)
            where = (*path, str(name or key))
            if group == "changed":
                rows += changed_rows(value, names, where)
            else:
                shown = value.get("title", value) if isinstance(value, dict) else value
                before, after = (shown, None) if group == "removed" else (None, shown)
                rows.append({"path": where, "op": group, "change": {"from": before, "to": after}})
    return rows


@history_pages.get("/plans/<mentee_id>/roadmap", endpoint="roadmap")
@signed_in
def roadmap(mentee_id: str) -> Page:
    """Goals and milestones on a time axis: where they are now and where they were first."""
    require_whole_plan(mentee_id)
    plan = current_plan(mentee_id)
    found = roadmap_for(view("roadmap"), mentee_id, tracker().now_date())
    drafted = {g["id"]: g["drafted_at"] for g in plan["goals"]}
    return render(
        "roadmap.html",
        mentee_id=mentee_id,
        roadmap=found,
        chart=charts.gantt(found, drafted) if found["goals"] else None,
    )
