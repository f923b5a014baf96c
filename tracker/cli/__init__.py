"""The `tracker` command line: one click group, `main`, with a command per area.

To add a command (or a group of them), write it in a module of its own under
`tracker/cli/`, take the settings with `tracker.cli.common.pass_settings`, open the store
with `with tracker.cli.common.open_application(settings) as app:`, and register it with
one line at the bottom of this file.
"""

from __future__ import annotations

from dataclasses import replace

import click

from tracker.settings import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--database-url",
    envvar="TRACKER_DATABASE_URL",
    default=Settings.database_url,
    show_default=True,
    show_envvar=True,
    metavar="URL",
    help="The event store: sqlite:///path/file.sqlite (relative to this directory), "
    "sqlite:////absolute/path.sqlite, postgresql://user:password@host:5432/db?schema=name "
    "or memory:// (gone when the command ends).",
)
@click.version_option(package_name="tracker")
@click.pass_context
def main(ctx: click.Context, database_url: str) -> None:
    """Track career plans, goals and mentoring check-ins as a history of events.

    Try it: `tracker demo` loads a year of realistic mentoring data, then `tracker serve`
    serves the web app on it.
    """
    try:
        settings = Settings.from_env()
    except ValueError as error:
        raise click.ClickException(
            f"A TRACKER_* environment variable is not valid: {error}"
        ) from None
    # The URL is checked when a command opens the store, so `--help` never touches the disk.
    ctx.obj = replace(settings, database_url=database_url)


# Commands, one line each.
from tracker.cli.backup import backup, restore  # noqa: E402
from tracker.cli.demo import demo  # noqa: E402
from tracker.cli.feed import export, follow_command, import_  # noqa: E402
from tracker.cli.projections import project, projections  # noqa: E402
from tracker.cli.serve import serve  # noqa: E402
from tracker.cli.users import users  # noqa: E402

main.add_command(demo)
main.add_command(serve)
main.add_command(project)
main.add_command(projections)
main.add_command(export)
main.add_command(import_)
main.add_command(follow_command)
main.add_command(users)
main.add_command(backup)
main.add_command(restore)
