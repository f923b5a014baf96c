"""`tracker export`, `tracker import` and `tracker follow`: the store as a file, and the
reference consumer of the feed (see docs/integrators.md)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
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

from projections.feed_index import VIEW as FEED_INDEX
from projections.store import ViewStore
from tracker.application import TrackerApplication
from tracker.cli.common import open_application, pass_settings, storage_errors
from tracker.feed.archive import Exporter, ExportScope
from tracker.feed.follower import FeedClient, FeedUnavailable, follow, open_sink
from tracker.feed.importer import Importer, ImportRefused
from tracker.projecting import Projections
from tracker.settings import Settings

TOKEN_ENV = "TRACKER_FEED_TOKEN"


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )


@contextmanager
def _feed_index(app: TrackerApplication, settings: Settings) -> Iterator[ViewStore]:
    """The feed index view, caught up with the store (a mentee's export reads it)."""
    projections = Projections(app, settings, [FEED_INDEX])
    try:
        runner = projections.runner(FEED_INDEX)
        runner.catch_up()
        yield runner.store
    finally:
        projections.close()


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--mentee", metavar="ID", help="Only this mentee's streams: her personal archive.")
@click.option(
    "--reader",
    metavar="ID",
    help="Keep the private text this user wrote (e.g. the mentee whose archive it is).",
)
@click.option(
    "--include-private",
    is_flag=True,
    help="Keep every private reflection and note (an operator's full backup).",
)
@pass_settings
def export(
    settings: Settings, file: Path, mentee: str | None, reader: str | None, include_private: bool
) -> None:
    """Write the event store (or one mentee's streams) to FILE as NDJSON with a manifest.

    Private reflections and notes keep their place with their text left out, unless
    --include-private or --reader says whose may stay. Read page by page, in flat memory.
    """
    scope = ExportScope(mentee=mentee, reader_id=reader, include_private=include_private)
    partial = file.with_name(file.name + ".partial")
    with open_application(settings) as app, storage_errors(settings):
        index: AbstractContextManager[ViewStore | None] = (
            _feed_index(app, settings) if mentee else nullcontext(None)
        )
        with index as feed_index, _progress() as progress, partial.open("wb") as out:
            head = app.recorder.max_notification_id() or 0
            task = progress.add_task("export", total=max(head, 1))
            manifest = Exporter(app, scope, feed_index).run(
                out, lambda position: progress.update(task, completed=position)
            )
            progress.update(task, completed=max(head, 1))
    os.replace(partial, file)  # only a finished export takes the name
    click.echo(
        f"Exported {manifest.events} events of {manifest.streams} streams to {file} "
        f"(positions {manifest.first_position or 0}-{manifest.last_position or 0}, "
        f"sha256 {manifest.sha256})."
    )
    if manifest.private_texts_withheld:
        click.echo(
            f"Private text withheld from {manifest.private_texts_withheld} reflections and "
            "notes; --include-private keeps it."
        )


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_settings
def import_(settings: Settings, file: Path) -> None:
    """Import FILE (made by `tracker export`) into this store, which must be empty.

    The whole file is verified against its manifest first: a damaged or truncated file is
    refused and nothing is written. Importing the same file again writes nothing.
    """
    with open_application(settings) as app, storage_errors(settings):
        importer = Importer(app, file)
        try:
            with _progress() as progress:
                task = progress.add_task("verify", total=None)
                manifest = importer.verify(lambda n: progress.update(task, completed=n))
                progress.update(task, total=manifest["events"], completed=manifest["events"])
                write = progress.add_task("import", total=max(manifest["events"], 1))
                result = importer.run(lambda n: progress.advance(write, n))
        except ImportRefused as refused:
            raise click.ClickException(f"{refused} Nothing was imported.") from None
    if result.written == 0:
        click.echo(
            f"The store already holds all {result.already_there} events of {file}: nothing written."
        )
        return
    resumed = ""
    if result.already_there:
        resumed = f" ({result.already_there} were there from an earlier import)"
    click.echo(f"Imported {result.written} events from {file}{resumed}; sha256 verified.")


@click.command("follow")
@click.argument("url")
@click.option(
    "--into",
    "target",
    required=True,
    metavar="FILE|URL",
    help="Where to replay: a SQLite file, or postgresql://user@host/db?schema=name.",
)
@click.option(
    "--token",
    envvar=TOKEN_ENV,
    required=True,
    metavar="TOKEN",
    show_envvar=True,
    help="An API token with the read:events scope (`tracker users token ID --scope read:events`).",
)
@click.option(
    "--batch",
    type=click.IntRange(1, 1000),
    default=100,
    show_default=True,
    help="Events per page, each page applied in one transaction.",
)
@click.option(
    "--wait",
    type=click.FloatRange(0, 30),
    default=10,
    show_default=True,
    help="Seconds to long-poll for news once caught up.",
)
@click.option("--until-caught-up", is_flag=True, help="Stop once the feed has nothing new.")
def follow_command(
    url: str, target: str, token: str, batch: int, wait: float, until_caught_up: bool
) -> None:
    """Replay the feed at URL (e.g. http://host:8000/api/v1/events) into another database.

    Events and the checkpoint are written in one transaction per page: stop or kill it at
    any moment and run it again; it resumes with no event lost or applied twice.
    """
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    sink = open_sink(target, url)
    try:
        start = sink.checkpoint()
        click.echo(f"Following {url} from position {start} into {target}.", err=True)
        applied = follow(
            FeedClient(url, token), sink, batch=batch, wait=wait,
            until_caught_up=until_caught_up, stop=stop,
        )  # fmt: skip
        click.echo(f"Applied {applied} events; checkpoint at {sink.checkpoint()}.", err=True)
    except FeedUnavailable as error:
        raise click.ClickException(str(error)) from None
    finally:
        sink.close()
