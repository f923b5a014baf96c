"""`tracker serve`: the web app under gunicorn, on the configured event store.

gunicorn's settings come from `tracker.gunicorn_conf` (TRACKER_* environment variables,
graceful shutdown, metrics across workers); the options here override bind, workers and
threads.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from types import ModuleType
from typing import Any

import click
from gunicorn.app.base import BaseApplication

from tracker.cli.common import open_application, pass_settings, redacted
from tracker.projecting import projector_mode
from tracker.settings import Settings, SettingsError

WEB_APP_MODULE = "tracker.app"
GUNICORN_CONFIG = "tracker.gunicorn_conf"


class TrackerServer(BaseApplication):  # type: ignore[misc]
    """gunicorn running `tracker.app.create_app()`; each worker builds its own app.

    Configured by `tracker.gunicorn_conf`, then by `options` (which win).
    """

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        settings = vars(importlib.import_module(GUNICORN_CONFIG))
        for key, value in {**settings, **self.options}.items():
            if key in self.cfg.settings:  # the module's own helpers are no settings
                self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        # Built in the worker, after the fork: no database connection crosses processes.
        app: Callable[..., Any] = web_app_module().create_app()
        return app


def web_app_module() -> ModuleType:
    """The module holding `create_app`, or a clear error if it cannot be imported."""
    try:
        return importlib.import_module(WEB_APP_MODULE)
    except ModuleNotFoundError as error:
        if error.name != WEB_APP_MODULE:
            raise
        raise click.ClickException(
            f"The web app ({WEB_APP_MODULE}.create_app) is not installed in this version."
        ) from None


def url_for_bind(bind: str) -> str | None:
    """Where a browser on this machine opens the server bound to `bind` (None for sockets)."""
    if bind.startswith(("unix:", "fd://")):
        return None
    host, sep, port = bind.rpartition(":")
    if not sep or host.endswith(":") or port.endswith("]"):
        host, port = bind, "8000"  # gunicorn's default port
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}.get(host, host)
    return f"http://{host}:{port}/"


@click.command()
@click.option(
    "--bind",
    envvar="TRACKER_BIND",
    show_envvar=True,
    default="127.0.0.1:8000",
    show_default=True,
    metavar="HOST:PORT",
    help="Address to listen on; 0.0.0.0:8000 to be reachable from other machines.",
)
@click.option(
    "--workers",
    envvar="TRACKER_WORKERS",
    show_envvar=True,
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="gunicorn worker processes; each opens its own connections to the store.",
)
@click.option(
    "--threads",
    envvar="TRACKER_THREADS",
    show_envvar=True,
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Threads per worker: requests (and live tails) served at once by each.",
)
@pass_settings
def serve(settings: Settings, bind: str, workers: int, threads: int) -> None:
    """Serve the web app with gunicorn until Ctrl+C or SIGTERM (in-flight requests finish).

    The workers use the same event store as this command (--database-url, passed on to
    them as TRACKER_DATABASE_URL). Load something to look at first with `tracker demo`.
    On PostgreSQL, run `tracker project` alongside to keep the read models up to date.
    See docs/deploy.md for every setting.
    """
    try:
        settings.eventsourcing_env()  # a malformed URL fails before gunicorn's metrics setup
    except SettingsError as error:
        where = redacted(settings.database_url)
        raise click.ClickException(f"{error} (database URL: {where})") from None
    importlib.import_module(GUNICORN_CONFIG)  # before the app: it prepares the metrics dir
    _check_store(settings)
    if not hasattr(web_app_module(), "create_app"):
        raise click.ClickException(f"{WEB_APP_MODULE} has no create_app().")
    if settings.backend == "popo" and workers > 1:
        click.echo("Note: with memory:// every worker has a store of its own; use --workers 1.")
    os.environ["TRACKER_DATABASE_URL"] = settings.database_url
    url = url_for_bind(bind)

    def when_ready(_arbiter: object) -> None:
        click.echo(f"Serving the tracker on {redacted(settings.database_url)} at {url or bind}")
        if url:
            click.echo(f"  health:   {url}healthz, ready: {url}readyz, metrics: {url}metrics")
            click.echo(f"  JSON API: {url}api/v1 (described at {url}api/v1/openapi.json)")
        if projector_mode(settings) == "off":
            click.echo("Run `tracker project` alongside to keep the read models up to date.")
        click.echo("Press Ctrl+C to stop.")

    options = {"bind": bind, "workers": workers, "threads": threads, "when_ready": when_ready}
    TrackerServer(options).run()


def _check_store(settings: Settings) -> None:
    """Open the store once before forking, so a wrong URL fails here with a clear message."""
    with open_application(settings) as app:
        if not app.recorder.max_notification_id():
            click.echo("The store is empty: run `tracker demo` to load a year of examples.")
