"""Read models in the JSON API: the plan as of any moment and the diff between two, a goal's
revision history, blame and milestone drift, the roadmap, and the mentor's dashboard.

Reads are fresh (see tracker.web.read_models): each waits, boundedly, until the view holds
every event written before the request. Moments are a position (a whole number, from a
receipt) or an ISO date or date-time (UTC when no offset is given). A date alone means the
end of that day for `date` and `to` (changes made that day are in), and its start for
`from` (changes made that day show in the diff). "Today" is the application clock's date
unless given. Private reflections appear only to their author.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from werkzeug.exceptions import NotFound as NoSuchThing

from domain.errors import NotAllowed
from projections.dashboard import SEEN_VIEW, mark_seen, seen_position
from projections.goal_history import goal_blame_for, goal_history_page, milestone_drift_for
from projections.plan_as_of import has_plan, plan_as_of, plan_diff
from projections.roadmap import roadmap_for
from tracker.access import READ_PLAN_SCOPE, WRITE_PLAN_SCOPE, signed_in
from tracker.errors import NotFound
from tracker.services.dashboard import mentor_dashboard
from tracker.web.actor import acting, acting_user
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker
from tracker.web.pagination import NumberedPageQuery, Page, link_headers, paged
from tracker.web.read_models import (
    get_projections,
    plan_access,
    visibility_for,
    whole_plan_access,
)
from tracker.web.schemas.common import whole_number
from tracker.web.versions import Rendered

MAX_POSITION = 2**63 - 1
plan_read_models = ApiBlueprint(
    "plan_read_models",
    __name__,
    description="A plan as it stood at any moment, goal histories, roadmap, mentor dashboard.",
)


class Moment(fields.Field):  # type: ignore[type-arg]
    """A position (whole number) or a date or date-time; a date is its start or its end."""

    def __init__(self, *, end_of_day: bool, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.end_of_day = end_of_day

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kw: Any) -> int | datetime:
        text = str(value).strip()
        if text.isdigit():
            if int(text) > MAX_POSITION:
                raise ValidationError("The position is too large.")
            return int(text)
        try:
            if len(text) == 10:
                day = date.fromisoformat(text) + timedelta(days=int(self.end_of_day))
                # "as of" includes its moment: a microsecond before midnight ends the day before.
                return datetime.combine(day, time(), tzinfo=UTC) - timedelta(microseconds=1)
            moment = datetime.fromisoformat(text)
        except (ValueError, OverflowError):
            raise ValidationError("Give a position, a date (2025-03-01) or a date-time.") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _later(first: int | datetime, second: int | datetime) -> bool:
    """Whether `second` comes after `first` (positions and times are not compared)."""
    if isinstance(first, int) and isinstance(second, int):
        return second > first
    if isinstance(first, datetime) and isinstance(second, datetime):
        return second > first
    return True


class AsOfQuery(Schema):
    date = Moment(
        end_of_day=True,
        metadata={"description": "As it stood at the end of this date, or at this date-time."},
    )
    position = fields.Integer(
        validate=validate.Range(min=0, max=MAX_POSITION),
        metadata={"description": "As it stood right after this event (a receipt's position)."},
    )

    @validates_schema
    def _one_moment(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("date" in data) == ("position" in data):
            raise ValidationError("Give either `date` or `position`.", field_name="date")
        if isinstance(data.get("date"), int):
            raise ValidationError(
                "Give a date or date-time here; positions go in `position`.", field_name="date"
            )


class DiffQuery(Schema):
    since = Moment(
        end_of_day=False,
        data_key="from",
        required=True,
        metadata={"description": "From this position, date or date-time."},
    )
    until = Moment(
        end_of_day=True,
        data_key="to",
        metadata={"description": "To this position, date or date-time (default: now)."},
    )

    @validates_schema
    def _ordered(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "until" in data and not _later(data["since"], data["until"]):
            raise ValidationError("Must be later than `from`.", field_name="to")


class TodayQuery(Schema):
    today = fields.Date(
        metadata={"description": "The day to judge overdue items by (default: today)."}
    )


class DashboardQuery(TodayQuery):
    idle_days = fields.Integer(
        load_default=30,
        validate=validate.Range(min=1, max=3660),
        metadata={"description": "Open goals untouched this many days are listed as idle."},
    )


class SeenBody(Schema):
    position = whole_number(
        required=True,
        validate=validate.Range(min=1, max=MAX_POSITION),
        metadata={"description": "The dashboard's `latest_position` the mentor has now seen."},
    )


def _today(query: dict[str, Any]) -> date:
    today: date = query.get("today") or get_tracker().now_date()
    return today


def _plan_store(mentee_id: str) -> Any:
    whole_plan_access(mentee_id)
    store = get_projections().fresh("plan_as_of")
    if not has_plan(store, mentee_id):
        raise NotFound("plan", mentee_id)
    return store


def _own_dashboard(mentor_id: str, scope: str = READ_PLAN_SCOPE) -> str:
    viewer = acting_user()
    if viewer != mentor_id:
        raise NotAllowed("A mentor's dashboard is hers alone.")
    if not signed_in().has_scope(scope):
        raise NotAllowed(f"This needs the scope {scope}, which was not granted.")
    return viewer


# Plans -------------------------------------------------------------------------------------
@plan_read_models.get("/plans/<mentee_id>/as-of")
@acting
@plan_read_models.arguments(AsOfQuery, location="query")
@plan_read_models.response(200)
@plan_read_models.alt_response(404, response="NOT_FOUND")
def plan_as_of_moment(query: dict[str, Any], mentee_id: str) -> dict[str, Any]:
    """The whole plan exactly as it stood then: sections, options, support network, goals
    with criteria, milestones and status, and the proposals then pending."""
    store = _plan_store(mentee_id)
    when, position = query.get("date"), query.get("position")
    viewer = acting_user()
    found = plan_as_of(store, mentee_id, viewer_id=viewer, when=when, position=position)
    plan = visibility_for(mentee_id, viewer).plan(found)
    if plan is None:
        raise NoSuchThing(f"The plan of {mentee_id} had not been started by then.")
    return plan


@plan_read_models.get("/plans/<mentee_id>/diff")
@acting
@plan_read_models.arguments(DiffQuery, location="query")
@plan_read_models.response(200)
@plan_read_models.alt_response(404, response="NOT_FOUND")
def plan_changes(query: dict[str, Any], mentee_id: str) -> dict[str, Any]:
    """What was added, removed and changed between two moments, section by section and
    goal by goal (and in options, support network, reflections and pending proposals)."""
    store = _plan_store(mentee_id)
    viewer = acting_user()
    found = plan_diff(
        store, mentee_id, viewer_id=viewer, since=query["since"], until=query.get("until")
    )
    return visibility_for(mentee_id, viewer).diff(found)


@plan_read_models.get("/plans/<mentee_id>/roadmap")
@acting
@plan_read_models.arguments(TodayQuery, location="query")
@plan_read_models.response(200)
@plan_read_models.alt_response(404, response="NOT_FOUND")
def roadmap(query: dict[str, Any], mentee_id: str) -> dict[str, Any]:
    """Goals and milestones on a time axis: status, original and current dates, the skills
    they need, and what is overdue on `today`. A supporter sees it if she shares her goals."""
    plan_access(mentee_id, part="goals")
    if not has_plan(get_projections().fresh("plan_as_of"), mentee_id):
        raise NotFound("plan", mentee_id)
    return roadmap_for(get_projections().fresh("roadmap"), mentee_id, _today(query))


# Goals -------------------------------------------------------------------------------------
def _goal_view(found: dict[str, Any] | None, goal_id: UUID) -> dict[str, Any]:
    """The goal's view if the reader may read the goal; one 404 for missing and hidden."""
    if found is None:
        raise NotFound("goal", goal_id)
    try:
        plan_access(found["mentee_id"], part="goals")
    except NotFound:
        raise NotFound("goal", goal_id) from None
    return found


@plan_read_models.get("/goals/<uuid:goal_id>/history")
@acting
@plan_read_models.arguments(NumberedPageQuery, location="query")
@plan_read_models.response(200, headers=link_headers())
@plan_read_models.alt_response(404, response="NOT_FOUND")
def goal_history(query: dict[str, Any], goal_id: UUID) -> Rendered:
    """Every revision of the goal, oldest first, in pages of `items`: who, when, why, which
    proposal, and each field's before and after (with a word-level diff for long text).
    A page costs the same however long the history (only its revisions are read)."""
    store = get_projections().fresh("goal_history")
    found = goal_history_page(store, str(goal_id), query.get("cursor"), query["limit"])
    history = _goal_view(found, goal_id)
    page = Page(history.pop("revisions"), history.pop("next_after"))
    return paged(page, **history)


@plan_read_models.get("/goals/<uuid:goal_id>/blame")
@acting
@plan_read_models.response(200)
@plan_read_models.alt_response(404, response="NOT_FOUND")
def goal_blame(goal_id: UUID) -> dict[str, Any]:
    """For each field of the goal: who last set it, when, why, and via which proposal."""
    store = get_projections().fresh("goal_history")
    return _goal_view(goal_blame_for(store, str(goal_id)), goal_id)


@plan_read_models.get("/goals/<uuid:goal_id>/milestone-drift")
@acting
@plan_read_models.response(200)
@plan_read_models.alt_response(404, response="NOT_FOUND")
def milestone_drift(goal_id: UUID) -> dict[str, Any]:
    """How often each milestone of the goal moved, and how many days it slipped; `history`
    holds its latest 20 moves (every move is in the goal's history)."""
    store = get_projections().fresh("goal_history")
    return _goal_view(milestone_drift_for(store, str(goal_id)), goal_id)


# The mentor's dashboard --------------------------------------------------------------------
@plan_read_models.get("/mentors/<mentor_id>/dashboard")
@acting
@plan_read_models.arguments(DashboardQuery, location="query")
@plan_read_models.response(200)
def dashboard(query: dict[str, Any], mentor_id: str) -> dict[str, Any]:
    """For each mentee: last and next check-in, overdue action items, idle goals, pending
    proposals, what changed since the mentor last looked, and her checklist. Only the
    mentor herself reads it (403 otherwise). What is between a mentee and another of her
    mentors (his proposals until she accepts them, their check-ins) is left out, and
    `more_changes` and `latest_position` count only the changes he sees."""
    _own_dashboard(mentor_id)
    projections = get_projections()
    return mentor_dashboard(
        projections.fresh, projections.database.store(SEEN_VIEW), mentor_id,
        today=_today(query), idle_days=query["idle_days"],
    )  # fmt: skip


@plan_read_models.post("/mentors/<mentor_id>/dashboard/seen")
@acting
@plan_read_models.arguments(SeenBody)
@plan_read_models.response(200)
def dashboard_seen(body: dict[str, Any], mentor_id: str) -> dict[str, Any]:
    """Mark the changes up to `position` as seen; the cursor never moves back."""
    _own_dashboard(mentor_id, WRITE_PLAN_SCOPE)
    projections = get_projections()
    store = projections.fresh("dashboard")
    if body["position"] > (store.max_tracking_id(get_tracker().name) or 0):
        abort(422, messages={"json": {"position": ["No change has that position yet."]}})
    seen_store = projections.database.store(SEEN_VIEW)
    mark_seen(seen_store, mentor_id, body["position"])
    return {"mentor_id": mentor_id, "seen_position": seen_position(seen_store, mentor_id)}
