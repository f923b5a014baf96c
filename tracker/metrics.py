"""Prometheus metrics at GET /metrics: requests, latencies, events written, projection lag.

What is counted, and where it comes from:

- ``tracker_http_requests_total{method,route,status}`` and
  ``tracker_http_request_duration_seconds{method,route}`` (a histogram): every answer of
  the web app, labelled by its URL rule (``/api/v1/goals/<uuid:goal_id>``, never the raw
  path, so ids cannot blow up the series; ``<unmatched>`` for unknown URLs). The latency
  of a streamed answer (the live tail) is the time to its first byte.
- ``tracker_events_written_total{type}``: events saved by this web app, by type
  (``Goal.Revised``), counted as eventsourcing hands them to the application's
  after-save hook.
- At scrape time, from the store itself (so it holds for the whole deployment, whichever
  process wrote or projected): ``tracker_event_log_head`` (the last position written),
  ``tracker_projection_position{view}``, ``tracker_projection_lag_events{view}`` and
  ``tracker_store_up`` (0 when the store does not answer; the lag is then left out).

Under gunicorn each worker is a process of its own: with ``PROMETHEUS_MULTIPROC_DIR`` set
(`tracker.gunicorn_conf` sets it before any worker starts) the counters and histograms
are kept in files there and /metrics sums every worker's, whichever worker answers the
scrape. Without it (one process: tests, the Flask dev server) they live in memory.
``TRACKER_METRICS=off`` leaves /metrics out.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import Application
from eventsourcing.persistence import PersistenceError, Recording
from flask import Flask, Response, g, request
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from tracker.errors import StorageUnavailable
from tracker.projecting import Projections

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "tracker_http_requests",
    "HTTP requests answered, by URL rule, method and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "tracker_http_request_duration_seconds",
    "Time to answer an HTTP request, by URL rule and method.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
EVENTS_WRITTEN = Counter(
    "tracker_events_written", "Events saved by the web app, by type.", ["type"]
)


@dataclass(frozen=True)
class ViewLag:
    """Where one view stands behind the event log."""

    position: int
    lag: int


@dataclass(frozen=True)
class ProjectionLag:
    """The log's head and each view's position and lag, read in one go."""

    head: int
    views: dict[str, ViewLag]

    @property
    def worst(self) -> int:
        """The largest lag of any view (0 with no views)."""
        return max((view.lag for view in self.views.values()), default=0)


def projection_lag(projections: Projections) -> ProjectionLag:
    """The head and each view's lag, without taking any projector lock.

    The head is read first, so a view can only look less behind than it is by the events
    written while the positions are read, never more.
    """
    runners = list(projections.runners.values())
    head = runners[0].head() if runners else 0
    views = {}
    for runner in runners:
        position = runner.position()
        views[runner.name] = ViewLag(position, max(head - position, 0))
    return ProjectionLag(head, views)


class StoreCollector(Collector):
    """Reads the head and the views' lag from the store at each scrape."""

    def __init__(self, lag: Callable[[], ProjectionLag]) -> None:
        self._lag = lag

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("tracker_store_up", "1 if the event store answered the scrape.")
        try:
            found = self._lag()
        except (PersistenceError, StorageUnavailable, OSError):
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily(
            "tracker_event_log_head", "Position of the last event written.", value=found.head
        )
        position = GaugeMetricFamily(
            "tracker_projection_position", "Last event applied to the view.", labels=["view"]
        )
        lag = GaugeMetricFamily(
            "tracker_projection_lag_events",
            "Events written but not yet in the view.",
            labels=["view"],
        )
        for name, view in found.views.items():
            position.add_metric([name], view.position)
            lag.add_metric([name], view.lag)
        yield position
        yield lag


def multiprocess_mode() -> bool:
    """Whether the metrics are kept in files shared by several processes."""
    return bool(os.environ.get(MULTIPROC_ENV))


def exposition(lag: Callable[[], ProjectionLag]) -> bytes:
    """The metrics in Prometheus' text format: every worker's counters, then the store's."""
    if multiprocess_mode():
        workers = CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)  # type: ignore[no-untyped-call]
        counted = generate_latest(workers)
    else:
        counted = generate_latest(REGISTRY)
    store = CollectorRegistry(auto_describe=False)
    store.register(StoreCollector(lag))
    return counted + generate_latest(store)


def count_saved_events(tracker: Application[Any]) -> None:
    """Count every event `tracker` saves, by type.

    eventsourcing calls `Application._notify(recordings)` after each save, and does nothing
    there itself: it is the library's hook for "these events were just stored".
    """
    after_save = tracker._notify

    def notify(recordings: Sequence[Recording[Any]]) -> None:
        for recording in recordings:
            EVENTS_WRITTEN.labels(type(recording.domain_event).__qualname__).inc()
        after_save(list(recordings))

    setattr(tracker, "_notify", notify)  # noqa: B010 (an instance attribute shadows the method)


def metrics_enabled() -> bool:
    """Whether the web app measures itself and serves /metrics (TRACKER_METRICS, on by default)."""
    return os.environ.get("TRACKER_METRICS", "on").lower() not in ("off", "0", "false", "no")


def init_metrics(app: Flask, tracker: Application[Any]) -> None:
    """Time and count every request of `app`, and count the events `tracker` saves.

    Call it before the other request hooks are added, so that the timer starts first.
    The page itself is served by the health blueprint (tracker.web.api.health).
    """
    if not metrics_enabled():
        return
    count_saved_events(tracker)
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_observe)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    rule = request.url_rule
    route = rule.rule if rule is not None else UNMATCHED
    method = request.method if request.method in KNOWN_METHODS else "OTHER"
    REQUESTS.labels(method, route, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        LATENCY.labels(method, route).observe(time.perf_counter() - started)
    return response
