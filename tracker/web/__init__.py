"""The web layer: the JSON API under /api/v1 (flask-smorest), its OpenAPI document, problems.

Routes parse with a schema, call one application method and render; errors are mapped in
`tracker.web.problems`; who acts is read in `tracker.web.actor`; versions in
`tracker.web.versions`.
"""

from __future__ import annotations

from flask import Flask

from tracker.web.api import API_BLUEPRINTS
from tracker.web.api.health import health
from tracker.web.encoding import IsoJSONProvider
from tracker.web.openapi import API_CONFIG, API_PREFIX, TrackerApi
from tracker.web.parsing import refuse_oversized_bodies


def init_web(app: Flask) -> TrackerApi:
    """Mount the JSON API, its OpenAPI document at /api/v1/openapi.json, and /healthz."""
    app.json = IsoJSONProvider(app)
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    app.before_request(refuse_oversized_bodies)
    api = TrackerApi(app)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix=API_PREFIX)
    api.register_blueprint(health)
    return api
