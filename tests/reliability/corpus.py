"""The bad-input corpus: for each write operation of the OpenAPI document, requests that
must each be refused with a clear 4xx problem and write nothing.

`operations(spec)` lists the writes (method, path, body schema); `corpus(operation, ids)`
gives the bad requests for one of them, built from its schema so that a new endpoint is
covered without touching this file:

- the body as a whole: malformed JSON, wrong content types, huge, deeply nested, not an
  object, unknown members, invalid UTF-8;
- each field: wrong types, too long, NUL and lone surrogates, invalid and mixed Unicode,
  dates out of range (year 0 and 10000, 30 February), numbers out of range;
- the headers: no or malformed actor, malformed If-Match or Idempotency-Key;
- the path: ids that do not exist, are malformed, or belong to someone else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

JSON = "application/json"
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class Operation:
    """One write of the API, as the OpenAPI document describes it."""

    method: str
    path: str  # with {placeholders}
    schema: dict[str, Any]  # the body schema, $refs resolved
    headers: frozenset[str] = frozenset()  # header parameters it takes, e.g. If-Match
    secured: bool = False  # whether it needs a signed-in user
    has_body: bool = True  # whether it reads a body at all (others rightly ignore one)

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class Case:
    """One bad request: what is wrong with it, and the request itself."""

    what: str
    body: bytes | None
    content_type: str | None = JSON
    headers: dict[str, str] = field(default_factory=dict)
    path_ids: dict[str, str] = field(default_factory=dict)  # placeholder -> value override


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every POST, PUT, PATCH and DELETE in the document, with its body schema."""
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            has_body = "requestBody" in operation
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get(JSON, {}).get("schema", {"type": "object", "properties": {}})
            headers = frozenset(
                resolve(parameter, spec)["name"]
                for parameter in operation.get("parameters", [])
                if resolve(parameter, spec).get("in") == "header"
            )
            secured = bool(operation.get("security"))
            found.append(
                Operation(method.upper(), path, resolve(schema, spec), headers, secured, has_body)
            )
    return found


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """The schema with every $ref replaced by what it points to."""
    if "$ref" in schema:
        _, _, kind, name = schema["$ref"].split("/")  # '#/components/<kind>/<name>'
        return resolve(spec["components"][kind][name], spec)
    resolved = dict(schema)
    if "properties" in schema:
        resolved["properties"] = {k: resolve(v, spec) for k, v in schema["properties"].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            resolved[key] = resolve(schema[key], spec)
    return resolved


def sample(schema: dict[str, Any]) -> Any:
    """A plausible value of the schema (so that one bad field stands out)."""
    kind = schema.get("type")
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "string":
        if schema.get("format") == "date":
            return "2025-06-02"
        return "ada" if "pattern" in schema else "Plain words"
    if kind == "integer":
        return max(int(schema.get("minimum", 30)), 30)
    if kind == "boolean":
        return False
    if kind == "array":
        return [sample(schema.get("items", {}))]
    if kind == "object":
        return sample_object(schema)
    return "Plain words"


def sample_object(schema: dict[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties", {})
    if not properties and isinstance(schema.get("additionalProperties"), dict):
        return {"statement": sample(schema["additionalProperties"])}  # text by field name
    names = schema.get("required") or list(properties)[:1]
    return {name: sample(properties[name]) for name in names}


# Field paths: ("changes", "title"), ("skills", 0), ("fields", "statement").
FieldPath = tuple[str | int, ...]


def fields_of(
    schema: dict[str, Any], body: Any, prefix: FieldPath = ()
) -> Iterator[tuple[FieldPath, dict[str, Any]]]:
    """Every leaf field of the sample body, with its schema."""
    if isinstance(body, dict):
        properties = schema.get("properties", {})
        for name, value in body.items():
            sub = properties.get(name) or schema.get("additionalProperties") or {}
            yield from fields_of(sub, value, (*prefix, name))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            yield from fields_of(schema.get("items", {}), value, (*prefix, index))
    else:
        yield prefix, schema


def replaced(body: Any, path: FieldPath, value: Any) -> Any:
    """A copy of the body with the field at `path` set to `value`."""
    if not path:
        return value
    copy: Any = list(body) if isinstance(body, list) else dict(body)
    copy[path[0]] = replaced(body[path[0]], path[1:], value)
    return copy


@dataclass(frozen=True)
class Raw:
    """Bytes spliced into the JSON text as they are: invalid UTF-8, NaN, 1e400."""

    data: bytes


def encoded(body: Any) -> bytes:
    """The body as JSON bytes, lone surrogates escaped and Raw values spliced in verbatim."""
    raws: list[bytes] = []

    def mark(value: Any) -> Any:
        if isinstance(value, Raw):
            raws.append(value.data)
            return f"@@raw{len(raws) - 1}@@"
        if isinstance(value, dict):
            return {k: mark(v) for k, v in value.items()}
        if isinstance(value, list):
            return [mark(v) for v in value]
        return value

    text = json.dumps(mark(body)).encode("ascii")  # ensure_ascii: surrogates as \\udxxx
    for index, data in enumerate(raws):
        text = text.replace(f'"@@raw{index}@@"'.encode(), data)
    return text


TEXT_VALUES: dict[str, Any] = {
    "NUL character": "before\x00after",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "text \udfff text",
    "mixed valid and lone surrogate": "caf\u00e9 \U0001f331 \udbff",
    "invalid UTF-8 bytes": Raw(b'"ok \xff\xfe"'),
    "overlong UTF-8 slash": Raw(b'"\xc0\xaf"'),
    "UTF-8-encoded surrogate": Raw(b'"\xed\xa0\x80"'),
    "truncated UTF-8 sequence": Raw(b'"\xe2\x82"'),
    "Latin-1 bytes": Raw('"caf\u00e9"'.encode("latin-1")),
    "control character BEL": "ring\x07ring",
    "control character ESC (terminal escape)": "\x1b[2J\x1b[31mred",
    "control character VT": "up\x0bdown",
    "control character DEL": "gone\x7f",
    "control character NEL (C1)": "next\x85line",
    "number instead of text": 12345,
    "list instead of text": ["a", "b"],
    "object instead of text": {"text": "nested"},
    "true instead of text": True,
}
DATE_VALUES: dict[str, Any] = {
    "year 0": "0000-01-01",
    "year 10000": "10000-01-01",
    "signed year": "+10000-01-01",
    "negative year": "-0001-01-01",
    "30 February": "2025-02-30",
    "29 February of a common year": "2025-02-29",
    "month 13": "2025-13-01",
    "month 0": "2025-00-10",
    "31 June": "2025-06-31",
    "hour 25": "2025-06-01T25:00:00",
    "words": "next Tuesday",
    "number": 20250601,
    "empty": "",
}
NUMBER_VALUES: dict[str, Any] = {
    "-1": -1,
    "2**63": 2**63,
    "10**100": 10**100,
    "1.5": 1.5,
    "text": "30",
    "boolean": True,
    "null": None,
    "1e400 (infinity)": Raw(b"1e400"),
    "NaN": Raw(b"NaN"),
    "-Infinity": Raw(b"-Infinity"),
}
BOOLEAN_VALUES: dict[str, Any] = {"text": "yes", "number": 1, "null": None, "list": [True]}


def values_for(schema: dict[str, Any], required: bool) -> dict[str, Any]:
    """The bad values to try in a field of this schema."""
    kind = schema.get("type")
    if schema.get("format") == "date":
        return DATE_VALUES
    if kind == "integer":
        return NUMBER_VALUES
    if kind == "boolean":
        return BOOLEAN_VALUES
    values = dict(TEXT_VALUES)
    if "maxLength" in schema:
        values["one character too long"] = "x" * (schema["maxLength"] + 1)
    if "enum" in schema:
        values["not one of the choices"] = "something-else"
    if "pattern" in schema:
        values["id with spaces and quotes"] = "ada'; DROP TABLE stored_events; --"
    if required:
        values["blank"] = "   "
        if not schema.get("nullable"):
            values["null"] = None
    return values


def field_cases(operation: Operation) -> Iterator[Case]:
    body = sample(operation.schema)
    required = set(operation.schema.get("required", ()))
    for path, schema in fields_of(operation.schema, body):
        name = ".".join(str(p) for p in path)
        is_required = len(path) == 1 and path[0] in required
        for what, value in values_for(schema, is_required).items():
            yield Case(f"{name}: {what}", encoded(replaced(body, path, value)))
    yield Case("unknown member", encoded({**body, "is_admin": True}))
    yield Case("unknown member holding SQL", encoded({**body, "x'; DROP TABLE y; --": 1}))


def body_cases(operation: Operation) -> Iterator[Case]:
    body = encoded(sample(operation.schema))
    yield from (
        Case("truncated JSON", body[:-1]),
        Case("single quotes", body.replace(b'"', b"'") if b'"' in body else b"{'a': 1}"),
        Case("trailing garbage", body + b"}"),
        Case("two documents", body + body),
        Case("bare word", b"nul"),
        Case("comment in JSON", b"/* hi */" + body),
        Case("invalid UTF-8 body", b'{"\xff": 1}'),
        Case("UTF-16 with a bad byte", "\ufeff{".encode("utf-16-le") + b"\xff"),
        Case("a JSON array", b"[" + body + b"]"),
        Case("a JSON string", b'"just text"'),
        Case("a JSON number", b"42"),
        Case("JSON null", b"null"),
        Case("deeply nested arrays", b"[" * 100_000 + b"]" * 100_000),
        Case("deeply nested objects", b'{"a":' * 20_000 + b"1" + b"}" * 20_000),
        Case("nested object in every field", encoded(_nested(sample(operation.schema)))),
        Case("body over the size limit", b'{"text": "' + b"x" * (MAX_BODY + 10) + b'"}'),
        Case("ten thousand members", encoded({f"k{n}": n for n in range(10_000)})),
        Case("text/plain", body, "text/plain"),
        Case("form encoded", b"reason=because&text=words", "application/x-www-form-urlencoded"),
        Case("multipart", b"--b\r\n\r\nx\r\n--b--", "multipart/form-data; boundary=b"),
        Case("XML", b"<reason>because</reason>", "application/xml"),
        Case("no content type", body, None),
    )


def _nested(body: Any) -> Any:
    deep: Any = "x"
    for _ in range(60):
        deep = {"deeper": deep}
    if isinstance(body, dict) and body:
        return dict.fromkeys(body, deep)
    return {"deeper": deep}


def header_cases(operation: Operation) -> Iterator[Case]:
    """Bad values of the headers the operation takes (others are ignored, rightly)."""
    body = encoded(sample(operation.schema))
    bad: dict[str, dict[str, str]] = {
        "Authorization": {
            "no credentials": "",
            "Bearer without a token": "Bearer",
            "a token nobody was given": "Bearer trk_" + "0" * 43,
            "a token with SQL": "Bearer trk_' OR '1'='1",
            "a token with HTML": "Bearer <script>alert(1)</script>",
            "a huge token": "Bearer trk_" + "a" * 10_000,
            "Basic credentials": "Basic YWRhOmFkYQ==",
            "a token with control characters": "Bearer trk_\x1b[2J",
        },
        "If-Match": {
            "If-Match of letters": '"abc"',
            "If-Match weak": 'W/"1"',
            "If-Match of two versions": '"1", "2"',
            "If-Match huge": '"' + "9" * 40 + '"',
        },
        "Idempotency-Key": {
            "Idempotency-Key too long": "k" * 300,
            "Idempotency-Key with spaces": "a key",
        },
    }
    takes = operation.headers | ({"Authorization"} if operation.secured else set())
    for header in sorted(takes & set(bad)):
        for what, value in bad[header].items():
            yield Case(what, body, headers={header: value})


def path_cases(operation: Operation, others: dict[str, str]) -> Iterator[Case]:
    """Ids that do not exist, malformed ones, and ones that belong to someone else."""
    body = encoded(sample(operation.schema))
    for placeholder in _placeholders(operation.path):
        yield Case(f"{placeholder} unknown", body, path_ids={placeholder: _unknown(placeholder)})
        yield Case(f"{placeholder} malformed", body, path_ids={placeholder: "1%27%20OR%201=1"})
        if placeholder in others:
            yield Case(
                f"{placeholder} of someone else", body, path_ids={placeholder: others[placeholder]}
            )


def _placeholders(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


def _unknown(placeholder: str) -> str:
    if placeholder in ("mentee_id", "mentor_id"):
        return "nobody-at-all"
    if placeholder == "section":
        return "secret_diary"
    return "00000000-0000-4000-8000-000000000000"


def corpus(operation: Operation, others: dict[str, str]) -> list[Case]:
    """Every bad request for one operation (`others`: ids belonging to someone else)."""
    return [
        *(body_cases(operation) if operation.has_body else ()),
        *(field_cases(operation) if operation.has_body else ()),
        *header_cases(operation),
        *path_cases(operation, others),
    ]
