"""View storage for read models: one generic store per view, on memory, SQLite or PostgreSQL.

Every read model keeps its state in a `ViewStore` named after the view (a lower-case
identifier such as "timeline"). A store holds two kinds of rows and one tracking position:

- documents: `key -> doc` (a JSON object), the current state per key, e.g. "mentee:<id>";
- entries: append-only rows `(partition, position, kind) -> (at, doc)`, e.g. timeline
  entries of one mentee (partition "mentee:<id>"), revisions, checkpoints. At most one entry
  per (partition, position, kind); `position` is normally the event's notification id.
- tracking: the notification id of the last event applied, per application name.

Writing (only projections write, only through `apply`)::

    applied = store.apply(Tracking(app_name, notification_id), fn)

runs `fn(tx)` and records the tracking position in ONE transaction: either the view update
and the new position are both stored or neither is, so an event is applied exactly once
even if the process dies between events. If the store's position is already at or past
`notification_id` nothing runs and `apply` returns False (the event is ignored); two
`apply` calls on the same view are serialised. `fn` may apply a batch of events: `tx.position`
is the position before the transaction, so events at or below it must be skipped (the
runner does this). `tx.generation` counts the view's clears: a writer that read the view's
`state` before decoding its events compares both in `fn` and raises to roll back if either
moved (the runner does: events decoded before an erasure's clear must never land after it,
even when a rebuild has brought the position back to where they started).
`store.apply_together([(store, tracking, fn), ...])` does the same for several views of one
database in one transaction (the runner, when views catch up together).
`tx` offers:

    tx.get(key) -> dict | None          tx.put(key, doc)          tx.delete(key)
    tx.append(partition, position, at, kind, doc)

`tx.get` sees the transaction's own writes and returns the transaction's working copy of
the document: change it and `put` it back (see ViewTx). Documents must be JSON-safe
(records.jsonable); `at` must be timezone-aware.

Reading (plain data, never raises for a missing key)::

    store.get(key) -> dict | None
    store.documents(prefix="") -> list[(key, doc)]              ordered by key
    store.entries(partition, kinds=None, since=None, until=None, after=None, upto=None,
                  limit=None, descending=False) -> list[Entry]  ordered by position
        since <= at < until (datetimes), after < position <= upto (notification ids)
    store.entry_texts(partitions, kinds=None, after=None, limit=None) -> list[EntryText]
        the entries of several partitions merged in (position, kind) order, in one
        statement on SQL, each document as its stored JSON text (to pass on unparsed)
    store.last_entry(partition, kind, at_or_before=None, position_at_or_before=None)
    store.max_tracking_id(app_name) -> int | None               the view's position
    store.state(app_name) -> ViewState   (position, generation) read in one statement
    store.wait(app_name, notification_id, timeout)              eventsourcing's bounded wait
    store.digest() -> str      sha256 of the whole view content (documents + entries)
    store.clear()              empty the view, forget its position, count one more generation
    store.refresh_statistics() ANALYZE the view's tables (the runner does, after bulk loads)
    store.try_lock() -> ProjectorLock | None   one projector per view at a time

Open stores with `ViewDatabase(env)` where `env` is eventsourcing's persistence environment
(PERSISTENCE_MODULE = eventsourcing.popo | eventsourcing.sqlite | eventsourcing.postgres and
the SQLITE_* / POSTGRES_* keys): `ViewDatabase(env).store("timeline")`. On SQLite and
PostgreSQL the views live in the same database as the events (tables `view_<name>_*`).

A read model subclasses `ViewProjection` (an eventsourcing `Projection` over a `ViewStore`)
and implements `process(record, tx)`; see projections/runner.py for how records arrive.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from projections.records import EventRecord, to_record

Doc = dict[str, Any]
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# The tracking row counting a view's clears (beside eventsourcing's "__migration__" row).
GENERATION_ROW = "__cleared__"


@dataclass(frozen=True)
class ViewState:
    """Where a view stands: its position in an application's log (0 if none) and its
    generation, the number of times it was cleared (a clear may take the position back to
    where it was, the generation never)."""

    position: int
    generation: int


@dataclass(frozen=True)
class Entry:
    """One append-only row of a view."""

    partition: str
    position: int
    kind: str
    at: datetime
    doc: Doc = field(default_factory=dict)


@dataclass(frozen=True)
class EntryText:
    """One append-only row of a view, its document as the stored JSON text (an object)."""

    partition: str
    position: int
    kind: str
    at: datetime
    text: str


def check_view_name(name: str) -> str:
    """View names become table names: lower-case letters, digits and underscores."""
    if not NAME_PATTERN.match(name):
        raise ValueError(f"Invalid view name {name!r}: use [a-z][a-z0-9_]*, at most 40 chars")
    return name


# Built once: `json.dumps` with options builds an encoder per call, which is half its cost
# on small documents. Same options, same text.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
# orjson writes the text this encoder writes (compact, UTF-8 as is, the same escapes, key
# order kept), 5-10 times faster, for every value a view holds. It refuses, and the encoder
# writes, integers past 64 bits, keys that are not strings, lone surrogates, subclasses of
# str/int/dict/list and datetimes (passed through to a `default` there is none of).
_ORJSON_OPTIONS = (
    orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)  # fmt: skip


def dump_doc(doc: Mapping[str, Any]) -> str:
    """The stored JSON text of a document (key order kept; fails on non-JSON values).

    Written by orjson where it can, else by the json encoder; the text is the encoder's.
    Floats, which no view holds (the domain has none, no view computes any), are the one
    place the two could differ: the same value, spelled as orjson spells it ("0.00001"
    where the encoder wrote "1e-05"), and a NaN or infinity written as null where the
    encoder raised. Looking for floats in each text costs more than the encoding itself.
    """
    try:
        return orjson.dumps(doc, option=_ORJSON_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return _ENCODER.encode(doc)


def utc(at: datetime) -> datetime:
    """`at` in UTC; naive datetimes are refused because their meaning is unknown."""
    last = _LAST_UTC.pair  # the views applying one record append at its `at` in turn
    if at is last[0]:
        return last[1]
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"A view entry needs a timezone-aware time, got {at!r}")
    found = at.astimezone(UTC)
    _LAST_UTC.pair = (at, found)  # one tuple: threads see a pair whole
    return found


class _LastUtc:
    """The last time `utc` converted (datetimes are immutable: the same object, the same
    answer)."""

    pair: tuple[datetime | None, datetime] = (None, datetime(1970, 1, 1, tzinfo=UTC))


_LAST_UTC = _LastUtc()


class PendingEntry(NamedTuple):
    """An entry appended in a transaction, its document already serialised (a named tuple:
    several are made per event on a catch-up, and a frozen dataclass costs 4x to make)."""

    partition: str
    position: int
    kind: str
    at: datetime
    text: str


class ViewTx(ABC):
    """The writes of one `apply` transaction; buffered until `fn` returns without error.

    Each document is read at most once per transaction: `get` returns the transaction's
    working copy (the same object on every `get` of that key), which the projection changes
    and hands back with `put`. Documents are serialised once, when the transaction commits;
    entries when appended (later changes to an appended dict do not reach the entry).
    """

    def __init__(
        self,
        position: int | None,
        generation: int = 0,
        kept: Mapping[str, Doc | None] | None = None,
    ) -> None:
        self.position = position
        self.generation = generation  # the view's clears so far (see ViewState)
        self._docs: dict[str, Doc | None] = {}  # key -> working copy, None = absent
        self._kept = kept or {}  # documents the view's previous transaction wrote (KeptDocuments)
        self._written: dict[str, None] = {}  # keys to write, in order (read-only keys are not)
        self._entries: dict[tuple[str, int, str], PendingEntry] = {}

    @abstractmethod
    def _load(self, key: str) -> str | None:
        """The committed JSON text of a document, or None."""

    def get(self, key: str) -> Doc | None:
        """The document at `key` as this transaction sees it, or None."""
        if key not in self._docs:
            if key in self._kept:
                self._docs[key] = self._kept[key]
            else:
                text = self._load(key)
                self._docs[key] = None if text is None else json.loads(text)
        return self._docs[key]

    def put(self, key: str, doc: Mapping[str, Any]) -> None:
        """Store `doc` at `key`, replacing what was there."""
        self._docs[key] = doc if isinstance(doc, dict) else dict(doc)
        self._written[key] = None

    def delete(self, key: str) -> None:
        """Remove the document at `key` (no error if there is none)."""
        self._docs[key] = None
        self._written[key] = None

    def append(
        self, partition: str, position: int, at: datetime, kind: str, doc: Mapping[str, Any]
    ) -> None:
        """Add an entry; a second entry with the same (partition, position, kind) is an error."""
        entry_key = (partition, position, kind)
        if entry_key in self._entries:
            raise IntegrityError(f"Entry {entry_key} appended twice")
        self._entries[entry_key] = PendingEntry(partition, position, kind, utc(at), dump_doc(doc))

    def changed_documents(self) -> Iterator[tuple[str, str | None]]:
        """(key, JSON text or None for deleted) for each document written."""
        for key in self._written:
            doc = self._docs[key]
            yield key, None if doc is None else dump_doc(doc)

    def new_entries(self) -> list[PendingEntry]:
        """The appended entries, in the order appended."""
        return list(self._entries.values())

    def written_documents(self) -> dict[str, Doc | None]:
        """The documents this transaction wrote, as written (None: deleted)."""
        return {key: self._docs[key] for key in self._written}


class KeptDocuments:
    """The documents a view's last committed transaction wrote, for its next transaction.

    A catch-up's pages mostly write the same documents again (a plan's state, a mentee's
    growth, a stream's routing): without this each page reads and parses them back from
    the database, half a megabyte of JSON for a 10,000-event plan's state, 22 times over.
    They are handed over only if the view is still where that transaction left it (same
    position and generation, read in the next transaction itself, so no other writer came
    between), and only once: the next transaction takes them, and its own written
    documents replace them once it commits (`keep`). So no two transactions share them,
    and one that rolls back leaves nothing behind. Documents it only read are not kept (a
    projection may have changed a working copy it did not put back). A projection must
    not share a dict or list between two documents it writes (records.jsonable copies).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: tuple[tuple[int | None, int], dict[str, Doc | None]] | None = None

    def take(self, position: int | None, generation: int) -> dict[str, Doc | None]:
        """The kept documents if the view is still at (position, generation), else none;
        either way nothing is kept after this."""
        with self._lock:
            held, self._held = self._held, None
        return held[1] if held is not None and held[0] == (position, generation) else {}

    def keep(self, position: int, generation: int, docs: dict[str, Doc | None]) -> None:
        """Keep `docs`, written by a transaction that committed at (position, generation)."""
        with self._lock:
            self._held = ((position, generation), docs)

    def drop(self) -> None:
        """Keep nothing (the view is cleared)."""
        with self._lock:
            self._held = None


ApplyPart = tuple["ViewStore", Tracking, Callable[[ViewTx], None]]
# A transaction's written documents, to keep once it commits: (where, position, generation,
# documents).
Committed = tuple["KeptDocuments", int, int, dict[str, "Doc | None"]]


def keep_documents(committed: Iterable[Committed]) -> None:
    """Once a transaction has committed: keep each view's written documents for its next."""
    for kept, position, generation, docs in committed:
        kept.keep(position, generation, docs)


class ProjectorLock(ABC):
    """Held by the one projector of a view; released on `release()` or when the process dies."""

    @abstractmethod
    def release(self) -> None:
        """Let another projector take over."""


class ViewStore(TrackingRecorder, ABC):
    """The storage of one view; see the module docstring for the contract."""

    name: str

    @abstractmethod
    def apply(self, tracking: Tracking, fn: Callable[[ViewTx], None]) -> bool:
        """Run fn(tx) and record `tracking` in one transaction; False if already applied."""

    def apply_together(self, parts: Sequence[ApplyPart]) -> list[bool]:
        """`apply` for several views at once: [(store, tracking, fn), ...] -> applied each.

        SQL stores of one database run every part in ONE transaction (each view's changes
        and tracking position still go together; a part whose view is already at or past its
        position is skipped). Elsewhere each part is its own `apply`, in order.
        """
        return [store.apply(tracking, fn) for store, tracking, fn in parts]

    @abstractmethod
    def get(self, key: str) -> Doc | None:
        """The document at `key`, or None."""

    @abstractmethod
    def documents(self, prefix: str = "") -> list[tuple[str, Doc]]:
        """All (key, doc) whose key starts with `prefix`, ordered by key."""

    @abstractmethod
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
        """Entries of `partition` ordered by (position, kind), filtered as documented."""

    def entry_texts(
        self,
        partitions: Sequence[str],
        kinds: Iterable[str] | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[EntryText]:
        """Entries of `partitions` merged in (position, kind) order, `after` a position, at
        most `limit`; each document as JSON text. SQL stores read them in one statement."""
        wanted = None if kinds is None else list(kinds)
        found = [e for p in partitions for e in self.entries(p, wanted, after=after, limit=limit)]
        found.sort(key=lambda e: (e.position, e.kind))
        return [
            EntryText(e.partition, e.position, e.kind, e.at, dump_doc(e.doc)) for e in found[:limit]
        ]

    def last_entry(
        self,
        partition: str,
        kind: str,
        at_or_before: datetime | None = None,
        position_at_or_before: int | None = None,
    ) -> Entry | None:
        """The latest entry of `kind` at or before a time and/or position, or None."""
        until = None
        if at_or_before is not None:
            # `until` is exclusive: one microsecond later includes `at_or_before` itself.
            until = utc(at_or_before) + _ONE_MICROSECOND
        found = self.entries(
            partition,
            kinds=[kind],
            until=until,
            upto=position_at_or_before,
            limit=1,
            descending=True,
        )
        return found[0] if found else None

    @abstractmethod
    def all_entries(self) -> list[Entry]:
        """Every entry of the view ordered by (partition, position, kind)."""

    @abstractmethod
    def state(self, application_name: str) -> ViewState:
        """The view's position in the application's log and its generation, read together."""

    @abstractmethod
    def clear(self) -> None:
        """Delete every document, entry and tracking position of this view, and count one
        more generation, in one transaction (serialised with `apply`)."""

    @abstractmethod
    def try_lock(self) -> ProjectorLock | None:
        """The view's projector lock if no one else holds it, else None."""

    def projector_held(self) -> bool:
        """Whether some projector (this process's or another's) holds the view's projector
        lock now. This default takes the lock and gives it back at once if it was free."""
        lock = self.try_lock()
        if lock is None:
            return True
        lock.release()
        return False

    def digest(self) -> str:
        """A sha256 of the view's content, equal for equal views (tracking excluded)."""
        hasher = hashlib.sha256()
        for key, doc in self.documents():
            hasher.update(json.dumps([key, doc], sort_keys=True).encode())
            hasher.update(b"\n")
        for entry in self.all_entries():
            row = [entry.partition, entry.position, entry.kind, entry.at.isoformat(), entry.doc]
            hasher.update(json.dumps(row, sort_keys=True).encode())
            hasher.update(b"\n")
        return hasher.hexdigest()

    def create_table(self) -> None:
        """Create the view's tables if they do not exist (nothing to do in memory)."""

    def refresh_statistics(self) -> None:
        """Let the database's query planner learn the view's size (after a bulk catch-up)."""

    def close(self) -> None:
        """Release resources owned by this store alone (the database is closed elsewhere)."""


_ONE_MICROSECOND = datetime(2000, 1, 1, 0, 0, 0, 1) - datetime(2000, 1, 1)


class ViewDatabase:
    """Opens the view stores of one database (one connection pool shared by all views)."""

    def __init__(
        self, env: Mapping[str, str], prepare: Callable[[Any], None] | None = None
    ) -> None:
        """`prepare` is given the datastore once made, before any table is created."""
        self.env = dict(env)
        self.module = self.env.get("PERSISTENCE_MODULE", "eventsourcing.popo")
        self._stores: dict[str, ViewStore] = {}
        self._datastore: Any = None
        self._prepare = prepare

    @property
    def backend(self) -> str:
        """'popo', 'sqlite' or 'postgres'."""
        return self.module.rsplit(".", 1)[-1]

    def store(self, name: str) -> ViewStore:
        """The store of view `name` (created with its tables on first use)."""
        if name not in self._stores:
            self._stores[name] = self._open(check_view_name(name))
        return self._stores[name]

    def _open(self, name: str) -> ViewStore:
        if self.backend == "sqlite":
            from projections.store_sqlite import SQLiteViewStore, sqlite_datastore

            self._datastore = self._datastore or sqlite_datastore(self.env)
            store: ViewStore = SQLiteViewStore(self._datastore, name=name)
        elif self.backend == "postgres":
            from projections.store_postgres import PostgresViewStore, postgres_datastore

            if self._datastore is None:
                self._datastore = postgres_datastore(self.env)
                if self._prepare is not None:
                    self._prepare(self._datastore)
            store = PostgresViewStore(self._datastore, name=name)
        elif self.backend == "popo":
            return MemoryViewStore(name)
        else:
            raise ValueError(f"No view storage for {self.module}")
        try:
            store.create_table()
        except IntegrityError:
            # Another process (a second web worker) created the tables at the same moment and
            # recorded eventsourcing's migration row first: the tables exist now.
            store.create_table()
        return store

    def close(self) -> None:
        """Close every store and the shared connection pool."""
        for store in self._stores.values():
            store.close()
        self._stores.clear()
        if self._datastore is not None:
            self._datastore.close()
            self._datastore = None


class ViewProjection(Projection[ViewStore], ABC):
    """A read model's projection: `process` turns one EventRecord into writes on `tx`.

    Subclasses set `name` (the view name) and implement `process`; they must be pure
    functions of the records and the view's own state (no clock, no other I/O), so that
    a rebuild from zero gives the same view content. Views catching up together share each
    record (projections.runner.catch_up_together), so `process` must never change a record
    or anything in its `data`: copy what it keeps and changes later.
    """

    name = "view"

    @abstractmethod
    def process(self, record: EventRecord, tx: ViewTx) -> None:
        """Apply one event to the view."""

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """eventsourcing's entry point: one event, one transaction."""
        record = to_record(domain_event, tracking.notification_id)
        self.view.apply(tracking, lambda tx: self.process(record, tx))


# The memory store has a module of its own; importing it here keeps this module the one
# place read models import the store API from.
from projections.store_memory import MemoryViewStore  # noqa: E402
