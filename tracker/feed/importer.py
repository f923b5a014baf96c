"""`tracker import`: an export file into an empty store, verified first, written in order.

Two passes over the file, each reading one line at a time (memory stays flat):

1. verify: the header names the format; every event line is whole JSON whose event the
   application can read (its type is known, its state decodes, old versions upcast); the
   positions rise; the manifest is there, last, and its counts and sha256 match. Any
   failure refuses the file with a message saying what is wrong, before anything is written.
2. write: the events in file order, through the application's mapper (which encrypts text
   the way the store is configured to; remade every `WINDOW` events so the keys it learns do
   not pile up, see `archive.WindowedMapper`) and its recorder, `BATCH` events per
   transaction, so stream ids, versions, timestamps and order are kept. Positions are the
   store's own; they equal the exported ones when those had no gaps.

Idempotent: if the store already holds the file's events (an earlier import), nothing is
written; if it holds the first part of them (an import that stopped), the rest is written.
A store holding anything else is refused: import needs an empty store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import StoredEvent

from tracker.feed.archive import FORMAT, FORMAT_VERSION, Manifest, WindowedMapper, plain_mapper

BATCH = 500
EVENT_KEYS = ("position", "stream_id", "version", "topic", "state")
Progress = Callable[[int], None]


class ImportRefused(Exception):
    """The file or the store does not allow the import; nothing was written."""


@dataclass(frozen=True)
class FileEvent:
    """One event line of an export."""

    line_no: int
    position: int
    stored: StoredEvent


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    manifest: dict[str, Any]
    written: int
    already_there: int


def _json_line(raw: bytes, line_no: int) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise ImportRefused(
            f"Line {line_no} is not whole JSON: the file is damaged or truncated."
        ) from None


def _file_event(obj: Any, line_no: int) -> FileEvent:
    if not isinstance(obj, dict) or any(key not in obj for key in EVENT_KEYS):
        raise ImportRefused(f"Line {line_no} is not an event of a tracker export.")
    try:
        stored = StoredEvent(
            originator_id=UUID(str(obj["stream_id"])),
            originator_version=int(obj["version"]),
            topic=str(obj["topic"]),
            state=json.dumps(obj["state"]).encode(),
        )
        return FileEvent(line_no, int(obj["position"]), stored)
    except (ValueError, TypeError):
        raise ImportRefused(f"Line {line_no} has a malformed stream id or version.") from None


def read_events(stream: BinaryIO) -> Iterator[FileEvent | dict[str, Any]]:
    """The file's events in order, then its manifest (a dict); refuses a file that is not
    an export, is damaged or truncated, or whose bytes do not match the manifest."""
    hasher = hashlib.sha256()
    first = stream.readline()
    header = _json_line(first, 1) if first else None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ImportRefused("This is not a tracker export (its first line names no format).")
    if header.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(f"Export format version {header.get('format_version')} is unknown.")
    hasher.update(first)
    line_no, count = 1, 0
    for raw in stream:
        line_no += 1
        obj = _json_line(raw, line_no)
        if isinstance(obj, dict) and "manifest" in obj:
            manifest = obj["manifest"]
            _check_manifest(manifest, count, hasher.hexdigest(), stream)
            yield manifest
            return
        hasher.update(raw)
        count += 1
        yield _file_event(obj, line_no)
    raise ImportRefused(
        f"The file ends after {count} events without its manifest: it is truncated."
    )


def _check_manifest(manifest: Any, count: int, digest: str, stream: BinaryIO) -> None:
    if not isinstance(manifest, dict):
        raise ImportRefused("The manifest line is malformed.")
    if stream.read(1):
        raise ImportRefused("There is more after the manifest: the file is damaged.")
    if manifest.get("events") != count:
        raise ImportRefused(
            f"The manifest counts {manifest.get('events')} events but the file holds {count}: "
            "it is damaged."
        )
    if manifest.get("sha256") != digest:
        raise ImportRefused("The file's content does not match its manifest's sha256: damaged.")


class Importer:
    """Imports one export file into one application's store."""

    def __init__(self, app: Application[Any], path: Path) -> None:
        self.app = app
        self.path = path
        self.plain = plain_mapper(app)
        self.writing = WindowedMapper(app)

    def verify(self, progress: Progress | None = None) -> dict[str, Any]:
        """Pass 1: the whole file is sound and readable; its manifest."""
        last_position = 0
        with self.path.open("rb") as stream:
            for item in read_events(stream):
                if isinstance(item, dict):
                    return item
                if item.position <= last_position:
                    raise ImportRefused(f"Line {item.line_no}: positions must rise.")
                last_position = item.position
                self._readable(item)
                if progress is not None and item.line_no % BATCH == 0:
                    progress(item.line_no)
        raise ImportRefused("The file has no manifest.")  # read_events raises first

    def run(self, progress: Progress | None = None) -> ImportResult:
        """Pass 2 (after `verify`): write what the store does not hold yet."""
        manifest = Manifest().as_json()
        present = self._present_prefix()
        written = 0
        batch: list[StoredEvent] = []
        with self.path.open("rb") as stream:
            for index, item in enumerate(read_events(stream)):
                if isinstance(item, dict):
                    manifest = item
                    break
                if index < present:
                    continue
                batch.append(
                    self.writing.mapper.to_stored_event(self.plain.to_domain_event(item.stored))
                )
                if len(batch) == BATCH:
                    written += self._insert(batch, progress)
        written += self._insert(batch, progress)
        return ImportResult(manifest, written, present)

    def _readable(self, item: FileEvent) -> None:
        try:
            self.plain.to_domain_event(item.stored)
        except Exception as error:  # any failure to read an event refuses the whole file
            raise ImportRefused(
                f"Line {item.line_no}: the event cannot be read by this version of the "
                f"tracker ({type(error).__name__}: {error})."
            ) from None

    def _insert(self, batch: list[StoredEvent], progress: Progress | None) -> int:
        if not batch:
            return 0
        self.app.recorder.insert_events(batch)
        count = len(batch)
        self.writing.done(count)
        batch.clear()
        if progress is not None:
            progress(count)
        return count

    def _present_prefix(self) -> int:
        """How many of the file's first events the store holds already, in the same order;
        refuses a store holding anything else."""
        recorder = self.app.recorder
        if not recorder.max_notification_id():
            return 0
        matched, after = 0, 0
        with self.path.open("rb") as stream:
            events = (e for e in read_events(stream) if isinstance(e, FileEvent))
            while page := recorder.select_notifications(after, BATCH, inclusive_of_start=False):
                for notification in page:
                    expected = next(events, None)
                    if expected is None or not _same(expected.stored, notification):
                        raise ImportRefused(
                            "The store is not empty and holds other events than this file's: "
                            "import needs an empty store."
                        )
                    matched += 1
                after = page[-1].id
        return matched


def _same(expected: StoredEvent, found: StoredEvent) -> bool:
    return (
        str(expected.originator_id) == str(found.originator_id)
        and expected.originator_version == found.originator_version
        and expected.topic == found.topic
    )
