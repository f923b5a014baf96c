"""The eventsourcing Mapper that seals a mentee's personal text with her own key.

Writing: for an event (or snapshot) of a stream owned by a mentee, every string leaf of its
personal-text attributes (`tracker.erasure.personal_text`) becomes

    "\\x00enc:v1:<key id>:<base64 of nonce + AES-256-GCM ciphertext + tag>"

with the stream id as associated data (a sealed text cannot be moved to another stream).
The JSON transcoder then stores it like any other string. Reading reverses it; a text whose
key was erased reads as `ERASED_TEXT`, so aggregates, snapshots, projections (rebuilt), the
event feed and exports all show "[erased]" where her words were.

Who owns a stream: every creating event (Plan.Started, Goal.Drafted, Proposal.Made,
CheckIn.Scheduled, Mentorship.Invited) and every snapshot carries `mentee_id`, which is never
encrypted. The mapper remembers the owner of each stream it has read or written; an event is
always saved after its aggregate was created or loaded through this mapper, so the owner is
known without a query. Failing that (a stream written by another process), `find_owner` reads
the stream's first event. The owner is thus derived, not stored: nothing to keep consistent
with the events, and no second write in the events' transaction.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from eventsourcing.domain import DomainEventProtocol, Snapshot
from eventsourcing.persistence import Cipher, Compressor, Mapper, StoredEvent, Transcoder

from tracker.erasure.keys import DataKey, KeyRing
from tracker.erasure.personal_text import map_text, paths_for_event, paths_for_snapshot

MARKER = "\x00enc:v1:"
ERASED_TEXT = "[erased]"
NONCE_BYTES = 12
MAX_REMEMBERED_STREAMS = 200_000
NO_OWNER = ""  # remembered for streams no mentee owns, so they are looked up once

FindOwner = Callable[[UUID], str | None]


class ShreddingMapper(Mapper[UUID]):
    """Encrypts personal text on the way to the store and decrypts it on the way back."""

    def __init__(
        self,
        transcoder: Transcoder,
        compressor: Compressor | None = None,
        cipher: Cipher | None = None,
        *,
        keyring: KeyRing,
        encrypt: bool = True,
        find_owner: FindOwner | None = None,
    ) -> None:
        super().__init__(transcoder, compressor=compressor, cipher=cipher)
        self.keyring = keyring
        self.encrypt = encrypt
        self.find_owner = find_owner
        self._owners: dict[UUID, str] = {}

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        """The stored form, with the owner's personal text sealed (if encryption is on)."""
        owner = self.owner_of(domain_event)
        if self.encrypt and owner is not None:
            paths = self._paths(domain_event, owner)
            if paths:
                sealed = self._seal(vars(domain_event), paths, owner, domain_event.originator_id)
                domain_event = _with_state(domain_event, sealed)
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        """The domain event, its sealed text opened (or "[erased]" without the key)."""
        domain_event = super().to_domain_event(stored_event)
        self._learn_owner(domain_event)
        # Sealed text names its key, so opening needs no owner: a stream met mid-way (by a
        # projector or feed reader starting after its creating event) reads the same.
        paths = self._paths(domain_event, owner=None)
        if paths:
            self.keyring.refresh_if_due()
            aad = str(domain_event.originator_id).encode()
            state = vars(domain_event)
            opened = map_text(state, paths, lambda text: self._open(text, aad))
            if opened is not state:
                object.__setattr__(domain_event, "__dict__", opened)
        return domain_event

    def owner_of(self, domain_event: DomainEventProtocol[UUID]) -> str | None:
        """The mentee who owns the event's stream, if any."""
        owner = self._learn_owner(domain_event)
        stream_id = domain_event.originator_id
        if owner is None and self.find_owner is not None and stream_id not in self._owners:
            owner = self.find_owner(stream_id)
            self._remember(stream_id, owner or NO_OWNER)
        return owner or None

    def _learn_owner(self, domain_event: DomainEventProtocol[UUID]) -> str | None:
        state = vars(domain_event)
        named = state.get("mentee_id")
        if named is None and isinstance(domain_event, Snapshot):
            named = domain_event.state.get("mentee_id")
        if isinstance(named, str):
            self._remember(domain_event.originator_id, named)
            return named
        return self._owners.get(domain_event.originator_id) or None

    def _remember(self, stream_id: UUID, owner: str) -> None:
        if len(self._owners) >= MAX_REMEMBERED_STREAMS:
            self._owners.clear()  # rarely: forgetting costs one read per stream
        self._owners[stream_id] = owner

    def _paths(self, domain_event: DomainEventProtocol[UUID], owner: str | None) -> tuple[str, ...]:
        """Where personal text may be: for sealing, the owner's; None means every place
        (for opening: a string that is not sealed is left as it is)."""
        if isinstance(domain_event, Snapshot):
            return paths_for_snapshot(domain_event.topic.rsplit(":", 1)[-1])
        acted = owner is None or getattr(domain_event, "actor_id", None) == owner
        return paths_for_event(type(domain_event).__qualname__, mentee_acted=acted)

    def _seal(
        self, state: dict[str, Any], paths: tuple[str, ...], owner: str, stream_id: UUID
    ) -> dict[str, Any]:
        aad = str(stream_id).encode()
        key: list[DataKey] = []  # fetched on the first text: events without text need none

        def seal(text: str) -> str:
            if not key:
                key.append(self.keyring.key_for_writing(owner))
            nonce = os.urandom(NONCE_BYTES)
            sealed = key[0].cipher.encrypt(nonce, text.encode(), aad)
            encoded = base64.b64encode(nonce + sealed).decode("ascii")
            return f"{MARKER}{key[0].key_id}:{encoded}"

        return map_text(state, paths, seal)

    def _open(self, text: str, aad: bytes) -> str:
        if not text.startswith(MARKER):
            return text  # written before encryption was on, or with it off
        key_id, _, encoded = text[len(MARKER) :].partition(":")
        cipher = self.keyring.cipher_for_reading(key_id)
        if cipher is None:
            return ERASED_TEXT
        try:
            raw = base64.b64decode(encoded, validate=True)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
        except (InvalidTag, ValueError, binascii.Error):
            # Not a text this store sealed (e.g. typed to look like one): show it as stored.
            return text


def _with_state(domain_event: Any, state: dict[str, Any]) -> Any:
    """A copy of the (frozen) event with another attribute dict; the original is untouched."""
    copy = object.__new__(type(domain_event))
    object.__setattr__(copy, "__dict__", state)
    return copy
