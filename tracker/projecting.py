"""The read models wired to the tracker: their stores, their projector, fresh reads.

`Projections(app, settings)` opens every view of `projections.registry` in the configured
database (SQLite file, PostgreSQL schema, or memory) and gives:

- `fresh(view, position=None)`: the view's store once it has applied `position` (default:
  the last event written when the read starts): read-your-writes, exactly. Policy
  (`ViewRunner.wait_for`): on PostgreSQL (and memory), where the projector is woken by each
  new event, a read whose view is behind while a projector holds the view (a `tracker
  project` process, or this process's thread) waits for the view's position to reach the
  target, polling it, and writes nothing: it no longer races the projector for the same
  rows. It catches up inline itself when no projector holds the view, when the projector
  lets go of it, or when the view stays unmoved for `runner.STALL` seconds; on SQLite,
  whose projector polls the log, it always catches up inline (each event is still applied
  exactly once, whoever applies it). After `READ_TIMEOUT` seconds it raises `ViewBehind`
  (HTTP 503 with Retry-After). A view's position only grows, so once this process has
  seen a view reach a position it does not ask the view again for any position up to it:
  a read while nothing new was written costs one query (the log's head).
  (A rebuild from another process empties the view under it: reads here may show the view
  part-built until the rebuild ends, as they may while any rebuild runs.)
- `plan_started(mentee_id, timeline)`: whether her plan was started, remembered once it was.
- `start_projector()`: one thread that follows the log for every view, reading and decoding
  each event once for all (the `tracker serve` background projector and the `tracker
  project` command). Only one projector per view is active across processes; the others
  stand by.
- `status()` and `rebuild(view)` for `tracker projections`.

`TRACKER_PROJECTOR` chooses whether the web app starts the background projector: "thread"
(the default on SQLite and memory) or "off" (the default on PostgreSQL, where `tracker
project` runs as a process of its own).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from eventsourcing.application import Application
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import Composable

from projections.projector import Projector
from projections.registry import (
    build_projections,
    clear_outdated_views,
    projection_class,
    view_names,
)
from projections.runner import ViewRunner, catch_up_together
from projections.store import EntryText, ViewDatabase, ViewStore
from projections.store_postgres import PostgresViewStore
from projections.timeline import has_timeline
from tracker.errors import StorageUnavailable
from tracker.pinning import connects_alike
from tracker.pools import recover_at_once
from tracker.settings import Settings
from tracker.setup_lock import setup_lock

T = TypeVar("T")
READ_TIMEOUT = 2.0
REMEMBERED_PLANS = 10_000
log = logging.getLogger(__name__)


class ViewBehind(StorageUnavailable):
    """A view could not reach the position a read needs in time; retry shortly."""


class _Behind(Exception):
    """`read_fresh`'s first read found the view behind the log's `head`."""

    def __init__(self, head: int) -> None:
        super().__init__(head)
        self.head = head


@dataclass(frozen=True)
class ViewStatus:
    """Where one view stands in the event log."""

    name: str
    position: int
    head: int
    projector_running: bool

    @property
    def lag(self) -> int:
        """Events written but not yet in the view."""
        return max(self.head - self.position, 0)


def projector_mode(settings: Settings, environ: Mapping[str, str] | None = None) -> str:
    """'thread' or 'off': whether the web app runs the projector in a background thread."""
    env = os.environ if environ is None else environ
    mode = env.get("TRACKER_PROJECTOR") or ("off" if settings.backend == "postgres" else "thread")
    if mode not in ("thread", "off"):
        raise ValueError(f"TRACKER_PROJECTOR must be 'thread' or 'off', not {mode!r}")
    return mode


class Projections:
    """Every read model of one application, on the application's database."""

    def __init__(
        self, app: Application[Any], settings: Settings, names: list[str] | None = None
    ) -> None:
        self.app = app
        # Its pool is readied before the views' tables are made (a request may open them).
        self.database = ViewDatabase(settings.eventsourcing_env(), prepare=recover_at_once)
        # Opening the views creates their tables: one process at a time (PostgreSQL).
        with setup_lock(self.database.env):
            projections = build_projections(self.database, names)
            # A view whose projection's version went up is emptied, to be built again.
            emptied = clear_outdated_views(self.database, projections, app.name)
        if emptied:
            log.warning("Rebuilding %s from the event log: built by older code", emptied)
        self.runners = {p.name: ViewRunner(p, app) for p in projections}
        self.projector: Projector | None = None
        self._reached: dict[str, int] = {}  # the highest position each view was seen at
        self._started: set[str] = set()  # mentees whose plan the timeline view showed started
        self._heads: dict[str, Composable | None] = {}  # read_fresh's head statement, per view

    @property
    def names(self) -> list[str]:
        """The views, in registry order."""
        return list(self.runners)

    def datastore(self) -> object | None:
        """The views' datastore (one pool for all views), None in memory."""
        return next((getattr(r.store, "datastore", None) for r in self.runners.values()), None)

    def runner(self, name: str) -> ViewRunner:
        """The runner of view `name`; KeyError names the known views."""
        if name not in self.runners:
            projection_class(name)  # raises KeyError listing the known views
            raise KeyError(f"View {name!r} is not open here")
        return self.runners[name]

    def fresh(self, name: str, position: int | None = None) -> ViewStore:
        """The store of view `name` once it has applied `position` (default: the head)."""
        runner = self.runner(name)
        target = runner.head() if position is None else position
        if target <= self._reached.get(name, 0):
            return runner.store
        try:
            runner.wait_for(target, timeout=READ_TIMEOUT)
        except TimeoutError:
            raise ViewBehind(
                f"The {name} view is still catching up with the latest changes; "
                "try again in a moment."
            ) from None
        self._reached_at(name, target)
        return runner.store

    def read_fresh(self, name: str, read: Callable[[ViewStore], T]) -> T:
        """`read(self.fresh(name))`, one round trip shorter where it can be.

        On PostgreSQL, with the events and the views in one database, `read` gets the
        view's store behind a stand-in (`_AtHead`): its first `entry_texts` reads the log's
        head and the view's position in the same statement as the entries. If the view had
        reached the head the entries stand (read-your-writes as with `fresh`); if not, that
        read is dropped (`_Behind`) and `read` runs again on `fresh(name, head)`. Any other
        first use of the store runs `fresh(name)` first. `read` must be safe to run twice.
        """
        runner = self.runner(name)
        head = self._head_statement(runner)
        if head is None:
            return read(self.fresh(name))
        try:
            return read(cast(ViewStore, _AtHead(self, runner, head)))
        except _Behind as behind:
            return read(self.fresh(name, behind.head))

    def _head_statement(self, runner: ViewRunner) -> Composable | None:
        """The log's MAX(notification_id) statement where the view's store can run it."""
        if runner.name not in self._heads:
            recorder, store = self.app.recorder, runner.store
            found: Composable | None = None
            if (
                isinstance(recorder, PostgresApplicationRecorder)
                and isinstance(store, PostgresViewStore)
                and connects_alike(recorder.datastore, store.datastore)
            ):
                found = recorder.max_notification_id_statement
            self._heads[runner.name] = found
        return self._heads[runner.name]

    def _reached_at(self, name: str, position: int) -> None:
        self._reached[name] = max(self._reached.get(name, 0), position)

    def plan_started(self, mentee_id: str, timeline: ViewStore) -> bool:
        """Whether the mentee started her plan, as `timeline` (the timeline view's store,
        from `fresh`) says.

        Remembered once true: a plan once started stays so (events are never removed; an
        erasure blanks their text, and a rebuild puts the start back), so repeated reads of
        her timeline skip the lookup. Forgotten all at once past `REMEMBERED_PLANS`.
        """
        if mentee_id in self._started:
            return True
        if not has_timeline(timeline, mentee_id):
            return False
        if len(self._started) >= REMEMBERED_PLANS:
            self._started.clear()
        self._started.add(mentee_id)
        return True

    def status(self) -> list[ViewStatus]:
        """Each view's position, the log's head and whether a projector holds the view."""
        statuses = []
        for name, runner in self.runners.items():
            # On PostgreSQL read from pg_locks: taking the lock to ask could make a
            # projector that tries it at that moment stand by for a second.
            running = runner.store.projector_held()
            statuses.append(ViewStatus(name, runner.position(), runner.head(), running))
        return statuses

    def rebuild(self, name: str, progress: Callable[[int], None] | None = None) -> int:
        """Empty view `name` and apply the whole log again; the number of events applied.

        If a projector is running it would race the rebuild for no gain: the rebuild clears
        the view and the projector (which re-reads the view's position) helps catch up.
        """
        return self.rebuild_many([name], progress)[name]

    def rebuild_many(
        self, names: list[str], progress: Callable[[int], None] | None = None
    ) -> dict[str, int]:
        """`rebuild` for several views at once: the log is read and decoded once for all."""
        runners = [self.runner(name) for name in names]
        self._started.clear()
        for runner in runners:
            self._reached.pop(runner.name, None)
            runner.store.clear()
        applied = catch_up_together(runners, progress=progress)
        return dict(zip(names, applied, strict=True))

    def start_projector(self) -> Projector:
        """Follow the log in a background thread, for every view, until `stop_projector`."""
        if self.projector is None:
            self.projector = Projector(list(self.runners.values()))
            self.projector.start()
        return self.projector

    def stop_projector(self) -> None:
        """Stop the background projector, if any."""
        if self.projector is not None:
            self.projector.stop()
            self.projector = None

    def close(self) -> None:
        """Stop projecting and close the views' connections."""
        self.stop_projector()
        self.database.close()


class _AtHead:
    """A view's store for one `read_fresh`: its first `entry_texts` reads the log's head and
    the view's position with the entries (PostgresViewStore.entry_texts_at_head) and raises
    `_Behind` if the view had not reached the head; any other first use makes the view
    fresh first. Everything else goes to the store."""

    def __init__(self, projections: Projections, runner: ViewRunner, head: Composable) -> None:
        self._projections = projections
        self._runner = runner
        self._head = head
        self._checked = False

    def entry_texts(
        self,
        partitions: Sequence[str],
        kinds: Iterable[str] | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[EntryText]:
        store = self._runner.store
        if self._checked:
            return store.entry_texts(partitions, kinds, after, limit)
        assert isinstance(store, PostgresViewStore)
        head, reached, entries = store.entry_texts_at_head(
            self._head, self._runner.app.name, partitions, kinds, after, limit
        )
        self._checked = True
        if reached < head:
            raise _Behind(head)
        self._projections._reached_at(self._runner.name, head)
        return entries

    def __getattr__(self, attribute: str) -> Any:
        if not self._checked:
            self._projections.fresh(self._runner.name)
            self._checked = True
        return getattr(self._runner.store, attribute)


def all_view_names() -> list[str]:
    """Every view the registry knows, for help texts and validation."""
    return view_names()
