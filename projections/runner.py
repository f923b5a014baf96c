"""Feeding read models: from an application's notification log into each view, exactly once.

A `ViewRunner` drives one `ViewProjection` from one eventsourcing `Application` (any: this
package does not know the tracker's; tracker/projecting.py wires them):

- `catch_up(upto=None)` reads notifications after the view's position in pages, turns them
  into `EventRecord`s with the application's mapper, and applies each page in ONE
  `store.apply` transaction (view update + tracking together), so a crash loses or repeats
  nothing: the next run starts from the committed position.
- The projector loop that keeps views up to date is projections/projector.py's.
- `wait_for(position, timeout)` is the read-your-writes helper. Where a projector is woken
  by new events (PostgreSQL, memory) and holds the view, it waits for the view's position
  to reach the one asked, applying nothing itself (racing the projector for the same rows
  cost lock waits and rolled-back pages); it catches up inline when no projector holds the
  view, when the projector lets go of it or stalls, and on SQLite (its projector polls).

A page's transaction is a compare-and-set on the view's `state` read BEFORE the page was
decoded: it writes only if the view's position and generation (its count of clears) are
still those, and otherwise rolls back (PositionMoved) and the projector reads the page again
from the stored position. The generation closes the gap a position alone leaves: an erasure
deletes a mentee's key, then clears and rebuilds the views, and a page decoded with the key
before the clear must never land, not even when the rebuild has brought the position back
to where the page started. The check reads the position and the generation in the one
statement the store's `apply` already made for the position: no extra round trip.
When a catch-up finds a view's generation other than the one it last saw, it first asks the
application's mapper to forget its cached keys (`forget_keys`, if the mapper has one): the
erasure deleted the key before the clear, so a projector in another process decodes the
next page without it, instead of with a key its process cached before the erasure.
"""

from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import ApplicationRecorder, Notification, Subscription, Tracking
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from psycopg import Connection
from psycopg.sql import SQL, Identifier

from projections.decoding import RecordDecoder
from projections.records import EventRecord
from projections.store import ApplyPart, ViewProjection, ViewState, ViewStore, ViewTx

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
ANALYZE_AFTER = 1000
# wait_for, while another projector holds the view: the first and the longest pause between
# two reads of the view's position, how long a "projector held (or not)" answer is kept, how long
# the view may stay unmoved while behind before the reader catches up itself, and the share
# of the read's timeout after which it does so even while the view moves (a slow projector,
# a starved machine: racing it then is better than answering 503).
FIRST_POLL = 0.001
LAST_POLL = 0.02
HELD_FOR = 0.25
STALL = 0.5
HANDOFF = 0.5  # the share of a read's timeout spent waiting for the projector, at most


class PositionMoved(Exception):
    """The view's position changed under this runner; it must re-read from the store."""


class ViewRunner:
    """Runs one projection over one application's notification log."""

    def __init__(
        self,
        projection: ViewProjection,
        app: Application[Any],
        *,
        page_size: int = 500,
        poll_interval: float = 0.2,
        standby_interval: float = 1.0,
    ) -> None:
        self.projection = projection
        self.app = app
        self.page_size = page_size
        self.poll_interval = poll_interval
        self.standby_interval = standby_interval
        self.is_active = threading.Event()  # set while this runner holds the projector lock
        self.decoder = RecordDecoder(app.mapper)
        self.generation_seen: int | None = None  # the view's generation at the last catch-up
        self.inline_catch_ups = 0  # times wait_for caught the view up itself
        self.stall, self.handoff = STALL, HANDOFF  # wait_for's, for this view
        self._held, self._held_until = False, 0.0  # projector_active's answer, until when

    @property
    def name(self) -> str:
        """The view's name."""
        return self.projection.name

    @property
    def store(self) -> ViewStore:
        """The view's store."""
        return self.projection.view

    def position(self) -> int:
        """The notification id of the last event the view has applied (0 if none)."""
        return self.store.max_tracking_id(self.app.name) or 0

    def state(self) -> ViewState:
        """The view's position and generation, read together: read it BEFORE decoding the
        events a transaction will apply, and hand it to `updater` (or `apply_page`)."""
        return self.store.state(self.app.name)

    def head(self) -> int:
        """The notification id of the last event in the application's log (0 if none)."""
        return self.app.recorder.max_notification_id() or 0

    def records(self, notifications: Sequence[Notification]) -> list[EventRecord]:
        """The notifications as EventRecords, read as the application's mapper reads them
        (upcasting, opening sealed text): see projections.decoding."""
        return self.decoder.records(notifications)

    def updater(
        self, records: Sequence[EventRecord], expected: ViewState
    ) -> Callable[[ViewTx], None]:
        """The body of the transaction that applies `records` after the `expected` state
        (read before they were decoded); it raises PositionMoved, rolling back, if the
        view moved or was cleared since."""

        def update(tx: ViewTx) -> None:
            if (tx.position or 0) != expected.position or tx.generation != expected.generation:
                found = ViewState(tx.position or 0, tx.generation)
                raise PositionMoved(f"{self.name}: expected {expected}, found {found}")
            process = self.projection.process
            for record in records:
                process(record, tx)

        return update

    def catch_up(
        self,
        upto: int | None = None,
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> int:
        """Apply every event after the view's position (up to `upto`); the number applied.

        If `stop` is set, returns after the page in hand (a graceful shutdown does not wait
        for a long catch-up). After a bulk load (`ANALYZE_AFTER` events or more) the store
        refreshes its planner statistics, so that queries keep using the right indexes.
        """
        return catch_up_together([self], upto, progress, stop)[0]

    def wait_for(self, position: int | None, timeout: float = 2.0) -> None:
        """Return once the view has applied `position` (read-your-writes); TimeoutError
        after `timeout` seconds.

        While a projector that is woken by new events (`follows_pushes`) holds the view,
        this waits for the view's position to reach `position`, polling it, and applies
        nothing itself: catching up inline beside it would race it for the same rows (lock
        waits, PositionMoved rollbacks, retries). It catches up inline when no projector
        holds the view, when the projector lets go of it meanwhile, when the view has not
        moved for `stall` seconds while behind (a stuck projector), or once `handoff` of
        `timeout` has passed (a slow one); and always on SQLite, whose projector polls the
        log every `poll_interval` rather than being woken, so a read would wait up to that
        long for it. Each catch-up applies each event exactly once, whoever else applies
        it; `inline_catch_ups` counts them.
        """
        if position is None:
            return
        reached = self.position()
        if reached >= position:
            return
        started = time.monotonic()
        if self.follows_pushes() and self.projector_active():
            handoff = started + timeout * self.handoff
            if self._await_projector(position, reached, handoff) >= position:
                return
        self._catch_up_inline(position, started + timeout)

    def follows_pushes(self) -> bool:
        """Whether this application's projector is woken by new events (PostgreSQL LISTEN/
        NOTIFY, memory), so that a reader does better to wait for it than to catch up."""
        return supports_subscriptions(self.app)

    def projector_active(self) -> bool:
        """Whether a projector holds this view: this runner's (`is_active`) or another's,
        in this process or another (the store's `projector_held`, asked at most once every
        `HELD_FOR` seconds: a projector that starts meanwhile is raced that long at most)."""
        if self.is_active.is_set():
            return True
        now = time.monotonic()
        if now >= self._held_until:
            self._held = self.store.projector_held()
            self._held_until = now + HELD_FOR
        return self._held

    def _await_projector(self, position: int, reached: int, deadline: float) -> int:
        """Poll the view's position until it reaches `position` or `deadline` passes; stop
        early (for the caller to catch up inline) when the projector lets go of the view or
        leaves it unmoved for `stall` seconds. The position last read."""
        delay = FIRST_POLL
        moved_at = checked_at = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= deadline or now - moved_at >= self.stall:
                return reached
            if now - checked_at >= HELD_FOR:
                checked_at = now
                if not self.projector_active():
                    return reached
            time.sleep(min(delay, deadline - now))
            delay = min(delay * 2, LAST_POLL)
            found = self.position()
            if found >= position:
                return found
            if found != reached:
                reached, moved_at, delay = found, time.monotonic(), FIRST_POLL

    def _catch_up_inline(self, position: int, deadline: float) -> None:
        self.inline_catch_ups += 1
        self.catch_up(upto=position)
        delay = 0.01
        while self.position() < position:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"View {self.name!r} has not reached position {position}")
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.2)
            self.catch_up(upto=position)


def supports_subscriptions(app: Application[Any]) -> bool:
    """Whether the application's recorder can push new events (not SQLite's: poll instead)."""
    # SQLite's recorder raises NotImplementedError from subscribe().
    return not isinstance(app.recorder, SQLiteApplicationRecorder)


@contextmanager
def wake_ups(
    app: Application[Any], gt: int, stop: threading.Event
) -> Iterator[Iterator[int | None]]:
    """Wake-ups for a projector following the log after `gt`, until `stop` is set: each is
    the position of a new event, or None for "the log may hold new events".

    On PostgreSQL: LISTEN on the channel the recorder NOTIFYs at each write, on a
    connection of its own; one wake-up at once (for what came before the LISTEN), then one
    for each batch of notifications. eventsourcing's subscription would also read every
    new notification (a SELECT per wake-up, in a thread of its own), which the projector
    reads again in pages anyway. Elsewhere (the memory store): eventsourcing's subscription.
    """
    recorder = app.recorder
    if not isinstance(recorder, PostgresApplicationRecorder):
        with _subscription_until(app, gt, stop) as subscription:
            yield (notification.id for notification in subscription)
        return
    channel = SQL("LISTEN {0}").format(Identifier(recorder.channel_name))
    with recorder.datastore.get_connection() as connection:
        connection.execute(channel)
        try:
            yield _notified(connection, stop)
        finally:
            if not connection.closed:  # a broken one is closed, and not put back
                connection.execute("UNLISTEN *")  # before it goes back to the pool


def _notified(connection: Connection[Any], stop: threading.Event) -> Iterator[None]:
    yield None
    while not stop.is_set():
        # At most 0.1 s at a time, to see `stop`; all the notifications that came while
        # the projector worked are one wake-up.
        if any(True for _ in connection.notifies(timeout=0.1)):
            for _ in connection.notifies(timeout=0):  # the others already there
                pass
            yield None


@contextmanager
def _subscription_until(
    app: Application[Any], gt: int, stop: threading.Event
) -> Iterator[Subscription[ApplicationRecorder]]:
    """eventsourcing's subscription to the log's notifications after `gt` (undecoded),
    which ends when `stop` is set."""
    with app.recorder.subscribe(gt=gt) as subscription:
        done = threading.Event()
        stopper = threading.Thread(
            target=_stop_when_set, args=(stop, done, subscription), daemon=True
        )
        stopper.start()
        try:
            yield subscription
        finally:
            done.set()
            stopper.join()


def catch_up_together(
    runners: Sequence[ViewRunner],
    upto: int | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> list[int]:
    """`catch_up` for several views of one application: each page is read and decoded ONCE.

    Pages start at the lowest position among the views; a view further on gets only the
    events after its own position. Each view applies each page with its tracking position
    in one transaction as ever, and on SQL stores of one database the views' transactions
    of a page are a single one (`ViewStore.apply_together`). The views share the records,
    so a projection must never change a record (see `ViewProjection.process`). Returns the
    number of events applied to each view, in the order given.
    """
    if any(runner.app is not runners[0].app for runner in runners):
        raise ValueError("Views catch up together only from one application's log")
    applied = _catch_up_pages(runners, upto, progress, stop) if runners else []
    for runner, count in zip(runners, applied, strict=True):
        if count >= ANALYZE_AFTER:
            runner.store.refresh_statistics()
    return applied


def _catch_up_pages(
    runners: Sequence[ViewRunner],
    upto: int | None,
    progress: Progress | None,
    stop: threading.Event | None,
) -> list[int]:
    first = runners[0]
    applied = [0] * len(runners)
    while stop is None or not stop.is_set():
        states = [runner.state() for runner in runners]  # before the page is decoded
        forget_keys_if_cleared(runners, states)
        start = min(state.position for state in states)
        if upto is not None and start >= upto:
            break
        notifications = first.app.recorder.select_notifications(
            start=start, limit=first.page_size, stop=upto, inclusive_of_start=False
        )
        if not notifications:
            break
        try:
            counts = apply_page(runners, states, first.records(notifications))
        except PositionMoved:
            continue  # someone else moved a view: re-read the positions
        for index, count in counts:
            applied[index] += count
        if progress is not None:
            progress(notifications[-1].id)
    return applied


def forget_keys_if_cleared(runners: Sequence[ViewRunner], states: Sequence[ViewState]) -> None:
    """Have the mapper forget its cached keys if a view was cleared since these runners
    last looked (or they never did): the clear came after an erasure's key deletion."""
    cleared = False
    for runner, state in zip(runners, states, strict=True):
        if runner.generation_seen != state.generation:
            runner.generation_seen = state.generation
            cleared = True
    forget: Callable[[], None] | None = getattr(runners[0].app.mapper, "forget_keys", None)
    if cleared and forget is not None:
        forget()


def apply_page(
    runners: Sequence[ViewRunner], states: Sequence[ViewState], records: Sequence[EventRecord]
) -> list[tuple[int, int]]:
    """Apply records to every view whose position is before their end, each only those after
    its position, in one `apply_together`; (view index, events applied) for each view applied.

    `states` are the views' states read before the records were decoded. Raises
    PositionMoved (nothing applied) if a view's position or generation is no longer that.
    """
    ids = [record.position for record in records]
    parts: list[ApplyPart] = []
    counts: list[tuple[int, int]] = []
    for index, (runner, state) in enumerate(zip(runners, states, strict=True)):
        mine = records[bisect_right(ids, state.position) :]
        if mine:
            tracking = Tracking(runner.app.name, mine[-1].position)
            parts.append((runner.store, tracking, runner.updater(mine, state)))
            counts.append((index, len(mine)))
    if not parts:
        return []
    done = parts[0][0].apply_together(parts)
    return [count for count, applied in zip(counts, done, strict=True) if applied]


def _stop_when_set(
    stop: threading.Event, done: threading.Event, subscription: Subscription[Any]
) -> None:
    # The subscription's iterator blocks: stopping it is the only way to end the loop.
    while not done.is_set():
        if stop.wait(0.1):
            subscription.stop()
            return
