"""The timeline API's tests again on PostgreSQL, where a timeline read takes the log's head
and the view's position in the page's own statement (`Projections.read_fresh`), with the
projector as deployed there: none in the web app (TRACKER_PROJECTOR=off), so each read after
a write finds the view behind, drops that page and reads again once caught up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.web.conftest import close_app, make_app
from tests.web.test_timeline_api import (  # noqa: F401 (collected here too)
    test_a_mentee_with_a_mentor_but_no_plan_has_no_timeline,
    test_bad_queries_are_422_problems,
    test_private_reflections_only_reach_their_author,
    test_the_timeline_is_the_view_as_its_openapi_schema_says,
    test_the_timeline_shows_a_write_at_once,
    test_unknown_plan_and_missing_actor,
)
from tracker.clock import ManualClock

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(postgres_url: str, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("TRACKER_PROJECTOR", "off")
    app = make_app(postgres_url, clock)
    yield app
    close_app(app)
