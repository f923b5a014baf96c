"""Fixtures for the domain's unit tests: no storage, only aggregates and the moments given."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest


@pytest.fixture
def at() -> Callable[[], datetime]:
    """Each call gives the next moment, a day (and a few minutes) after the previous one.

    Tests pass these as ``at`` and check that the events carry exactly these timestamps.
    """
    moments = (
        datetime(2025, 1, 6, 9, 0, tzinfo=UTC) + timedelta(days=n, minutes=7 * n) for n in count(1)
    )
    return lambda: next(moments)
