"""The shared machinery of the use cases: load, check the version, call the domain, save."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    LRUCache,
    ProcessingEvent,
)
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Mapper,
    OperationalError,
    Recording,
)

from domain import CheckIn, Goal, Mentorship, Plan, Proposal
from tracker.access import AccessControl, Operation, Resource
from tracker.clock import Clock, system_clock
from tracker.erasure import CryptoShredding
from tracker.errors import Conflict, NotFound, StaleVersion, StorageUnavailable
from tracker.services.recorder import with_locking_recorder
from tracker.setup_lock import setup_lock
from tracker.transcodings import register_domain_transcodings

A = TypeVar("A", bound=Aggregate)
C = TypeVar("C")
# A write that names no version and loses a race is tried again on the winner's version.
RETRIES_WITHOUT_VERSION = 3

# People read these names in error messages.
AGGREGATE_NAMES: dict[type[Aggregate], str] = {
    Plan: "plan",
    Goal: "goal",
    Mentorship: "mentorship",
    Proposal: "proposal",
    CheckIn: "check-in",
}


@dataclass(frozen=True)
class Receipt:
    """What a command returns: the aggregate's id and new version, and the log position."""

    id: str
    version: int
    position: int | None
    created: dict[str, str] = field(default_factory=dict)


# Values a copy may share with its original: nothing can change them in place.
_UNCHANGEABLE = frozenset({str, int, float, bool, type(None), bytes, date, datetime, time, UUID})


class _NotPlain(Exception):
    """The state holds something `copied` does not copy itself."""


def copied(aggregate: C) -> C:
    """`deepcopy(aggregate)`, faster for the state aggregates hold: dicts, lists and tuples
    of strings, numbers, dates, UUIDs and enum members. Anything else, or one dict or list
    held in two places (deepcopy would keep them one), is left to deepcopy itself."""
    seen: set[int] = set()

    def copy_of(value: Any) -> Any:
        kind = type(value)
        if kind in _UNCHANGEABLE or isinstance(value, Enum):
            return value  # deepcopy returns these, or an equal immutable twin
        if kind is dict or kind is list or kind is tuple:
            if id(value) in seen:
                raise _NotPlain
            seen.add(id(value))
            if kind is dict:
                if not all(type(key) in _UNCHANGEABLE for key in value):
                    raise _NotPlain
                return {key: copy_of(item) for key, item in value.items()}
            items = [copy_of(item) for item in value]
            return items if kind is list else tuple(items)
        raise _NotPlain

    try:
        state = {name: copy_of(value) for name, value in vars(aggregate).items()}
    except _NotPlain:
        return deepcopy(aggregate)
    copy: C = object.__new__(type(aggregate))
    copy.__dict__.update(state)
    return copy


class UseCases(Application[UUID]):
    """Base of the tracker application: persistence, clock and the load-change-save cycle."""

    name = "tracker"
    snapshotting_intervals = {Plan: 50, Goal: 50, CheckIn: 50}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Clock = system_clock,
        snapshot_interval: int = 50,
        access: AccessControl | None = None,
    ) -> None:
        env = with_locking_recorder(env)  # writes in one statement on PostgreSQL
        # Starting creates tables and replaces a function: one process at a time.
        with setup_lock(env or {}):
            super().__init__(env)
        self.clock = clock
        # Off (None) unless wired: see tracker.access and docs/security.md.
        self.access = access
        self.shredding.keyring.clock = clock
        self.shredding.keyring.on_erasure(self._forget_cached_aggregates)
        self._keys_watch = threading.local()  # .since: the keys' generation a use began at
        self._cache_only_what_no_erasure_passed()
        if snapshot_interval > 0:
            # The interval is a deployment setting, so it is set per instance.
            intervals = dict.fromkeys((Plan, Goal, CheckIn), snapshot_interval)
            self.snapshotting_intervals = intervals  # type: ignore[misc,assignment]

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def construct_mapper(self) -> Mapper[UUID]:
        """Each mentee's personal text sealed with her own key (tracker.erasure)."""
        self.shredding = CryptoShredding.for_application(self)
        return self.shredding.mapper

    def _forget_cached_aggregates(self) -> None:
        # A key was erased: cached aggregates may still hold the text it sealed.
        cache: Any = self.repository.cache
        if cache is None:
            return
        if isinstance(cache, LRUCache):
            with cache.lock:
                cache.cache.clear()
                cache.clear()
                cache.full = False
        else:
            cache.cache.clear()

    def _cache_only_what_no_erasure_passed(self) -> None:
        """Keep an aggregate in the cache only if no key was erased (in this process's
        knowledge) since the load or command that put it began: one decoded, or written,
        with her key just before her erasure committed would otherwise be put back after
        the erasure emptied the cache, and show her text until it is dropped."""
        cache: Any = self.repository.cache
        if cache is None:
            return
        put, get = cache.put, self.repository.get
        keyring, watch = self.shredding.keyring, self._keys_watch

        def put_unless_erased_since(key: Any, value: Any) -> Any:
            since = getattr(watch, "since", None)
            if since is not None and since != keyring.generation:
                return None
            return put(key, value)

        def get_watching_keys(*args: Any, **kwargs: Any) -> Any:
            with self._watching_keys():
                return get(*args, **kwargs)

        cache.put = put_unless_erased_since
        self.repository.get = get_watching_keys  # type: ignore[method-assign]

    @contextmanager
    def _watching_keys(self) -> Iterator[None]:
        """Within: what is cached is checked against erasures since this began (the
        outermost block counts)."""
        watch = self._keys_watch
        if getattr(watch, "since", None) is not None:
            yield
            return
        watch.since = self.shredding.keyring.generation
        try:
            yield
        finally:
            watch.since = None

    def close(self) -> None:
        super().close()
        self.shredding.close()

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """eventsourcing's, except that a snapshot due at the version just saved is taken
        of the aggregate in hand, whose state those very events made, instead of one loaded
        again (from the last snapshot and up to an interval of events, each decoded and
        its sealed text opened). Anything else (an aggregate saved past the due version in
        the same save, one with a projector of its own) goes eventsourcing's way."""
        intervals = self.snapshotting_intervals
        if not (self.snapshots and intervals):
            return
        due: list[tuple[Any, Any]] = []
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = None if aggregate is None else intervals.get(type(aggregate))
            if interval is not None and event.originator_version % interval == 0:
                due.append((event, aggregate))
        if not due:
            return
        takers: list[Any] = [
            getattr(type(a), "Snapshot", type(self).snapshot_class) for _, a in due
        ]
        if any(
            aggregate.version != event.originator_version
            or type(aggregate) in self.snapshotting_projectors
            or taker is None  # eventsourcing's says what is missing
            for (event, aggregate), taker in zip(due, takers, strict=True)
        ):
            super()._take_snapshots(processing_event)
            return
        for (_, aggregate), taker in zip(due, takers, strict=True):
            self.snapshots.put([taker.take(aggregate)])

    # Loading ------------------------------------------------------------------------------
    def load(self, cls: type[A], ident: UUID | str, version: int | None = None) -> A:
        """The aggregate of the given class, or NotFound (also for an id of another kind)."""
        what = AGGREGATE_NAMES.get(cls, cls.__name__.lower())
        self.shredding.keyring.refresh_if_due()
        try:
            aggregate_id = ident if isinstance(ident, UUID) else UUID(str(ident))
            aggregate: Aggregate = self.repository.get(aggregate_id, version=version)
        except (AggregateNotFoundError, ValueError):
            raise NotFound(what, ident) from None
        if not isinstance(aggregate, cls):
            raise NotFound(what, ident)
        if version is not None and aggregate.version != version:
            # The repository answers a version beyond the last with the last one.
            raise NotFound(f"version {version} of the {what}", ident)
        if self.access is not None:
            self.access.guard_read(aggregate, what, ident)
        return aggregate

    def authorize(self, operation: Operation, resource: Resource | None = None) -> None:
        """Refuse the current actor an operation the access policy does not allow (if on)."""
        if self.access is not None:
            self.access.require(operation, resource)

    # Writing ------------------------------------------------------------------------------
    def create(self, *aggregates: Aggregate, created: dict[str, str] | None = None) -> Receipt:
        """Save new aggregates; the receipt names the first."""
        with self._watching_keys():
            return self._save(aggregates, expected=None, created=created or {})

    def change(
        self,
        cls: type[A],
        ident: UUID | str,
        expected_version: int | None,
        action: Callable[[A], Any],
    ) -> Receipt:
        """Load, refuse a stale expected version, apply one domain action, save atomically.

        If the action returns a string it is recorded in the receipt as the created item's id.
        Without an expected version the caller takes whatever is current, so a save that loses
        a race to another writer is tried again on the new version (appends commute).
        """
        with self._watching_keys():
            if expected_version is None:
                for _ in range(RETRIES_WITHOUT_VERSION):
                    try:
                        return self._change_once(cls, ident, None, action)
                    except Conflict:
                        continue
            return self._change_once(cls, ident, expected_version, action)

    def _change_once(
        self,
        cls: type[A],
        ident: UUID | str,
        expected_version: int | None,
        action: Callable[[A], Any],
    ) -> Receipt:
        cached = self._cached_at(cls, ident, expected_version)
        if cached is not None:
            receipt = self._try_on_cached(cached, expected_version, action)
            if receipt is not None:
                return receipt
        aggregate = self.load(cls, ident)
        created = self._act(aggregate, expected_version, action)
        return self._save((aggregate,), expected=expected_version, created=created)

    def _act(
        self, aggregate: A, expected_version: int | None, action: Callable[[A], Any]
    ) -> dict[str, str]:
        """Refuse a stale expected version, apply the action: what it created, if anything."""
        self.require_version(aggregate, expected_version)
        result = action(aggregate)
        return {"item_id": result} if isinstance(result, str) else {}

    def _cached_at(self, cls: type[A], ident: UUID | str, version: int | None) -> A | None:
        """A copy of the aggregate as this process last saw it, if that was at `version`,
        the version the writer says it last read; else None (load it from the store).

        Loading would first read the events written since (a round trip, usually none).
        The copy may be behind the store all the same: `_try_on_cached` finds out.
        """
        cache = self.repository.cache
        if version is None or cache is None or not self.repository.fastforward:
            return None
        self.shredding.keyring.refresh_if_due()  # as `load`: an erasure empties the cache
        try:
            aggregate_id = ident if isinstance(ident, UUID) else UUID(str(ident))
        except ValueError:
            return None
        lock = self.repository._use_fastforward_lock(aggregate_id)  # as Repository.get does
        try:
            with lock:
                found = cache.get(aggregate_id)
                copy = copied(found) if found.version == version else None
        except KeyError:
            return None
        finally:
            self.repository._disuse_fastforward_lock(aggregate_id)
        return copy if isinstance(copy, cls) else None

    def _try_on_cached(
        self, aggregate: A, expected_version: int | None, action: Callable[[A], Any]
    ) -> Receipt | None:
        """Change and save a cached copy, trusting only success: the event store takes the
        new event only if no other was written after the copy's version (then the copy was
        the latest). A conflict, or any refusal, is None: decide again on the stored state."""
        try:
            if self.access is not None:
                self.access.guard_read(aggregate, "record", aggregate.id)
            created = self._act(aggregate, expected_version, action)
            if self.access is not None:
                self.access.guard_events((aggregate,))
        except Exception:  # refusals are decided again, on the stored state
            return None
        try:
            recordings: list[Recording[UUID]] = self.save(aggregate)
        except IntegrityError:
            return None  # the copy was behind: nothing was written
        except OperationalError as error:
            raise StorageUnavailable(f"The database is not available: {error}") from error
        return self._receipt((aggregate,), recordings, created)

    def require_version(self, aggregate: Aggregate, expected_version: int | None) -> None:
        if expected_version is not None and aggregate.version != expected_version:
            what = AGGREGATE_NAMES.get(type(aggregate), "record")
            raise StaleVersion(what, str(aggregate.id), expected_version, aggregate.version)

    def _save(
        self, aggregates: tuple[Aggregate, ...], expected: int | None, created: dict[str, str]
    ) -> Receipt:
        first = aggregates[0]
        if self.access is not None:
            self.access.guard_events(aggregates)
        try:
            recordings: list[Recording[UUID]] = self.save(*aggregates)
        except IntegrityError:
            # A concurrent writer took the same version first: report where it is now.
            current: int = self.repository.get(first.id).version
            what = AGGREGATE_NAMES.get(type(first), "record")
            raise Conflict(what, expected, current) from None
        except OperationalError as error:
            raise StorageUnavailable(f"The database is not available: {error}") from error
        return self._receipt(aggregates, recordings, created)

    def _receipt(
        self,
        aggregates: tuple[Aggregate, ...],
        recordings: list[Recording[UUID]],
        created: dict[str, str],
    ) -> Receipt:
        """The receipt of a save; the saved aggregates are cached as they now are, so that
        this process's next change to one of them need not read it first (`_cached_at`)."""
        cache = self.repository.cache
        if cache is not None:
            for aggregate in aggregates:
                cache.put(aggregate.id, aggregate)
        first = aggregates[0]
        position = recordings[-1].notification.id if recordings else None
        return Receipt(id=str(first.id), version=first.version, position=position, created=created)

    def now_date(self) -> Any:
        return self.clock().date()
