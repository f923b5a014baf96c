"""Who acts: the acting user's id, read from the ``X-Actor-Id`` request header.

Accounts come later: issue 6 replaces this header with authentication. Until then every
write, and every read that leaves out private content, names its actor through this module
and nowhere else, so that swapping the header for a signed-in user touches one file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import request

from tracker.web.apidoc import document

ACTOR_HEADER = "X-Actor-Id"
# Letters, digits and a few separators: ids appear in URLs (/plans/<mentee_id>) and logs.
ACTOR_ID_PATTERN = r"^[\w.@:+-]{1,200}$"

ACTOR_PARAMETER: dict[str, Any] = {
    "name": ACTOR_HEADER,
    "required": True,
    "schema": {"type": "string", "pattern": ACTOR_ID_PATTERN, "maxLength": 200},
    "description": (
        "The id of the user who acts. A stopgap until accounts (issue 6) replace it with "
        "authentication; required on writes and on reads that leave out private content."
    ),
}
ACTOR_COMPONENT = "ActorId"


class MissingActor(Exception):
    """The request does not say, or says unreadably, who acts (answered with 401)."""


def acting_user() -> str:
    """The id of the user making the current request, from the X-Actor-Id header.

    Issue 6 replaces this with the authenticated user; callers need not change.
    """
    actor_id = request.headers.get(ACTOR_HEADER, "").strip()
    if not actor_id:
        raise MissingActor(f"Say who acts with the {ACTOR_HEADER} header.")
    if not re.fullmatch(ACTOR_ID_PATTERN, actor_id):
        raise MissingActor(
            f"The {ACTOR_HEADER} header must be 1 to 200 letters, digits or . @ : + - _"
        )
    return actor_id


def acting(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require X-Actor-Id before the body is read, and say so in the OpenAPI document."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        acting_user()
        return view(*args, **kwargs)

    document(checked, parameters=[ACTOR_COMPONENT], responses=[401, 403])
    return checked
