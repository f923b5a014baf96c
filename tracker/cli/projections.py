"""`tracker project` and `tracker projections status|rebuild`: running and checking read models."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from tracker.cli.common import open_application, pass_settings, storage_errors
from tracker.projecting import Projections, all_view_names
from tracker.settings import Settings


@contextmanager
def open_projections(settings: Settings, names: list[str] | None = None) -> Iterator[Projections]:
    """The application and its views on the configured store, closed afterwards."""
    with open_application(settings) as app, storage_errors(settings):
        projections = Projections(app, settings, names)
        try:
            yield projections
        finally:
            projections.close()


@click.command()
@click.option(
    "--page-size",
    type=click.IntRange(1, 10_000),
    default=500,
    show_default=True,
    help="Events applied per transaction while catching up.",
)
@pass_settings
def project(settings: Settings, page_size: int) -> None:
    """Keep every read model up to date until stopped (Ctrl-C or SIGTERM).

    One projector per view is active at a time; start a second one and it stands by,
    taking over if the first stops. Safe to kill at any moment: each view resumes from the
    last event it committed, with no event lost or applied twice.
    """
    with open_projections(settings) as projections:
        for runner in projections.runners.values():
            runner.page_size = page_size
        projector = projections.start_projector()

        def stop(signum: int, frame: FrameType | None) -> None:
            projector.stop_event.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        click.echo(f"Projecting {', '.join(projections.names)}; Ctrl-C stops.", err=True)
        try:
            projector.wait()
        except Exception as error:  # a read model failed: say which, exit non-zero
            raise click.ClickException(f"A projection stopped: {error}") from None


@click.group()
def projections() -> None:
    """Check and rebuild the read models (timeline, plan as of, ...)."""


@projections.command()
@pass_settings
def status(settings: Settings) -> None:
    """Each view's position, the event log's head and how far behind the view is."""
    with open_projections(settings) as opened:
        rows = opened.status()
    table = Table("view", "position", "head", "lag", "projector")
    for row in rows:
        running = "running" if row.projector_running else "-"
        table.add_row(row.name, str(row.position), str(row.head), str(row.lag), running)
    Console().print(table)


@projections.command()
@click.argument("view", required=False, type=click.Choice(all_view_names()))
@pass_settings
def rebuild(settings: Settings, view: str | None) -> None:
    """Empty VIEW (default: every view) and project the whole event log into it again."""
    names = [view] if view else None
    with open_projections(settings, names) as opened, _progress() as progress:
        # Every view at once: the log is read and decoded once, each view moves with it.
        head = max(opened.runner(opened.names[0]).head(), 1)
        tasks = [progress.add_task(name, total=head) for name in opened.names]

        def advance(position: int) -> None:
            for task in tasks:
                progress.update(task, completed=position)

        applied = opened.rebuild_many(opened.names, advance)
        head = max(opened.runner(opened.names[0]).head(), 1)
        for task in tasks:
            progress.update(task, total=head, completed=head)
        for name, count in applied.items():
            progress.console.print(f"{name}: {count} events applied")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
