"""Signing in and out, session cookies and CSRF, throttled failures, personal tokens and
their scopes, sign-up, and what admins may do: over HTTP, as clients meet them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import SMARTY_GOAL, Api, close_app, make_app
from tests.web.credentials import Credentials
from tracker.clock import ManualClock

PASSWORD = "correct horse battery staple"
ADA = "ada"


@pytest.fixture
def people(app: Flask) -> Credentials:
    """Ada (a mentee) and Root (an admin), both with passwords."""
    credentials = Credentials.of(app)
    credentials.account("root", password=PASSWORD, admin=True)
    credentials.account(ADA, password=PASSWORD)
    return credentials


def sign_in(client: FlaskClient, user_id: str = ADA, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/session", json={"user_id": user_id, "password": password})


def signed_in(client: FlaskClient, user_id: str = ADA) -> dict[str, str]:
    """Sign in; the header the cookie's writes need."""
    answer = sign_in(client, user_id)
    assert answer.status_code == 200, answer.get_json()
    return {"X-CSRF-Token": answer.get_json()["csrf_token"]}


# Sessions ---------------------------------------------------------------------------------
def test_signing_in_sets_a_secure_cookie_and_acts_as_her(people: Credentials, app: Flask) -> None:
    app.config["SESSION_COOKIE_SECURE"] = True  # as served by default (tests run on http)
    client = app.test_client()
    answer = sign_in(client)

    assert answer.get_json()["user_id"] == ADA
    assert answer.get_json()["via"] == "session"
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith("tracker_session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie
    assert PASSWORD not in cookie


def test_a_cookie_write_needs_the_csrf_token(people: Credentials, client: FlaskClient) -> None:
    csrf = signed_in(client)

    forged = client.post("/api/v1/plans", json={"mentee_id": ADA})
    done = client.post("/api/v1/plans", json={"mentee_id": ADA}, headers=csrf)

    assert forged.status_code == 400
    assert "CSRF" in forged.get_json()["detail"]
    assert done.status_code == 201
    assert client.get(f"/api/v1/plans/{ADA}").status_code == 200  # reads need none


def test_a_bearer_token_needs_no_csrf_token_and_ignores_cookies(
    people: Credentials, client: FlaskClient
) -> None:
    signed_in(client, "root")  # a cookie of someone else's in the same client

    answer = client.post("/api/v1/plans", json={"mentee_id": ADA}, headers=people.headers(ADA))

    assert answer.status_code == 201
    assert client.get("/api/v1/session", headers=people.headers(ADA)).get_json()["via"] == "token"


def test_signing_in_again_gives_a_new_session(people: Credentials, app: Flask) -> None:
    thief, ada = app.test_client(), app.test_client()
    sign_in(thief)
    stolen = thief.get_cookie("tracker_session")
    assert stolen is not None

    signed_in(ada)  # a fresh sign-in rotates
    assert ada.get_cookie("tracker_session").value != stolen.value  # type: ignore[union-attr]


def test_signing_out_ends_the_session_on_the_server(people: Credentials, app: Flask) -> None:
    client = app.test_client()
    csrf = signed_in(client)
    kept = client.get_cookie("tracker_session")
    assert kept is not None

    assert client.delete("/api/v1/session", headers=csrf).status_code == 204

    replayed = app.test_client()
    replayed.set_cookie("tracker_session", kept.value)
    assert replayed.get("/api/v1/session").status_code == 401
    assert client.get("/api/v1/session").status_code == 401


def test_wrong_user_and_wrong_password_get_the_same_answer(
    people: Credentials, client: FlaskClient
) -> None:
    wrong_password = sign_in(client, ADA, "not her password at all")
    unknown_user = sign_in(client, "nobody-here", PASSWORD)

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.get_json()["detail"] == unknown_user.get_json()["detail"]
    assert "Set-Cookie" not in wrong_password.headers


# Throttling -------------------------------------------------------------------------------
def test_failed_sign_ins_are_throttled_per_user_with_retry_after(
    people: Credentials, app: Flask, clock: ManualClock
) -> None:
    clients = [app.test_client() for _ in range(6)]
    for client in clients[:5]:
        assert sign_in(client, ADA, "guess guess guess").status_code == 401

    refused = sign_in(clients[5])  # even the right password, for now

    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert refused.get_json()["type"].endswith("/too-many-requests")
    assert sign_in(clients[5], "root").status_code == 200  # other users are not locked out
    clock.advance(minutes=16)
    assert sign_in(clients[5]).status_code == 200


def test_failed_sign_ins_are_throttled_per_address(people: Credentials, app: Flask) -> None:
    client = app.test_client()
    for n in range(20):
        assert sign_in(client, f"guess-{n}", "guess guess guess").status_code == 401

    assert sign_in(client).status_code == 429  # this address, whoever it names
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert sign_in(other).status_code == 200


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    sqlite_url: str, clock: ManualClock
) -> None:
    proxied = make_app(sqlite_url, clock, TRACKER_TRUSTED_PROXIES="1")
    try:
        Credentials.of(proxied).account(ADA, password=PASSWORD)
        client = proxied.test_client()
        guesser = {"X-Forwarded-For": "203.0.113.9"}
        for n in range(20):
            body = {"user_id": f"guess-{n}", "password": "guess guess guess"}
            client.post("/api/v1/session", json=body, headers=guesser)
        blocked = client.post(
            "/api/v1/session", json={"user_id": ADA, "password": PASSWORD}, headers=guesser
        )
        other = client.post(
            "/api/v1/session",
            json={"user_id": ADA, "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.4"},
        )
        assert (blocked.status_code, other.status_code) == (429, 200)
    finally:
        close_app(proxied)


def test_the_throttle_is_shared_by_every_worker(
    people: Credentials, app: Flask, sqlite_url: str, clock: ManualClock
) -> None:
    other_worker = make_app(sqlite_url, clock)
    try:
        for n in range(5):
            worker = app if n % 2 else other_worker
            sign_in(worker.test_client(), ADA, "guess guess guess")
        assert sign_in(other_worker.test_client()).status_code == 429
    finally:
        close_app(other_worker)


# Tokens and scopes ------------------------------------------------------------------------
def test_a_token_is_shown_once_listed_without_secret_and_revoked(
    people: Credentials, client: FlaskClient
) -> None:
    csrf = signed_in(client)
    made = client.post(
        "/api/v1/account/tokens", json={"name": "laptop", "scopes": ["read:plan"]}, headers=csrf
    )
    assert made.status_code == 201
    secret, token_id = made.get_json()["secret"], made.get_json()["token_id"]
    bearer = {"Authorization": f"Bearer {secret}"}

    listed = client.get("/api/v1/account/tokens").get_json()["items"]
    assert [t["token_id"] for t in listed] == [token_id]
    assert secret not in str(listed)
    assert client.get("/api/v1/session", headers=bearer).status_code == 200

    revoked = client.delete(f"/api/v1/account/tokens/{token_id}", headers=csrf)
    assert revoked.status_code == 204
    assert client.get("/api/v1/session", headers=bearer).status_code == 401


def test_people_cannot_grant_themselves_the_feed_or_mint_tokens_with_tokens(
    people: Credentials, client: FlaskClient
) -> None:
    csrf = signed_in(client)
    feed = client.post(
        "/api/v1/account/tokens", json={"name": "x", "scopes": ["read:events"]}, headers=csrf
    )
    with_token = client.post(
        "/api/v1/account/tokens",
        json={"name": "y", "scopes": ["read:plan"]},
        headers=people.headers(ADA),
    )

    assert feed.status_code == 422
    assert with_token.status_code == 403


def test_a_token_without_the_needed_scope_is_a_403(people: Credentials, app: Flask) -> None:
    api = Api(app.test_client())
    api.start_plan(ADA)
    read_only = people.headers(ADA, ("read:plan",))

    write = api.client.post(f"/api/v1/plans/{ADA}/goals", json=SMARTY_GOAL, headers=read_only)
    read = api.client.get(f"/api/v1/plans/{ADA}", headers=read_only)
    feed = api.client.get("/api/v1/events", headers=read_only)

    assert write.status_code == 403
    assert "write:plan" in write.get_json()["detail"]
    assert read.status_code == 200
    assert feed.status_code == 403


def test_nobody_acts_in_someone_elses_name(people: Credentials, app: Flask) -> None:
    api = Api(app.test_client())
    api.start_plan(ADA)

    for_her = api.post("/api/v1/plans", {"mentee_id": ADA}, actor="root")
    other_plan = api.post("/api/v1/plans", {"mentee_id": "bob"}, actor="root")
    named_actor = api.post(f"/api/v1/plans/{ADA}/goals", {**SMARTY_GOAL, "actor_id": "root"})

    assert for_her.status_code in (403, 404)
    assert other_plan.status_code in (403, 404)
    assert named_actor.status_code == 422  # no body field says who acts
    assert api.get("/api/v1/plans/bob", actor="bob").status_code == 404


# Sign-up and accounts ---------------------------------------------------------------------
def test_sign_up_is_closed_unless_configured(
    people: Credentials, client: FlaskClient, sqlite_url: str, clock: ManualClock
) -> None:
    body = {"user_id": "cleo", "display_name": "Cleo", "email": "c@example.org"}
    body["password"] = PASSWORD
    assert client.post("/api/v1/accounts", json=body).status_code == 403

    open_app = make_app(sqlite_url, clock, TRACKER_SIGNUP="open")
    try:
        opened = open_app.test_client()
        assert opened.post("/api/v1/accounts", json=body).status_code == 201
        assert opened.post("/api/v1/accounts", json=body).status_code == 409
        assert sign_in(opened, "cleo").status_code == 200
    finally:
        close_app(open_app)


def test_admins_manage_accounts_but_read_no_plans(people: Credentials, app: Flask) -> None:
    api = Api(app.test_client())
    api.start_plan(ADA)
    admin = app.test_client()
    csrf = signed_in(admin, "root")

    listed = admin.get("/api/v1/accounts").get_json()["items"]
    assert {a["user_id"] for a in listed} >= {ADA, "root"}
    assert admin.get(f"/api/v1/plans/{ADA}").status_code == 404
    assert api.get("/api/v1/accounts", actor=ADA).status_code == 403
    assert api.get("/api/v1/accounts", actor="root").status_code == 403  # a token: no

    disabled = admin.post(f"/api/v1/accounts/{ADA}/disable", headers=csrf)
    assert disabled.get_json()["status"] == "disabled"
    assert api.get(f"/api/v1/plans/{ADA}", actor=ADA).status_code == 401
    assert sign_in(app.test_client()).status_code == 401


@pytest.fixture
def served(sqlite_url: str, clock: ManualClock) -> Iterator[Flask]:
    """The app as a browser meets it by default: Secure cookies."""
    app = make_app(sqlite_url, clock, TRACKER_INSECURE_COOKIES="")
    yield app
    close_app(app)


def test_cookies_are_secure_unless_told_otherwise(served: Flask) -> None:
    assert served.config["SESSION_COOKIE_SECURE"] is True
    assert served.config["SESSION_COOKIE_HTTPONLY"] is True
    assert served.config["SESSION_COOKIE_SAMESITE"] == "Lax"
