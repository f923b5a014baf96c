"""What every `tracker` command shares: the settings it runs with and friendly errors.

A new command reads the settings with `@pass_settings` and opens the event store with
`with open_application(settings) as app:`, so that a wrong database URL or a database that
is down is reported in one clear sentence, never as a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import click
from eventsourcing.persistence import PersistenceError

from tracker.application import TrackerApplication, build_application
from tracker.clock import Clock, system_clock
from tracker.errors import ApplicationError
from tracker.settings import Settings, SettingsError

pass_settings = click.make_pass_decorator(Settings)


def redacted(database_url: str) -> str:
    """The URL with any password replaced by '***', fit to print."""
    url = urlsplit(database_url)
    if not url.password:
        return database_url
    netloc = url.netloc.replace(f":{url.password}@", ":***@", 1)
    return urlunsplit(url._replace(netloc=netloc))


@contextmanager
def storage_errors(settings: Settings) -> Iterator[None]:
    """Turn storage and configuration failures into a one-line click error."""
    where = redacted(settings.database_url)
    try:
        yield
    except SettingsError as error:
        raise click.ClickException(f"{error} (database URL: {where})") from None
    except OSError as error:
        raise click.ClickException(f"Cannot open the database file for {where}: {error}") from None
    except PersistenceError as error:
        raise click.ClickException(
            f"Cannot use the event store at {where}: {error}. Is the database running, "
            "and are the host, port, user and database name right?"
        ) from None
    except ApplicationError as error:
        raise click.ClickException(error.message) from None


@contextmanager
def open_application(
    settings: Settings, clock: Clock = system_clock
) -> Iterator[TrackerApplication]:
    """The application on the configured store, closed afterwards.

    A store that cannot be opened or used ends the command with a clear one-line error.
    """
    with storage_errors(settings):
        app = build_application(settings, clock=clock)
        try:
            yield app
        finally:
            app.close()
