"""Shared fixtures: a hand-moved clock, and storage on POPO, SQLite and real PostgreSQL.

Each PostgreSQL test gets a schema of its own, dropped afterwards, so tests never see each
other's events. Under CI=true an unreachable PostgreSQL fails the run instead of skipping.
Files with slow tests are collected first (for pytest-xdist's scheduling). The run ends by
saying where the browser tests (tests/e2e) put their screenshots: said here,
at the root, so that it is said under pytest-xdist too (its workers' own reports go unseen).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing.rules import Rule

from tracker.application import TrackerApplication
from tracker.clock import ManualClock

POSTGRES_URL = os.environ.get(
    "TRACKER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"  # gitignored


def _reuse_url_builders() -> None:
    """Build each of werkzeug's URL builder functions once per process, not once per app.

    Every `create_app` binds its 128 rules, and werkzeug compiles two builder functions for
    each from a syntax tree (ast, then compile()): 44% of creating the app, which some 400
    tests do. A builder depends only on the rule's text, its parsed parts (`_trace`), the
    names of its defaults and whether unknown arguments are appended, and it reaches the
    rule it serves through its first argument (the rule it is bound to), so the same
    function serves every app's equal rule. Rules whose defaults fill one of their own
    variables (werkzeug turns those into text through the converter) are built as before.
    """
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # a werkzeug without it: build them as it does
        return
    built: dict[tuple[Any, ...], Any] = {}

    def reused(rule: Rule, append_unknown: bool = True) -> Any:
        defaults = tuple(rule.defaults or ())
        if any(dynamic and data in defaults for dynamic, data in rule._trace):
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), defaults, append_unknown)
        if key not in built:
            built[key] = compile_builder(rule, append_unknown)
        return built[key]

    Rule._compile_builder = reused  # type: ignore[method-assign,assignment]


_reuse_url_builders()


class SharedTemplateCode(BytecodeCache):
    """The templates' compiled code, kept in memory for every app of the test process.

    Each app has a Jinja environment of its own, which parses and compiles a template the
    first time it renders it: some 40 ms a template, several per page test, in each of the
    hundreds of apps the tests create. Jinja's bytecode cache (a documented option) hands
    each environment the code compiled before; a template whose source has changed since
    (its checksum differs) is compiled again. Code compiled under one environment's options
    (autoescaping, for one) fits another only if they are the same: every app here is
    Flask's, set up by `create_app`, none with Jinja options of its own.
    """

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": SharedTemplateCode()}


def _postgres_connection():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI but unreachable: {error}")
        pytest.skip(f"PostgreSQL unreachable: {error}")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.sqlite'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose schema exists only for this test."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with _postgres_connection() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"{POSTGRES_URL}?schema={schema}"
    with _postgres_connection() as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The same test on a SQLite file and on real PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def memory_app(clock: ManualClock) -> TrackerApplication:
    """The application on in-memory (POPO) storage: fast, for domain-level behaviour."""
    return TrackerApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"}, clock=clock)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files holding slow tests first, each file kept whole and in order otherwise: under
    `--dist loadfile --no-loadscope-reorder` (make test) they start first, so the run ends on
    short files spread over the workers, not on one worker still busy with a crash test."""
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_files)


RUN_STARTED = "TRACKER_TEST_RUN_STARTED"


def pytest_configure(config: pytest.Config) -> None:
    """The run's start, set once (by the main process; pytest-xdist's workers inherit it):
    the browser tests remove screenshots older than it, never a sibling worker's new ones."""
    os.environ.setdefault(RUN_STARTED, str(datetime.now(UTC).timestamp()))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SCREENSHOTS.exists() and any(SCREENSHOTS.iterdir()):
        count = len(list(SCREENSHOTS.glob("*.png")))
        terminalreporter.write_line(f"Browser screenshots ({count}): {SCREENSHOTS}")
