"""Deciding on proposals: the mentee accepts (the change is applied in her name, crediting
the mentor) or declines with a reason; the mentor who proposed may withdraw."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from domain.errors import DomainError, NotAllowed
from tracker.errors import Conflict
from tracker.web.pages.base import Page, back_to, me, pages_blueprint, signed_in, tracker
from tracker.web.pages.forms import Form
from tracker.web.pages.plan import home_page

proposal_pages = pages_blueprint("proposal")
PROPOSAL = "/proposals/<uuid:proposal_id>"


def _home_of(proposal_id: str) -> str:
    return url_for("plan.home", mentee_id=tracker().get_proposal(proposal_id)["mentee_id"])


@proposal_pages.post(f"{PROPOSAL}/decide", endpoint="decide")
@signed_in
def decide(proposal_id: object) -> Page:
    """Accept (the reason is optional) or decline (the reason is needed)."""
    ident, form = str(proposal_id), Form()
    accept = form.text("decision") == "accept"
    try:
        if accept:
            tracker().accept_proposal(ident, reason=form.text("reason"), actor_id=me())
        else:
            tracker().decline_proposal(ident, reason=form.text("reason") or "", actor_id=me())
    except NotAllowed:
        raise
    except (DomainError, Conflict) as error:
        # Its target moved on, or a rule says no: the proposal stays pending, nothing saved.
        form.fail("reason" if getattr(error, "field", None) == "reason" else None, error.message)
        mentee_id = tracker().get_proposal(ident)["mentee_id"]
        return home_page(
            mentee_id, forms={ident: form}, status=409 if isinstance(error, Conflict) else 422
        )
    flash("Accepted: the change is in your plan." if accept else "Declined.", "success")
    return redirect(f"{_home_of(ident)}#proposals-title")


@proposal_pages.post(f"{PROPOSAL}/withdraw", endpoint="withdraw")
@signed_in
def withdraw(proposal_id: object) -> Response:
    """The mentor takes his proposal back while it is pending."""
    ident = str(proposal_id)
    try:
        tracker().withdraw_proposal(ident, reason=Form().text("reason"), actor_id=me())
    except NotAllowed:
        raise
    except DomainError as error:
        flash(f"Not withdrawn: {error.message}", "error")
    else:
        flash("Withdrawn.", "success")
    return redirect(back_to(_home_of(ident)))
