"""A goal's page (criteria, milestones, feedback, achievements, per-field blame and its
history a page at a time, newest first), and its editors: draft a goal, revise it (the
mentee, with a reason), propose a revision (her mentor)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from domain.errors import DomainError, NotAllowed
from domain.values import GoalKind
from projections.goal_history import (
    goal_blame_for,
    goal_revisions_newest_first,
    milestone_drift_for,
)
from tracker.errors import NotFound, StaleVersion
from tracker.web.pages import goal_form
from tracker.web.pages.base import Page, me, pages_blueprint, relation, render, signed_in, tracker
from tracker.web.pages.base import view as read_view
from tracker.web.pages.forms import Form
from tracker.web.pages.plan import current_plan

goal_pages = pages_blueprint("goal")
GOAL = "/goals/<uuid:goal_id>"
# Revisions shown at once: the page costs the same however long the goal's history grows.
HISTORY_PAGE = 30


def history_cursor() -> dict[str, int]:
    """The history page asked for in the query string: `before` (older revisions) or
    `after` (newer ones) a log position, or neither (the latest); 400 if unreadable."""
    asked = {name: request.args[name] for name in ("before", "after") if name in request.args}
    if len(asked) > 1:
        abort(400, "Ask for the revisions before a position or after one, not both.")
    for name, value in asked.items():
        if not (value.isdigit() and len(value) < 19):
            abort(400, f"“{name}” must be a position in the history (a whole number).")
    return {name: int(value) for name, value in asked.items()}


def goal_page(goal_id: str, *, status: int = 200, forms: dict[str, Form] | None = None) -> Page:
    """The goal page, with any action form that came back with errors kept as sent."""
    goal = tracker().get_goal(goal_id)
    store = read_view("goal_history")
    history = goal_revisions_newest_first(store, goal_id, **history_cursor(), limit=HISTORY_PAGE)
    blame = goal_blame_for(store, goal_id)
    if history is None or blame is None:
        raise NotFound("goal", goal_id)
    drift = milestone_drift_for(store, goal_id) or {"milestones": []}
    plan = current_plan(goal["mentee_id"])
    return render(
        "goal.html",
        status=status,
        mentee_id=goal["mentee_id"],
        link=relation(goal["mentee_id"]),
        goal=goal,
        criteria=goal_form.goal_fields(goal["kind"]),
        blame=blame["fields"],
        revisions=history["revisions"],
        older=history["older"],
        newer=history["newer"],
        moves={m["id"]: m for m in drift["milestones"]},
        proposals=[p for p in plan["pending_proposals"] if p["target_id"] == goal_id],
        serves_label=serves_label(goal.get("serves"), plan["options"]),
        today=tracker().now_date(),
        forms=forms or {},
    )


def serves_label(serves: str | None, options: list[dict[str, Any]]) -> str:
    """What a goal serves, in words: a section's name or an option's title."""
    choices = dict(goal_form.serves_choices(options))
    return choices.get(serves or "", "—") if serves else "—"


@goal_pages.get(GOAL, endpoint="goal")
@signed_in
def goal(goal_id: Any) -> Page:
    """Everything about one goal, and how it came to be."""
    return goal_page(str(goal_id))


# Drafting -------------------------------------------------------------------------------------
def _kind() -> str:
    wanted = request.values.get("kind", GoalKind.SMARTY.value)
    return wanted if wanted in {k.value for k in GoalKind} else GoalKind.SMARTY.value


def _new_goal_page(mentee_id: str, form: Form, status: int = 200) -> Page:
    kind = _kind()
    return render(
        "goal_edit.html",
        status=status,
        mentee_id=mentee_id,
        mode="draft",
        kind=kind,
        kinds=[k.value for k in GoalKind],
        criteria=goal_form.goal_fields(kind),
        serves=goal_form.serves_choices(current_plan(mentee_id)["options"]),
        form=form,
    )


@goal_pages.get("/plans/<mentee_id>/goals/new", endpoint="new_goal")
@signed_in
def new_goal(mentee_id: str) -> Page:
    """A blank goal written with the framework chosen (SMARTY unless ?kind=real)."""
    if not relation(mentee_id).owner:
        abort(403, "Only the mentee sets her own goals.")
    return _new_goal_page(mentee_id, Form({}))


@goal_pages.post("/plans/<mentee_id>/goals/new", endpoint="new_goal_post")
@signed_in
def new_goal_post(mentee_id: str) -> Page:
    """Draft the goal; back to the form, values kept, if anything is wrong."""
    form = Form()
    kind = _kind()
    values = goal_form.submitted(form, kind)
    fields = {k: v for k, v in values.items() if v is not None and v != "" and v is not False}
    if not form.errors:
        try:
            receipt = tracker().draft_goal(mentee_id, kind=kind, fields=fields, actor_id=me())
        except NotAllowed:
            raise
        except DomainError as error:
            form.refused(error, values)
        else:
            flash("Your goal is drafted. Activate it once its essentials are written.", "success")
            return redirect(url_for("goal.goal", goal_id=receipt.id))
    return _new_goal_page(mentee_id, form, status=422)


# Revising and proposing -----------------------------------------------------------------------
def _edit_page(
    goal: dict[str, Any], form: Form, mode: str, status: int = 200, **extra: Any
) -> Page:
    return render(
        "goal_edit.html",
        status=status,
        mentee_id=goal["mentee_id"],
        mode=mode,
        goal=goal,
        kind=goal["kind"],
        criteria=goal_form.goal_fields(goal["kind"]),
        serves=goal_form.serves_choices(current_plan(goal["mentee_id"])["options"]),
        form=form,
        **extra,
    )


@goal_pages.get(f"{GOAL}/revise", endpoint="revise")
@signed_in
def revise(goal_id: Any) -> Page:
    """The goal's fields as they are now, to revise (she) or to propose new values (he)."""
    goal = tracker().get_goal(str(goal_id))
    link = relation(goal["mentee_id"])
    if not (link.owner or link.mentor):
        abort(403, "Only the mentee revises her goals, and her mentor proposes revisions.")
    mode = "revise" if link.owner else "propose"
    return _edit_page(goal, Form(goal_form.form_values(goal)), mode)


@goal_pages.post(f"{GOAL}/revise", endpoint="revise_post")
@signed_in
def revise_post(goal_id: Any) -> Page:
    """Save the revision with its reason (or send the proposal); keep what was typed."""
    goal = tracker().get_goal(str(goal_id))
    form = Form()
    owner = relation(goal["mentee_id"]).owner
    version = form.version() if owner else None
    changes = goal_form.changed(form, goal)
    if form.errors:
        return _edit_page(goal, form, "revise" if owner else "propose", status=422)
    try:
        if owner:
            tracker().revise_goal(
                goal["id"], changes=changes, reason=form.text("reason") or "",
                actor_id=me(), expected_version=version,
            )  # fmt: skip
            flash("Revised. The history below shows what changed and why.", "success")
        else:
            tracker().propose_goal_revision(
                goal["id"], changes=changes, rationale=form.text("reason") or "", actor_id=me()
            )
            flash("Your proposal is sent; she decides.", "success")
    except StaleVersion as error:
        return _revise_conflict(form, error)
    except NotAllowed:
        raise
    except DomainError as error:
        form.refused(error, (*goal_form.BASICS, "reason"), aliases={"rationale": "reason"})
        return _edit_page(goal, form, "revise" if owner else "propose", status=422)
    return redirect(url_for("goal.goal", goal_id=goal["id"], _anchor="history"))


def _revise_conflict(form: Form, error: StaleVersion) -> Page:
    """The goal moved on since the form was loaded: yours and theirs, side by side. The form
    sent again keeps what she changed and takes the current value of what she left alone, so
    a retry does not undo the other change."""
    current = tracker().get_goal(error.aggregate_id)
    theirs = goal_form.form_values(current)
    loaded = goal_form.form_values(tracker().get_goal(error.aggregate_id, error.had))
    changes = tracker().changes_since(error.aggregate_id, error.had, viewer_id=me())
    form.values["version"] = str(current["version"])
    fields = (*goal_form.BASICS, *goal_form.goal_fields(current["kind"]))
    rows = [(name, form.raw(name).strip(), theirs.get(name, "")) for name in fields]
    for name in fields:
        if form.raw(name).strip() == loaded.get(name, ""):
            form.values[name] = theirs.get(name, "")
    return _edit_page(
        current, form, "revise", status=409,
        conflict={"rows": rows, "changes": changes, "had": error.had, "now": current["version"]},
    )  # fmt: skip


def to_goal(goal_id: str, anchor: str = "") -> Response:
    """Back to the goal page (after an action), at the part it was about."""
    return redirect(url_for("goal.goal", goal_id=goal_id, _anchor=anchor or None))
