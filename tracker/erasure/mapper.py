"""The eventsourcing Mapper that seals a mentee's personal text with her own key.

Writing: for an event (or snapshot) of a stream owned by a mentee, every string leaf of its
personal-text attributes (`tracker.erasure.personal_text`) becomes

    "\\x00enc:v1:<key id>:<base64 of nonce + AES-256-GCM ciphertext + tag>"

with the stream id as associated data (a sealed text cannot be moved to another stream).
The JSON transcoder then stores it like any other string. Reading reverses it; a text whose
key was erased reads as `ERASED_TEXT`, so aggregates, snapshots, projections (rebuilt), the
event feed and exports all show "[erased]" where her words were.

Reading opens the sealed texts in the stored JSON itself, before it is decoded
(`opened_state`): each is one JSON string token `"\\u0000enc:v1:<key id>:<base64>"`,
replaced by the JSON string of its text, so no event's values are walked. Sealed texts can
only be where sealing put them: no text may contain the NUL they start with (the domain
refuses control characters), and a forged one fails its tag.

Who owns a stream: every creating event (Plan.Started, Goal.Drafted, Proposal.Made,
CheckIn.Scheduled, Mentorship.Invited) and every snapshot carries `mentee_id`, which is never
encrypted. The mapper remembers the owner of each stream it has read or written; an event is
always saved after its aggregate was created or loaded through this mapper, so the owner is
known without a query. Failing that (a stream written by another process), `find_owner` reads
the stream's first event. The owner is thus derived, not stored: nothing to keep consistent
with the events, and no second write in the events' transaction.
"""

from __future__ import annotations

import binascii
import os
import re
from base64 import b64encode
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidTag
from eventsourcing.domain import DomainEventProtocol, Snapshot
from eventsourcing.persistence import Cipher, Compressor, Mapper, StoredEvent, Transcoder

from tracker.erasure.keys import DataKey, KeyRing
from tracker.erasure.personal_text import map_text, paths_for_event, paths_for_snapshot

MARKER = "\x00enc:v1:"
# A sealed text as the JSON transcoder writes it (NUL escaped): this start, then key id and
# base64 up to the closing quote.
SEALED_JSON_START = b'"\\u0000enc:v1:'
SEALED_TOKEN = re.compile(rb"([0-9A-Za-z_-]+):([A-Za-z0-9+/=]*)")
ERASED_JSON = encode_basestring("[erased]").encode()
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
        self._plain: Mapper[UUID] = Mapper(transcoder)  # decodes what `opened_state` gives
        self._aads: dict[UUID | str, bytes] = {}  # stream id -> its texts' associated data

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
        opened = StoredEvent(
            stored_event.originator_id,
            stored_event.originator_version,
            stored_event.topic,
            self.opened_state(stored_event),
        )
        domain_event = self._plain.to_domain_event(opened)  # eventsourcing's decoding as is
        self._learn_owner(domain_event)
        return domain_event

    def forget_keys(self) -> None:
        """Forget the cached keys now (a projector saw a view cleared: an erasure may have
        just committed in another process, sooner than the keyring's recheck finds it)."""
        self.keyring.forget()

    def opened_state(self, stored_event: StoredEvent) -> bytes:
        """The event's transcoded state (deciphered, decompressed) with its sealed texts
        opened, ready for the transcoder to decode.

        Sealed text names its key, so opening needs no owner: a stream met mid-way (by a
        projector or feed reader starting after its creating event) reads the same.
        """
        state = stored_event.state
        if self.cipher:
            state = self.cipher.decrypt(state)
        if self.compressor:
            state = self.compressor.decompress(state)
        if SEALED_JSON_START not in state:
            return state
        self.keyring.refresh_if_due()
        aad = self._aads.get(stored_event.originator_id)
        if aad is None:
            aad = self._aad(stored_event.originator_id)
        # Split at each token's start: cheaper than a regular expression calling back.
        first, *tokens = state.split(SEALED_JSON_START)
        opened = [first]
        for token in tokens:
            end = token.find(b'"')
            found = SEALED_TOKEN.fullmatch(token, 0, end) if end >= 0 else None
            if found is None:
                opened += (SEALED_JSON_START, token)  # not a sealed text: as stored
                continue
            opened += (self._open_token(found, aad, token[: end + 1]), token[end + 1 :])
        return b"".join(opened)

    def _aad(self, stream_id: UUID | str) -> bytes:
        """A stream's associated data (its id as text), remembered: a catch-up opens
        texts of the same few streams again and again."""
        if len(self._aads) >= MAX_REMEMBERED_STREAMS:
            self._aads.clear()
        aad = self._aads[stream_id] = str(stream_id).encode()
        return aad

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

    def _paths(self, domain_event: DomainEventProtocol[UUID], owner: str) -> tuple[str, ...]:
        """Where the owner's personal text is, to seal it."""
        if isinstance(domain_event, Snapshot):
            return paths_for_snapshot(domain_event.topic.rsplit(":", 1)[-1])
        acted = getattr(domain_event, "actor_id", None) == owner
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
            encoded = b64encode(nonce + sealed).decode("ascii")
            return f"{MARKER}{key[0].key_id}:{encoded}"

        return map_text(state, paths, seal)

    def _open_token(self, token: re.Match[bytes], aad: bytes, rest: bytes) -> bytes:
        """The JSON string of a sealed text's words, "[erased]", or the token as stored."""
        cipher = self.keyring.cipher_for_reading(token[1].decode("ascii"))
        if cipher is None:
            return ERASED_JSON
        try:
            raw = binascii.a2b_base64(token[2], strict_mode=True)
            text = cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
        except (InvalidTag, ValueError, binascii.Error):
            # Not a text this store sealed: show it as stored.
            return SEALED_JSON_START + rest
        return encode_basestring(text).encode()


def _with_state(domain_event: Any, state: dict[str, Any]) -> Any:
    """A copy of the (frozen) event with another attribute dict; the original is untouched."""
    copy = object.__new__(type(domain_event))
    object.__setattr__(copy, "__dict__", state)
    return copy
