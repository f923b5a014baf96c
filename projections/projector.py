"""The projector: every view of one application kept up to date by ONE thread (`tracker project`).

Each view still has its own projector lock (one projector per view across threads,
processes and web workers, see `ViewStore.try_lock`). A `Projector` takes the locks it can
and, for the views it holds, reads and decodes the log once: it catches them up together
(`catch_up_together`, pages of the runners' page size), then follows new events: woken by
the log (`wake_ups`: LISTEN on PostgreSQL, eventsourcing's subscription on the memory
store), it applies whatever the log holds beyond the views, in pages (`follow_pages`); on
SQLite it polls.
While it lacks some views' locks it polls, and tries those locks again every
`standby_interval`, so it takes over a view whose projector stopped or died.

A failing view stops the projector (the error is kept and `wait` re-raises it); so does
`stop()` or the stop event, between two pages of a catch-up.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from projections.runner import (
    PositionMoved,
    ViewRunner,
    apply_page,
    catch_up_together,
    supports_subscriptions,
    wake_ups,
)
from projections.store import ProjectorLock, ViewState

log = logging.getLogger(__name__)
APPLY_EVERY = 0.025  # seconds: at most one transaction this often while following new events


class Projector:
    """Runs several views until stopped: one thread per application, whatever the views."""

    def __init__(self, runners: Sequence[ViewRunner]) -> None:
        self.runners = list(runners)
        self.stop_event = threading.Event()
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start projecting (one thread for the views of each application)."""
        by_app: dict[int, list[ViewRunner]] = {}
        for runner in self.runners:
            by_app.setdefault(id(runner.app), []).append(runner)
        for runners in by_app.values():
            group = ViewGroup(runners)
            thread = threading.Thread(target=self._run, args=(group,), name="projector")
            thread.daemon = True
            thread.start()
            self._threads.append(thread)

    def _run(self, group: ViewGroup) -> None:
        try:
            group.run(self.stop_event)
        except BaseException as error:
            log.exception("The projector of %s stopped", ", ".join(group.names))
            self.errors.append(error)
            self.stop_event.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the projector to stop (after the page in hand) and wait for its threads."""
        self.stop_event.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()

    def wait(self, timeout: float | None = None) -> None:
        """Block until stopped (or an error stops it); re-raise the first error."""
        self.stop_event.wait(timeout)
        if self.errors:
            raise self.errors[0]


class ViewGroup:
    """Views of one application projected by one thread: the locks it holds, and its loop."""

    def __init__(self, runners: Sequence[ViewRunner]) -> None:
        self.runners = list(runners)
        self.locks: dict[int, ProjectorLock] = {}  # runner index -> its view's lock

    @property
    def names(self) -> list[str]:
        """The views' names."""
        return [runner.name for runner in self.runners]

    def held(self) -> list[ViewRunner]:
        """The runners whose view's projector lock this group holds, in order."""
        return [runner for index, runner in enumerate(self.runners) if index in self.locks]

    def run(self, stop: threading.Event) -> None:
        """Project the views whose locks can be had until `stop` is set; then release them."""
        first = self.runners[0]
        retry_at = 0.0
        try:
            while not stop.is_set():
                if len(self.locks) < len(self.runners) and time.monotonic() >= retry_at:
                    self._take_locks()
                    retry_at = time.monotonic() + first.standby_interval
                held = self.held()
                if not held:
                    stop.wait(first.standby_interval)
                    continue
                catch_up_together(held, stop=stop)
                if stop.is_set():
                    break
                if len(held) == len(self.runners) and supports_subscriptions(first.app):
                    self._follow_subscription(held, stop)
                else:
                    stop.wait(first.poll_interval)  # and, on SQLite, poll the log
        finally:
            self._release_locks()

    def _take_locks(self) -> None:
        for index, runner in enumerate(self.runners):
            if index not in self.locks and (lock := runner.store.try_lock()) is not None:
                self.locks[index] = lock
                runner.is_active.set()

    def _release_locks(self) -> None:
        for index, lock in list(self.locks.items()):
            self.runners[index].is_active.clear()
            lock.release()
        self.locks.clear()

    def _follow_subscription(self, held: list[ViewRunner], stop: threading.Event) -> None:
        """Sleep until the log has new events (`wake_ups`: PostgreSQL LISTEN/NOTIFY, the
        memory store's subscription), then apply everything written since,
        a page per transaction; return when stopped or when a view's position moved (the
        caller reads the positions again).

        Notifications only wake it: the events are read in pages. One transaction
        for all views per event cost ~4 ms of CPU (the projector's and PostgreSQL's) under
        a stream of writes, and reads wait for the views; a wake-up takes in every event
        written meanwhile, and wake-ups are at least `APPLY_EVERY` apart, so the busier
        the log, the larger the pages. A read waits that much longer at most.
        """
        states = [runner.state() for runner in held]  # before anything is decoded
        reached = min(state.position for state in states)
        applied_at = 0.0
        try:
            with wake_ups(held[0].app, reached, stop) as wakes:
                for position in wakes:
                    if position is not None and position <= reached:
                        continue  # applied with an earlier page
                    if (pause := applied_at + APPLY_EVERY - time.monotonic()) > 0:
                        stop.wait(pause)
                    applied_at = time.monotonic()
                    reached = follow_pages(held, states, stop)
        except PositionMoved as moved:
            log.info("%s; catching up from the store", moved)


def follow_pages(runners: list[ViewRunner], states: list[ViewState], stop: threading.Event) -> int:
    """Apply, in pages, every event after the views' known `states` (updated in place);
    the position all of them have reached. Raises PositionMoved when a view is no longer
    where `states` says (a rebuild, an inline catch-up, another projector)."""
    first = runners[0]
    while True:
        start = min(state.position for state in states)
        notifications = first.app.recorder.select_notifications(
            start=start, limit=first.page_size, inclusive_of_start=False
        )
        if not notifications:
            return start
        end = notifications[-1].id
        behind = [index for index, state in enumerate(states) if state.position < end]
        applied = dict(apply_page(runners, states, first.records(notifications)))
        if any(index not in applied for index in behind):  # another applied it first
            raise PositionMoved(f"{runners[behind[0]].name}: moved past {states[behind[0]]}")
        for index in behind:
            states[index] = ViewState(end, states[index].generation)
        if len(notifications) < first.page_size or stop.is_set():
            return min(state.position for state in states)
