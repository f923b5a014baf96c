"""Notifications to EventRecords in one step, without building domain events on the way.

`to_record(mapper.to_domain_event(n), n.id)` builds a domain event object (eventsourcing's
mapper) only for `to_record` to take it apart again. `RecordDecoder` reads the same JSON
with the same transcoder and builds the record from the decoded state directly, with the
very values `to_record` would give (tests/unit/projections/test_decoding.py holds them
equal over a whole story).

It takes that short way only where it knows the mapper's reading:
- the mapper is eventsourcing's own `Mapper`, or offers `opened_state(stored_event)`: the
  transcoded state as the transcoder must read it, with whatever the mapper adds opened
  (tracker.erasure's mapper opens a mentee's sealed text there);
- the transcoder is eventsourcing's `JSONTranscoder` itself;
- the stored event needs no upcasting (its class_version is its class's).
Any other event goes the long way, through `mapper.to_domain_event`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

import orjson
from eventsourcing.persistence import JSONTranscoder, Mapper, Notification, StoredEvent
from eventsourcing.utils import resolve_topic

from projections.records import ENVELOPE, EventRecord, jsonable, new_record, to_record

_PLAIN: frozenset[type] = frozenset({str, int, float, bool, type(None)})
_ENVELOPE = frozenset(ENVELOPE)
_MAX_REMEMBERED = 100_000  # stream ids and topics: far more than one page ever holds
_MISSING = object()
_Parts = tuple[Any, Any, str, dict[str, Any]]  # class_version, timestamp, actor_id, data


class OpensState(Protocol):
    """A mapper that can give a stored event's state ready for its transcoder."""

    def opened_state(self, stored_event: StoredEvent) -> bytes: ...


class RecordDecoder:
    """Turns an application's notifications into EventRecords (see the module docstring)."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        self._open = _state_opener(mapper)
        self._decode: Callable[[bytes], Any] = (
            fast_json_decoder(mapper.transcoder)
            if isinstance(mapper.transcoder, JSONTranscoder)
            else mapper.transcoder.decode
        )
        self._classes: dict[str, tuple[str, int]] = {}  # topic -> (type, class_version)
        self._stream_ids: dict[UUID | str, str] = {}
        # orjson straight to the records' JSON values (`_fast_parts`): only for the JSON
        # transcoder itself, whose transcodings `_walk` and `_transcoded` apply as it does.
        self._fast = type(mapper.transcoder) is JSONTranscoder
        self._names: dict[str, Any] = getattr(mapper.transcoder, "names", {})
        self._walk = transcodings_walk(self._names)
        self._json_forms: dict[tuple[str, str], Any] = {}  # (transcoding, data) -> JSON form

    def records(self, notifications: Sequence[Notification]) -> list[EventRecord]:
        """The notifications as EventRecords, in order."""
        record = self.record
        return [record(notification) for notification in notifications]

    def record(self, notification: Notification) -> EventRecord:
        """One notification as an EventRecord (as `to_record` of the mapper's event)."""
        if self._open is None:
            return self._long_way(notification)
        kind = self._classes.get(notification.topic)
        if kind is None:
            kind = self._learn_class(notification.topic)
        opened = self._open(notification)
        parts = self._fast_parts(opened) if self._fast else None
        if parts is None:
            parts = self._parts(opened)
        class_version, at, actor_id, data = parts
        if class_version != kind[1]:
            return self._long_way(notification)  # the mapper upcasts it
        stream_id = self._stream_ids.get(notification.originator_id)
        if stream_id is None:
            stream_id = self._stream_id(notification.originator_id)
        return new_record(
            notification.id, stream_id, notification.originator_version, kind[0], at,
            actor_id, data,
        )  # fmt: skip

    def _parts(self, opened: bytes) -> _Parts:
        """(class_version, timestamp, actor_id, data) of a state, by the transcoder's decode
        (or `fast_json_decoder`'s) and `jsonable`."""
        state: dict[str, Any] = self._decode(opened)
        class_version = state.pop("class_version", 1)
        data = {
            k: (v if type(v) in _PLAIN else jsonable(v))
            for k, v in state.items()
            if k not in _ENVELOPE
        }
        return class_version, state["timestamp"], str(state.get("actor_id", "")), data

    def _fast_parts(self, opened: bytes) -> _Parts | None:
        """`_parts` in one pass over orjson's reading: each transcoded value goes straight
        to its JSON form (`jsonable` of its decoded value, remembered for plain ones), so
        no decoded value is built only to be turned back into JSON. None where `_parts`
        must answer: what orjson refuses or may round, an unknown transcoding."""
        try:
            state = orjson.loads(opened)
        except orjson.JSONDecodeError:
            return None
        if type(state) is not dict:
            return None
        as_json, walk = self._as_json, self._walk
        data: dict[str, Any] = {}
        try:
            # The envelope as decoded values, as `_parts` reads them; not in the data.
            at = state["timestamp"]
            if type(at) is dict or type(at) is list:
                at = walk(at)
            actor = state.get("actor_id", "")
            if type(actor) is not str:
                actor = str(walk(actor))
            class_version = state.get("class_version", 1)
            if type(class_version) is not int:
                class_version = walk(class_version)
            for k, v in state.items():
                if k in _ENVELOPE or k == "class_version":
                    continue
                t = type(v)
                if t is dict or t is list:
                    v = as_json(v)
                elif t is float and not -_FLOAT_EXACT < v < _FLOAT_EXACT:
                    return None
                data[k] = v
        except (_ReadAgain, KeyError, TypeError):
            return None
        return class_version, at, actor, data

    def _as_json(self, value: Any) -> Any:
        """A dict or list of orjson's reading in the form `jsonable` gives its decoded
        value (changed in place: orjson's objects are this call's own)."""
        if type(value) is dict:
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self._transcoded(value["_type_"], value["_data_"])
            items: Any = value.items()
        else:
            items = enumerate(value)
        for k, v in items:
            t = type(v)
            if t is dict or t is list:
                value[k] = self._as_json(v)
            elif t is float and not -_FLOAT_EXACT < v < _FLOAT_EXACT:
                raise _ReadAgain
        return value

    def _transcoded(self, name: str, data: Any) -> Any:
        """`jsonable` of a transcoded value: decoded (its data first, bottom-up, as the
        transcoder's object hook does), then made JSON again; plain results remembered."""
        t = type(data)
        if t is str:
            found = self._json_forms.get((name, data), _MISSING)
            if found is not _MISSING:
                return found
        elif t is dict or t is list:
            data = self._walk(data)
        elif t is float and not -_FLOAT_EXACT < data < _FLOAT_EXACT:
            raise _ReadAgain
        value = self._names[name].decode(data)
        form = value if type(value) in _PLAIN else jsonable(value)
        if t is str and type(form) in _PLAIN:
            _remember(self._json_forms, (name, data), form)
        return form

    def _long_way(self, notification: Notification) -> EventRecord:
        return to_record(self.mapper.to_domain_event(notification), notification.id)

    def _learn_class(self, topic: str) -> tuple[str, int]:
        cls = resolve_topic(topic)
        kind = (cls.__qualname__, getattr(cls, "class_version", 1))
        _remember(self._classes, topic, kind)
        return kind

    def _stream_id(self, originator_id: UUID | str) -> str:
        stream_id = str(originator_id)
        _remember(self._stream_ids, originator_id, stream_id)
        return stream_id


def _state_opener(mapper: Mapper[Any]) -> Callable[[StoredEvent], bytes] | None:
    """How to get a stored event's state ready for the transcoder; None if not known."""
    if type(mapper.transcoder) is not JSONTranscoder:
        return None
    opened = getattr(mapper, "opened_state", None)
    if callable(opened):
        return opened  # type: ignore[no-any-return]
    if type(mapper) is not Mapper:
        return None  # a mapper of its own kind: only its to_domain_event knows
    cipher, compressor = mapper.cipher, mapper.compressor

    def plain(stored_event: StoredEvent) -> bytes:
        state = stored_event.state
        if cipher:
            state = cipher.decrypt(state)
        if compressor:
            state = compressor.decompress(state)
        return state

    return plain


# orjson reads an integer past 64 bits as a float, where the json module keeps it whole.
_FLOAT_EXACT = 2.0**63


class _ReadAgain(Exception):
    """The state holds a number orjson may have rounded: the json module reads it."""


def transcodings_walk(names: Mapping[str, Any]) -> Callable[[Any], Any]:
    """The transcoder's object hook as a walk of orjson's reading: the transcodings are
    applied bottom-up to each object that is exactly `{"_type_": name, "_data_": data}`.
    Raises _ReadAgain at a float of 2**63 or more (maybe an integer orjson rounded) and
    KeyError at an unknown transcoding."""

    def walk(value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            for k, v in value.items():
                t = type(v)
                if t is dict or t is list:
                    value[k] = walk(v)
                elif t is float and not -_FLOAT_EXACT < v < _FLOAT_EXACT:
                    raise _ReadAgain
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return names[value["_type_"]].decode(value["_data_"])
            return value
        if kind is list:
            for i, v in enumerate(value):
                t = type(v)
                if t is dict or t is list:
                    value[i] = walk(v)
                elif t is float and not -_FLOAT_EXACT < v < _FLOAT_EXACT:
                    raise _ReadAgain
            return value
        if kind is float and not -_FLOAT_EXACT < value < _FLOAT_EXACT:
            raise _ReadAgain
        return value

    return walk


def fast_json_decoder(transcoder: JSONTranscoder) -> Callable[[bytes], Any]:
    """`transcoder.decode`, the same values, with orjson's decoder (several times faster).

    orjson reads the JSON; the transcodings are then applied bottom-up to each object that
    is exactly `{"_type_": name, "_data_": data}`, as the transcoder's object hook does.
    A state holding a float of 2**63 or more (maybe an integer orjson rounded) is read
    again by the transcoder itself.
    """
    walk = transcodings_walk(transcoder.names)

    def decode(data: bytes) -> Any:
        try:
            return walk(orjson.loads(data))
        except (_ReadAgain, orjson.JSONDecodeError, KeyError):
            # What orjson refuses (NaN, ...) or an unknown transcoding: the transcoder
            # answers, or raises its own error.
            return transcoder.decode(data)

    return decode


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _MAX_REMEMBERED:
        cache.clear()
    cache[key] = value
