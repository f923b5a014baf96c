"""The JSON Schemas of event data: one file per event type and version in `schemas/events/`.

The files live in the repository, beside the code (`<repo>/schemas/events/<type>.json`) and
are read from there: the tracker runs from its checkout (editable install, `make run`). A
deployment that moves them sets TRACKER_EVENT_SCHEMAS_DIR. Each schema describes the `data`
of a CloudEvent of its type, carries an `examples` list, and is identified by its `$id`
(which is also the events' `dataschema`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

SCHEMA_ID_PREFIX = "tag:mentoring-tracker,2025:event-schemas/"
SCHEMAS_DIR_ENV = "TRACKER_EVENT_SCHEMAS_DIR"
REPO_SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas" / "events"


def schema_id(type_name: str) -> str:
    """The `$id` of the schema of an event type (the CloudEvents `dataschema`)."""
    return SCHEMA_ID_PREFIX + type_name


def schemas_dir() -> Path:
    """Where the schema files are read from."""
    configured = os.environ.get(SCHEMAS_DIR_ENV)
    return Path(configured) if configured else REPO_SCHEMAS_DIR


@dataclass(frozen=True)
class EventSchemas:
    """Every schema found, by event type (with its version)."""

    by_type: Mapping[str, dict[str, Any]]

    def get(self, type_name: str) -> dict[str, Any] | None:
        """The schema of `type_name`, or None."""
        return self.by_type.get(type_name)

    def errors(self, type_name: str, data: Any) -> list[str]:
        """Why `data` does not fit the schema of `type_name` (empty when it does)."""
        schema = self.by_type.get(type_name)
        if schema is None:
            return [f"No schema for {type_name}"]
        validator = Draft202012Validator(schema, format_checker=FormatChecker())
        return [
            f"{'/'.join(map(str, error.absolute_path)) or '(data)'}: {error.message}"
            for error in validator.iter_errors(data)
        ]


def load_schemas(directory: Path) -> EventSchemas:
    """Read and check every `*.json` schema in `directory`; ValueError names a bad file."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        type_name = path.name.removesuffix(".json")
        if schema.get("$id") != schema_id(type_name):
            raise ValueError(f"{path}: $id must be {schema_id(type_name)!r}")
        Draft202012Validator.check_schema(schema)
        found[type_name] = schema
    return EventSchemas(found)


@cache
def event_schemas() -> EventSchemas:
    """The schemas of this installation (read once per process)."""
    return load_schemas(schemas_dir())
