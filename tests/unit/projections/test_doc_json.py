"""Documents are stored as the json module writes them, whoever writes the text."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projections.store import dump_doc

ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)

_VALUES = st.recursive(
    st.none() | st.booleans() | st.text() | st.integers(min_value=-(2**70), max_value=2**70),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text() | st.integers(), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
_FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [1e-05, 1e16, 1e-7, 0.1, -0.0, 2.0**63]
)


@given(st.dictionaries(st.text(), _VALUES, max_size=5))
def test_a_document_is_written_as_the_json_encoder_writes_it(doc: dict[str, Any]) -> None:
    assert dump_doc(doc) == ENCODER.encode(doc)


@given(st.dictionaries(st.text(), st.lists(_FLOATS, max_size=3), max_size=3))
def test_floats_no_view_holds_would_read_back_as_the_same_values(doc: dict[str, Any]) -> None:
    assert repr(json.loads(dump_doc(doc))) == repr(json.loads(ENCODER.encode(doc)))


def test_values_the_encoder_refuses_are_still_refused() -> None:
    class Text(str):
        pass

    assert dump_doc({"t": Text("a")}) == '{"t":"a"}'
    with pytest.raises(TypeError):
        dump_doc({"when": date(2025, 1, 1)})
    with pytest.raises(TypeError):
        dump_doc({"s": {1, 2}})
