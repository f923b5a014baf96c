"""Plans: starting one, editing its sections, options, support network, reflections."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from domain.values import PLAN_SECTIONS, OptionStatus, SupportKind
from tracker.web.schemas.common import (
    RecordSchema,
    boolean,
    identifier,
    one_of,
    optional_text,
    text,
)

SECTION_FIELDS = tuple(dict.fromkeys(name for names in PLAN_SECTIONS.values() for name in names))
SECTIONS_HELP = "; ".join(
    f"{section}: {', '.join(names)}" for section, names in PLAN_SECTIONS.items()
)


def section_fields(**kwargs: Any) -> fields.Dict:
    """New text by field name; which names a section has is listed in the description."""
    return fields.Dict(
        keys=one_of(SECTION_FIELDS),
        values=text(),
        data_key="fields",
        attribute="fields",
        metadata={"description": f"New text by field. Fields by section: {SECTIONS_HELP}."},
        **kwargs,
    )


class StartPlanSchema(Schema):
    mentee_id = identifier(required=True)


class SectionEditSchema(Schema):
    section_fields = section_fields(required=True)
    reason = optional_text()


class OptionSchema(Schema):
    title = text(max_length=500, required=True)
    description = optional_text()


class ResearchSchema(Schema):
    facts = text(required=True)
    opinions = optional_text()
    sources = optional_text()


class SupporterSchema(Schema):
    name = text(max_length=500, required=True)
    kind = one_of((k.value for k in SupportKind), required=True)
    brings = text(required=True)
    user_id = identifier(allow_none=True, load_default=None)


class ReflectionSchema(Schema):
    text = text(required=True)
    private = boolean(
        required=True, metadata={"description": "A private reflection is for the mentee only."}
    )


# Answers ---------------------------------------------------------------------------------
class ResearchOut(Schema):
    facts = fields.String(required=True)
    opinions = fields.String(allow_none=True)
    sources = fields.String(allow_none=True)


class OptionOut(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    status = one_of((s.value for s in OptionStatus), required=True)
    research = fields.List(fields.Nested(ResearchOut), required=True)


class SupporterOut(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    kind = one_of((k.value for k in SupportKind), required=True)
    brings = fields.String(required=True)
    user_id = fields.String(allow_none=True)


class ReflectionOut(Schema):
    id = fields.String(required=True)
    text = fields.String(required=True)
    private = boolean(required=True)


class PlanSchema(RecordSchema):
    mentee_id = fields.String(required=True)
    sections = fields.Dict(
        keys=one_of(PLAN_SECTIONS),
        values=fields.Dict(keys=fields.String(), values=fields.String()),
        required=True,
    )
    options = fields.List(fields.Nested(OptionOut), required=True)
    support_network = fields.List(fields.Nested(SupporterOut), required=True)
    reflections = fields.List(
        fields.Nested(ReflectionOut),
        required=True,
        metadata={"description": "Private reflections only when the mentee reads."},
    )
