"""Each mentee's data key: made on her first personal text, deleted when her account is erased.

Keys live in the table `tracker_erasure_keys` of the events' database, one active key per
mentee (`key_id`, `mentee_id`, `key`, `created`, `erased`). Erasing sets `key` to NULL and
stamps `erased`; the row stays, so that the tracker can tell "erased" from "never had a key"
and refuses to write anything new about an erased mentee.

Keys are cached in process memory (at most `MAX_CACHED_KEYS` of each kind, the oldest
dropped first: a dropped key costs one read when next needed). Another process (a web
worker, `tracker users erase`) may erase a key meanwhile, so each process re-reads the
number of erased keys at most every `recheck_seconds` and forgets its cached keys (and
tells its listeners, which forget their cached aggregates) when that number changed.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import NotAllowed
from tracker.clock import Clock, system_clock
from tracker.erasure.sql import SideCursor, SideTables

KEYS_TABLE = "tracker_erasure_keys"
MAX_CACHED_KEYS = 10_000


class SubjectErased(NotAllowed):
    """Nothing new may be written about a mentee whose account was erased."""

    def __init__(self, mentee_id: str) -> None:
        super().__init__(
            f"The account of {mentee_id} was erased: nothing more can be written about her."
        )
        self.mentee_id = mentee_id


@dataclass(frozen=True)
class DataKey:
    """A mentee's active key: its id (written next to each ciphertext) and the cipher."""

    key_id: str
    cipher: AESGCM


class KeyRing:
    """Creates, finds and erases data keys; see the module docstring."""

    def __init__(
        self, tables: SideTables, clock: Clock = system_clock, recheck_seconds: float = 2.0
    ) -> None:
        self.tables = tables
        self.clock = clock
        self.recheck_seconds = recheck_seconds
        self.table = tables.table(KEYS_TABLE)
        self._lock = threading.Lock()
        self._ciphers: dict[str, AESGCM | None] = {}  # key id -> cipher, None once erased
        self._active: dict[str, DataKey] = {}  # mentee id -> her active key
        self._erased_count: int | None = None
        self._checked_at = 0.0
        self._listeners: list[Callable[[], None]] = []
        # Bumped by `forget`: a key read from the table before then is not cached after.
        self._generation = 0

    def create_tables(self) -> None:
        """Create the key table if it does not exist."""
        blob, when = self.tables.blob_type(), self.tables.time_type()
        self.tables.create(
            [
                f"CREATE TABLE IF NOT EXISTS {self.table} (key_id TEXT PRIMARY KEY, "
                f"mentee_id TEXT NOT NULL, key {blob}, created {when} NOT NULL, erased {when})",
                # One active key per mentee, however many processes race to make it.
                f"CREATE UNIQUE INDEX IF NOT EXISTS {KEYS_TABLE}_active "
                f"ON {self.table} (mentee_id) WHERE erased IS NULL",
            ]
        )

    @property
    def generation(self) -> int:
        """How many times this process forgot its keys (`forget`): anything decoded with a
        key under an older generation may hold text erased since."""
        return self._generation

    def on_erasure(self, listener: Callable[[], None]) -> None:
        """Call `listener` whenever this process learns that a key was erased."""
        self._listeners.append(listener)

    # Writing ------------------------------------------------------------------------------
    def key_for_writing(self, mentee_id: str) -> DataKey:
        """The mentee's active key, made now if she has none; SubjectErased once erased."""
        self.refresh_if_due()
        found = self._active.get(mentee_id)
        if found is not None:
            return found
        generation = self._generation
        with self.tables.transaction(write=True) as cursor:
            # An erasure committed between this read and the insert would leave a live key.
            self.tables.take_turns(cursor, f"key of {mentee_id}")
            cursor.execute(
                f"SELECT key_id, key, erased FROM {self.table} WHERE mentee_id = ?", (mentee_id,)
            )
            rows = cursor.all()
            if any(row[2] is not None for row in rows):
                raise SubjectErased(mentee_id)
            if not rows:
                cursor.execute(
                    f"INSERT INTO {self.table} (key_id, mentee_id, key, created) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (
                        secrets.token_hex(8),
                        mentee_id,
                        AESGCM.generate_key(bit_length=256),
                        self.tables.time_param(self.clock()),
                    ),
                )
                cursor.execute(
                    f"SELECT key_id, key, erased FROM {self.table} "
                    "WHERE mentee_id = ? AND erased IS NULL",
                    (mentee_id,),
                )
                rows = cursor.all()
        key_id, key, _ = rows[0]
        data_key = DataKey(str(key_id), AESGCM(bytes(key)))
        with self._lock:
            if generation == self._generation:  # else erased meanwhile: read it again
                _bounded_put(self._active, mentee_id, data_key)
                _bounded_put(self._ciphers, data_key.key_id, data_key.cipher)
        return data_key

    # Reading ------------------------------------------------------------------------------
    def cipher_for_reading(self, key_id: str) -> AESGCM | None:
        """The cipher of key `key_id`, or None if it was erased (or never existed here)."""
        if key_id in self._ciphers:
            return self._ciphers[key_id]
        generation = self._generation
        with self.tables.transaction() as cursor:
            cursor.execute(f"SELECT key FROM {self.table} WHERE key_id = ?", (key_id,))
            row = cursor.one()
        cipher = None if row is None or row[0] is None else AESGCM(bytes(row[0]))
        with self._lock:
            # A key read before an erasure that committed (and was forgotten) meanwhile is
            # not kept: kept, it would open her text again after the erasure, in this
            # process, until the next one (seen under load: a feed page read just after it).
            if generation == self._generation:
                _bounded_put(self._ciphers, key_id, cipher)
        return cipher

    def is_erased(self, mentee_id: str) -> bool:
        """Whether the mentee's key was erased."""
        with self.tables.transaction() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {self.table} WHERE mentee_id = ? AND erased IS NOT NULL",
                (mentee_id,),
            )
            return cursor.one() is not None

    # Erasing ------------------------------------------------------------------------------
    def erase(self, mentee_id: str, *, compact: bool = True) -> int:
        """Delete the mentee's key (her text becomes unreadable); the number of keys erased.

        `compact` rewrites the key table so the deleted key's bytes are gone from the
        database files. To erase the key together with other rows (her account), call
        `erase_in` inside that transaction and `forget` once it committed.
        """
        with self.tables.secure_deletes() as cursor:
            erased = self.erase_in(cursor, mentee_id)
        self.forget()
        if compact:
            self.tables.compact([KEYS_TABLE])
        return erased

    def erase_in(self, cursor: SideCursor, mentee_id: str) -> int:
        """`erase`'s writes, in the caller's write transaction; the number of keys erased.

        An erased mentee without a key (she never wrote personal text) gets an erased row
        all the same, so nothing new is written about her afterwards.
        """
        now = self.tables.time_param(self.clock())
        self.tables.take_turns(cursor, f"key of {mentee_id}")  # with key_for_writing
        cursor.execute(
            f"SELECT COUNT(*), COUNT(key) FROM {self.table} WHERE mentee_id = ?", (mentee_id,)
        )
        rows, live = cursor.one() or (0, 0)
        cursor.execute(
            f"UPDATE {self.table} SET key = NULL, erased = ? "
            "WHERE mentee_id = ? AND erased IS NULL",
            (now, mentee_id),
        )
        if not rows:
            cursor.execute(
                f"INSERT INTO {self.table} (key_id, mentee_id, key, created, erased) "
                "VALUES (?, ?, NULL, ?, ?)",
                (secrets.token_hex(8), mentee_id, now, now),
            )
        return int(live)

    def refresh_if_due(self) -> None:
        """Forget cached keys if another process erased one since the last look."""
        now = time.monotonic()
        if now - self._checked_at < self.recheck_seconds:
            return
        self._checked_at = now
        with self.tables.transaction() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table} WHERE erased IS NOT NULL")
            row = cursor.one()
        count = int(row[0]) if row else 0
        if self._erased_count is not None and count != self._erased_count:
            self.forget()
        self._erased_count = count

    def forget(self) -> None:
        """Forget every cached key and tell the listeners (after an erasure commits)."""
        with self._lock:
            self._ciphers.clear()
            self._active.clear()
            self._erased_count = None
            self._checked_at = 0.0
            self._generation += 1
        for listener in self._listeners:
            listener()


def _bounded_put(cache: dict[str, Any], key: str, value: Any) -> None:
    """Put `key` in `cache`, first dropping the oldest entries beyond MAX_CACHED_KEYS."""
    while len(cache) >= MAX_CACHED_KEYS and key not in cache:
        cache.pop(next(iter(cache)))
    cache[key] = value
