"""The view store contract in process memory: for unit tests and the memory:// backend.

Import it from projections.store (which re-exports it) like the rest of the store API.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import datetime

from eventsourcing.persistence import IntegrityError, Tracking

from projections.store import (
    Doc,
    Entry,
    ProjectorLock,
    ViewState,
    ViewStore,
    ViewTx,
    check_view_name,
    dump_doc,
    utc,
)


def select_entries(
    rows: Iterable[Entry],
    kinds: Iterable[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after: int | None = None,
    upto: int | None = None,
    limit: int | None = None,
    descending: bool = False,
) -> list[Entry]:
    """The `entries` filter applied in Python (memory store and tests)."""
    wanted = None if kinds is None else set(kinds)
    since_utc = None if since is None else utc(since)
    until_utc = None if until is None else utc(until)
    found = [
        e
        for e in rows
        if (wanted is None or e.kind in wanted)
        and (since_utc is None or e.at >= since_utc)
        and (until_utc is None or e.at < until_utc)
        and (after is None or e.position > after)
        and (upto is None or e.position <= upto)
    ]
    found.sort(key=lambda e: (e.position, e.kind), reverse=descending)
    return found if limit is None else found[:limit]


class _MemoryTx(ViewTx):
    def __init__(self, store: MemoryViewStore, position: int | None, generation: int) -> None:
        super().__init__(position, generation)
        self._store = store

    def _load(self, key: str) -> str | None:
        return self._store._documents.get(key)


class _ThreadLock(ProjectorLock):
    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock

    def release(self) -> None:
        self._lock.release()


class MemoryViewStore(ViewStore):
    """The contract in process memory: for unit tests and the memory:// backend."""

    def __init__(self, name: str) -> None:
        self.name = check_view_name(name)
        self._documents: dict[str, str] = {}
        self._entries: dict[tuple[str, int, str], Entry] = {}
        self._tracking: dict[str, int] = {}
        self._generation = 0
        self._write_lock = threading.RLock()
        self._projector_lock = threading.Lock()

    def apply(self, tracking: Tracking, fn: Callable[[ViewTx], None]) -> bool:
        with self._write_lock:
            position = self._tracking.get(tracking.application_name)
            if position is not None and position >= tracking.notification_id:
                return False
            tx = _MemoryTx(self, position, self._generation)
            fn(tx)
            new_entries = tx.new_entries()
            for new in new_entries:
                if (new.partition, new.position, new.kind) in self._entries:
                    raise IntegrityError(f"Entry {new} already stored")
            changes = list(tx.changed_documents())  # serialise all before changing anything
            for key, text in changes:
                if text is None:
                    self._documents.pop(key, None)
                else:
                    self._documents[key] = text
            for new in new_entries:
                entry = Entry(new.partition, new.position, new.kind, new.at, json.loads(new.text))
                self._entries[(new.partition, new.position, new.kind)] = entry
            self._tracking[tracking.application_name] = tracking.notification_id
            return True

    def insert_tracking(self, tracking: Tracking) -> None:
        """Record a position with no view change (eventsourcing's TrackingRecorder API)."""
        self.apply(tracking, lambda tx: None)

    def max_tracking_id(self, application_name: str) -> int | None:
        return self._tracking.get(application_name)

    def state(self, application_name: str) -> ViewState:
        with self._write_lock:
            return ViewState(self._tracking.get(application_name, 0), self._generation)

    def get(self, key: str) -> Doc | None:
        text = self._documents.get(key)
        return None if text is None else dict(json.loads(text))

    def documents(self, prefix: str = "") -> list[tuple[str, Doc]]:
        with self._write_lock:
            items = sorted(self._documents.items())
        return [(k, dict(json.loads(v))) for k, v in items if k.startswith(prefix)]

    def entries(
        self,
        partition: str,
        kinds: Iterable[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        after: int | None = None,
        upto: int | None = None,
        limit: int | None = None,
        descending: bool = False,
    ) -> list[Entry]:
        with self._write_lock:
            rows = [e for e in self._entries.values() if e.partition == partition]
        found = select_entries(rows, kinds, since, until, after, upto, limit, descending)
        return [Entry(e.partition, e.position, e.kind, e.at, _copy(e.doc)) for e in found]

    def all_entries(self) -> list[Entry]:
        with self._write_lock:
            return [self._entries[k] for k in sorted(self._entries)]

    def clear(self) -> None:
        with self._write_lock:
            self._documents.clear()
            self._entries.clear()
            self._tracking.clear()
            self._generation += 1

    def try_lock(self) -> ProjectorLock | None:
        if self._projector_lock.acquire(blocking=False):
            return _ThreadLock(self._projector_lock)
        return None


def _copy(doc: Doc) -> Doc:
    return dict(json.loads(dump_doc(doc)))
