"""Field kinds and schemas shared by every area: text, ids, flags, whole numbers, receipts,
problems."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from domain.rules import MAX_TEXT, control_characters_message
from tracker.web.actor import ACTOR_ID_PATTERN

MAX_ITEMS = 50


def _storable(value: str) -> None:
    """Refuse text the event store cannot keep (lone surrogates) or nobody means (control
    characters: the domain's rule, so that pages and the API say the same)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Must be valid Unicode text.") from None
    problem = control_characters_message(value)
    if problem:
        raise ValidationError(f"{problem[0].upper()}{problem[1:]}.")


class StrictBoolean(fields.Boolean):
    """JSON true or false, nothing else: marshmallow's own Boolean takes "yes", "on" and 1."""

    default_error_messages = {"invalid": "Must be true or false."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def boolean(**kwargs: Any) -> fields.Boolean:
    """A flag: JSON true or false only."""
    return StrictBoolean(**kwargs)


def whole_number(**kwargs: Any) -> fields.Integer:
    """A whole number as a JSON integer: 1.5 and "30" are refused, not truncated or parsed.
    (Query parameters are text and keep marshmallow's plain Integer.)"""
    return fields.Integer(strict=True, **kwargs)


def text(*, max_length: int = MAX_TEXT, **kwargs: Any) -> fields.String:
    """A text field: at most `max_length` characters of storable Unicode."""
    return fields.String(validate=[validate.Length(max=max_length), _storable], **kwargs)


def optional_text(**kwargs: Any) -> fields.String:
    """A text field that may be left out or null."""
    return text(allow_none=True, load_default=None, **kwargs)


def identifier(**kwargs: Any) -> fields.String:
    """A user's id (mentee, mentor, owner): letters, digits and . @ : + - _"""
    return fields.String(
        validate=validate.Regexp(ACTOR_ID_PATTERN, error="Not a valid user id."), **kwargs
    )


def one_of(values: Any, **kwargs: Any) -> fields.String:
    """A string taking one of the given values."""
    return fields.String(validate=validate.OneOf(list(values)), **kwargs)


class NoBodySchema(Schema):
    """No body, or an empty JSON object: the URL says it all."""


class ReasonSchema(Schema):
    reason = text(required=True, metadata={"description": "Why, in a sentence or two."})


class OptionalReasonSchema(Schema):
    reason = optional_text(metadata={"description": "Why (optional)."})


class TextSchema(Schema):
    text = text(required=True)


class ReceiptSchema(Schema):
    """What a write answers: the record's id, its new version and the log position."""

    id = fields.String(required=True, metadata={"description": "The record written."})
    version = whole_number(required=True, metadata={"description": "Its version (ETag)."})
    position = whole_number(
        allow_none=True, metadata={"description": "Position of the last event in the log."}
    )
    item_id = fields.String(
        metadata={"description": "The item the write added (milestone, action item, note...)."}
    )
    target_id = fields.String(metadata={"description": "The goal or plan a proposal changed."})
    target_version = whole_number(metadata={"description": "Its version after the change."})


class ProblemSchema(Schema):
    """An error, as RFC 9457 application/problem+json."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = whole_number(required=True)
    detail = fields.String(required=True)
    instance = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Messages by field, on validation problems."},
    )
    current_version = whole_number(metadata={"description": "The current version, on conflicts."})


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})
    database = fields.String(required=True, metadata={"example": "sqlite"})


class RecordSchema(Schema):
    """What every record read has: id, version and when it was created and last changed."""

    id = fields.String(required=True)
    version = whole_number(required=True)
    created_on = fields.DateTime(required=True)
    modified_on = fields.DateTime(required=True)
