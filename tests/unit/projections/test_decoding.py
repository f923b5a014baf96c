"""Records decoded straight from the stored JSON equal those of the mapper's domain events."""

from __future__ import annotations

import json
from datetime import UTC, date
from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Mapper,
    Notification,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic
from hypothesis import given
from hypothesis import strategies as st

from projections.decoding import RecordDecoder, fast_json_decoder
from projections.records import to_record
from tracker.application import TrackerApplication
from tracker.transcodings import register_domain_transcodings

MENTEE = "mentee-ana"


def notifications(app: TrackerApplication) -> list[Notification]:
    head = app.recorder.max_notification_id() or 0
    return list(app.recorder.select_notifications(start=1, limit=head))


def the_long_way(app: TrackerApplication, notes: list[Notification]) -> list[Any]:
    return [to_record(app.mapper.to_domain_event(n), n.id) for n in notes]


def write_story(app: TrackerApplication) -> None:
    app.start_plan(mentee_id=MENTEE, actor_id=MENTEE)
    app.edit_plan_section(
        MENTEE, section="vision_statement", fields={"statement": "Teach «data» in Zürich"},
        reason="First go", actor_id=MENTEE,
    )  # fmt: skip
    app.reflect(MENTEE, text='Quotes " and \\ and tabs\tinside', private=True, actor_id=MENTEE)
    goal = app.draft_goal(
        MENTEE, kind="smarty", actor_id=MENTEE,
        fields={"title": "Play", "specific": "Scales", "target_date": date(2026, 6, 30)},
    ).id  # fmt: skip
    app.revise_goal(goal, changes={"title": "Play well"}, reason="Sharper", actor_id=MENTEE)
    app.add_milestone(goal, title="Etude", due=date(2026, 1, 31), skills=["ear"], actor_id=MENTEE)


def test_records_equal_those_of_the_domain_events_opened_or_erased(
    memory_app: TrackerApplication,
) -> None:
    write_story(memory_app)
    notes = notifications(memory_app)
    decoder = RecordDecoder(memory_app.mapper)
    records = decoder.records(notes)
    assert records == the_long_way(memory_app, notes)
    assert records[1].data["changes"] == {"statement": "Teach «data» in Zürich"}
    assert records[2].data["text"] == 'Quotes " and \\ and tabs\tinside'
    assert records[3].data["fields"]["target_date"] == "2026-06-30"

    memory_app.shredding.keyring.erase(MENTEE, compact=False)
    erased = decoder.records(notes)
    assert erased == the_long_way(memory_app, notes)
    assert erased[2].data["text"] == "[erased]"


class Versioned(Aggregate):
    """An aggregate whose event gained a field in version 2."""

    class Noted(Aggregate.Event):
        class_version = 2
        text: str
        tag: str

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["tag"] = "untagged"


def test_an_event_that_needs_upcasting_is_read_the_long_way() -> None:
    transcoder = JSONTranscoder()
    transcoder.register(DatetimeAsISO())
    mapper: Mapper[Any] = Mapper(transcoder)
    state = {"timestamp": {"_type_": "datetime_iso", "_data_": "2025-01-06T09:00:00+00:00"},
             "text": "old", "actor_id": "someone"}  # fmt: skip
    old = Notification(
        id=7, originator_id=uuid4(), originator_version=2,
        topic=get_topic(Versioned.Noted), state=json.dumps(state).encode(),
    )  # fmt: skip

    (record,) = RecordDecoder(mapper).records([old])

    assert record == to_record(mapper.to_domain_event(old), 7)
    assert record.data == {"text": "old", "tag": "untagged"}
    assert record.type == "Versioned.Noted"


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.text() | st.floats(allow_nan=False)
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.dates() | st.datetimes(timezones=st.just(UTC)) | st.uuids(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@given(_JSON_VALUES)
def test_the_fast_json_decoder_reads_what_the_transcoder_reads(value: Any) -> None:
    app_transcoder = JSONTranscoder()
    app_transcoder.register(DatetimeAsISO())
    app_transcoder.register(UUIDAsHex())
    register_domain_transcodings(app_transcoder)
    stored = app_transcoder.encode({"value": value})

    decoded = fast_json_decoder(app_transcoder)(stored)

    assert decoded == app_transcoder.decode(stored)
    assert repr(decoded) == repr(app_transcoder.decode(stored))  # ints stay ints, -0.0 stays


def test_the_fast_json_decoder_keeps_integers_past_64_bits_whole() -> None:
    transcoder = JSONTranscoder()
    stored = b'{"n":[123456789012345678901234567890]}'

    assert fast_json_decoder(transcoder)(stored) == {"n": [123456789012345678901234567890]}


@given(_JSON_VALUES, st.datetimes(timezones=st.just(UTC)))
def test_records_read_in_one_pass_hold_what_decoding_then_jsonable_gives(
    value: Any, at: Any
) -> None:
    transcoder = JSONTranscoder()
    transcoder.register(DatetimeAsISO())
    transcoder.register(UUIDAsHex())
    register_domain_transcodings(transcoder)
    decoder = RecordDecoder(Mapper(transcoder))
    stored = transcoder.encode(
        {"timestamp": at, "value": value, "actor_id": "ana", "class_version": 1, "again": value}
    )

    fast = decoder._fast_parts(stored)
    slow = decoder._parts(stored)

    if fast is not None:  # None: orjson may have rounded a number, the slow way answers
        assert repr(fast) == repr(slow)
        assert fast == slow
