"""Verified tokens are trusted a few seconds without a database read: a revocation made in
the same process counts at once, one made in another process once the entry runs out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tracker.accounts import Accounts
from tracker.accounts.token_cache import VerifiedTokens
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

from .conftest import cheap_hasher


class Ticks:
    """A hand-moved monotonic clock for the cache."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def two_workers(
    open_app: Callable[[], TrackerApplication], ticks: Ticks
) -> tuple[Accounts, Accounts]:
    """Two processes' accounts on the same database, each with a 5 s token cache."""
    workers = []
    for _ in range(2):
        accounts = Accounts.for_application(open_app(), hasher=cheap_hasher())
        accounts.verified = VerifiedTokens(5.0, monotonic=ticks)
        workers.append(accounts)
    return workers[0], workers[1]


def test_a_revocation_in_another_process_counts_once_its_cache_entry_runs_out(
    open_app: Callable[[], TrackerApplication],
) -> None:
    ticks = Ticks()
    web, cli = two_workers(open_app, ticks)
    web.create_account("ana", display_name="Ana", email="ana@example.org", password=None)
    issued = web.issue_token("ana", scopes=["read:plan"], name="phone")
    assert web.verify_token(issued.secret) == ("ana", frozenset({"read:plan"}))
    assert cli.revoke_token("ana", issued.info.token_id)
    assert cli.verify_token(issued.secret) is None  # where it was revoked: at once
    ticks.now += 4.9
    assert web.verify_token(issued.secret) is not None  # trusted from 4.9 s ago
    ticks.now += 0.1
    assert web.verify_token(issued.secret) is None


def test_revoking_disabling_or_erasing_in_the_same_process_counts_at_once(
    open_app: Callable[[], TrackerApplication],
) -> None:
    ticks = Ticks()
    accounts, _ = two_workers(open_app, ticks)
    for user in ("ana", "bea", "cid"):
        accounts.create_account(user, display_name=user, email=f"{user}@example.org", password=None)
    tokens = {
        user: accounts.issue_token(user, scopes=["read:plan"], name="t")
        for user in ("ana", "bea", "cid")
    }
    for issued in tokens.values():
        assert accounts.verify_token(issued.secret) is not None
    accounts.revoke_token("ana", tokens["ana"].info.token_id)
    accounts.disable("bea")
    accounts.erase("cid")
    assert [accounts.verify_token(t.secret) for t in tokens.values()] == [None, None, None]


def test_a_cached_token_still_expires_on_time(
    open_app: Callable[[], TrackerApplication], clock: ManualClock
) -> None:
    accounts, _ = two_workers(open_app, Ticks())
    accounts.create_account("ana", display_name="Ana", email="ana@example.org", password=None)
    issued = accounts.issue_token(
        "ana", scopes=["read:plan"], name="t", expires_in=timedelta(days=1)
    )
    assert accounts.verify_token(issued.secret) is not None
    clock.advance(days=1)
    assert accounts.verify_token(issued.secret) is None


def test_with_no_cache_every_request_reads_the_token(
    open_app: Callable[[], TrackerApplication],
) -> None:
    web = Accounts.for_application(open_app(), hasher=cheap_hasher(), token_cache_seconds=0)
    cli = Accounts.for_application(open_app(), hasher=cheap_hasher())
    web.create_account("ana", display_name="Ana", email="ana@example.org", password=None)
    issued = web.issue_token("ana", scopes=["read:plan"], name="phone")
    assert web.verify_token(issued.secret) is not None
    cli.revoke_token("ana", issued.info.token_id)
    assert web.verify_token(issued.secret) is None
