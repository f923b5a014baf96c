"""Backup and restore of the SQLite event store, safe while the app is serving.

`backup_store(database_url, file)` copies the whole store (events, snapshots, every read
model's view and tracking tables) with SQLite's online backup API, in one step, so that
the copy is one consistent moment even while writers keep writing (the store runs in WAL
mode: a reader blocks nobody). The source is opened read-only; the copy is written to a
temporary file beside the destination, checked with ``PRAGMA integrity_check`` and only
then renamed into place, so a crash or a full disk never leaves a half-written backup
under the name asked for.

`restore_store(file, database_url, force=False)` first checks that the file is an intact
tracker store (SQLite header, integrity check, the events table) and refuses anything
else, writing nothing. It refuses to overwrite a store that already holds events unless
`force` is given. The copy goes through the same backup API into the target, which takes
the target's write lock and replaces its content in one transaction. Stop the web server
and projectors first: they cache aggregates and view positions of the old content.

PostgreSQL stores are backed up with pg_dump and pg_restore (see docs/reliability.md);
`PostgresNotSupported` says how.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from tracker.settings import storage_env

EVENTS_TABLE = "stored_events"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PostgresNotSupported(BackupError):
    """`tracker backup` copies SQLite files; PostgreSQL has pg_dump for that."""


@dataclass(frozen=True)
class StoreSummary:
    """What a backup or restore copied: the file, its events, its views and its size."""

    path: Path
    events: int
    last_position: int
    views: tuple[str, ...]
    size_bytes: int


def sqlite_path(database_url: str) -> Path:
    """The file of a sqlite:/// URL, or a BackupError explaining what to do instead."""
    scheme = urlsplit(database_url).scheme
    if scheme in ("postgres", "postgresql"):
        raise PostgresNotSupported(
            "tracker backup and restore copy SQLite stores. For PostgreSQL use pg_dump, e.g. "
            "pg_dump --format=custom --schema=SCHEMA --file=tracker.dump 'postgresql://...', "
            "and pg_restore --clean --if-exists --dbname='postgresql://...' tracker.dump "
            "(see docs/reliability.md)."
        )
    if scheme == "memory":
        raise BackupError("A memory:// store lives only as long as its process: nothing to copy.")
    path = storage_env(database_url)["SQLITE_DBNAME"]
    if path == ":memory:" or path.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite store has no file to copy.")
    return Path(path)


def backup_store(database_url: str, destination: Path) -> StoreSummary:
    """Copy the store of `database_url` to `destination`, consistently, while it serves."""
    source = sqlite_path(database_url)
    if not source.is_file():
        raise BackupError(f"There is no store at {source} to back up.")
    destination = destination.resolve()
    if destination == source.resolve():
        raise BackupError("The backup must go to another file than the store itself.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.{os.getpid()}.partial")
    try:
        with closing(_open_read_only(source)) as reader:
            require_tracker_store(reader, source)
            _copy(reader, temporary)
        summary = check_backup(temporary)
        os.replace(temporary, destination)
        _sync_directory(destination.parent)
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{suffix}") for suffix in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return replace(summary, path=destination, size_bytes=destination.stat().st_size)


def restore_store(backup: Path, database_url: str, *, force: bool = False) -> StoreSummary:
    """Replace the store of `database_url` with the backup in `backup`, after checking both."""
    target = sqlite_path(database_url)
    summary = check_backup(backup)
    if target.exists() and target.resolve() == backup.resolve():
        raise BackupError("The backup is the store itself: nothing to restore.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_SECONDS)) as writer:
        existing = _existing_events(writer, target)
        if existing and not force:
            raise BackupError(
                f"The store at {target} already holds {existing} events; restoring would "
                "replace them. Give --force to replace them (stop the server first)."
            )
        with closing(_open_read_only(backup)) as reader:
            reader.backup(writer, pages=-1)
    return replace(summary, path=target, size_bytes=target.stat().st_size)


def check_backup(path: Path) -> StoreSummary:
    """The summary of an intact tracker store at `path`, or a BackupError saying what is wrong."""
    if not path.is_file():
        raise BackupError(f"There is no file at {path}.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a tracker backup: it is not a SQLite database.")
    try:
        with closing(_open_read_only(path)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            if problems != ["ok"]:
                raise BackupError(
                    f"{path} is damaged and cannot be restored: {'; '.join(problems[:3])}"
                )
            require_tracker_store(connection, path)
            return _summary(connection, path)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is damaged and cannot be restored: {error}") from None


def require_tracker_store(connection: sqlite3.Connection, path: Path) -> None:
    """Refuse a SQLite database that has no tracker event table."""
    if not _has_table(connection, EVENTS_TABLE):
        raise BackupError(
            f"{path} is not a tracker store: it has no {EVENTS_TABLE} table of events."
        )


def _open_read_only(path: Path) -> sqlite3.Connection:
    # mode=ro: a backup never writes to what it copies, and a missing file is not created.
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS
    )


def _copy(reader: sqlite3.Connection, temporary: Path) -> None:
    """All pages in one step: one read transaction, so one consistent moment of the store."""
    temporary.unlink(missing_ok=True)
    with closing(sqlite3.connect(temporary)) as writer:
        reader.backup(writer, pages=-1)
        # A backup is one self-contained file: no write-ahead log beside it.
        writer.execute("PRAGMA journal_mode=DELETE")
        writer.commit()
    with temporary.open("rb") as file:
        os.fsync(file.fileno())


def _summary(connection: sqlite3.Connection, path: Path) -> StoreSummary:
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    trackings = [n for n in names if n.startswith("view_") and n.endswith("_tracking")]
    views = tuple(sorted(n.removeprefix("view_").removesuffix("_tracking") for n in trackings))
    last = connection.execute(f"SELECT MAX(rowid) FROM {EVENTS_TABLE}").fetchone()[0]
    return StoreSummary(path, _event_count(connection), last or 0, views, path.stat().st_size)


def _existing_events(connection: sqlite3.Connection, path: Path) -> int:
    """How many events the restore would replace (a file that is not SQLite is refused)."""
    try:
        return _event_count(connection) if _has_table(connection, EVENTS_TABLE) else 0
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite store; not overwriting it: {error}") from None


def _event_count(connection: sqlite3.Connection) -> int:
    return int(connection.execute(f"SELECT COUNT(*) FROM {EVENTS_TABLE}").fetchone()[0])


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.execute(query, (name,)).fetchone() is not None


def _sync_directory(directory: Path) -> None:
    """Make the rename durable: a crash right after it must not bring back the old name."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
