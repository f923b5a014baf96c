"""Who is signed in: a bearer token or a session cookie, and the access policy's actor.

A request is authenticated in one of two ways, never both:

- `Authorization: Bearer trk_...`: a personal API token (tracker.accounts), with its scopes.
  A request that sends this header ignores any cookie, needs no CSRF token, and is
  anonymous if the token is not valid.
- The session cookie, set by signing in (the HTML form or `POST /api/v1/session`). It holds
  a random session id kept server-side (`tracker.web.sessions`), so signing out, disabling
  or erasing the account ends it. Unsafe requests riding on it need a CSRF token (a form's
  `csrf_token` field, or the `X-CSRF-Token` header for JSON).

A `before_request` hook sets `tracker.access.acting_as(actor)` for the whole request, so the
application service enforces the policy for pages and the API alike. Failed sign-ins are
throttled per user id and per client address (`tracker.web.throttle`).

Settings (app config, defaulting to the environment): ``TRACKER_SECRET_KEY`` (else a key
generated once into the instance folder), ``TRACKER_INSECURE_COOKIES=1`` (cookies without
Secure, for plain-http local runs and tests), ``TRACKER_SIGNUP=open|closed`` (default
closed), ``TRACKER_SESSION_HOURS`` (default 12), ``TRACKER_TRUSTED_PROXIES`` (how many
reverse proxies set X-Forwarded-For/-Proto in front; default 0),
``TRACKER_TOKEN_CACHE_SECONDS`` (how long a worker trusts a token it verified without
reading it again, so a revocation made elsewhere reaches it within that time; default 5,
0 reads every time); in app config only,
``TRACKER_PASSWORD_HASHER`` (an argon2 `PasswordHasher`, e.g. a cheap one for tests) and
``TRACKER_SIGN_IN_LIMITS`` (`tracker.web.throttle.Limits`).
"""

from __future__ import annotations

import os
import secrets
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.access import Actor, acting_as
from tracker.accounts import Account, Accounts
from tracker.accounts.token_cache import DEFAULT_SECONDS as DEFAULT_TOKEN_CACHE_SECONDS
from tracker.application import TrackerApplication
from tracker.web.sessions import SessionStore
from tracker.web.throttle import SignInThrottle

EXTENSION = "tracker.auth"
SESSION_KEY = "sid"
SESSION_COOKIE = "tracker_session"
SECRET_KEY_FILE = "secret_key"
API_PATH = "/api/"
csrf = CSRFProtect()


class NotSignedIn(Exception):
    """Nobody is signed in, or the credentials sent are not valid (HTTP 401)."""


class SignInFailed(Exception):
    """Wrong user id or password: one message for both, so ids cannot be probed."""

    def __init__(self) -> None:
        super().__init__("The user id or the password is not right.")


class SignInThrottled(Exception):
    """Too many failed sign-ins for this user id or from this address (HTTP 429)."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many failed sign-ins; try again in {retry_after} seconds.")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Auth:
    """What authentication works with, kept on the Flask app."""

    accounts: Accounts
    sessions: SessionStore
    throttle: SignInThrottle
    signup_open: bool


def init_auth(app: Flask, tracker: TrackerApplication) -> Auth:
    """Configure session cookies and CSRF, and authenticate every request of `app`."""
    _configure_cookies(app)
    _trust_proxies(app)
    tables, clock = tracker.shredding.tables, tracker.clock
    hours = float(_setting(app, "TRACKER_SESSION_HOURS") or 12)
    cache_seconds = _setting(app, "TRACKER_TOKEN_CACHE_SECONDS")
    accounts = Accounts.for_application(
        tracker,
        app.config.get("TRACKER_PASSWORD_HASHER"),
        DEFAULT_TOKEN_CACHE_SECONDS if cache_seconds in (None, "") else float(cache_seconds),
    )
    auth = Auth(
        accounts=accounts,
        sessions=SessionStore(tables, clock, timedelta(hours=hours)),
        throttle=SignInThrottle(tables, clock, app.config.get("TRACKER_SIGN_IN_LIMITS")),
        signup_open=_signup_open(app),
    )
    app.extensions[EXTENSION] = auth
    # Checked in `_authenticate` instead: requests that carry a bearer token need none.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # as long as the session lasts
    csrf.init_app(app)
    app.before_request(_authenticate)
    app.teardown_request(_stop_acting)
    return auth


def get_auth() -> Auth:
    """The authentication of the current Flask app."""
    auth: Auth = current_app.extensions[EXTENSION]
    return auth


def get_accounts() -> Accounts:
    """The accounts service of the current app (for pages: tokens, the account page)."""
    return get_auth().accounts


def current_actor() -> Actor | None:
    """Who the request is from (token or session), or None if nobody is signed in."""
    if "tracker_actor" not in g:
        g.tracker_actor = _identify()
    actor: Actor | None = g.tracker_actor
    return actor


def acting_user() -> str:
    """The id of the signed-in user; NotSignedIn (401) when nobody is."""
    actor = current_actor()
    if actor is None:
        raise NotSignedIn(_why_anonymous())
    return actor.user_id


def signed_in_with_token() -> bool:
    """Whether the request authenticated (or tried to) with a bearer token."""
    return "Authorization" in request.headers


def sign_in(user_id: str, password: str) -> Actor:
    """Check the password and start a new session (a fresh cookie) for the account.

    SignInThrottled when this user id or address failed too often lately; SignInFailed when
    the user id or password is wrong (or the account disabled).
    """
    account = _check_password(user_id, password)
    auth = get_auth()
    auth.sessions.end(session.get(SESSION_KEY))
    session.clear()  # a new session and a new CSRF token: nothing survives from before
    session[SESSION_KEY] = auth.sessions.start(account.user_id)
    session.permanent = True
    actor = Actor(account.user_id, admin=account.admin)
    _act_as(actor)
    return actor


def reauthenticate(user_id: str, password: str) -> None:
    """Confirm a signed-in user's password before something grave (erasing the account);
    throttled and counted like signing in. SignInFailed, SignInThrottled."""
    _check_password(user_id, password)


def _check_password(user_id: str, password: str) -> Account:
    auth, address = get_auth(), request.remote_addr or "unknown"
    wait = auth.throttle.wait(str(user_id), address)
    if wait > 0:
        raise SignInThrottled(wait)
    account = auth.accounts.authenticate(user_id, password)
    if account is None:
        auth.throttle.failed(str(user_id), address)
        raise SignInFailed
    auth.throttle.succeeded(account.user_id)
    return account


def sign_out() -> None:
    """End the session: the server forgets it and the cookie is emptied."""
    get_auth().sessions.end(session.get(SESSION_KEY))
    session.clear()
    _act_as(None)


def csrf_token() -> str:
    """The CSRF token of the current session, for JSON clients signed in with the cookie."""
    return str(generate_csrf())


# The hook -------------------------------------------------------------------------------
def _authenticate() -> None:
    _act_as(current_actor())
    if request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    if signed_in_with_token():
        return  # the browser never adds this header on its own: no forgery to fear
    if request.path.startswith(API_PATH) and g.get("tracker_via") != "session":
        return  # an anonymous API call rides on no cookie (sign-in itself: see session.py)
    csrf.protect(apply_exemptions=True)


def _identify() -> Actor | None:
    auth = get_auth()
    if signed_in_with_token():
        scheme, _, credential = request.headers["Authorization"].partition(" ")
        if scheme.lower() != "bearer":
            return None
        verified = auth.accounts.verify_token(credential.strip())
        if verified is None:
            return None
        g.tracker_via = "token"
        return Actor(verified.user_id, scopes=frozenset(verified.scopes))
    user = auth.sessions.user_of(session.get(SESSION_KEY))
    if user is None:
        return None
    g.tracker_via = "session"
    return Actor(user.user_id, admin=user.admin)


def _why_anonymous() -> str:
    if signed_in_with_token():
        return (
            "The Authorization header must be 'Bearer <token>' with a valid, unrevoked, "
            "unexpired token."
        )
    if session.get(SESSION_KEY):
        return "Your session has ended; sign in again."
    return "Sign in, or send 'Authorization: Bearer <token>'."


def _act_as(actor: Actor | None) -> None:
    """Make `actor` the access-control actor for the rest of the request."""
    _stop_acting()
    g.tracker_actor = actor
    if actor is not None:
        stack = ExitStack()
        stack.enter_context(acting_as(actor))
        g.tracker_acting = stack


def _stop_acting(_error: BaseException | None = None) -> None:
    stack: ExitStack | None = g.pop("tracker_acting", None)
    if stack is not None:
        stack.close()


# Configuration --------------------------------------------------------------------------
def _setting(app: Flask, name: str) -> Any:
    return app.config.get(name, os.environ.get(name))


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client's address and scheme from their
    X-Forwarded-* headers (the throttle counts per address; cookies need to know https)."""
    hops = int(_setting(app, "TRACKER_TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _signup_open(app: Flask) -> bool:
    value = str(_setting(app, "TRACKER_SIGNUP") or "closed").lower()
    if value not in ("open", "closed"):
        raise ValueError(f"TRACKER_SIGNUP must be 'open' or 'closed', not {value!r}")
    return value == "open"


def _configure_cookies(app: Flask) -> None:
    insecure = str(_setting(app, "TRACKER_INSECURE_COOKIES") or "").lower() in ("1", "true", "yes")
    app.config["SESSION_COOKIE_NAME"] = SESSION_COOKIE
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = not insecure
    hours = float(_setting(app, "TRACKER_SESSION_HOURS") or 12)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=hours)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _setting(app, "TRACKER_SECRET_KEY") or _key_file(app)


def _key_file(app: Flask) -> str:
    """The instance folder's secret key, made once (atomically: workers may race for it)."""
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_KEY_FILE
    if not path.exists():
        draft = folder / f".{SECRET_KEY_FILE}.{secrets.token_hex(8)}"
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # fails if another worker made it first: theirs wins
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
