"""Accounts on SQLite and PostgreSQL: creating, signing in, tokens, disabling, erasing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from tracker.accounts import AccountError, AccountExists, Accounts, UnknownAccount
from tracker.application import TrackerApplication
from tracker.clock import ManualClock

from .conftest import cheap_hasher

PASSWORD = "correct horse battery staple"


def make_ana(accounts: Accounts, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "display_name": "Ana Lima",
        "email": "Ana@Example.org",
        "password": PASSWORD,
    }
    accounts.create_account("mentee-ana", **{**fields, **overrides})


def stored_hash(accounts: Accounts, user_id: str) -> str:
    with accounts.tables.transaction() as cursor:
        cursor.execute(
            f"SELECT password_hash FROM {accounts.accounts} WHERE user_id = ?", (user_id,)
        )
        row = cursor.one()
    assert row is not None
    return str(row[0])


def test_an_account_is_created_listed_and_read_back(accounts: Accounts, clock: ManualClock) -> None:
    make_ana(accounts)
    accounts.create_account(
        "admin-ola", display_name="Ola", email="ola@example.org", password=None, admin=True
    )
    ana = accounts.get("mentee-ana")
    assert ana is not None
    assert (ana.display_name, ana.email, ana.admin, ana.active) == (
        "Ana Lima",
        "ana@example.org",
        False,
        True,
    )
    assert ana.created == clock.now
    assert [a.user_id for a in accounts.list_accounts()] == ["admin-ola", "mentee-ana"]
    assert accounts.has_admin()
    assert PASSWORD not in stored_hash(accounts, "mentee-ana")
    assert stored_hash(accounts, "mentee-ana").startswith("$argon2id$")


@pytest.mark.parametrize(
    ("user_id", "fields", "field"),
    [
        ("Mentee Ana", {}, "user_id"),
        ("a", {}, "user_id"),
        ("mentee-ana", {"email": "not-an-address"}, "email"),
        ("mentee-ana", {"display_name": "  "}, "display_name"),
        ("mentee-ana", {"display_name": "two\nlines"}, "display_name"),
        ("mentee-ana", {"password": "short"}, "password"),
        ("mentee-ana", {"password": 12345678901234}, "password"),
    ],
)
def test_bad_input_is_refused_by_field_and_writes_nothing(
    accounts: Accounts, user_id: str, fields: dict[str, Any], field: str
) -> None:
    good = {"display_name": "Ana", "email": "ana@example.org", "password": PASSWORD}
    with pytest.raises(AccountError) as refused:
        accounts.create_account(user_id, **{**good, **fields})
    assert refused.value.field == field
    assert accounts.list_accounts() == []


def test_a_taken_user_id_or_email_is_refused(accounts: Accounts) -> None:
    make_ana(accounts)
    with pytest.raises(AccountExists, match="already an account"):
        make_ana(accounts, email="other@example.org")
    with pytest.raises(AccountExists, match="e-mail"):
        accounts.create_account(
            "mentee-bea", display_name="Bea", email="ANA@example.org", password=PASSWORD
        )
    assert [a.user_id for a in accounts.list_accounts()] == ["mentee-ana"]


def test_only_the_right_password_of_an_active_account_signs_in(accounts: Accounts) -> None:
    make_ana(accounts)
    signed_in = accounts.authenticate("mentee-ana", PASSWORD)
    assert signed_in is not None
    assert signed_in.user_id == "mentee-ana"
    for user_id, password in [
        ("mentee-ana", PASSWORD + "!"),
        ("mentee-ana", ""),
        ("mentee-ana", None),
        ("mentee-nobody", PASSWORD),
        (None, PASSWORD),
        ("x" * 10_000, PASSWORD),
    ]:
        assert accounts.authenticate(user_id, password) is None
    accounts.disable("mentee-ana")
    assert accounts.authenticate("mentee-ana", PASSWORD) is None


class CountingHasher(PasswordHasher):
    """Counts verifications: a sign-in must hash whether or not the user exists."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


def test_unknown_and_disabled_users_cost_the_same_hashing_as_a_wrong_password(
    app: TrackerApplication,
) -> None:
    hasher = CountingHasher()
    accounts = Accounts.for_application(app, hasher=hasher)
    make_ana(accounts)
    accounts.create_account("mentee-bea", display_name="Bea", email="b@e.org", password=None)
    for user_id in ("mentee-ana", "mentee-nobody", "mentee-bea"):
        hasher.verified = 0
        assert accounts.authenticate(user_id, "wrong password, long enough") is None
        assert hasher.verified == 1, user_id


def test_a_password_hashed_with_old_parameters_is_rehashed_on_sign_in(
    app: TrackerApplication,
) -> None:
    make_ana(Accounts.for_application(app, hasher=cheap_hasher(memory_cost=8)))
    old = stored_hash(Accounts.for_application(app, hasher=cheap_hasher()), "mentee-ana")
    stronger = Accounts.for_application(app, hasher=cheap_hasher(memory_cost=16))
    assert stronger.authenticate("mentee-ana", PASSWORD) is not None
    new = stored_hash(stronger, "mentee-ana")
    assert new != old
    assert "m=16" in new
    assert "m=8," in old
    assert stronger.authenticate("mentee-ana", PASSWORD) is not None


def test_a_token_is_shown_once_stored_hashed_and_verified_with_its_scopes(
    accounts: Accounts,
) -> None:
    make_ana(accounts)
    issued = accounts.issue_token("mentee-ana", scopes=["read:plan"], name="phone")
    assert issued.secret.startswith("trk_")
    assert len(issued.secret) > 40
    with accounts.tables.transaction() as cursor:
        cursor.execute(f"SELECT token_hash FROM {accounts.tokens}")
        stored = [row[0] for row in cursor.all()]
    assert issued.secret not in stored
    assert len(stored) == 1
    assert accounts.verify_token(issued.secret) == ("mentee-ana", frozenset({"read:plan"}))
    for forged in [issued.secret + "x", issued.secret[:-1], "trk_", "", None, 42, "x" * 500]:
        assert accounts.verify_token(forged) is None


def test_tokens_are_listed_with_last_use_and_stop_working_when_revoked(
    accounts: Accounts, clock: ManualClock
) -> None:
    make_ana(accounts)
    first = accounts.issue_token("mentee-ana", scopes=["read:plan"], name="laptop")
    clock.advance(hours=1)
    second = accounts.issue_token("mentee-ana", scopes=["read:plan", "write:plan"], name="cli")
    accounts.verify_token(first.secret)
    listed = accounts.list_tokens("mentee-ana")
    assert [t.name for t in listed] == ["cli", "laptop"]
    assert listed[1].last_used == clock.now
    assert listed[0].last_used is None
    assert accounts.revoke_token("mentee-ana", first.info.token_id)
    assert not accounts.revoke_token("mentee-ana", first.info.token_id)
    assert not accounts.revoke_token("mentee-bea", second.info.token_id)
    assert accounts.verify_token(first.secret) is None
    assert accounts.verify_token(second.secret) is not None


def test_a_token_expires_and_dies_with_its_disabled_account(
    accounts: Accounts, clock: ManualClock
) -> None:
    make_ana(accounts)
    issued = accounts.issue_token(
        "mentee-ana", scopes=["read:events"], name="feed", expires_in=timedelta(days=30)
    )
    clock.advance(days=29)
    assert accounts.verify_token(issued.secret) is not None
    clock.advance(days=1)
    assert accounts.verify_token(issued.secret) is None
    lasting = accounts.issue_token("mentee-ana", scopes=["read:plan"], name="lasting")
    accounts.disable("mentee-ana")
    assert accounts.verify_token(lasting.secret) is None
    with pytest.raises(AccountError, match="disabled"):
        accounts.issue_token("mentee-ana", scopes=["read:plan"], name="again")


@pytest.mark.parametrize(
    ("scopes", "expires_in"),
    [([], None), (["admin"], None), ("read:plan", None), (["read:plan"], timedelta(0))],
)
def test_a_token_needs_known_scopes_and_a_sensible_expiry(
    accounts: Accounts, scopes: Any, expires_in: timedelta | None
) -> None:
    make_ana(accounts)
    with pytest.raises(AccountError):
        accounts.issue_token("mentee-ana", scopes=scopes, name="x", expires_in=expires_in)
    assert accounts.list_tokens("mentee-ana") == []
    with pytest.raises(UnknownAccount):
        accounts.issue_token("mentee-nobody", scopes=["read:plan"], name="x")


def test_erasing_an_account_deletes_its_personal_data_and_reserves_its_id(
    accounts: Accounts,
) -> None:
    make_ana(accounts)
    issued = accounts.issue_token("mentee-ana", scopes=["read:plan"], name="phone")
    accounts.erase("mentee-ana")
    ana = accounts.get("mentee-ana")
    assert ana is not None
    assert ana.erased is not None
    assert not ana.active
    assert (ana.display_name, ana.email) == (None, None)
    assert accounts.authenticate("mentee-ana", PASSWORD) is None
    assert accounts.verify_token(issued.secret) is None
    assert accounts.list_tokens("mentee-ana") == []
    assert accounts.keyring.is_erased("mentee-ana")
    with pytest.raises(AccountExists, match="erased"):
        make_ana(accounts)
    with pytest.raises(UnknownAccount):
        accounts.erase("mentee-ana")
