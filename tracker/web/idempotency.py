"""Idempotency-Key on writes: a retry gets the first answer, and nothing is written twice.

A client that sends ``Idempotency-Key: <key>`` with a write and retries it (a timeout, a
dropped connection) with the same key and the same request gets the FIRST answer again:
same status, body, Location and ETag, plus ``Idempotent-Replayed: true``. Keys belong to
the actor who sent them and are kept (in the events' database, see
`tracker.web.idempotency_store`) for ``TRACKER_IDEMPOTENCY_TTL`` seconds (24 h by default).

- The same key with another request (method, path, If-Match or body) is a 422 problem.
- A retry while the first request still runs waits for its answer, up to
  ``TRACKER_IDEMPOTENCY_WAIT`` seconds, then gets a 409 problem with Retry-After.
- Only successes are kept: a request refused (4xx) or failed (5xx) wrote nothing, so a
  retry with its key runs again.
- A request holding a key for over ``LEASE_SECONDS`` without answering is presumed dead
  (its worker was killed) and a retry takes the key over. If it died after its write and
  before its answer was kept, that retry writes again: the one window left open.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from uuid import uuid4

from eventsourcing.persistence import PersistenceError
from flask import Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest

from tracker.web.actor import acting_user
from tracker.web.apidoc import document
from tracker.web.context import get_tracker
from tracker.web.idempotency_store import Answer, Claim, IdempotencyStore, open_store
from tracker.web.problems import Refused

IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
IDEMPOTENCY_COMPONENT = "IdempotencyKey"
KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"  # visible ASCII: UUIDs, ULIDs, random tokens
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": IDEMPOTENCY_HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": KEY_PATTERN, "maxLength": 255},
    "description": (
        "A key of your choosing (e.g. a UUID), new for each intended write. A retry with the "
        "same key and the same request gets the first answer again (with "
        "Idempotent-Replayed: true) and writes nothing; the same key with another request "
        "is a 422. Keys are kept for 24 hours."
    ),
}
DEFAULT_TTL_SECONDS = 24 * 60 * 60
DEFAULT_WAIT_SECONDS = 5.0
LEASE_SECONDS = 60.0
POLL_SECONDS = 0.05
KEPT_HEADERS = ("Content-Type", "Location", "ETag")
EXTENSION = "idempotency"
_opening = threading.Lock()


def init_idempotency(app: Flask) -> None:
    """Settle how long keys are kept and how long a retry waits (config, then environment)."""
    app.config.setdefault(
        "TRACKER_IDEMPOTENCY_TTL",
        float(os.environ.get("TRACKER_IDEMPOTENCY_TTL") or DEFAULT_TTL_SECONDS),
    )
    app.config.setdefault(
        "TRACKER_IDEMPOTENCY_WAIT",
        float(os.environ.get("TRACKER_IDEMPOTENCY_WAIT") or DEFAULT_WAIT_SECONDS),
    )


def get_idempotency_store() -> IdempotencyStore:
    """The key store of this app, opened (its table created) on first use."""
    extensions = current_app.extensions
    with _opening:
        if EXTENSION not in extensions:
            ttl = float(current_app.config["TRACKER_IDEMPOTENCY_TTL"])
            extensions[EXTENSION] = open_store(get_tracker().recorder, ttl)
    store: IdempotencyStore = extensions[EXTENSION]
    return store


def idempotency_key() -> str | None:
    """The request's Idempotency-Key, None without one; 400 if it is not a usable key."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    if not re.fullmatch(KEY_PATTERN, key):
        raise BadRequest(f"{IDEMPOTENCY_HEADER} must be 1 to 255 visible ASCII characters.")
    return key


def fingerprint() -> str:
    """What makes two requests the same: method, path, If-Match and the body's content
    (JSON compared by value, so key order and spacing do not matter)."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        body = raw
    digest = hashlib.sha256()
    for part in (request.method, request.full_path, request.headers.get("If-Match", "")):
        digest.update(part.encode() + b"\n")
    digest.update(body)
    return digest.hexdigest()


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Honour Idempotency-Key on a write (place it under `acting`: keys are per actor)."""

    @wraps(view)
    def once(*args: Any, **kwargs: Any) -> Any:
        key = idempotency_key()
        if key is None:
            return view(*args, **kwargs)
        actor_id, token, store = acting_user(), uuid4().hex, get_idempotency_store()
        first = _claim(store, actor_id, key, token)
        if first is not None:
            return _replay(first)
        try:
            response: Response = view(*args, **kwargs)
        except BaseException:
            _release(store, actor_id, key, token)
            raise
        if 200 <= response.status_code < 300:
            _record(store, actor_id, key, token, response)
        else:
            _release(store, actor_id, key, token)
        return response

    document(once, parameters=[IDEMPOTENCY_COMPONENT], responses=[400, 409, 422])
    return once


def _claim(store: IdempotencyStore, actor_id: str, key: str, token: str) -> Answer | None:
    """Hold the key for this request (None), or the first answer to replay; waits a while
    for a first request still running, then refuses."""
    wanted = fingerprint()
    clock = current_app.config["TRACKER_CLOCK"]
    deadline = time.monotonic() + float(current_app.config["TRACKER_IDEMPOTENCY_WAIT"])
    while True:
        now = clock().timestamp()
        claim = store.claim(actor_id, key, wanted, token, now)
        if claim.fingerprint != wanted:
            raise Refused(
                "idempotency-key-reused",
                f"This {IDEMPOTENCY_HEADER} was used for another request; use a new key "
                "for a new write.",
            )
        if claim.answer is not None:
            return claim.answer
        if claim.owner == token or _taken_over(store, actor_id, key, token, claim, now):
            return None
        if time.monotonic() >= deadline:
            raise Refused(
                "idempotency-key-in-use",
                f"The first request with this {IDEMPOTENCY_HEADER} is still running; "
                "retry in a moment to get its answer.",
                headers={"Retry-After": "1"},
            )
        time.sleep(POLL_SECONDS)


def _taken_over(
    store: IdempotencyStore, actor_id: str, key: str, token: str, claim: Claim, now: float
) -> bool:
    if claim.started_at >= now - LEASE_SECONDS:
        return False
    return store.take_over(actor_id, key, claim.owner, token, now)


def _replay(answer: Answer) -> Response:
    response = current_app.response_class(answer.body, status=answer.status)
    response.headers.update(answer.headers)
    response.headers[REPLAYED_HEADER] = "true"
    return response


def _record(
    store: IdempotencyStore, actor_id: str, key: str, token: str, response: Response
) -> None:
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    answer = Answer(response.status_code, headers, response.get_data(as_text=True))
    try:
        store.record(actor_id, key, token, answer)
    except PersistenceError:
        # The write is done and answered; only a retry of it could now write it again.
        current_app.logger.exception("Could not keep the answer to %s %s", actor_id, key)


def _release(store: IdempotencyStore, actor_id: str, key: str, token: str) -> None:
    try:
        store.release(actor_id, key, token)
    except PersistenceError:
        # The request already failed; its key frees itself after LEASE_SECONDS.
        current_app.logger.warning("Could not release %s %s", actor_id, key)
