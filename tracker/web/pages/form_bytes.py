"""A page form whose bytes are not UTF-8 is refused, not stored as text nobody typed.

Browsers send forms as UTF-8 (the pages say `charset=utf-8`); what else arrives, a crafted
or mangled form, would be stored as text nobody typed: werkzeug 3 keeps each bad byte as
the three characters "%FF", which afterwards cannot be told from someone typing them. The
JSON API refuses such bodies with a 400 problem; the pages refuse them with a 400 page,
before anything is read or written.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl

from flask import abort, request

FORM = "application/x-www-form-urlencoded"
NOT_UTF8 = (
    "This form holds bytes that are not UTF-8 text, so it was not sent. "
    "Go back, reload the page and send it again."
)


def refuse_forms_that_are_not_utf8(pages: Collection[str]) -> None:
    """Before any other hook reads the form: 400 for a form posted to one of the `pages`
    blueprints that is not UTF-8 (werkzeug would keep each bad byte as "%FF" text)."""
    if request.method != "POST" or request.mimetype != FORM or request.blueprint not in pages:
        return
    raw = request.get_data(cache=True)  # request.form parses this same copy afterwards
    try:
        parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        abort(400, NOT_UTF8)
