"""GET /healthz: the service is up and its event store answers."""

from __future__ import annotations

from typing import Any

from tracker.web.blueprint import ApiBlueprint
from tracker.web.context import get_tracker
from tracker.web.schemas.common import HealthSchema

health = ApiBlueprint("health", __name__, description="Is the service up?")


@health.get("/healthz")
@health.response(200, HealthSchema)
@health.alt_response(503, response="SERVICE_UNAVAILABLE")
def healthz() -> dict[str, Any]:
    """Check that the event store answers; 503 with Retry-After if it does not."""
    tracker = get_tracker()
    tracker.recorder.max_notification_id()  # raises (and answers 503) if the store is down
    return {"status": "ok", "database": type(tracker.recorder).__module__.rsplit(".", 1)[-1]}
