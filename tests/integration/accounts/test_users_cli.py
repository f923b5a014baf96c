"""`tracker users ...` as an operator meets it, on a SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker.accounts import Accounts
from tracker.application import build_application
from tracker.cli import main
from tracker.clock import ManualClock
from tracker.settings import Settings

PASSWORD = "a long enough password"


def run(database_url: str, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Exit code, everything printed (stdout and stderr), and stdout alone."""
    result = CliRunner().invoke(main, ["--database-url", database_url, *args], input=stdin)
    return result.exit_code, result.output, result.stdout


@pytest.fixture
def url(sqlite_url: str) -> str:
    """A database whose first account, the admin, exists."""
    code, out, _ = run(
        sqlite_url, "users", "create", "admin-ola", "--name", "Ola", "--email", "ola@e.org",
        "--admin", "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, out
    return sqlite_url


def test_the_first_account_must_be_an_admin(sqlite_url: str) -> None:
    code, out, _ = run(
        sqlite_url, "users", "create", "mentee-ana", "--name", "Ana", "--email", "a@e.org",
        "--no-password",
    )  # fmt: skip
    assert code != 0
    assert "first account must be an admin" in out
    assert "mentee-ana" not in run(sqlite_url, "users", "list")[1]


def test_accounts_are_created_with_a_password_from_stdin_and_listed(url: str) -> None:
    code, out, _ = run(
        url, "users", "create", "mentee-ana", "--name", "Ana Lima", "--email", "ana@e.org",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert (code, out.strip()) == (0, "Created the account mentee-ana (Ana Lima).")
    listed = run(url, "users", "list")[1]
    assert "admin-ola" in listed
    assert "mentee-ana" in listed
    assert "Ana Lima" in listed
    app = build_application(Settings(database_url=url))
    try:
        assert Accounts.for_application(app).authenticate("mentee-ana", PASSWORD) is not None
    finally:
        app.close()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["BAD ID", "--name", "X", "--email", "x@e.org", "--no-password"], "user id"),
        (["mentee-x", "--name", "X", "--email", "nope", "--no-password"], "e-mail"),
        (["mentee-x", "--name", "X", "--email", "x@e.org", "--password-stdin"], "password"),
        (["admin-ola", "--name", "X", "--email", "x@e.org", "--no-password"], "already"),
    ],
)
def test_bad_input_is_one_clear_line_and_writes_nothing(
    url: str, args: list[str], says: str
) -> None:
    code, out, _ = run(url, "users", "create", *args, stdin="short\n")
    assert code != 0
    assert says in out
    assert "Traceback" not in out
    assert "mentee-x" not in run(url, "users", "list")[1]


def test_a_token_is_printed_once_alone_on_stdout_and_listed_without_it(url: str) -> None:
    code, printed, out = run(
        url, "users", "token", "admin-ola", "--scope", "read:events", "--name", "feed"
    )
    assert code == 0
    (secret,) = out.split()
    assert secret.startswith("trk_")
    assert "shown this once" in printed
    listed = run(url, "users", "tokens", "admin-ola")[1]
    assert "feed" in listed
    assert "read:events" in listed
    assert secret not in listed
    assert run(url, "users", "token", "admin-ola", "--scope", "root")[0] != 0


def test_erasing_an_account_rebuilds_the_views_and_leaves_no_trace_in_the_file(
    url: str, clock: ManualClock
) -> None:
    run(
        url, "users", "create", "mentee-ana", "--name", "Ana Lima", "--email", "ana@e.org",
        "--no-password",
    )  # fmt: skip
    app = build_application(Settings(database_url=url), clock=clock)
    try:
        app.start_plan(mentee_id="mentee-ana", actor_id="mentee-ana")
        app.reflect("mentee-ana", text="Wanderlust Zephyr", private=False, actor_id="mentee-ana")
    finally:
        app.close()
    assert run(url, "projections", "rebuild")[0] == 0
    path = Path(Settings(database_url=url).eventsourcing_env()["SQLITE_DBNAME"])
    assert b"Zephyr" in path.read_bytes() + _wal(path)  # the views hold her words

    code, out, _ = run(url, "users", "erase", "mentee-ana", "--yes")

    assert code == 0, out
    assert "Erased mentee-ana: 1 data key(s) deleted" in out
    content = path.read_bytes() + _wal(path)
    assert b"Zephyr" not in content
    assert b"ana@e.org" not in content
    assert b"Ana Lima" not in content
    assert "erased" in run(url, "users", "list")[1]


def test_erasing_again_finishes_an_erasure_whose_views_were_not_rebuilt(
    url: str, clock: ManualClock
) -> None:
    run(
        url, "users", "create", "mentee-ana", "--name", "Ana", "--email", "a@e.org", "--no-password"
    )
    app = build_application(Settings(database_url=url), clock=clock)
    try:
        app.start_plan(mentee_id="mentee-ana", actor_id="mentee-ana")
        app.reflect("mentee-ana", text="Wanderlust Zephyr", private=False, actor_id="mentee-ana")
        assert run(url, "projections", "rebuild")[0] == 0
        # The key is deleted, then the database goes away before the views are rebuilt.
        Accounts.for_application(app).erase("mentee-ana", compact=False)
    finally:
        app.close()
    path = Path(Settings(database_url=url).eventsourcing_env()["SQLITE_DBNAME"])
    assert b"Zephyr" in path.read_bytes() + _wal(path)  # the views still hold her words

    code, out, _ = run(url, "users", "erase", "mentee-ana", "--yes")

    assert code == 0, out
    assert "mentee-ana was erased before. Views rebuilt" in out
    assert b"Zephyr" not in path.read_bytes() + _wal(path)
    assert run(url, "users", "erase", "nobody", "--yes")[0] != 0  # unknown ids still refused


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
