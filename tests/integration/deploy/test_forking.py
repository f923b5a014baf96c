"""gunicorn's master imports the web app's modules before it forks, and holds no store.

`tracker.gunicorn_conf` imports `tracker.app` in the master, so each worker starts with the
modules imported and only builds its own app after the fork. Nothing of the store may cross
the fork: the master opens no database connection, builds no app and starts no thread.
Checked in each worker right after its fork (a `post_fork` hook added to the tracker's
configuration), before it builds its app, and in the master from outside, while serving.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.integration.deploy.conftest import (
    ROOT,
    Process,
    free_port,
    get,
    serving,
    tracker_env,
    wait_until,
)
from tests.integration.deploy.procfs import connections_to, threads_of

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# Imported by gunicorn as its configuration: the tracker's, plus a report from each worker
# just after the fork (only standard modules and procfs are imported here).
PROBE_CONFIG = """
import gc, json, os, sys
from tracker.gunicorn_conf import *  # noqa: F403
from tests.integration.deploy.procfs import connections_to, threads_of

def post_fork(server, worker):
    flask = sys.modules.get("flask")
    report = {
        "imported": sorted(m for m in %(modules)r if m in sys.modules),
        "apps": 0 if flask is None else sum(isinstance(o, flask.Flask) for o in gc.get_objects()),
        "database_connections": connections_to(%(port)d),
        "master_threads": threads_of(os.getppid()),
    }
    with open(os.path.join(%(reports)r, f"{os.getpid()}.json"), "w") as out:
        json.dump(report, out)
"""
PREIMPORTED = (
    "tracker.app",
    "flask",
    "flask_smorest",
    "marshmallow",
    "jinja2",
    "eventsourcing.application",
    "psycopg",
    "prometheus_client",
)


def database_port(database_url: str) -> int:
    return urlsplit(database_url).port or 5432


def test_workers_fork_from_a_master_that_imported_the_app_but_holds_no_store(
    postgres_url: str, tmp_path: Path
) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    port, db_port = free_port(), database_port(postgres_url)
    (tmp_path / "probe_conf.py").write_text(
        PROBE_CONFIG % {"modules": PREIMPORTED, "port": db_port, "reports": str(reports)}
    )
    env = tracker_env(postgres_url, TRACKER_BIND=f"127.0.0.1:{port}", TRACKER_WORKERS="2")
    env["PYTHONPATH"] = f"{ROOT}:{tmp_path}"
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        command = [sys.executable, "-m", "gunicorn", "-c", "python:probe_conf"]
        master = Process(
            subprocess.Popen(command, stdout=out, stderr=out, env=env, cwd=tmp_path), log
        )
    try:

        def healthy() -> bool:
            assert master.process.poll() is None, master.output()
            try:
                return get(f"http://127.0.0.1:{port}/healthz", timeout=2)[0] == 200
            except OSError:
                return False

        wait_until(healthy, 60, "gunicorn to answer /healthz")
        wait_until(lambda: len(list(reports.glob("*.json"))) == 2, 30, "two workers forked")
        pid = master.process.pid
        assert connections_to(db_port, pid) == [], "the master holds a database connection"
        assert threads_of(pid) == 1
    finally:
        exit_code = master.stop()
    assert exit_code == 0, master.output()

    for report in reports.glob("*.json"):
        worker = json.loads(report.read_text())
        assert worker["imported"] == sorted(PREIMPORTED), worker
        assert worker["apps"] == 0, "the master built an app"
        assert worker["database_connections"] == [], "a worker inherited a database connection"
        assert worker["master_threads"] == 1, "the master forked with threads running"


def test_tracker_serve_checks_the_store_but_keeps_no_connection_open(
    postgres_url: str, tmp_path: Path
) -> None:
    # `tracker serve` opens the store once before gunicorn starts, to fail early on a
    # wrong URL; it must close it again before the workers are forked.
    with serving(postgres_url, tmp_path, workers=2) as server:
        pid = server.process.pid
        assert connections_to(database_port(postgres_url), pid) == [], server.output()
        assert threads_of(pid) == 1
