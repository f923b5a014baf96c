"""The mentee's home: her plan by section, her goals, the next check-in, pending proposals;
and the section editor (the mentee edits; her mentor proposes)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for

from domain.errors import DomainError, NotAllowed
from domain.values import PLAN_SECTIONS
from projections.plan_as_of import plan_as_of
from tracker.errors import NotFound, StaleVersion
from tracker.web.listings import check_ins_of_mentorship
from tracker.web.pages.base import (
    Page,
    Relation,
    me,
    pages_blueprint,
    relation,
    render,
    signed_in,
    tracker,
    view,
    visible_parts,
)
from tracker.web.pages.forms import Form
from tracker.web.read_models import visibility_for

plan_pages = pages_blueprint("plan")
SECTION = "/plans/<mentee_id>/sections/<any({}):section>".format(", ".join(PLAN_SECTIONS))
OPEN_GOALS = ("active", "draft", "deferred")


def shared_only(plan: dict[str, Any], parts: frozenset[str] | None) -> dict[str, Any]:
    """The plan cut down to the parts shared with a supporter (all of it for everyone else)."""
    if parts is None:
        return plan
    return {
        **plan,
        "sections": {k: v for k, v in plan["sections"].items() if k in parts},
        "options": plan["options"] if "options" in parts else [],
        "goals": plan["goals"] if "goals" in parts else [],
        "reflections": plan["reflections"] if "reflections" in parts else [],
        "support_network": [],
        "pending_proposals": [],
    }


def next_check_in(link: Relation) -> dict[str, Any] | None:
    """The earliest scheduled check-in of the mentorships the viewer is part of."""
    scheduled = [
        {**c, "mentor_id": m.mentor_id, "mentorship_id": m.mentorship_id}
        for m in link.active_mentorships
        for c in check_ins_of_mentorship(m.mentorship_id, "scheduled")
    ]
    return min(scheduled, key=lambda c: str(c["scheduled_for"]), default=None)


def current_plan(mentee_id: str) -> dict[str, Any]:
    """Her plan now, as the viewer may see it (only the proposals he sees); NotFound if she
    has none (or it is hidden)."""
    parts = visible_parts(mentee_id)
    found = plan_as_of(view("plan_as_of"), mentee_id, viewer_id=me())
    plan = visibility_for(mentee_id, me()).plan(found)
    if plan is None:
        raise NotFound("plan", mentee_id)
    return shared_only(plan, parts)


def proposal_target(proposal: dict[str, Any], goals: dict[str, Any]) -> str:
    """What a proposal would change, in words: a goal's title or a section's name."""
    if proposal["target"] == "goal":
        goal = goals.get(proposal["target_id"])
        return f"the goal “{goal['fields']['title']}”" if goal else "a goal"
    return f"the section {str(proposal['section']).replace('_', ' ')}"


@plan_pages.get("/plans/<mentee_id>", endpoint="home")
@signed_in
def home(mentee_id: str) -> Page:
    """The plan by section, goals with status, the next check-in and pending proposals."""
    return home_page(mentee_id)


def home_page(mentee_id: str, forms: dict[str, Form] | None = None, status: int = 200) -> Page:
    """The mentee's home, with a proposal's decision form kept as sent if it was refused."""
    plan = current_plan(mentee_id)
    link = relation(mentee_id)
    goals = {g["id"]: g for g in plan["goals"]}
    proposals = [
        {**p, "what": proposal_target(p, goals)}
        for p in plan["pending_proposals"]
        if link.owner or p["proposed_by"] == link.viewer_id
    ]
    return render(
        "plan.html",
        here="plan",
        mentee_id=mentee_id,
        link=link,
        plan=plan,
        sections=PLAN_SECTIONS,
        open_goals=[g for g in plan["goals"] if g["status"] in OPEN_GOALS],
        closed_goals=[g for g in plan["goals"] if g["status"] not in OPEN_GOALS],
        next_check_in=next_check_in(link) if link.owner or link.mentor else None,
        proposals=proposals,
        forms=forms or {},
        status=status,
    )


# The section editor ------------------------------------------------------------------------
def _section_page(
    mentee_id: str, section: str, form: Form, *, propose: bool, status: int = 200, **extra: Any
) -> Page:
    return render(
        "section_edit.html",
        status=status,
        mentee_id=mentee_id,
        section=section,
        fields=PLAN_SECTIONS[section],
        form=form,
        propose=propose,
        **extra,
    )


def _loaded_section(mentee_id: str, section: str) -> tuple[dict[str, str], int]:
    plan = tracker().get_plan(mentee_id, viewer_id=me())
    return dict(plan["sections"].get(section) or {}), int(plan["version"])


@plan_pages.get(f"{SECTION}/edit", endpoint="edit_section")
@signed_in
def edit_section(mentee_id: str, section: str) -> Page:
    """The section's fields, as they are now, to rewrite (the mentee) or to propose (a mentor)."""
    link = relation(mentee_id)
    if not (link.owner or link.mentor):
        abort(403, "Only the mentee edits her plan, and her mentor proposes changes to it.")
    values, version = _loaded_section(mentee_id, section)
    form = Form({**values, "version": str(version)})
    return _section_page(mentee_id, section, form, propose=not link.owner)


@plan_pages.post(f"{SECTION}/edit", endpoint="edit_section_post")
@signed_in
def edit_section_post(mentee_id: str, section: str) -> Page:
    """Save the section (she) or send it as a proposal (her mentor); keep the text on errors."""
    form = Form()
    fields = {name: form.raw(name) for name in PLAN_SECTIONS[section]}
    link = relation(mentee_id)
    version = form.version() if link.owner else None
    try:
        if not link.owner:
            tracker().propose_section_edit(
                mentee_id, section=section, fields=_changed(mentee_id, section, fields),
                rationale=form.text("reason") or "", actor_id=me(),
            )  # fmt: skip
            flash("Your proposal is sent; she decides.", "success")
        elif version is not None:
            tracker().edit_plan_section(
                mentee_id, section=section, fields=fields, reason=form.text("reason"),
                actor_id=me(), expected_version=version,
            )  # fmt: skip
            flash(f"Saved the {section.replace('_', ' ')}.", "success")
    except StaleVersion as error:
        return _section_conflict(mentee_id, section, form, error)
    except NotAllowed:
        raise
    except DomainError as error:
        form.refused(error, [*fields, "reason"], aliases={"rationale": "reason"})
    if form.errors:
        return _section_page(mentee_id, section, form, propose=not link.owner, status=422)
    return redirect(url_for("plan.home", mentee_id=mentee_id, _anchor=f"section-{section}"))


def _changed(mentee_id: str, section: str, fields: dict[str, str]) -> dict[str, str]:
    """The fields a proposal would change (a proposal names only those)."""
    current, _ = _loaded_section(mentee_id, section)
    return {k: v.strip() for k, v in fields.items() if v.strip() != (current.get(k) or "")}


def _section_conflict(mentee_id: str, section: str, form: Form, error: StaleVersion) -> Page:
    """Someone changed the plan since the form was loaded: both versions, and a retry that
    keeps what she changed and takes the current text of what she left alone (so sending it
    again does not undo the other change)."""
    current, version = _loaded_section(mentee_id, section)
    had = tracker().get_plan(mentee_id, viewer_id=me(), version=error.had)["sections"]
    loaded = had.get(section) or {}
    for name in PLAN_SECTIONS[section]:
        if form.raw(name).strip() == str(loaded.get(name) or "").strip():
            form.values[name] = current.get(name) or ""
    changes = tracker().changes_since(error.aggregate_id, error.had, viewer_id=me())
    form.values["version"] = str(version)
    return _section_page(
        mentee_id, section, form, propose=False, status=409,
        conflict={"current": current, "changes": changes, "had": error.had, "now": version},
    )  # fmt: skip
