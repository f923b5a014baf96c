"""Under CI=true an unreachable PostgreSQL fails the run; elsewhere its tests are skipped.

The rule lives in tests/conftest.py (`_postgres_connection`, used by every PostgreSQL
fixture). Here the connection is refused by a stand-in for psycopg.connect: no network.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from tests import conftest

# The fixtures' way to PostgreSQL (untyped there: it returns a psycopg connection).
connect_for_tests: Callable[[], Any] = conftest._postgres_connection


def refuse(*_: Any, **__: Any) -> Any:
    raise psycopg.OperationalError("connection refused")


def test_an_unreachable_postgresql_fails_the_run_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(psycopg, "connect", refuse)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required under CI"):
        connect_for_tests()


@pytest.mark.parametrize("ci", [None, "false", ""])
def test_an_unreachable_postgresql_skips_its_tests_elsewhere(
    monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    monkeypatch.setattr(psycopg, "connect", refuse)
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="PostgreSQL unreachable"):
        connect_for_tests()
