"""Tokens verified lately, kept a few seconds so that a client's burst of requests costs one
database lookup, not one each.

Keyed by the token's SHA-256 digest (never the secret). An entry lives `seconds` (monotonic
time) at most; revoking a token, or disabling or erasing its account, drops it at once in
the process that did it, and in other processes (other gunicorn workers, the CLI) the change
takes effect when their entry runs out. Expiry dates are still checked on every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from tracker.accounts.records import TokenInfo

DEFAULT_SECONDS = 5.0
MAX_ENTRIES = 10_000


@dataclass
class _Cached:
    info: TokenInfo
    until: float


class VerifiedTokens:
    """digest -> the token's row, for `seconds` after it was read from the database."""

    def __init__(
        self, seconds: float = DEFAULT_SECONDS, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self._monotonic = monotonic
        self._entries: dict[str, _Cached] = {}
        self._lock = threading.Lock()

    def get(self, digest: str) -> TokenInfo | None:
        """The token's row if it was verified less than `seconds` ago, else None."""
        cached = self._entries.get(digest)
        if cached is None:
            return None
        if self._monotonic() >= cached.until:
            with self._lock:
                self._entries.pop(digest, None)
            return None
        return cached.info

    def put(self, digest: str, info: TokenInfo) -> None:
        """Remember a token just verified in the database (nothing if caching is off)."""
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # rare; the next requests read their rows again
            self._entries[digest] = _Cached(info, self._monotonic() + self.seconds)

    def forget(self, *, token_id: str | None = None, user_id: str | None = None) -> None:
        """Drop the entries of one token, or of every token of one account."""
        with self._lock:
            for digest, cached in list(self._entries.items()):
                if cached.info.token_id == token_id or cached.info.user_id == user_id:
                    del self._entries[digest]
