"""gunicorn's configuration for the tracker, from TRACKER_* environment variables.

`tracker serve` runs with it (its options override bind, workers and threads); to run
gunicorn yourself::

    gunicorn -c python:tracker.gunicorn_conf

Workers are gthread workers: each request holds a thread, so the feed's live tail and
long polls do not block a whole worker (see docs/integrators.md). Each worker builds its
own app after the fork (no preload), so no database connection crosses processes.

The master imports the app's modules (`tracker.app` and all it imports: Flask,
flask-smorest, eventsourcing, psycopg...) when it loads this module, before it forks, but
builds no app: a worker starts with them imported and only builds its app (about 0.2 s of
CPU instead of 1.1 s). Nothing they run at import crosses the fork badly: no thread, no
connection, no open file; module-level locks are not held; prometheus_client's values move
to a file of the worker's own pid at the worker's first count. As with `tracker serve`,
which always imported them in the master, new code needs the master restarted: a worker
that gunicorn starts again (after SIGHUP, a crash, a timeout) runs the code the master
imported.

Graceful shutdown: on SIGTERM (or SIGINT) gunicorn stops accepting connections, lets
in-flight requests finish for up to ``TRACKER_GRACEFUL_TIMEOUT`` seconds, then each worker
stops its background projector, if any (between two pages: it releases the view's lock
for another projector), and closes its store connections.

Metrics: ``PROMETHEUS_MULTIPROC_DIR`` is set (a fresh temporary directory unless given)
before any worker starts, so /metrics sums every worker's counters (tracker.metrics).
Stale files from an earlier run are removed at start; a temporary directory is removed when
the master exits.
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

# Not imported from tracker.metrics: that would import prometheus_client before it is set.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
DEFAULT_BIND = "127.0.0.1:8000"
WEB_APP_MODULE = "tracker.app"


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name) or str(default)
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


def prepare_metrics_dir() -> tuple[Path, bool]:
    """The directory where workers keep their metrics, and whether it was made here.

    Must run before `prometheus_client` is first imported in the master (its value class
    is chosen at import), hence at the import of this module.
    """
    given = os.environ.get(MULTIPROC_ENV)
    if "prometheus_client" in sys.modules and not given:
        raise RuntimeError(f"Load {__name__} before prometheus_client, or set {MULTIPROC_ENV}")
    if given:
        path = Path(given)
        path.mkdir(parents=True, exist_ok=True)
        return path, False
    path = Path(tempfile.mkdtemp(prefix="tracker-metrics-"))
    os.environ[MULTIPROC_ENV] = str(path)
    atexit.register(_remove_in, os.getpid(), path)
    return path, True


def _remove_in(pid: int, path: Path) -> None:
    # Forked workers run the master's exit handlers too: only the master removes the dir.
    if os.getpid() == pid:
        shutil.rmtree(path, ignore_errors=True)


METRICS_DIR, METRICS_DIR_IS_OURS = prepare_metrics_dir()

wsgi_app = f"{WEB_APP_MODULE}:create_app()"
bind = os.environ.get("TRACKER_BIND") or DEFAULT_BIND
workers = _int_env("TRACKER_WORKERS", 2)
worker_class = "gthread"
threads = _int_env("TRACKER_THREADS", 8)
timeout = _int_env("TRACKER_TIMEOUT", 30)
graceful_timeout = _int_env("TRACKER_GRACEFUL_TIMEOUT", 30)
keepalive = 5
_access_log = os.environ.get("TRACKER_ACCESS_LOG", "-")
accesslog = None if _access_log.lower() in ("", "off") else _access_log
# gunicorn 27's control socket lives in the home directory and would clash between two
# servers on one machine; nothing here uses it.
control_socket_disable = True


def database_wait_within(worker_timeout: int) -> float:
    """The seconds a request may wait for the database (TRACKER_DATABASE_WAIT), if at most
    half the worker timeout: a request refused for want of a database is answered (503 with
    Retry-After) well before the worker, or a proxy with a like timeout, gives up on it."""
    from tracker.settings import Settings, SettingsError

    try:
        wait = Settings.from_env().database_wait
    except SettingsError as error:
        raise SystemExit(str(error)) from None
    if wait > worker_timeout / 2:
        raise SystemExit(
            f"TRACKER_DATABASE_WAIT ({wait:g} s) must be at most half of TRACKER_TIMEOUT "
            f"({worker_timeout} s): a request refused for want of a database must be answered first"
        )
    return wait


database_wait = database_wait_within(timeout)


def on_starting(server: Any) -> None:
    """Forget the metrics of an earlier run that used the same directory."""
    for stale in METRICS_DIR.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: drop its live gauges (its counters still count)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def worker_exit(server: Any, worker: Any) -> None:
    """In the exiting worker, after its last request: stop projecting, close the store."""
    from tracker.app import close_app

    app = getattr(worker, "wsgi", None)
    if app is not None and hasattr(app, "extensions"):
        close_app(app)


def import_the_app() -> None:
    """Import the web app's modules here in the master (not the app: see the module)."""
    try:
        importlib.import_module(WEB_APP_MODULE)
    except ModuleNotFoundError as error:
        if error.name != WEB_APP_MODULE:
            raise  # `tracker serve` says clearly that the web app is missing


import_the_app()
