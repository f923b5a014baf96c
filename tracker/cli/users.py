"""`tracker users ...`: accounts and their API tokens, for the operator of a tracker.

The operator runs these on the server, with the database's credentials: no sign-in is asked.
The first account must be an admin (`tracker users create ana-admin --admin ...`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import click
from rich.console import Console
from rich.table import Table

from projections.store_sql import table_names
from tracker.access import TOKEN_SCOPES
from tracker.accounts import Account, Accounts
from tracker.cli.common import open_application, pass_settings, storage_errors
from tracker.projecting import Projections
from tracker.settings import Settings

SCOPE_HELP = "; ".join(f"{name}: {meaning}" for name, meaning in TOKEN_SCOPES.items())


@contextmanager
def open_accounts(settings: Settings) -> Iterator[Accounts]:
    """The accounts of the configured database, closed afterwards."""
    with open_application(settings) as app, storage_errors(settings):
        yield Accounts.for_application(app)


@click.group()
def users() -> None:
    """Accounts and personal API tokens: create, list, issue tokens, disable, erase."""


@users.command()
@click.argument("user_id")
@click.option("--name", required=True, help="The name people see, e.g. 'Ana Lima'.")
@click.option("--email", required=True, help="The account's e-mail address.")
@click.option("--admin", is_flag=True, help="May manage accounts (the first account must).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--no-password", is_flag=True, help="Tokens only: no signing in (integrators).")
@pass_settings
def create(
    settings: Settings,
    user_id: str,
    name: str,
    email: str,
    admin: bool,
    password_stdin: bool,
    no_password: bool,
) -> None:
    """Create the account USER_ID (a readable slug such as mentee-ana).

    Without --password-stdin or --no-password the password is asked for twice, hidden.
    """
    if password_stdin and no_password:
        raise click.UsageError("Choose one of --password-stdin and --no-password.")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not no_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_accounts(settings) as accounts:
        if not admin and not accounts.has_admin():
            raise click.ClickException("The first account must be an admin: add --admin.")
        account = accounts.create_account(
            user_id, display_name=name, email=email, password=password, admin=admin
        )
    role = "admin account" if account.admin else "account"
    click.echo(f"Created the {role} {account.user_id} ({account.display_name}).")


@users.command(name="list")
@pass_settings
def list_users(settings: Settings) -> None:
    """Every account: user id, name, e-mail, admin, created, and whether it is active."""
    with open_accounts(settings) as accounts:
        found = accounts.list_accounts()
    table = Table("user id", "name", "e-mail", "admin", "created", "status")
    for account in found:
        table.add_row(
            account.user_id,
            account.display_name or "-",
            account.email or "-",
            "yes" if account.admin else "",
            _day(account.created),
            _status(account),
        )
    Console().print(table)


@users.command()
@click.argument("user_id")
@click.option(
    "--scope", "scopes", multiple=True, required=True, type=click.Choice(list(TOKEN_SCOPES)),
    help=f"Repeat for several. {SCOPE_HELP}.",
)  # fmt: skip
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--expires-in-days", type=click.IntRange(1, 3650), help="Default: never.")
@pass_settings
def token(
    settings: Settings,
    user_id: str,
    scopes: tuple[str, ...],
    name: str,
    expires_in_days: int | None,
) -> None:
    """Issue a personal API token for USER_ID and print it, once: it is not kept."""
    expires = None if expires_in_days is None else timedelta(days=expires_in_days)
    with open_accounts(settings) as accounts:
        issued = accounts.issue_token(user_id, scopes=scopes, name=name, expires_in=expires)
    info = issued.info
    until = f", expires {_day(info.expires)}" if info.expires else ""
    click.echo(
        f"Token {info.token_id} for {user_id} ({', '.join(sorted(info.scopes))}{until}). "
        "It is shown this once: store it now.",
        err=True,
    )
    click.echo(issued.secret)


@users.command()
@click.argument("user_id")
@pass_settings
def tokens(settings: Settings, user_id: str) -> None:
    """USER_ID's tokens (never their secrets), newest first."""
    with open_accounts(settings) as accounts:
        found = accounts.list_tokens(user_id)
    table = Table("token id", "name", "scopes", "created", "last used", "expires", "status")
    for info in found:
        status = "revoked" if info.revoked else "active"
        table.add_row(
            info.token_id, info.name, " ".join(sorted(info.scopes)), _day(info.created),
            _day(info.last_used), _day(info.expires), status,
        )  # fmt: skip
    Console().print(table)


@users.command()
@click.argument("user_id")
@click.argument("token_id")
@pass_settings
def revoke(settings: Settings, user_id: str, token_id: str) -> None:
    """Revoke USER_ID's token TOKEN_ID (see `tracker users tokens`)."""
    with open_accounts(settings) as accounts:
        if not accounts.revoke_token(user_id, token_id):
            raise click.ClickException(f"{user_id} has no active token {token_id}.")
    click.echo(f"Revoked {token_id}.")


@users.command()
@click.argument("user_id")
@pass_settings
def disable(settings: Settings, user_id: str) -> None:
    """Stop USER_ID signing in and using tokens; the history stays as it is."""
    with open_accounts(settings) as accounts:
        accounts.disable(user_id)
    click.echo(f"Disabled {user_id}.")


@users.command()
@click.argument("user_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_settings
def erase(settings: Settings, user_id: str, yes: bool) -> None:
    """Erase USER_ID: her account, her tokens and her data key are deleted.

    The events stay, but every personal text she owned reads "[erased]" from now on; the
    read models are rebuilt so that they show it too, and the database files are rewritten
    so the deleted bytes are gone. This cannot be undone. Run again for an account erased
    already, it rebuilds and rewrites again: that finishes an erasure whose rebuild failed.
    """
    if not yes:
        click.confirm(f"Erase {user_id} for good?", abort=True)
    with open_application(settings) as app, storage_errors(settings):
        accounts = Accounts.for_application(app)
        found = accounts.get(user_id)
        erased_before = found is not None and found.erased is not None
        keys = 0 if erased_before else accounts.erase(user_id, compact=False)
        projections = Projections(app, settings)
        try:
            for name in projections.names:
                projections.rebuild(name)
        finally:
            projections.close()
        view_tables = [t for name in projections.names for t in table_names(name)[:2]]
        accounts.compact(view_tables)
    done = (
        f"{user_id} was erased before"
        if erased_before
        else f"Erased {user_id}: {keys} data key(s) deleted; her text now reads [erased]"
    )
    click.echo(f"{done}. Views rebuilt: {', '.join(projections.names)}.")


def _day(when: datetime | None) -> str:
    return "-" if when is None else when.date().isoformat()


def _status(account: Account) -> str:
    if account.erased:
        return f"erased {_day(account.erased)}"
    if account.disabled:
        return f"disabled {_day(account.disabled)}"
    return "active"
