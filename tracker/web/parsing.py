"""Request bodies: JSON only, of bounded size, parsed by the schemas at the edge.

The problems these raise (400, 413, 415) are rendered in ``tracker.web.problems``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, refusing a body that is not JSON instead of ignoring it."""

    def _raw_load_json(self, req: Any) -> Any:
        body = req.get_data(cache=True)
        if not body:
            return core.missing  # no body at all: the schema decides what is required
        if not is_json_request(req):
            raise UnsupportedMediaType(
                "Send the body as JSON, with Content-Type: application/json."
            )
        try:
            return core.parse_json(body)
        except RecursionError:
            # Deeply nested arrays exhaust the parser's stack: malformed for our purposes.
            raise BadRequest("The body is nested too deeply to be read.") from None


def refuse_oversized_bodies() -> None:
    """Answer 413 before any work when the declared body is over MAX_CONTENT_LENGTH.

    Werkzeug checks the limit only when a body is read; endpoints without a body read none.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(f"The body is larger than {limit} bytes.")
