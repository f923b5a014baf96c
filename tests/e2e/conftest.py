"""Browser tests: the app served with the demo data on a free 127.0.0.1 port, driven by
Playwright through Debian's Chromium (`/usr/bin/chromium`; Playwright downloads nothing).

Screenshots of the main pages go to `screenshots/` at the repository root (gitignored); the
run prints where (tests/conftest.py). Without Chromium the tests are skipped, or fail under
CI=true: `make test` installs it.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.conftest import RUN_STARTED, SCREENSHOTS
from tracker import demo
from tracker.app import create_app
from tracker.cli.common import open_application
from tracker.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Site:
    """The served app: its address and the demo's password."""

    url: str
    password: str = demo.DEMO_PASSWORD


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def copy_of_demo(tmp_path_factory: pytest.TempPathFactory, target: Path) -> None:
    """`tracker demo`'s year of mentoring (and its accounts) in the SQLite file `target`.

    Loaded once per run: under pytest-xdist the first worker to need it loads it, into the
    run's directory shared by the workers, and every worker serves a copy of its own."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this run's, shared by its workers (pytest-N/popen-gwK)
    loaded = shared / "e2e-demo.sqlite"
    with (shared / "e2e-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not loaded.exists():
            loading = shared / "e2e-demo-loading.sqlite"
            loading.unlink(missing_ok=True)
            url = f"sqlite:///{loading}"
            clock = demo.StoryClock(datetime.now(tz=UTC))
            with open_application(Settings(database_url=url), clock=clock) as tracker:
                demo.load_demo(tracker, clock)
                demo.create_demo_accounts(tracker)
            sqlite_copy(loading, loaded)
    sqlite_copy(loaded, target)


def sqlite_copy(source: Path, target: Path) -> None:
    """The SQLite database `source` (with whatever its WAL holds) into a new file `target`,
    complete once it has its name."""
    partial = target.with_name(target.name + ".partial")
    with closing(sqlite3.connect(source)) as original, closing(sqlite3.connect(partial)) as copy:
        original.backup(copy)
    partial.rename(target)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app on a SQLite file holding `tracker demo`'s year of mentoring, served locally."""
    _chromium_or_skip()
    database = tmp_path_factory.mktemp("e2e") / "tracker.sqlite"
    copy_of_demo(tmp_path_factory, database)
    url = f"sqlite:///{database}"
    app = create_app(
        {"TRACKER_DATABASE_URL": url, "TRACKER_INSECURE_COOKIES": "1", "SECRET_KEY": "e2e"}
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    projections = app.extensions.get("projections")
    if projections is not None:
        projections.close()
    app.extensions["tracker"].close()


@pytest.fixture(scope="session")
def browser(site: Site) -> Iterator[Any]:
    """Debian's Chromium, headless, launched by Playwright (which downloads no browser)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser window (no cookies), desktop-sized."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    window = context.new_page()
    yield window
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """Where the screenshots of this run go (those of earlier runs removed first; each
    xdist worker does so, and must not remove the other worker's)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    started = float(os.environ[RUN_STARTED])
    for old in SCREENSHOTS.glob("*.png"):
        if old.stat().st_mtime < started:
            old.unlink(missing_ok=True)
    return SCREENSHOTS
