"""Opening the outbox's SQLite file: look before changing anything, refuse what is not ours, create
or migrate what is, and translate SQLite's failures into the outbox's typed errors."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from offline_queue import schema
from offline_queue.errors import ForeignQueueFile, QueueCorrupt, QueueError, QueueFull
from offline_queue.generation import allocate_generation, note_generation
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


def configure(conn: sqlite3.Connection, max_db_bytes: int = 0) -> None:
    """WAL + synchronous=FULL (a commit survives a power cut); an optional size cap (max_page_count)."""
    conn.execute("PRAGMA journal_mode=WAL")  # changes the file: only once we know it is ours
    conn.execute("PRAGMA synchronous=FULL")
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


def open_outbox_file(path: Path, terminal_id: str, max_db_bytes: int = 0) -> tuple[sqlite3.Connection, int]:
    """(a configured connection, the file's generation) for a new or existing outbox at `path`.

    A file that is not ours is left exactly as it was. Raises QueueCorrupt, ForeignQueueFile,
    QueueTooNew, QueueFull, QueueError (keyring, other SQLite failures).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    _refuse_non_sqlite(path)
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
            log.info("outbox created", extra={"terminal_id": terminal_id, "generation": generation})
            return generation
        applied = schema.migrate(db)
        if applied:
            log.info("outbox migrated", extra={"versions": applied})
        generation = int(read_meta(conn, "generation") or "0")
        note_generation(terminal_id, generation)
        return generation
    except sqlite3.Error as exc:
        raise translate_sqlite_error(exc, path, "preparing the outbox") from exc
