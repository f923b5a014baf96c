"""What a request works with: the tracker application (``app.extensions["tracker"]``), and
for writes, who acts and which version they last read."""

from __future__ import annotations

from typing import Any, cast

from flask import Flask, current_app

from tracker.application import TrackerApplication
from tracker.web.actor import acting_user
from tracker.web.versions import expected_version

EXTENSION = "tracker"


def init_tracker(app: Flask, tracker: TrackerApplication) -> None:
    """Keep the application service on the Flask app, for every request to reach."""
    app.extensions[EXTENSION] = tracker


def get_tracker() -> TrackerApplication:
    """The tracker application of the current Flask app."""
    return cast(TrackerApplication, current_app.extensions[EXTENSION])


def write_context() -> dict[str, Any]:
    """Who writes (the signed-in user) and the version they last read (If-Match), as use-case
    kwargs."""
    return {"actor_id": acting_user(), "expected_version": expected_version()}
