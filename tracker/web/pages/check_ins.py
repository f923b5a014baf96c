"""Check-ins: the history of a mentee's meetings, and one meeting's page where both bring
the agenda, answer the four questions, assign action items and write notes (private ones
stay their author's)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from flask import flash, redirect, url_for

from domain.errors import DomainError, NotAllowed
from domain.values import FOUR_QUESTIONS
from tracker.errors import StaleVersion
from tracker.web.listings import check_ins_of_mentorship
from tracker.web.pages.base import (
    Page,
    me,
    pages_blueprint,
    relation,
    render,
    require_whole_plan,
    signed_in,
    tracker,
)
from tracker.web.pages.forms import Form

check_in_pages = pages_blueprint("check_in")
CHECK_IN = "/check-ins/<uuid:check_in_id>"
ACTIONS = ("agenda", "answers", "action-items", "notes", "feedback", "lessons", "hold", "cancel")
# These overwrite state, so their forms carry the version they were loaded at.
VERSIONED = ("answers", "hold", "cancel")
# Every field of the page's forms: a refusal naming one is shown beside it, even when blank.
FIELDS = ("text", "owner_id", "due", "held_on", "reason", *FOUR_QUESTIONS)


@check_in_pages.get("/plans/<mentee_id>/check-ins", endpoint="history")
@signed_in
def history(mentee_id: str) -> Page:
    """Every check-in of the mentorships the viewer is part of, newest first."""
    return history_page(mentee_id)


def history_page(mentee_id: str, forms: dict[str, Form] | None = None, status: int = 200) -> Page:
    """The check-in history, with a refused scheduling form kept as sent."""
    require_whole_plan(mentee_id)
    link = relation(mentee_id)
    mentorships = [
        {
            "link": m,
            "check_ins": sorted(
                check_ins_of_mentorship(m.mentorship_id, None),
                key=lambda c: str(c["scheduled_for"]),
                reverse=True,
            ),
        }
        for m in link.mentorships
    ]
    return render(
        "check_ins.html",
        status=status,
        mentee_id=mentee_id,
        link=link,
        mentorships=mentorships,
        today=tracker().now_date(),
        forms=forms or {},
    )


@check_in_pages.post("/mentorships/<uuid:mentorship_id>/check-ins", endpoint="schedule")
@signed_in
def schedule(mentorship_id: Any) -> Page:
    """Schedule the next check-in of a mentorship."""
    form, ident = Form(), str(mentorship_id)
    mentee_id = tracker().get_mentorship(ident)["mentee_id"]
    day = form.day("scheduled_for", required=True)
    if not form.errors:
        try:
            receipt = tracker().schedule_check_in(
                ident, scheduled_for=cast(date, day), actor_id=me()
            )
        except NotAllowed:
            raise
        except DomainError as error:
            form.refused(error)
        else:
            flash("Scheduled. Add to the agenda whenever something comes up.", "success")
            return redirect(url_for("check_in.check_in", check_in_id=receipt.id))
    return history_page(mentee_id, forms={ident: form}, status=422)


def check_in_page(
    check_in_id: str, forms: dict[str, Form] | None = None, status: int = 200
) -> Page:
    """One check-in, with any form that came back refused kept as sent."""
    found = tracker().get_check_in(check_in_id, viewer_id=me())
    return render(
        "check_in.html",
        status=status,
        mentee_id=found["mentee_id"],
        link=relation(found["mentee_id"]),
        check_in=found,
        questions=FOUR_QUESTIONS,
        today=tracker().now_date(),
        forms=forms or {},
    )


@check_in_pages.get(CHECK_IN, endpoint="check_in")
@signed_in
def check_in(check_in_id: Any) -> Page:
    """The agenda, the four questions, outcomes, action items and notes of one check-in."""
    return check_in_page(str(check_in_id))


@check_in_pages.post(f"{CHECK_IN}/<any({', '.join(map(repr, ACTIONS))}):action>", endpoint="act")
@signed_in
def act(check_in_id: Any, action: str) -> Page:
    """Add to the check-in, or hold or cancel it; the page again, the form kept, if refused."""
    form, ident = Form(), str(check_in_id)
    version = form.version() if action in VERSIONED else None
    run = _actions(ident, form, version)[action]
    if not form.errors:
        try:
            run()
        except StaleVersion as error:
            form.values["version"] = str(error.current)
            form.fail(None, f"{error.message} Check the page, then send it again.")
            return check_in_page(ident, {action: form}, status=409)
        except NotAllowed:
            raise
        except DomainError as error:
            form.refused(error, FIELDS)
        else:
            flash("Saved.", "success")
            return redirect(url_for("check_in.check_in", check_in_id=ident, _anchor=action))
    return check_in_page(ident, {action: form}, status=422)


def _actions(ident: str, form: Form, version: int | None) -> dict[str, Callable[[], Any]]:
    """What each form of the page does (appends need no version; state changes do)."""
    app, actor, text = tracker(), me(), form.text("text") or ""
    due, held_on = form.day("due"), form.day("held_on")
    answers = {q: a for q in FOUR_QUESTIONS if (a := form.text(q)) is not None}

    def versioned() -> dict[str, Any]:
        return {"actor_id": actor, "expected_version": version}

    return {
        "agenda": lambda: app.add_agenda_item(ident, text=text, actor_id=actor),
        "answers": lambda: app.answer_four_questions(ident, answers=answers, **versioned()),
        "action-items": lambda: app.assign_action_item(
            ident, text=text, owner_id=form.text("owner_id") or "", due=_given(due), actor_id=actor
        ),
        "notes": lambda: app.write_note(
            ident, text=text, private=form.flag("private"), actor_id=actor
        ),
        "feedback": lambda: app.record_check_in_feedback(ident, text=text, actor_id=actor),
        "lessons": lambda: app.record_lesson(ident, text=text, actor_id=actor),
        "hold": lambda: app.hold_check_in(ident, held_on=_given(held_on), **versioned()),
        "cancel": lambda: app.cancel_check_in(
            ident, reason=form.text("reason") or "", **versioned()
        ),
    }


def _given(day: date | None) -> date:
    # A missing date is the domain's to refuse, with the message beside its field.
    return cast(date, day)


@check_in_pages.post(f"{CHECK_IN}/action-items/<item_id>/done", endpoint="item_done")
@signed_in
def item_done(check_in_id: Any, item_id: str) -> Page:
    """Mark an action item as done."""
    ident = str(check_in_id)
    try:
        tracker().complete_action_item(ident, item_id, actor_id=me())
    except NotAllowed:
        raise
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("Done: well done.", "success")
    return redirect(url_for("check_in.check_in", check_in_id=ident, _anchor="action-items"))
