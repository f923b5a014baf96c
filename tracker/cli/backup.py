"""`tracker backup FILE` and `tracker restore FILE`: copies of the SQLite store.

The work is done in `tracker.backup`; these commands only say what happened.
"""

from __future__ import annotations

from pathlib import Path

import click

from tracker.backup import BackupError, StoreSummary, backup_store, restore_store
from tracker.cli.common import pass_settings, redacted
from tracker.settings import Settings

FILE = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.argument("file", type=FILE)
@pass_settings
def backup(settings: Settings, file: Path) -> None:
    """Copy the SQLite store, with every view, to FILE while the app keeps serving.

    The copy is one consistent moment of the store, checked with SQLite's integrity check
    before it takes FILE's name. For PostgreSQL use pg_dump (see docs/reliability.md).
    """
    try:
        summary = backup_store(settings.database_url, file)
    except BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Backed up {redacted(settings.database_url)} to {summary.path}: {_told(summary)}")


@click.command()
@click.argument("file", type=FILE)
@click.option(
    "--force",
    is_flag=True,
    help="Replace a store that already holds events (stop the server and projectors first).",
)
@pass_settings
def restore(settings: Settings, file: Path, force: bool) -> None:
    """Restore the SQLite store from FILE, a backup made with `tracker backup`.

    FILE is checked first (a SQLite file, intact, holding tracker events); a damaged or
    foreign file is refused and nothing is written. A store that already holds events is
    only replaced with --force.
    """
    try:
        summary = restore_store(file, settings.database_url, force=force)
    except BackupError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Restored {redacted(settings.database_url)} from {file}: {_told(summary)}")


def _told(summary: StoreSummary) -> str:
    views = ", ".join(summary.views) or "none yet"
    return (
        f"{summary.events} events up to position {summary.last_position}, "
        f"views: {views}; {summary.size_bytes:,} bytes, integrity ok."
    )
