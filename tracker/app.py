"""The Flask application factory (flaskr style): settings, the tracker service, the web."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import Flask

from projections.relationships import VIEW as RELATIONSHIPS
from projections.relationships import relationships_for
from tracker.access import AccessControl
from tracker.application import build_application
from tracker.clock import system_clock
from tracker.metrics import init_metrics
from tracker.pools import init_database_waits
from tracker.settings import Settings
from tracker.setup_lock import one_setup_at_a_time
from tracker.web import init_web
from tracker.web.auth import init_auth
from tracker.web.context import init_tracker
from tracker.web.pages import init_pages
from tracker.web.read_models import projections_of


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the web app over the configured event store.

    Config keys (defaults from the TRACKER_* environment, see `tracker.settings`):
    - ``TRACKER_DATABASE_URL``: sqlite:///path, postgresql://..., or memory://;
    - ``TRACKER_CLOCK``: a callable returning an aware datetime (default: the system clock);
    - ``TRACKER_EVENTSOURCING_ENV``: extra eventsourcing settings, e.g. a lock timeout;
    - ``MAX_CONTENT_LENGTH``: the largest request body in bytes (413 beyond it);
    - ``TRACKER_DATABASE_WAIT`` (environment only): the seconds a request may wait in all
      for PostgreSQL connections before its 503 (`tracker.pools`);
    - ``TRACKER_METRICS`` (environment only): "off" leaves out /metrics (`tracker.metrics`);
    - ``TRACKER_SECRET_KEY``, ``TRACKER_INSECURE_COOKIES``, ``TRACKER_SIGNUP``,
      ``TRACKER_SESSION_HOURS``: sign-in and sessions (`tracker.web.auth`);
    plus any Flask or flask-smorest setting.

    The access policy (`tracker.access`) is on: each request acts as its signed-in user,
    with relationships read fresh from the relationships view.
    """
    settings = Settings.from_env()
    app = Flask(__name__)
    app.config.from_mapping(
        TRACKER_DATABASE_URL=settings.database_url,
        TRACKER_CLOCK=system_clock,
        TRACKER_EVENTSOURCING_ENV={},
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
    )
    app.config.from_mapping(config or {})
    settings = replace(
        settings,
        database_url=app.config["TRACKER_DATABASE_URL"],
        extra_env=dict(app.config["TRACKER_EVENTSOURCING_ENV"]),
    )
    # Each of these may create tables; workers booting together must take turns.
    with one_setup_at_a_time(settings):
        tracker = build_application(settings, clock=app.config["TRACKER_CLOCK"])
        init_metrics(app, tracker)
        init_tracker(app, tracker)
        init_web(app)
        init_auth(app, tracker)
        init_pages(app)
    init_database_waits(app, settings.database_wait)  # first of the request hooks
    tracker.access = AccessControl(
        lambda mentee_id: relationships_for(projections_of(app).fresh(RELATIONSHIPS), mentee_id)
    )
    return app


def close_app(app: Flask) -> None:
    """Stop the views' projector thread, then close the store it reads (never the reverse)."""
    from tracker.web.context import EXTENSION as TRACKER
    from tracker.web.read_models import EXTENSION as PROJECTIONS

    if PROJECTIONS in app.extensions:
        app.extensions[PROJECTIONS].close()
    if TRACKER in app.extensions:
        app.extensions[TRACKER].close()
