"""Several gunicorn workers booting together on a fresh PostgreSQL schema all come up.

Each worker creates the tables it needs (events, views, accounts, sessions, keys...) with
CREATE TABLE IF NOT EXISTS, which PostgreSQL does not make safe against itself; without the
setup lock (`tracker.setup_lock`) one of them fails to boot and gunicorn stops. Even on a
schema set up long ago, every start replaces eventsourcing's insert function, so a worker
and `tracker project` (or any command) starting together collide unless they take turns.
Projectors opening the views together create the views' tables in turn too.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import psycopg
import pytest

from tests.reliability.conftest import open_app
from tests.reliability.servers import Client, Server
from tracker.projecting import Projections
from tracker.settings import Settings

WORKERS = 3
PROJECTORS = 4
ROUNDS = 3

pytestmark = [pytest.mark.postgres, pytest.mark.slow]  # processes started together


def live_children(pid: int) -> list[int]:
    """The processes `pid` forked that are still running (gunicorn's workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children if Path(f"/proc/{child}").exists()]


def test_workers_booting_together_on_a_fresh_schema_all_serve(
    postgres_url: str, tmp_path: Path
) -> None:
    server = Server.start(postgres_url, tmp_path, workers=WORKERS)
    try:
        deadline = time.monotonic() + 30
        while server.running.output().count("Booting worker") < WORKERS:
            assert time.monotonic() < deadline, server.running.output()[-3000:]
            time.sleep(0.2)
        time.sleep(2)  # a worker that fails to boot takes gunicorn down within moments

        answers = [Client(server.url).call("GET", "/readyz")[0] for _ in range(30)]

        log = server.running.output()
        assert server.running.alive(), log[-3000:]
        assert "Worker failed to boot" not in log, log[-3000:]
        assert "Traceback" not in log, log[-3000:]
        assert len(live_children(server.running.process.pid)) == WORKERS
        assert answers == [200] * 30
    finally:
        server.stop()


def test_applications_starting_together_on_a_set_up_schema_all_start(postgres_url: str) -> None:
    open_app(postgres_url).close()  # every table exists from now on
    failures: list[Exception] = []

    def start_and_stop_again() -> None:
        for _ in range(6):
            try:
                open_app(postgres_url).close()
            except Exception as error:  # collected, to name every failure below
                failures.append(error)

    starters = [threading.Thread(target=start_and_stop_again) for _ in range(4)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join(60)

    assert not failures, {str(failure) for failure in failures}  # "tuple concurrently updated"


def test_projectors_starting_together_on_a_fresh_schema_all_start(postgres_url: str) -> None:
    # The store's own tables exist (a web worker made them); the views' are made by whichever
    # projector comes first, as when `tracker project` is started twice at once.
    rounds = [postgres_url] + [fresh_schema(postgres_url, n) for n in range(ROUNDS - 1)]
    failures: list[Exception] = []
    try:
        for url in rounds:
            app = open_app(url)
            failures += open_together(partial(Projections, app, Settings(database_url=url)))
            app.close()
    finally:
        for url in rounds[1:]:
            drop_schema(url)
    assert not failures, {str(failure) for failure in failures}


def open_together(open_: Callable[[], Projections]) -> list[Exception]:
    """Open views on `PROJECTORS` threads at the same moment and close them; the errors."""
    failures: list[Exception] = []
    start = threading.Barrier(PROJECTORS)

    def open_and_close() -> None:
        start.wait(30)
        try:
            open_().close()
        except Exception as error:  # collected, to name every failure
            failures.append(error)

    threads = [threading.Thread(target=open_and_close) for _ in range(PROJECTORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return failures


def fresh_schema(postgres_url: str, n: int) -> str:
    """Another new schema next to the test's, dropped by `drop_schema`."""
    base, schema = postgres_url.split("?schema=")
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}_{n}"')
    return f"{base}?schema={schema}_{n}"


def drop_schema(url: str) -> None:
    base, schema = url.split("?schema=")
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
