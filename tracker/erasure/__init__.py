"""Crypto-shredding: each mentee's personal text is encrypted with a key of her own, so that
erasing her account (deleting the key) leaves the immutable events in place while her words
read as "[erased]" everywhere. See docs/security.md.

`CryptoShredding.for_application(app)` builds the key ring and the mapper on the
application's own database; `tracker.services.base.UseCases.construct_mapper` plugs it in.
`TRACKER_CRYPTO_SHREDDING=off` (in the environment or the application's env) stops
encrypting new events; text already sealed is still opened, so turning it off loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import Application

from tracker.erasure.keys import KEYS_TABLE, KeyRing, SubjectErased
from tracker.erasure.mapper import ERASED_TEXT, ShreddingMapper
from tracker.erasure.sql import SideTables

__all__ = [
    "ERASED_TEXT",
    "KEYS_TABLE",
    "CryptoShredding",
    "KeyRing",
    "ShreddingMapper",
    "SideTables",
    "SubjectErased",
    "shredding_enabled",
]

FLAG = "TRACKER_CRYPTO_SHREDDING"


def shredding_enabled(value: str | None) -> bool:
    """The flag's meaning: on unless it says off (off, false, no, 0)."""
    return (value or "on").strip().lower() not in ("off", "false", "no", "0", "n")


@dataclass
class CryptoShredding:
    """The pieces one application uses: its side tables, key ring and mapper."""

    tables: SideTables
    keyring: KeyRing
    mapper: ShreddingMapper

    @classmethod
    def for_application(cls, app: Application[UUID]) -> CryptoShredding:
        """Build them on the application's database (call from `construct_mapper`)."""
        tables = SideTables(app.factory)
        keyring = KeyRing(tables)
        keyring.create_tables()
        mapper = ShreddingMapper(
            transcoder=app.construct_transcoder(),
            compressor=app.factory.compressor(),
            cipher=app.factory.cipher(),
            keyring=keyring,
            encrypt=shredding_enabled(app.env.get(FLAG)),
            find_owner=lambda stream_id: first_event_owner(app, stream_id),
        )
        return cls(tables, keyring, mapper)

    def close(self) -> None:
        """Release what the application's own close does not."""
        self.tables.close()


def first_event_owner(app: Application[UUID], stream_id: UUID) -> str | None:
    """The mentee named by the stream's creating event (read without decrypting)."""
    stored = app.recorder.select_events(stream_id, lte=1, limit=1)
    if not stored:
        return None
    owner = vars(app.mapper.to_domain_event(stored[0])).get("mentee_id")
    return owner if isinstance(owner, str) else None
