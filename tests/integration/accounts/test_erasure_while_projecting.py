"""Erasure while a projector writes views, on SQLite and PostgreSQL: the erasure waits its
turn and succeeds, and when the database cannot take it, nothing of it is done (over HTTP:
503 with Retry-After, and the account, its sign-in and its key as they were).

On SQLite the views share the events' file and so its one write lock. A transaction that
began as a read and then writes fails at once ("database is locked", no busy waiting) if
another connection holds the lock or wrote since its read; so every side-table write must
take the lock first. The interleavings are forced, not hoped for: a trace callback on the
application's SQLite connections tells the test which statement the erasing thread is about
to run, and the view write happens right there.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import OperationalError, PersistenceError, Tracking
from eventsourcing.sqlite import SQLiteConnection, SQLiteConnectionPool
from flask import Flask

from projections.store import ViewDatabase, ViewStore, ViewTx
from tests.integration.accounts.test_erasure import ANA, ANA_WORDS, write_anas_story
from tests.integration.accounts.test_erasure_over_http import PASSWORD, caught_up_views, sign_in
from tests.web.conftest import close_app, make_app
from tests.web.credentials import Credentials
from tracker.accounts import Accounts
from tracker.application import TrackerApplication
from tracker.clock import ManualClock
from tracker.erasure import ERASED_TEXT, KEYS_TABLE, sql
from tracker.projecting import Projections
from tracker.settings import Settings

WAIT = 30.0  # the longest any step may take before the test gives up (never reached)
Statement = Callable[[str], None]
_hooks: dict[threading.Thread, Statement] = {}  # per thread: called before each statement


@pytest.fixture(autouse=True)
def traced_sqlite(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every SQLite connection the application opens reports its statements to `_hooks`."""
    create = SQLiteConnectionPool._create_connection

    def traced(pool: SQLiteConnectionPool) -> SQLiteConnection:
        connection = create(pool)
        connection._sqlite_conn.set_trace_callback(_on_statement)
        return connection

    monkeypatch.setattr(SQLiteConnectionPool, "_create_connection", traced)
    yield
    _hooks.clear()


def _on_statement(statement: str) -> None:
    hook = _hooks.get(threading.current_thread())
    if hook is not None:
        hook(statement)


class Erasing(threading.Thread):
    """Runs one erasure in its own thread; keeps what it returned or raised."""

    def __init__(self, erase: Callable[[], Any], hook: Statement | None = None) -> None:
        super().__init__(daemon=True)
        self.erase, self.hook = erase, hook
        self.wrote = threading.Event()  # set when it begins its first write statement
        self.error: BaseException | None = None

    def run(self) -> None:
        _hooks[self] = self._statement
        try:
            self.erase()
        except BaseException as error:  # reported by finish()
            self.error = error
        finally:
            _hooks.pop(self, None)

    def _statement(self, statement: str) -> None:
        words = statement.upper().split()
        if words[:2] == ["BEGIN", "IMMEDIATE"] or words[:1] in (["UPDATE"], ["INSERT"], ["DELETE"]):
            self.wrote.set()
        if self.hook is not None:
            self.hook(statement)

    def finish(self) -> None:
        """Wait for the end; re-raise what the erasure raised."""
        self.join(WAIT)
        assert not self.is_alive(), "the erasure never ended"
        if self.error is not None:
            raise self.error


class ViewWriting(threading.Thread):
    """A projector applying one event to a view, holding the view's write transaction open
    (on SQLite: the database's write lock) until `release` is set."""

    def __init__(self, store: ViewStore, app: str, position: int, *, hold: bool = True) -> None:
        super().__init__(daemon=True)
        self.store, self.app, self.position = store, app, position
        self.holding, self.release = threading.Event(), threading.Event()
        if not hold:
            self.release.set()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.store.apply(Tracking(self.app, self.position), self._apply)
        except BaseException as error:  # reported by finish()
            self.error = error

    def _apply(self, tx: ViewTx) -> None:
        tx.put(f"doc-{self.position}", {"position": self.position})
        self.holding.set()
        self.release.wait(WAIT)

    def finish(self) -> None:
        """Wait for the end; the view write must have been committed."""
        self.join(WAIT)
        assert not self.is_alive(), "the view write never ended"
        if self.error is not None:
            raise self.error
        assert self.store.get(f"doc-{self.position}") == {"position": self.position}


@pytest.fixture
def view(settings: Settings) -> Iterator[ViewStore]:
    """A view of its own, in the views' own connection pool, as a projector has it."""
    views = ViewDatabase(settings.eventsourcing_env())
    yield views.store("erasure_race")
    views.close()


@pytest.fixture
def goal(app: TrackerApplication, clock: ManualClock, accounts: Accounts) -> str:
    """Ana's story, her account and a token; her key exists."""
    goal_id = write_anas_story(app, clock)
    accounts.create_account(ANA, display_name="Ana", email="ana@example.org", password=None)
    accounts.issue_token(ANA, scopes=["read:plan"], name="phone")
    return goal_id


def erasure(accounts: Accounts, what: str) -> Callable[[], Any]:
    """The whole account's erasure, or only the key's (as `tracker.feed`'s tests do)."""
    if what == "account":
        return lambda: accounts.erase(ANA)
    return lambda: accounts.keyring.erase(ANA)


def assert_erased(app: TrackerApplication, accounts: Accounts, goal: str, what: str) -> None:
    assert app.get_goal(goal)["title"] == ERASED_TEXT
    assert accounts.keyring.is_erased(ANA)
    if what == "account":
        account = accounts.get(ANA)
        assert account is not None
        assert account.erased is not None
        assert accounts.list_tokens(ANA) == []


def assert_untouched(app: TrackerApplication, accounts: Accounts, goal: str) -> None:
    """Nothing of the erasure happened: account, token and key are as they were."""
    account = accounts.get(ANA)
    assert account is not None
    assert account.active
    assert [token.name for token in accounts.list_tokens(ANA)] == ["phone"]
    assert not accounts.keyring.is_erased(ANA)
    accounts.keyring.forget()  # read the key again from the table, not the cache
    assert app.get_goal(goal)["title"] == f"Play the {ANA_WORDS[2]}"


@pytest.mark.parametrize("what", ["account", "key"])
def test_an_erasure_waits_for_a_projector_holding_the_write_lock(
    app: TrackerApplication, accounts: Accounts, goal: str, view: ViewStore, what: str
) -> None:
    projector = ViewWriting(view, app.name, position=1)
    projector.start()
    assert projector.holding.wait(WAIT)
    erasing = Erasing(erasure(accounts, what))
    erasing.start()
    if view.__class__.__name__.startswith("SQLite"):
        # It has begun writing, so it is waiting for the lock now (or has failed at once).
        assert erasing.wrote.wait(WAIT)
        erasing.join(0.2)
    else:
        # PostgreSQL locks rows: a view write never stands in an erasure's way.
        erasing.join(WAIT)
        assert not erasing.is_alive(), "the erasure waited for a view write"
    projector.release.set()

    erasing.finish()
    projector.finish()
    assert_erased(app, accounts, goal, what)


@pytest.mark.parametrize("what", ["account", "key"])
def test_a_projector_writing_between_the_erasures_read_and_write_does_not_fail_it(
    app: TrackerApplication,
    accounts: Accounts,
    goal: str,
    view: ViewStore,
    settings: Settings,
    what: str,
) -> None:
    if settings.backend != "sqlite":
        pytest.skip("PostgreSQL reads see each statement's own snapshot: no upgrade to fail")
    projector = ViewWriting(view, app.name, position=1, hold=False)

    def write_the_view_meanwhile(statement: str) -> None:
        if statement.startswith(f"UPDATE {accounts.keyring.table}") and not projector.ident:
            projector.start()
            # Committed at once if the erasure has only read so far; else waits for it.
            projector.join(0.5)

    erasing = Erasing(erasure(accounts, what), hook=write_the_view_meanwhile)
    erasing.start()

    erasing.finish()
    projector.finish()
    assert projector.ident, "the erasure never wrote its key"
    assert_erased(app, accounts, goal, what)


class FailingCursor:
    """A driver cursor whose statements on one table fail as a locked database does."""

    def __init__(self, cursor: Any, table: str, error: Exception) -> None:
        self._cursor, self._table, self._error = cursor, table, error

    def execute(self, statement: str, params: Any = ()) -> Any:
        if statement.startswith("UPDATE") and self._table in statement:
            raise self._error
        return self._cursor.execute(statement, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._cursor, name, value)


def locked_error(backend: str) -> Exception:
    if backend == "sqlite":
        return sqlite3.OperationalError("database is locked")
    return psycopg.errors.LockNotAvailable("could not obtain lock on row")


@pytest.fixture
def key_writes_fail(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Callable[[bool], None]:
    """`key_writes_fail(True)`: from now on, writing a data key fails (locked database)."""
    real_init = sql.SideCursor.__init__

    def failing(on: bool) -> None:
        def init(self: sql.SideCursor, cursor: Any, postgres: bool) -> None:
            error = locked_error(settings.backend)
            real_init(self, FailingCursor(cursor, "tracker_erasure_keys", error), postgres)

        monkeypatch.setattr(sql.SideCursor, "__init__", init if on else real_init)

    return failing


def test_an_erasure_the_database_cannot_finish_is_not_done_at_all(
    app: TrackerApplication,
    accounts: Accounts,
    goal: str,
    key_writes_fail: Callable[[bool], None],
) -> None:
    key_writes_fail(True)
    with pytest.raises(PersistenceError):
        accounts.erase(ANA)
    key_writes_fail(False)

    assert_untouched(app, accounts, goal)
    accounts.erase(ANA)  # tried again, it is done whole
    assert_erased(app, accounts, goal, "account")


@pytest.fixture
def web(database_url: str, clock: ManualClock) -> Iterator[Flask]:
    app = make_app(database_url, clock)
    yield app
    close_app(app)


@pytest.fixture
def signed_up(web: Flask, app: TrackerApplication, clock: ManualClock) -> str:
    """Ana's story, her account with a password; the web app's views have caught up (so its
    background projector is running). Returns her goal's id."""
    goal_id = write_anas_story(app, clock)
    app.shredding.keyring.recheck_seconds = 0  # another process: see the erasure at once
    Credentials.of(web).account(ANA, password=PASSWORD)
    assert ANA_WORDS[2] in caught_up_views(web)
    return goal_id


def test_ana_erases_her_account_over_http_while_a_projector_holds_the_write_lock(
    web: Flask, signed_up: str, view: ViewStore, app: TrackerApplication
) -> None:
    client, csrf = sign_in(web)
    projector = ViewWriting(view, app.name, position=1)
    projector.start()
    assert projector.holding.wait(WAIT)
    answers: list[Any] = []
    erasing = Erasing(
        lambda: answers.append(
            client.delete("/api/v1/account", json={"password": PASSWORD}, headers=csrf)
        )
    )
    erasing.start()
    if view.__class__.__name__.startswith("SQLite"):
        assert erasing.wrote.wait(WAIT)
        erasing.join(0.2)
    projector.release.set()

    erasing.finish()
    projector.finish()
    assert answers[0].status_code == 204, answers[0].get_json()
    assert app.get_goal(signed_up)["title"] == ERASED_TEXT
    assert not any(word in caught_up_views(web) for word in ANA_WORDS)


def test_an_erasure_over_http_the_database_cannot_finish_is_a_503_and_nothing_erased(
    web: Flask, signed_up: str, app: TrackerApplication, key_writes_fail: Callable[[bool], None]
) -> None:
    client, csrf = sign_in(web)
    key_writes_fail(True)
    failed = client.delete("/api/v1/account", json={"password": PASSWORD}, headers=csrf)
    key_writes_fail(False)

    assert failed.status_code == 503
    assert failed.mimetype == "application/problem+json"
    assert failed.headers["Retry-After"].isdigit()
    assert client.get("/api/v1/account").get_json()["status"] == "active"
    assert app.get_goal(signed_up)["title"] == f"Play the {ANA_WORDS[2]}"
    again = client.delete("/api/v1/account", json={"password": PASSWORD}, headers=csrf)
    assert again.status_code == 204
    assert app.get_goal(signed_up)["title"] == ERASED_TEXT


def test_a_rebuild_that_fails_after_the_erasure_is_a_503_that_says_how_to_finish(
    web: Flask,
    signed_up: str,
    app: TrackerApplication,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, csrf = sign_in(web)

    def database_gone(self: Projections, name: str) -> int:
        raise OperationalError("database is locked")

    monkeypatch.setattr(Projections, "rebuild", database_gone)
    failed = client.delete("/api/v1/account", json={"password": PASSWORD}, headers=csrf)

    assert failed.status_code == 503
    assert failed.headers["Retry-After"].isdigit()
    # The erasure itself is whole: the account and the key are both gone.
    assert client.get("/api/v1/account").status_code == 401
    assert app.get_goal(signed_up)["title"] == ERASED_TEXT
    assert f"run `tracker users erase {ANA}` to finish" in caplog.text


class HookedCursor(FailingCursor):
    """A driver cursor that, in one thread, calls `hook` before each statement it runs."""

    def __init__(self, cursor: Any, thread: threading.Thread, hook: Statement) -> None:
        super().__init__(cursor, "", Exception())
        self._thread, self._hook = thread, hook

    def execute(self, statement: str, params: Any = ()) -> Any:
        if threading.current_thread() is self._thread:
            self._hook(statement)
        return self._cursor.execute(statement, params)


def test_a_key_made_while_her_account_is_erased_is_erased_with_it(
    app: TrackerApplication, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Her first personal text and her erasure at the same moment: either the text finds her
    erased, or its new key is erased too. Never a live key for an erased mentee."""
    accounts.create_account("mentee-cara", display_name="Cara", email="c@e.org", password=None)
    erasing = Erasing(lambda: accounts.erase("mentee-cara"))

    def erase_meanwhile(statement: str) -> None:
        if statement.startswith("INSERT") and KEYS_TABLE in statement and not erasing.ident:
            erasing.start()
            erasing.join(0.5)  # done by now if nothing makes it wait for the key's insert

    real_init = sql.SideCursor.__init__
    writer = threading.current_thread()

    def init(self: sql.SideCursor, cursor: Any, postgres: bool) -> None:
        real_init(self, HookedCursor(cursor, writer, erase_meanwhile), postgres)

    monkeypatch.setattr(sql.SideCursor, "__init__", init)
    accounts.keyring.key_for_writing("mentee-cara")
    monkeypatch.setattr(sql.SideCursor, "__init__", real_init)

    erasing.finish()
    assert erasing.ident, "the key was never inserted"
    with accounts.tables.transaction() as cursor:
        cursor.execute(
            f"SELECT COUNT(key) FROM {accounts.keyring.table} WHERE mentee_id = ?",
            ("mentee-cara",),
        )
        assert cursor.one() == (0,)
    assert accounts.keyring.is_erased("mentee-cara")
