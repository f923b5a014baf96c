"""Documents are stored as the json module writes them, whoever writes the text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.store import dump_doc, load_doc

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)

_VALUES = st.recursive(
    st.none() | st.booleans() | st.text() | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([1e-05, 1e16, 1e-7, 0.1, -0.0, 2.0**63, 9223372036854775808]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text() | st.integers(), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@given(st.dictionaries(st.text(), _VALUES, max_size=5))
def test_a_document_is_written_as_the_json_encoder_writes_it(doc: dict[str, Any]) -> None:
    assert dump_doc(doc) == ENCODER.encode(doc)


@given(st.dictionaries(st.text(), _VALUES, max_size=5))
def test_a_stored_text_reads_as_the_json_module_reads_it(doc: dict[str, Any]) -> None:
    text = ENCODER.encode(doc)

    assert repr(load_doc(text)) == repr(json.loads(text))  # ints stay ints, -0.0 stays


def test_texts_orjson_refuses_or_would_round_are_read_by_the_json_module() -> None:
    for text in ['{"n":18446744073709551616}', '{"n":-9223372036854775809}', '{"x":NaN}',
                 '{"s":"\\ud800"}', '{"f":1e400}']:  # fmt: skip
        assert repr(load_doc(text)) == repr(json.loads(text))


def test_values_the_encoder_refuses_are_still_refused() -> None:
    class Text(str):
        pass

    assert dump_doc({"t": Text("a")}) == '{"t":"a"}'
    with pytest.raises(ValueError, match="not JSON compliant"):
        dump_doc({"x": 1.5, "y": float("inf")})
    with pytest.raises(TypeError):
        dump_doc({"when": __import__("datetime").date(2025, 1, 1)})
    with pytest.raises(TypeError):
        dump_doc({"s": {1, 2}})
