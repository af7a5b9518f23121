"""Opening the outbox's SQLite file: look before changing anything, refuse what is not ours, create
or migrate what is, and translate SQLite's failures into the outbox's typed errors."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from offline_queue import schema
from offline_queue.errors import ForeignQueueFile, OutboxLost, QueueCorrupt, QueueError, QueueFull
from offline_queue.generation import allocate_generation, file_generation, note_file, note_generation
from offline_queue.stats import read_meta

log = logging.getLogger(__name__)

_SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_BUSY, _SQLITE_CORRUPT, SQLITE_FULL, _SQLITE_NOTADB = 5, 11, 13, 26


def primary_code(exc: sqlite3.Error) -> int | None:
    """SQLite's primary result code (the extended code's low byte), None when unknown."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def translate_sqlite_error(exc: sqlite3.Error, path: Path, doing: str) -> QueueError:
    """The typed error for a SQLite failure; SQLite's own words are kept in the detail."""
    code = primary_code(exc)
    detail = f"{doing}: {exc} ({path})"
    if code == SQLITE_FULL:
        return QueueFull(detail, path=path)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return QueueCorrupt(detail, path=path)
    return QueueError(detail)


# Each connection's page cache is capped at this (SQLite's default: 2,000 KiB). The outbox opens three
# (writer, sync, reader); with the default they filled to ~6 MB as the file grew on a long-running
# terminal (bench/soak.py), more than the soak's whole memory budget. Every statement of a session
# touches a few pages at the table's ends (the newest rows, the low-water mark); the one full scan
# (stats) reads the file from the OS cache either way once it is larger than the cap.
# bench/sqlite_cache_bench.py measures both caps side by side (README, "Soak").
CACHE_KIB = 256


def configure(conn: sqlite3.Connection, max_db_bytes: int = 0) -> None:
    """WAL + synchronous=FULL (a commit survives a power cut), a small page cache (CACHE_KIB); an
    optional size cap (max_page_count)."""
    conn.execute("PRAGMA journal_mode=WAL")  # changes the file: only once we know it is ours
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    if max_db_bytes:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={max(1, max_db_bytes // page_size)}")


def connect(path: Path, max_db_bytes: int = 0, *, configured: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable from any thread."""
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
        if configured:
            configure(conn, max_db_bytes)
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path, "opening the outbox") from exc
    return conn


def _refuse_non_sqlite(path: Path) -> None:
    if path.exists() and path.stat().st_size > 0:
        with open(path, "rb") as f:
            header = f.read(len(_SQLITE_HEADER))
        if header != _SQLITE_HEADER:
            raise QueueCorrupt(f"not a SQLite database: {path}", path=path)


def _refuse_foreign(conn: sqlite3.Connection, path: Path, tables: set[str], terminal_id: str) -> None:
    if "outbox_meta" not in tables:
        raise ForeignQueueFile(f"a SQLite database of another application: {path}", path=path)
    if read_meta(conn, "application") != schema.APPLICATION:
        raise ForeignQueueFile(f"not an outbox: {path}", path=path)
    owner = read_meta(conn, "terminal_id")
    if owner != terminal_id:
        raise ForeignQueueFile(f"the outbox of terminal {owner}, not {terminal_id}", path=path)


def open_outbox_file(
    path: Path, terminal_id: str, max_db_bytes: int = 0, *, new_file: bool = False
) -> tuple[sqlite3.Connection, int]:
    """(a configured connection, the file's generation) for a new or existing outbox at `path`.

    A file that is not ours is left exactly as it was. A missing or empty file where an outbox was
    made before (keyring remembers) raises OutboxLost, unless `new_file` (a technician's decision,
    see start_new_outbox). Raises QueueCorrupt, ForeignQueueFile, QueueTooNew, QueueFull, OutboxLost,
    QueueError (keyring, other SQLite failures).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _refuse_non_sqlite(path)
    if not new_file:
        _refuse_lost(path, terminal_id)
    conn = connect(path, configured=False)  # read-only until we know the file is ours
    try:
        generation = _prepare(conn, path, terminal_id, max_db_bytes)
    except BaseException:
        conn.close()
        raise
    return conn, generation


def _prepare(conn: sqlite3.Connection, path: Path, terminal_id: str, max_db_bytes: int) -> int:
    db = sqlite_utils.Database(conn)
    try:
        tables = set(db.table_names())
        if tables:
            _refuse_foreign(conn, path, tables, terminal_id)
        configure(conn, max_db_bytes)
        if not tables:
            generation = allocate_generation(terminal_id)
            meta = {
                "application": schema.APPLICATION,
                "terminal_id": terminal_id,
                "generation": str(generation),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            schema.migrate(db, initial_meta=meta)
            note_file(terminal_id, path, generation)
            log.info("outbox created", extra={"terminal_id": terminal_id, "generation": generation})
            return generation
        applied = schema.migrate(db)
        if applied:
            log.info("outbox migrated", extra={"versions": applied})
        generation = int(read_meta(conn, "generation") or "0")
        note_generation(terminal_id, generation)
        note_file(terminal_id, path, generation)  # files made before the mark existed get it now
        return generation
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path, "preparing the outbox") from exc


def _is_empty(path: Path) -> bool:
    """No file, a 0-byte file, or a SQLite file without a single table (nothing of an outbox)."""
    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # unreadable: _prepare says what it is (QueueCorrupt)


def _refuse_lost(path: Path, terminal_id: str) -> None:
    lost = file_generation(terminal_id, path)
    if lost is not None and _is_empty(path):
        state = "missing" if not path.exists() else "empty"
        raise OutboxLost(
            f"the outbox file (generation {lost}) is {state}: {path}; its unsent submissions are gone."
            " Start a new outbox from the maintenance screen once the disk is checked",
            path=path,
            generation=lost,
        )


def start_new_outbox(path: Path, terminal_id: str) -> int:
    """A technician's decision after OutboxLost: set the empty file aside (renamed, with its WAL,
    as evidence) and create a new outbox with a new generation; returns that generation. Refuses
    (ForeignQueueFile/QueueCorrupt) to touch a file that still holds anything."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not _is_empty(path):
        _refuse_non_sqlite(path)
        raise ForeignQueueFile(f"the file at {path} is not empty: it is not replaced", path=path)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        old = path.with_name(path.name + suffix)
        if old.exists():
            old.rename(path.with_name(f"{path.name}.lost-{stamp}{suffix}"))
    conn, generation = open_outbox_file(path, terminal_id, new_file=True)
    conn.close()
    log.warning(
        "new outbox started by a technician", extra={"terminal_id": terminal_id, "generation": generation}
    )
    return generation
