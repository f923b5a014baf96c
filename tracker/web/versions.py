"""Versions over HTTP: ETags on records, conditional reads and writes, receipts of writes.

Every aggregate's ETag is its version in quotes (``"7"``).

- A read sending ``If-None-Match: "7"`` while the record is still at 7 gets ``304 Not
  Modified`` and no body.
- A write sending ``If-Match: "7"`` is refused with 412 if the record has moved on (the
  problem says what changed since, see `tracker.web.problems`), and nothing is written.
- Writes that overwrite state require If-Match (`requires_if_match`: 428 without it);
  appends that commute take it if given (`accepts_if_match`), so unrelated writes never fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest, PreconditionRequired

from tracker.services.base import Receipt
from tracker.web.apidoc import document

IF_MATCH_COMPONENT = "IfMatch"
IF_MATCH_REQUIRED_COMPONENT = "IfMatchRequired"
IF_NONE_MATCH_COMPONENT = "IfNoneMatch"
_VERSION_SCHEMA = {"type": "string", "pattern": '^"[0-9]{1,9}"$', "example": '"3"'}
IF_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-Match",
    "required": False,
    "schema": _VERSION_SCHEMA,
    "description": (
        'Optional here (this write adds to the record): the version you last read, e.g. "3". '
        "If given and the record has changed since, the write is refused with 412, the "
        "current version and what changed; nothing is written."
    ),
}
IF_MATCH_REQUIRED_PARAMETER: dict[str, Any] = {
    **IF_MATCH_PARAMETER,
    "required": True,
    "description": (
        'Required (this write overwrites state): the version you last read, e.g. "3". '
        "Without it the write is refused with 428; if the record has changed since, with "
        "412, the current version and what changed. Nothing is written either way."
    ),
}
IF_NONE_MATCH_PARAMETER: dict[str, Any] = {
    "name": "If-None-Match",
    "required": False,
    "schema": {"type": "string", "example": '"3"'},
    "description": 'The version you hold, e.g. "3": if it is still current, 304 and no body.',
}
_ONE_VERSION = re.compile(r'"([0-9]{1,9})"')

# What a view returns for flask-smorest to render (body, status, headers), or a response.
Rendered = tuple[Mapping[str, Any], int, dict[str, str]] | Response


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


def requires_if_match(view: Callable[..., Any]) -> Callable[..., Any]:
    """The write overwrites state: refuse it (428) unless If-Match names a version."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if expected_version() is None:
            raise PreconditionRequired(
                "This write overwrites what others may have changed: send the version you "
                'last read as If-Match (e.g. If-Match: "3"), taken from the ETag of a GET.'
            )
        return view(*args, **kwargs)

    document(checked, parameters=[IF_MATCH_REQUIRED_COMPONENT], responses=[400, 404, 412, 428])
    return checked


def accepts_if_match(view: Callable[..., Any]) -> Callable[..., Any]:
    """The write commutes with others: If-Match is checked when given, not required."""

    @wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        expected_version()
        return view(*args, **kwargs)

    document(checked, parameters=[IF_MATCH_COMPONENT], responses=[400, 404, 412])
    return checked


def conditional(view: Callable[..., Any]) -> Callable[..., Any]:
    """Document that a read honours If-None-Match (see `with_etag`) and may answer 304."""
    document(view, parameters=[IF_NONE_MATCH_COMPONENT], responses=[304])
    return view


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
    """A record as read, with its version as the ETag; 304 if If-None-Match names it."""
    tag = etag(int(data["version"]))
    if request.if_none_match.contains_weak(tag.strip('"')):
        return current_app.response_class(status=304, headers={"ETag": tag})
    return data, 200, {"ETag": tag}
