"""What people do on a goal's page: move it through its lifecycle, plan and meet its
milestones, give feedback, recognise achievements.

Each form carries the goal's version when it changes the goal's state (a status, a
milestone's date or state), so a page that went stale says so instead of overwriting;
feedback and achievements only add, so they go through whatever the goal's version.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from flask import flash

from domain.errors import DomainError, NotAllowed
from tracker.errors import StaleVersion
from tracker.web.pages.base import Page, me, relation, signed_in, tracker
from tracker.web.pages.forms import Form
from tracker.web.pages.goals import GOAL, goal_page, goal_pages, to_goal

STEPS = ("activate", "achieve", "defer", "abandon", "reopen")
# Every field of the page's forms: a refusal naming one is shown beside it, even when blank.
FIELDS = ("reason", "evidence", "due", "title", "skills", "text", "milestone_id")
DONE = {
    "activate": "The goal is active.",
    "achieve": "Achieved! Your mentor can now recognise it.",
    "defer": "The goal is deferred.",
    "abandon": "The goal is abandoned; its history stays.",
    "reopen": "The goal is open again.",
}


def act(
    goal_id: str, name: str, form: Form, action: Callable[[], Any], done: str, anchor: str
) -> Page:
    """Run one use case for a form on the goal page; on refusal, the page with the form kept."""
    if not form.errors:
        try:
            action()
        except StaleVersion as error:
            form.values["version"] = str(error.current)
            form.fail(None, f"{error.message} Check the page below, then send it again.")
            return goal_page(goal_id, status=409, forms={name: form})
        except NotAllowed:
            raise
        except DomainError as error:
            form.refused(error, FIELDS)
        else:
            flash(done, "success")
            return to_goal(goal_id, anchor)
    return goal_page(goal_id, status=422, forms={name: form})


@goal_pages.post(f"{GOAL}/<any({', '.join(STEPS)}):step>", endpoint="step")
@signed_in
def step(goal_id: Any, step: str) -> Page:
    """Activate, achieve (with evidence), defer, abandon or reopen (with a reason)."""
    form, ident = Form(), str(goal_id)
    version = form.version()
    common: dict[str, Any] = {"actor_id": me(), "expected_version": version}
    app = tracker()
    actions: dict[str, Callable[[], Any]] = {
        "activate": lambda: app.activate_goal(ident, **common),
        "achieve": lambda: app.achieve_goal(ident, evidence=form.text("evidence"), **common),
        "defer": lambda: app.defer_goal(ident, reason=form.text("reason") or "", **common),
        "abandon": lambda: app.abandon_goal(ident, reason=form.text("reason") or "", **common),
        "reopen": lambda: app.reopen_goal(ident, reason=form.text("reason") or "", **common),
    }
    return act(ident, step, form, actions[step], DONE[step], "status")


# Milestones -----------------------------------------------------------------------------------
@goal_pages.post(f"{GOAL}/milestones", endpoint="add_milestone")
@signed_in
def add_milestone(goal_id: Any) -> Page:
    """A step toward the goal, with its due date and the skills it needs."""
    form, ident = Form(), str(goal_id)
    due = form.day("due", required=True)
    skills = [s.strip() for s in (form.text("skills") or "").split(",") if s.strip()]
    return act(
        ident, "milestone", form,
        lambda: tracker().add_milestone(
            ident, title=form.text("title") or "", due=cast(date, due), skills=skills,
            actor_id=me(),
        ),
        "Milestone added to the roadmap.", "milestones",
    )  # fmt: skip


@goal_pages.post(
    f"{GOAL}/milestones/<milestone_id>/<any(reschedule, complete, drop):change>",
    endpoint="change_milestone",
)
@signed_in
def change_milestone(goal_id: Any, milestone_id: str, change: str) -> Page:
    """Move a milestone's due date (saying why), mark it met, or drop it (saying why)."""
    form, ident = Form(), str(goal_id)
    common: dict[str, Any] = {"actor_id": me(), "expected_version": form.version()}
    due = form.day("due", required=True) if change == "reschedule" else None
    why = form.text("reason") or ""
    app = tracker()
    # `act` calls these only when the form is valid, so `due` is a date by then.
    actions: dict[str, Callable[[], Any]] = {
        "reschedule": lambda: app.reschedule_milestone(
            ident, milestone_id, due=cast(date, due), reason=why, **common
        ),
        "complete": lambda: app.complete_milestone(ident, milestone_id, **common),
        "drop": lambda: app.drop_milestone(ident, milestone_id, reason=why, **common),
    }
    action = actions[change]
    done = {"reschedule": "Milestone moved.", "complete": "Milestone met.", "drop": "Dropped."}
    return act(ident, f"{change}-{milestone_id}", form, action, done[change], "milestones")


# Feedback and achievements --------------------------------------------------------------------
@goal_pages.post(f"{GOAL}/feedback", endpoint="feedback")
@signed_in
def feedback(goal_id: Any) -> Page:
    """Feedback from whoever gives it: the mentee, her mentor, or a supporter."""
    form, ident = Form(), str(goal_id)
    goal = tracker().get_goal(ident)
    link = relation(goal["mentee_id"])
    source = "mentee" if link.owner else "mentor" if link.mentor else "support"
    return act(
        ident, "feedback", form,
        lambda: tracker().give_feedback(
            ident, text=form.text("text") or "", source=source, actor_id=me()
        ),
        "Thank you: your feedback is with the goal.", "feedback",
    )  # fmt: skip


@goal_pages.post(f"{GOAL}/achievements", endpoint="recognise")
@signed_in
def recognise(goal_id: Any) -> Page:
    """Recognise what was reached: a met milestone, or the goal itself."""
    form, ident = Form(), str(goal_id)
    return act(
        ident, "achievement", form,
        lambda: tracker().recognise_achievement(
            ident, title=form.text("title") or "", evidence=form.text("evidence") or "",
            milestone_id=form.text("milestone_id"), actor_id=me(),
        ),
        "Achievement recognised.", "achievements",
    )  # fmt: skip
