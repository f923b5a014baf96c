"""A database that is locked, full, read-only or down: 503 with Retry-After and a clear log
line, nothing written, and the app recovers by itself as soon as the database is back.

- SQLite locked: another connection holds an exclusive lock longer than the app waits.
- PostgreSQL locked: another session holds the events table's lock longer than the app
  waits (POSTGRES_LOCK_TIMEOUT, tracker.settings; each of eventsourcing's 10 tries).
- SQLite full: every connection of the app gets a `max_page_count` at the current size.
- SQLite read-only: every connection of the app gets `query_only` (root ignores chmod).
- PostgreSQL full: an insert fails with disk_full (SQLSTATE 53100), raised by a trigger.
- PostgreSQL down: the app reaches the shared server through a proxy that is taken down
  and brought back; and its backends are terminated with pg_terminate_backend, or every
  connection is cut: the first request after that succeeds (tracker.pools).
- PostgreSQL down under gunicorn: the refused request is answered 503 once its budget for
  waiting on the database is spent (TRACKER_DATABASE_WAIT, at most half of TRACKER_TIMEOUT
  by tracker.gunicorn_conf), not after eventsourcing's 10 tries of 5 s each.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool
from flask import Flask
from flask.testing import FlaskClient

from tests.reliability.conftest import issue_tokens, open_app
from tests.reliability.proxy import Proxy
from tests.reliability.servers import Client, Server, logs_on_failure
from tracker.app import create_app
from tracker.application import TrackerApplication
from tracker.settings import Settings, storage_env

ADA = "ada"
UNLIMITED = "PRAGMA max_page_count = 1073741823"
HANG = 60  # s: far past a refused write (its 10 tries of a 1 s lock timeout: about 12 s)
LONG_TEXT = "A reflection long enough to need new pages. " * 300  # about 13 kB


@dataclass
class Served:
    """The web app on a store, and Ada's token to write with."""

    app: Flask
    client: FlaskClient
    token: str

    @property
    def tracker(self) -> TrackerApplication:
        application: TrackerApplication = self.app.extensions["tracker"]
        return application

    def head(self) -> int:
        return self.tracker.recorder.max_notification_id() or 0

    def reflect(self) -> Any:
        body = {"text": LONG_TEXT, "private": False}
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.post(f"/api/v1/plans/{ADA}/reflections", json=body, headers=headers)

    def read_plan(self) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.client.get(f"/api/v1/plans/{ADA}", headers=headers)


def serve(database_url: str, monkeypatch: pytest.MonkeyPatch, **env: str) -> Served:
    """The app with Ada's plan started; no background projector (reads catch up inline)."""
    monkeypatch.setenv("TRACKER_PROJECTOR", "off")
    config = {"TESTING": True, "TRACKER_DATABASE_URL": database_url}
    app = create_app({**config, "TRACKER_EVENTSOURCING_ENV": env})
    served = Served(app, app.test_client(), issue_tokens(app.extensions["tracker"], [ADA])[ADA])
    headers = {"Authorization": f"Bearer {served.token}"}
    started = served.client.post("/api/v1/plans", json={"mentee_id": ADA}, headers=headers)
    assert started.status_code == 201, started.get_json()
    return served


def assert_unavailable(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    """A write is refused with 503 + Retry-After and the log says why."""
    caplog.clear()
    response = served.reflect()
    assert_503(response)
    assert "The event store is unavailable" in caplog.text


def assert_503(response: Any) -> None:
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) > 0
    assert response.get_json()["type"].endswith("/storage-unavailable")


def assert_recovered(served: Served, before: int, attempts: int = 1) -> None:
    """Nothing was written meanwhile; within `attempts` tries (each refused one a 503 with
    Retry-After), a write succeeds with no restart of the app, and reads work."""
    assert served.head() == before, "something was written while the store was unavailable"
    for _ in range(attempts):
        response = served.reflect()
        if response.status_code == 200:
            break
        assert_503(response)
    assert response.status_code == 200, f"not recovered after {attempts} attempts"
    assert served.read_plan().status_code == 200
    assert served.head() == before + 1


@pytest.fixture
def sqlite_connections(monkeypatch: pytest.MonkeyPatch) -> list[SQLiteConnection]:
    """Every SQLite connection the app opens from now on, to give them pragmas."""
    made: list[SQLiteConnection] = []
    create = SQLiteConnectionPool._create_connection

    def tracked(pool: SQLiteConnectionPool) -> SQLiteConnection:
        connection = create(pool)
        made.append(connection)
        return connection

    monkeypatch.setattr(SQLiteConnectionPool, "_create_connection", tracked)
    return made


def pragma_on_all(connections: list[SQLiteConnection], pragma: Callable[[Any], str]) -> None:
    for connection in connections:
        raw: sqlite3.Connection = connection._sqlite_conn
        raw.execute(pragma(raw))


def test_a_locked_sqlite_store_answers_503_and_recovers(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    served = serve(sqlite_url, monkeypatch, SQLITE_LOCK_TIMEOUT="1")
    before = served.head()
    holder = sqlite3.connect(storage_env(sqlite_url)["SQLITE_DBNAME"], timeout=5)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert_unavailable(served, caplog)
        assert served.read_plan().status_code == 200  # readers are not blocked (WAL)
    finally:
        holder.rollback()
        holder.close()
    assert_recovered(served, before)
    served.tracker.close()


@pytest.mark.parametrize(
    ("condition", "broken", "mended"),
    [
        ("full", lambda raw: f"PRAGMA max_page_count = {page_count(raw)}", lambda raw: UNLIMITED),
        ("read-only", lambda raw: "PRAGMA query_only = 1", lambda raw: "PRAGMA query_only = 0"),
    ],
)
def test_a_full_or_read_only_sqlite_store_answers_503_and_recovers(
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    sqlite_connections: list[SQLiteConnection],
    condition: str,
    broken: Callable[[Any], str],
    mended: Callable[[Any], str],
) -> None:
    served = serve(sqlite_url, monkeypatch)
    assert served.reflect().status_code == 200  # every connection the app needs is open
    before = served.head()
    pragma_on_all(sqlite_connections, broken)
    try:
        assert_unavailable(served, caplog)
    finally:
        pragma_on_all(sqlite_connections, mended)
    assert_recovered(served, before)
    served.tracker.close()


def page_count(raw: sqlite3.Connection) -> int:
    return int(raw.execute("PRAGMA page_count").fetchone()[0])


@pytest.fixture
def proxied_postgres(postgres_url: str) -> Iterator[tuple[str, Proxy]]:
    """The test's PostgreSQL schema, reached through a proxy of its own."""
    url = urlsplit(postgres_url)
    proxy = Proxy((url.hostname or "127.0.0.1", url.port or 5432))
    proxy.up()
    host = url.netloc.rsplit(":", 1)[0] if url.port else url.netloc
    netloc = f"{host}:{proxy.port}"
    yield urlunsplit(url._replace(netloc=netloc)), proxy
    proxy.down()


@pytest.mark.postgres
def test_postgresql_down_answers_503_and_the_app_recovers_when_it_is_back(
    proxied_postgres: tuple[str, Proxy],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database_url, proxy = proxied_postgres
    served = serve(database_url, monkeypatch)  # the product's waits, not shorter ones
    assert served.reflect().status_code == 200
    before = served.head()
    proxy.down()
    # Refused once the request's budget for waiting is spent, not after eventsourcing's
    # 10 tries of 5 s each (about 52 s): the log says which.
    spent = f"no database connection after waiting {Settings().database_wait:g} s in all"
    try:
        assert_unavailable(served, caplog)
        assert spent in caplog.text
        caplog.clear()
        # not ready: traffic should go elsewhere (this request opens the views, too)
        assert_503(served.client.get("/readyz"))
        assert spent in caplog.text
        assert served.client.get("/healthz").status_code == 200  # but alive: no restart
    finally:
        proxy.up()
    # Every pooled connection died with the database: the first request sweeps them all.
    assert_recovered(served, before)
    assert served.client.get("/readyz").status_code == 200
    served.tracker.close()


@pytest.mark.postgres
def test_a_locked_postgresql_store_answers_503_and_recovers(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Another session holds the events table's lock (a migration, `LOCK TABLE` by hand):
    a write is refused once its tries for the lock time out, as on SQLite; reads go on."""
    served = serve(postgres_url, monkeypatch)  # the product's lock timeout, not a shorter one
    before = served.head()
    schema = storage_env(postgres_url)["POSTGRES_SCHEMA"]
    table = served.tracker.recorder.events_table_name  # type: ignore[attr-defined]
    answered: list[Any] = []
    # In a thread: with no lock timeout the write waits as long as the lock is held, and the
    # test would hang instead of failing.
    writing = threading.Thread(target=lambda: answered.append(served.reflect()), daemon=True)
    with psycopg.connect(postgres_url.split("?")[0]) as holder:
        holder.execute(f'LOCK TABLE "{schema}"."{table}" IN EXCLUSIVE MODE')
        try:
            caplog.clear()
            writing.start()
            writing.join(HANG)
            assert answered, f"a write still waited for the lock after {HANG} s"
            assert_503(answered[0])
            assert "The event store is unavailable" in caplog.text
            assert "lock timeout" in caplog.text
            assert served.read_plan().status_code == 200  # readers are not blocked
        finally:
            holder.rollback()
    writing.join(HANG)
    assert_recovered(served, before)
    served.tracker.close()


@pytest.mark.postgres
def test_a_full_postgresql_store_answers_503_and_recovers(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The server's disk is full: an insert fails with SQLSTATE 53100 (disk_full), as
    PostgreSQL says "could not extend file". The shared server's disk cannot be filled
    here, so a trigger on the test's own events table raises that very error."""
    served = serve(postgres_url, monkeypatch)
    assert served.reflect().status_code == 200
    before = served.head()
    events = f'"{storage_env(postgres_url)["POSTGRES_SCHEMA"]}".'
    events += f'"{served.tracker.recorder.events_table_name}"'  # type: ignore[attr-defined]
    function = events.replace("_events", "_events_disk_full")
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as admin:
        admin.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'could not extend file: No space left on device' "
            "USING ERRCODE = 'disk_full'; END $$"
        )
        admin.execute(
            f"CREATE TRIGGER disk_full BEFORE INSERT ON {events} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
        try:
            assert_unavailable(served, caplog)
            assert "No space left on device" in caplog.text
            assert served.read_plan().status_code == 200  # what is stored can still be read
        finally:
            admin.execute(f"DROP TRIGGER disk_full ON {events}")
    assert_recovered(served, before)
    served.tracker.close()


@pytest.mark.postgres
def test_terminated_postgresql_backends_are_replaced_on_the_next_request(
    proxied_postgres: tuple[str, Proxy], postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    database_url, proxy = proxied_postgres
    served = serve(database_url, monkeypatch)
    assert served.reflect().status_code == 200
    before = served.head()
    ports = proxy.upstream_ports()  # the app's backends, and only them
    with psycopg.connect(postgres_url.split("?")[0], autocommit=True) as admin:
        terminated = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE client_port = ANY(%s) AND pid <> pg_backend_pid()",
            (list(ports),),
        ).fetchone()
    assert terminated is not None
    assert terminated[0] > 0
    assert_recovered(served, before)
    served.tracker.close()


@pytest.mark.postgres
@pytest.mark.parametrize("first", ["read", "write"])
def test_the_first_request_after_every_pooled_postgresql_connection_died_succeeds(
    proxied_postgres: tuple[str, Proxy], monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    database_url, proxy = proxied_postgres
    served = serve(database_url, monkeypatch)
    assert served.reflect().status_code == 200
    assert served.read_plan().status_code == 200  # the views' pool is open and used too
    before = served.head()
    proxy.cut()  # as a database restart does: every connection of every pool drops
    if first == "read":
        response = served.read_plan()
        assert response.status_code == 200, response.get_data(as_text=True)
        assert served.head() == before
    else:
        response = served.reflect()
        assert response.status_code == 200, response.get_data(as_text=True)
        assert served.head() == before + 1
    served.tracker.close()


def gunicorn_config(**env: str) -> subprocess.CompletedProcess[str]:
    """Load tracker.gunicorn_conf as gunicorn does, in a process of its own (it sets up
    the metrics directory at import); print its worker timeout and database wait."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    code = "import tracker.gunicorn_conf as c; print(c.timeout, c.database_wait)"
    return subprocess.run(
        [sys.executable, "-c", code], env={**environ, **env}, capture_output=True, text=True
    )


def test_a_request_waits_for_the_database_well_under_the_worker_timeout() -> None:
    """By default a request's waits for connections, in all, fit in half of gunicorn's
    worker timeout; a setting that would not is refused when gunicorn loads its config."""
    loaded = gunicorn_config()
    assert loaded.returncode == 0, loaded.stderr
    timeout, wait = (float(word) for word in loaded.stdout.split())
    assert wait == Settings().database_wait
    assert 0 < wait <= timeout / 2
    too_long = gunicorn_config(TRACKER_DATABASE_WAIT="11", TRACKER_TIMEOUT="20")
    assert too_long.returncode != 0
    assert "TRACKER_DATABASE_WAIT (11 s) must be at most half" in too_long.stderr
    assert gunicorn_config(TRACKER_DATABASE_WAIT="10", TRACKER_TIMEOUT="20").returncode == 0
    nonsense = gunicorn_config(TRACKER_DATABASE_WAIT="soon")
    assert "TRACKER_DATABASE_WAIT must be a positive number of seconds" in nonsense.stderr


@pytest.mark.postgres
@pytest.mark.slow  # gunicorn
def test_postgresql_down_under_gunicorn_answers_503_once_the_wait_budget_is_spent(
    proxied_postgres: tuple[str, Proxy], tmp_path: Path
) -> None:
    database_url, proxy = proxied_postgres
    tracker = open_app(database_url)
    token = issue_tokens(tracker, [ADA])[ADA]
    tracker.close()
    server = Server.start(database_url, tmp_path, workers=1)
    client = Client(server.url, token, timeout=120)  # no time limit: the log says why
    plan = f"/api/v1/plans/{ADA}"
    with logs_on_failure(server):
        assert client.call("GET", plan)[0] == 404  # signed in; Ada has no plan yet
        proxy.down()
        try:
            status, headers, body = client.call("GET", plan)
            assert status == 503, body
            assert int(headers["retry-after"]) > 0
            assert body["type"].endswith("/storage-unavailable")
        finally:
            proxy.up()
        assert client.call("GET", plan)[0] == 404  # the first request after it is back
        wait = Settings().database_wait
        spent = f"no database connection after waiting {wait:g} s in all"
        assert f"The event store is unavailable: {spent}" in server.running.output()
    server.stop()
