"""Is the service up, and ready? For load balancers, orchestrators and benchmarks.

- GET /healthz (liveness): the process answers; touches no database, so a database outage
  never gets healthy workers restarted.
- GET /readyz (readiness): the event store answers AND every read model is at most
  ``TRACKER_READY_MAX_LAG`` events behind the log (1000 by default); otherwise 503 with
  Retry-After, and the lag of each view in the problem, so that traffic goes elsewhere
  until the projector (`tracker project`) has caught up.
- GET /metrics: Prometheus metrics, summed over every gunicorn worker (tracker.metrics).
- GET /api/v1/ping: answers at once, touching nothing (the baseline of bench/bench_api.py).
"""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

from flask import Response, current_app
from marshmallow import Schema, fields
from prometheus_client import CONTENT_TYPE_LATEST
from werkzeug.exceptions import NotFound

from tracker.metrics import exposition, metrics_enabled, projection_lag
from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker
from tracker.web.problems import Refused
from tracker.web.read_models import get_projections
from tracker.web.schemas.common import HealthSchema

DEFAULT_READY_MAX_LAG = 1000

health = ApiBlueprint("health", __name__, description="Is the service up, and ready?")


class ViewLagSchema(Schema):
    position = fields.Integer(required=True, metadata={"description": "Last event applied."})
    lag = fields.Integer(required=True, metadata={"description": "Events not applied yet."})


class ReadySchema(HealthSchema):
    head = fields.Integer(required=True, metadata={"description": "Last event written."})
    max_lag = fields.Integer(required=True, metadata={"description": "The most lag allowed."})
    views = fields.Dict(keys=fields.String(), values=fields.Nested(ViewLagSchema), required=True)


class PingSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


def database_kind() -> str:
    """'sqlite', 'postgres' or 'popo': which store this worker writes to."""
    # The factory's module: the recorder may be the tracker's own (tracker.services.recorder).
    return type(get_tracker().factory).__module__.rsplit(".", 1)[-1]


def ready_max_lag() -> int:
    """The most events a view may lag behind while the service still says it is ready."""
    configured = current_app.config.get("TRACKER_READY_MAX_LAG")
    if configured is None:
        configured = os.environ.get("TRACKER_READY_MAX_LAG") or DEFAULT_READY_MAX_LAG
    return int(configured)


@health.get("/healthz")
@health.response(200, HealthSchema)
def healthz() -> dict[str, Any]:
    """The process is up (liveness). Says which store it uses without touching it."""
    return {"status": "ok", "database": database_kind()}


@health.get("/readyz")
@health.response(200, ReadySchema)
@health.alt_response(503, response="SERVICE_UNAVAILABLE")
def readyz() -> dict[str, Any]:
    """The store answers and no read model lags more than the limit (readiness).

    503 with Retry-After when the store does not answer, or when a view lags: the problem
    then carries `head`, `max_lag` and each view's `position` and `lag`.
    """
    lag = projection_lag(get_projections())  # raises (and answers 503) if the store is down
    max_lag = ready_max_lag()
    views = {name: asdict(view) for name, view in lag.views.items()}
    if lag.worst > max_lag:
        behind = sorted(name for name, view in lag.views.items() if view.lag > max_lag)
        raise Refused(
            "unavailable",
            f"Read models are behind the event log by more than {max_lag} events: "
            f"{', '.join(behind)}. Is `tracker project` running?",
            head=lag.head,
            max_lag=max_lag,
            views=views,
        )
    return {
        "status": "ready",
        "database": database_kind(),
        "head": lag.head,
        "max_lag": max_lag,
        "views": views,
    }


@health.get("/metrics")
@health.response(200, content_type=CONTENT_TYPE_LATEST)
@health.alt_response(404, response="NOT_FOUND")
def metrics() -> Response:
    """Prometheus metrics, in its text format: requests by route, method and status,
    latencies, events written, and each read model's position and lag behind the log.

    Counters are summed over every gunicorn worker; 404 when TRACKER_METRICS=off.
    """
    if not metrics_enabled():
        raise NotFound("Metrics are off here (TRACKER_METRICS=off).")
    text = exposition(lambda: projection_lag(get_projections()))
    return Response(text, mimetype=CONTENT_TYPE_LATEST)


@health.get("/api/v1/ping")
@health.response(200, PingSchema)
def ping() -> dict[str, str]:
    """Answer at once, touching nothing: the baseline of bench/bench_api.py."""
    return {"status": "ok"}
