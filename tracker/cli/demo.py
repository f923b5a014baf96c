"""`tracker demo`: load a year of realistic mentoring into the event store."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from tracker import demo as demo_story
from tracker.cli.common import open_application, pass_settings, redacted
from tracker.settings import Settings

# A first request to try once the app is served: a token of Ana's, then her plan.
TRY_IT = (
    "TOKEN=$(tracker users token mentee-ana --scope read:plan --scope write:plan)\n"
    '  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/v1/plans/mentee-ana'
)


@click.command()
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and say so) if the store already holds any events.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Moves the hour of each step; the same seed always writes the same story.",
)
@pass_settings
def demo(settings: Settings, if_empty: bool, seed: int) -> None:
    """Load a year of mentoring: one mentor, three mentees, ending today.

    Maria mentors Ana (data analyst to data engineer), Ben (ICU nurse to health
    informatics) and Chloe (teacher to instructional designer): plans rewritten, goals
    revised with reasons, milestones slipped and met, proposals accepted and declined,
    monthly check-ins. Everything is written through the application's use cases.

    Each person gets an account (and `demo-admin` an admin one) whose password is
    `demo-password`, printed at the end: for the demo only, never for real data.
    """
    clock = demo_story.StoryClock(datetime.now(tz=UTC))
    where = redacted(settings.database_url)
    with open_application(settings, clock=clock) as app:
        existing = app.recorder.max_notification_id() or 0
        if existing and if_empty:
            click.echo(f"The store at {where} already has {existing} events; no demo loaded.")
            if demo_story.already_loaded(app):
                _accounts(demo_story.create_demo_accounts(app))
            return
        if demo_story.already_loaded(app):
            raise click.ClickException(
                f"The demo is already loaded in {where}. Use --if-empty to skip it quietly, "
                "or point --database-url at a new store."
            )
        summary = demo_story.load_demo(app, clock, seed=seed)
        created = demo_story.create_demo_accounts(app)
    _report(summary, where)
    _accounts(created)
    serve = "tracker serve"
    if settings.database_url != Settings.database_url:
        serve += " with the same --database-url (or TRACKER_DATABASE_URL)"
    click.echo(f"Next: {serve}, then for example:\n  {TRY_IT}")


def _report(summary: demo_story.DemoSummary, where: str) -> None:
    kinds = ", ".join(f"{count} {name}" for name, count in summary.by_aggregate.items())
    statuses = ", ".join(f"{count} {name}" for name, count in summary.goal_statuses.items())
    click.echo(
        f"Loaded the demo into {where}: {summary.events} events ({kinds}), "
        f"from {summary.first_at:%Y-%m-%d} to {summary.last_at:%Y-%m-%d}."
    )
    click.echo(f"Goals: {statuses}.")
    click.echo("People to try (user ids):")
    width = max(len(user_id) for user_id in demo_story.PEOPLE)
    for user_id, who in demo_story.PEOPLE.items():
        click.echo(f"  {user_id:<{width}}  {who}")


def _accounts(created: list[str]) -> None:
    if created:
        click.echo(
            f"Made demo accounts: {', '.join(created)} ({demo_story.DEMO_ADMIN} is an admin)."
        )
    click.echo(
        f"Every demo account signs in with the password {demo_story.DEMO_PASSWORD!r}. "
        "It is published: use it for the demo only, never for real people's data."
    )
