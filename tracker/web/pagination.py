"""Cursor pagination for every list: ``{items, next_cursor}`` and a ``Link: rel="next"``.

A list is read in a fixed order of some position (a log position, a drafting order, a
date and id); a page holds the first `limit` items after the cursor's position. The cursor
is opaque to clients (URL-safe base64 of the position as JSON): they pass back the
``next_cursor`` they got, or follow the Link header; the last page has ``next_cursor: null``
and no Link. ``limit`` is 1 to 500 (default 50); a bad limit or cursor is a 422 problem.

A view parses `PageQuery` (or a schema extending it) from the query string, builds a
`Page` with `page_of` (a list in memory) or `page_from_fetched` (limit + 1 rows read after
the position), and answers with `paged`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from flask import Response, request
from marshmallow import Schema, ValidationError, fields, validate

from tracker.web.encoding import json_text
from tracker.web.versions import Rendered

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
MAX_CURSOR_LENGTH = 1000
MAX_POSITION = 2**63 - 1
T = TypeVar("T")
Position = Any  # JSON: an int, a string, or a list of them, compared as Python compares them

LINK_HEADER: dict[str, Any] = {
    "description": 'The next page, as <url>; rel="next" (absent on the last page).',
    "schema": {"type": "string"},
}


def encode_cursor(position: Position) -> str:
    """The opaque cursor for a position."""
    text = json.dumps(position, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position a cursor stands for; ValueError if it is not one this API gave out."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise ValueError("too long")
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        position = json.loads(text)
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError("not a cursor") from None
    if not _is_position(position):
        raise ValueError("not a position")
    return position


def _is_position(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value <= MAX_POSITION  # log positions are stored as 64-bit integers
    if isinstance(value, str):
        return True
    return isinstance(value, list) and 0 < len(value) <= 4 and all(map(_is_position, value))


class Cursor(fields.String):
    """A cursor in a query string, loaded as the position it stands for (of type `of`, if
    the list says which)."""

    def __init__(self, *, of: type | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.of = of

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Position:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            position = decode_cursor(text)
        except ValueError:
            position = None
        if position is None or (self.of is not None and type(position) is not self.of):
            raise ValidationError("Not a cursor from this list: pass back next_cursor.")
        return position


class PageQuery(Schema):
    """The query of a list: how many items, and after which cursor."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."},
    )
    cursor = Cursor(metadata={"description": "Where to continue: the previous page's next_cursor."})


class NumberedPageQuery(PageQuery):
    """The query of a list ordered by a whole number (a log position, an index)."""

    cursor = Cursor(of=int, metadata={"description": "The previous page's next_cursor."})


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and the position to continue after (None on the last page)."""

    items: list[T]
    next_position: Position | None


def page_of(
    items: Iterable[T], *, key: Callable[[T], Position], after: Position | None, limit: int
) -> Page[T]:
    """The page of `items` (in any order) after position `after`, in position order."""
    ordered = sorted(items, key=key)
    if after is not None:
        ordered = [item for item in ordered if _after(key(item), after)]
    return page_from_fetched(ordered[: limit + 1], key=key, limit=limit)


def page_by_index(items: Sequence[T], *, after: int | None, limit: int) -> Page[T]:
    """The page of a list that only grows at its end (its indexes never change)."""
    indexes = page_of(range(len(items)), key=int, after=after, limit=limit)
    return Page([items[i] for i in indexes.items], indexes.next_position)


def _after(position: Position, after: Position) -> bool:
    try:
        return bool(position > after)
    except TypeError:  # a cursor of another list's shape: nothing comes after it
        return False


def page_from_fetched(fetched: Sequence[T], *, key: Callable[[T], Position], limit: int) -> Page[T]:
    """The page from up to `limit + 1` items read in order: one more means a next page."""
    items = list(fetched[:limit])
    more = len(fetched) > limit and bool(items)
    return Page(items, key(items[-1]) if more else None)


def paged(page: Page[Any], **members: Any) -> Rendered:
    """The answer: `members`, the page's items and next_cursor, and the Link to the next."""
    cursor, headers = _next(page)
    return {**members, "items": page.items, "next_cursor": cursor}, 200, headers


def paged_json(page: Page[str], **members: Any) -> Response:
    """`paged` for items that are JSON text already: the body is joined around them, not
    encoded again. The view's response schema still documents the answer."""
    cursor, headers = _next(page)
    body = "".join(
        (
            json_text(members)[:-1],
            "," if members else "",
            '"items":[',
            ",".join(page.items),
            '],"next_cursor":',
            json_text(cursor),
            "}\n",
        )
    )
    return Response(body, 200, headers, mimetype="application/json")


def _next(page: Page[Any]) -> tuple[str | None, dict[str, str]]:
    """The next page's cursor and Link header (None and none on the last page)."""
    cursor = None if page.next_position is None else encode_cursor(page.next_position)
    return cursor, {} if cursor is None else {"Link": f'<{_next_url(cursor)}>; rel="next"'}


def _next_url(cursor: str) -> str:
    query: dict[str, list[str]] = {k: request.args.getlist(k) for k in request.args}
    query["cursor"] = [cursor]
    return f"{request.script_root}{request.path}?{urlencode(query, doseq=True)}"


def page_schema(item: type[Schema] | Schema, name: str) -> type[Schema]:
    """The schema of a page of `item`s, named `name` in the OpenAPI document."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(
                allow_none=True,
                required=True,
                metadata={
                    "description": "Pass back as `cursor` for the next page; null at the end."
                },
            ),
        },
        name=name,
    )


def link_headers() -> Mapping[str, Any]:
    """The headers a page documents."""
    return {"Link": LINK_HEADER}
