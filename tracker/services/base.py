"""The shared machinery of the use cases: load, check the version, call the domain, save."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    OperationalError,
    Recording,
)

from domain import CheckIn, Goal, Mentorship, Plan, Proposal
from tracker.clock import Clock, system_clock
from tracker.errors import Conflict, NotFound, StorageUnavailable
from tracker.transcodings import register_domain_transcodings

A = TypeVar("A", bound=Aggregate)

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


class UseCases(Application[UUID]):
    """Base of the tracker application: persistence, clock and the load-change-save cycle."""

    name = "tracker"
    snapshotting_intervals = {Plan: 50, Goal: 50, CheckIn: 50}

    def __init__(
        self,
        env: dict[str, str] | None = None,
        clock: Clock = system_clock,
        snapshot_interval: int = 50,
    ) -> None:
        super().__init__(env)
        self.clock = clock
        if snapshot_interval > 0:
            # The interval is a deployment setting, so it is set per instance.
            intervals = dict.fromkeys((Plan, Goal, CheckIn), snapshot_interval)
            self.snapshotting_intervals = intervals  # type: ignore[misc,assignment]

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    # Loading ------------------------------------------------------------------------------
    def load(self, cls: type[A], ident: UUID | str, version: int | None = None) -> A:
        """The aggregate of the given class, or NotFound (also for an id of another kind)."""
        what = AGGREGATE_NAMES.get(cls, cls.__name__.lower())
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
        return aggregate

    # Writing ------------------------------------------------------------------------------
    def create(self, *aggregates: Aggregate, created: dict[str, str] | None = None) -> Receipt:
        """Save new aggregates; the receipt names the first."""
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
        """
        aggregate = self.load(cls, ident)
        self.require_version(aggregate, expected_version)
        result = action(aggregate)
        created = {"item_id": result} if isinstance(result, str) else {}
        return self._save((aggregate,), expected=expected_version, created=created)

    def require_version(self, aggregate: Aggregate, expected_version: int | None) -> None:
        if expected_version is not None and aggregate.version != expected_version:
            what = AGGREGATE_NAMES.get(type(aggregate), "record")
            raise Conflict(what, expected_version, aggregate.version)

    def _save(
        self, aggregates: tuple[Aggregate, ...], expected: int | None, created: dict[str, str]
    ) -> Receipt:
        first = aggregates[0]
        try:
            recordings: list[Recording[UUID]] = self.save(*aggregates)
        except IntegrityError:
            # A concurrent writer took the same version first: report where it is now.
            current: int = self.repository.get(first.id).version
            what = AGGREGATE_NAMES.get(type(first), "record")
            raise Conflict(what, expected, current) from None
        except OperationalError as error:
            raise StorageUnavailable(f"The database is not available: {error}") from error
        position = recordings[-1].notification.id if recordings else None
        return Receipt(id=str(first.id), version=first.version, position=position, created=created)

    def now_date(self) -> Any:
        return self.clock().date()
