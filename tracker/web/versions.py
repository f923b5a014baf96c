"""Versions over HTTP: an ETag on what we answer, If-Match on writes, receipts of writes.

Every aggregate's ETag is its version in quotes (``"7"``). A write that sends
``If-Match: "7"`` is refused with 409 if the record has moved on, and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest

from tracker.services.base import Receipt
from tracker.web.apidoc import document

IF_MATCH_COMPONENT = "IfMatch"
IF_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string", "pattern": '^"[0-9]{1,9}"$'},
    "description": (
        'The version you last read, as its ETag (e.g. "3"). If the record has changed '
        "since, the write is refused with 409 and the current version; nothing is written."
    ),
}
_ONE_VERSION = re.compile(r'"([0-9]{1,9})"')

# What a view returns for flask-smorest to render: body, status, headers.
Rendered = tuple[Mapping[str, Any], int, dict[str, str]]


def etag(version: int) -> str:
    """The ETag of a record at a version."""
    return f'"{version}"'


def expected_version() -> int | None:
    """The version named by If-Match, or None when the client does not say (or says *)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    match = _ONE_VERSION.fullmatch(header.strip())
    if match is None:
        raise BadRequest('If-Match takes the one version you last read, e.g. If-Match: "3".')
    return int(match.group(1))


def versioned(view: Callable[..., Any]) -> Callable[..., Any]:
    """Read If-Match before the body, and document it with the 409 it may lead to."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        expected_version()
        return view(*args, **kwargs)

    document(checked, parameters=[IF_MATCH_COMPONENT], responses=[400, 404, 409])
    return checked


def written(receipt: Receipt, status: int = 200, location: str | None = None) -> Rendered:
    """The answer to a write: id, new version, log position and any ids it created."""
    headers = {"ETag": etag(receipt.version)}
    if location is not None:
        headers["Location"] = location
    body = {
        "id": receipt.id,
        "version": receipt.version,
        "position": receipt.position,
        **receipt.created,
    }
    return body, status, headers


def created(receipt: Receipt, location: str) -> Rendered:
    """The answer to a create: 201, with where the new record is read."""
    return written(receipt, 201, location)


def with_etag(data: Mapping[str, Any]) -> Rendered:
    """A record as read, with its version as the ETag."""
    return data, 200, {"ETag": etag(int(data["version"]))}
