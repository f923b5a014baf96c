"""JSON out: dates and times as ISO 8601 strings (Flask's default would write HTTP dates), and
stored JSON documents passed on as text."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from flask.json.provider import DefaultJSONProvider


class IsoJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing `date` and `datetime` values as ISO 8601."""

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


# Built once: `json.dumps` with options builds an encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_text(value: Any) -> str:
    """`value` (plain JSON data) as compact JSON text."""
    return _ENCODER.encode(value)


def spliced_object(head: str, members: str, tail: str) -> str:
    """A JSON object of the members in `head`, then those of the JSON object text `members`
    (copied as they are, not decoded), then those in `tail`; `head` and `tail` are member
    lists as JSON text (`"a":1,"b":2`, or empty). Their names must differ: a JSON object
    names each member once.

    For documents stored as JSON and already checked when written (the views' entries):
    passing them on as text spares decoding and encoding each one.
    """
    inner = members.strip()
    if inner[:1] != "{" or inner[-1:] != "}":
        raise ValueError("members must be the text of a JSON object")
    return "{" + ",".join(filter(None, (head, inner[1:-1].strip(), tail))) + "}"
