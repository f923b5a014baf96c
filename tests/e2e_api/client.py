"""A small HTTP client for the served app: one connection per request, bounded by a timeout.

The standard library only, so that the end-to-end tests exercise gunicorn exactly as any
other client would, with nothing between them and the socket.
"""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 15.0


@dataclass(frozen=True)
class Answer:
    """A response as read off the wire."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """A header's value, whatever the case of its name."""
        return self.headers.get(name.lower())


def call(
    base: str,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
    timeout: float = TIMEOUT,
) -> Answer:
    """One request to `base` + `path`, signed in with `token` (a bearer token) if given;
    `body` is sent as JSON, `raw` as given."""
    url = urlsplit(base)
    sent = dict(headers or {})
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    data = raw
    if body is not None:
        data = json.dumps(body).encode()
        sent.setdefault("Content-Type", "application/json")
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=timeout)
    try:
        connection.request(method, url.path.rstrip("/") + path, body=data, headers=sent)
        response = connection.getresponse()
        answer = Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            response.read(),
        )
    finally:
        connection.close()
    return answer
