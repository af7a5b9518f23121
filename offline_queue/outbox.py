"""The durable outbox: one SQLite file (WAL, synchronous=FULL) holding every submission until the hub
has it.

    outbox = Outbox.open_for(config)                      # KioskConfig: path, terminal, key from keyring
    ref = outbox.enqueue("repair.public_area", payload, field_classes, catalog_version)
    print(ref)                                            # T0001-93-000042-68, on disk already

Promises:
- `enqueue` returns only after the record is committed with an fsync of the WAL (a power cut after
  the return keeps it). It refuses bad input before writing anything.
- Fields classed personal/sensitive never reach the file in clear (field_crypto.py).
- The file is never altered when it is not ours (another application's database, another
  terminal's outbox, random bytes): opening raises and leaves it for a technician.
- Every connection is its own: enqueue (writer), the sync worker (sync) and stats (reader) use
  separate connections with short transactions, so sending a batch never blocks an enqueue.

Schema and migrations are managed with sqlite-utils (schema.py); the hot paths (one INSERT per
enqueue, batch claims) use prepared statements on plain sqlite3 connections, where sqlite-utils'
per-call overhead would cost.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from kiosk.config import KioskConfig, QueueConfig
from kiosk.hub_api import SubmissionItem
from kiosk.secrets import queue_encryption_key
from offline_queue import schema
from offline_queue.errors import (
    ForeignQueueFile,
    PayloadNotSerialisable,
    PayloadRefused,
    PayloadTooLarge,
    QueueCorrupt,
    QueueError,
    QueueFull,
    UnknownFieldClass,
)
from offline_queue.field_crypto import FIELD_CLASSES, FieldSealer, split_protected
from offline_queue.generation import allocate_generation, note_generation
from offline_queue.local_ref import LocalRef
from offline_queue.schema import ACKED, DEAD_LETTER, IN_FLIGHT, PENDING
from offline_queue.stats import DeadLetter, QueueStats, read_dead_letters, read_meta, read_stats
from offline_queue.sync_lock import SyncLock

log = logging.getLogger(__name__)

_SQLITE_HEADER = b"SQLite format 3\x00"
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 11, 13, 26
# room left in a batch for the item's envelope (key, reference, service, dates) around its payload
_ENVELOPE_BYTES = 512

_INSERT = (
    "INSERT INTO items (idempotency_key, service_id, catalog_version, created_at, created_ts,"
    " clear_fields, sealed, field_classes, size, state, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)


def translate_sqlite_error(exc: sqlite3.Error, path: Path, doing: str) -> QueueError:
    """The typed error for a SQLite failure; SQLite's own words are kept in the detail."""
    code = getattr(exc, "sqlite_errorcode", None)
    detail = f"{doing}: {exc} ({path})"
    if code == _SQLITE_FULL:
        return QueueFull(detail, path=path)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return QueueCorrupt(detail, path=path)
    return QueueError(detail)


@dataclass(frozen=True)
class ClaimedItem:
    """An item the sync worker has moved to in_flight; its protected fields are still sealed."""

    seq: int
    local_ref: str
    idempotency_key: str
    service_id: str
    catalog_version: str
    created_at: str
    clear_fields: str
    sealed: bytes | None


@dataclass(frozen=True)
class Settlement:
    """What to write after a batch: acked (seq, case_id), dead letters (seq, reason), back to pending."""

    acked: tuple[tuple[int, str], ...] = ()
    dead: tuple[tuple[int, str], ...] = ()
    retry: tuple[int, ...] = ()
    hub_answered: bool = False  # the hub gave a usable answer: sets last_success_at
    error: str | None = None  # recorded as last_error (None clears it when the hub answered)


class Outbox:
    """The outbox over one SQLite file. Thread-safe: each connection has its own lock.

    Raises on opening: QueueCorrupt (not a readable SQLite file), ForeignQueueFile (another
    application's database or another terminal's outbox), QueueTooNew (a newer schema), QueueFull,
    QueueError (keyring or other SQLite failures).
    """

    def __init__(
        self,
        path: Path | str,
        terminal_id: str,
        *,
        key: bytes | None = None,
        config: QueueConfig | None = None,
        max_db_bytes: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.terminal_id = terminal_id
        self.config = config or QueueConfig()
        self._clock = clock
        self._max_db_bytes = max_db_bytes
        self._sealer = FieldSealer(key if key is not None else queue_encryption_key(terminal_id))
        self._write_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._refuse_non_sqlite()
        self._writer = self._connect(configure=False)  # look before changing anything
        try:
            self.generation = self._prepare()
            self._sync = self._connect()
            self._reader = self._connect()
        except BaseException:
            self._writer.close()
            raise
        self._recover_if_no_worker()

    @classmethod
    def open_for(cls, config: KioskConfig) -> Outbox:
        """The terminal's outbox at config.queue_db_path, key from keyring (created on first run)."""
        return cls(config.queue_db_path, config.terminal_id, config=config.queue)

    # --- opening --------------------------------------------------------------------------------------

    def _refuse_non_sqlite(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, "rb") as f:
                header = f.read(len(_SQLITE_HEADER))
            if header != _SQLITE_HEADER:
                raise QueueCorrupt(f"not a SQLite database: {self.path}", path=self.path)

    def _connect(self, configure: bool = True) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False, timeout=30)
            if configure:
                self._configure(conn)
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, self.path, "opening the outbox") from exc
        return conn

    def _configure(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode=WAL")  # changes the file: only once we know it is ours
        conn.execute("PRAGMA synchronous=FULL")  # WAL + FULL: a commit survives a power cut
        if self._max_db_bytes:
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count={max(1, self._max_db_bytes // page_size)}")

    def _prepare(self) -> int:
        """Create or check and migrate the file; returns its generation."""
        db = sqlite_utils.Database(self._writer)
        try:
            tables = set(db.table_names())
            if tables:
                self._refuse_foreign(tables)
            self._configure(self._writer)
            if not tables:
                generation = allocate_generation(self.terminal_id)
                meta = {
                    "application": schema.APPLICATION,
                    "terminal_id": self.terminal_id,
                    "generation": str(generation),
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
                schema.migrate(db, initial_meta=meta)
                log.info("outbox created", extra={"terminal_id": self.terminal_id, "generation": generation})
                return generation
            applied = schema.migrate(db)
            if applied:
                log.info("outbox migrated", extra={"versions": applied})
            generation = int(read_meta(self._writer, "generation") or "0")
            note_generation(self.terminal_id, generation)
            return generation
        except sqlite3.Error as exc:
            raise translate_sqlite_error(exc, self.path, "preparing the outbox") from exc

    def _refuse_foreign(self, tables: set[str]) -> None:
        if "outbox_meta" not in tables:
            raise ForeignQueueFile(f"a SQLite database of another application: {self.path}", path=self.path)
        if read_meta(self._writer, "application") != schema.APPLICATION:
            raise ForeignQueueFile(f"not an outbox: {self.path}", path=self.path)
        owner = read_meta(self._writer, "terminal_id")
        if owner != self.terminal_id:
            raise ForeignQueueFile(f"the outbox of terminal {owner}, not {self.terminal_id}", path=self.path)

    def _recover_if_no_worker(self) -> None:
        """Crash recovery: items left in_flight go back to pending, unless a live worker (maybe in
        another process) holds the sync lock and is sending them right now."""
        probe = SyncLock(self.path)
        if probe.try_acquire():
            try:
                self.reset_in_flight()
            finally:
                probe.release()

    def close(self) -> None:
        for lock, conn in (
            (self._write_lock, self._writer),
            (self._sync_lock, self._sync),
            (self._read_lock, self._reader),
        ):
            with lock:
                conn.close()

    # --- enqueue --------------------------------------------------------------------------------------

    def enqueue(
        self, service_id: str, payload: dict[str, Any], field_classes: dict[str, str], catalog_version: str
    ) -> LocalRef:
        """Store a submission durably; returns its local reference once the commit is on disk.

        Raises (nothing written in every case): PayloadNotSerialisable, UnknownFieldClass,
        PayloadTooLarge, PayloadRefused (not a dict, empty service id), QueueFull (disk or size cap
        full), QueueCorrupt, QueueError (other SQLite failures).
        """
        if not isinstance(payload, dict):
            raise PayloadRefused("the payload must be a dict of field values")
        if not service_id or not isinstance(service_id, str) or not isinstance(catalog_version, str):
            raise PayloadRefused("service_id and catalog_version must be text")
        for name, data_class in field_classes.items():
            if data_class not in FIELD_CLASSES:
                raise UnknownFieldClass(f"field {name!r} has an unknown class", field=name)
        clear, protected = split_protected(payload, field_classes)
        size = len(_to_json(payload).encode("utf-8"))
        if size + _ENVELOPE_BYTES > self.config.batch_max_bytes:
            raise PayloadTooLarge(f"payload of {size} bytes exceeds the batch limit")
        idempotency_key = f"{self.terminal_id}-{uuid.uuid4().hex}"
        sealed = self._sealer.seal(protected, idempotency_key.encode("ascii")) if protected else None
        now = self._clock()
        params = (
            idempotency_key,
            service_id,
            catalog_version,
            datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
            now,
            json.dumps(clear, ensure_ascii=False, separators=(",", ":")),
            sealed,
            json.dumps({k: field_classes[k] for k in payload}, separators=(",", ":")),
            size,
            PENDING,
        )
        with self._write_lock:
            try:
                # one statement in autocommit mode: one transaction, committed (WAL fsync) on return
                seq = self._writer.execute(_INSERT, params).lastrowid
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self.path, "storing a submission") from exc
        assert seq is not None
        return LocalRef(self.terminal_id, self.generation, seq)

    # --- the sync worker's side (one worker at a time: see SyncLock) ------------------------------------

    def _sync_tx(self, doing: str, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._sync_lock:
            conn = self._sync
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = work(conn)
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise translate_sqlite_error(exc, self.path, doing) from exc
            return result

    def reset_in_flight(self) -> int:
        """Put every in_flight item back to pending; returns how many. Only for the sync lock's holder."""
        count = self._sync_tx(
            "recovering in-flight items",
            lambda c: c.execute("UPDATE items SET state = ? WHERE state = ?", (PENDING, IN_FLIGHT)).rowcount,
        )
        if count:
            log.info("in-flight items back to pending", extra={"count": count})
        return count

    def claim_batch(self, max_items: int, max_bytes: int) -> list[ClaimedItem]:
        """Move the oldest pending items to in_flight: at most `max_items`, payloads within `max_bytes`
        (always at least one item). Returns them in order."""

        def claim(conn: sqlite3.Connection) -> list[ClaimedItem]:
            rows = conn.execute(
                "SELECT seq, idempotency_key, service_id, catalog_version, created_at, clear_fields, sealed,"
                " size FROM items WHERE state = ? ORDER BY seq LIMIT ?",
                (PENDING, max_items),
            ).fetchall()
            chosen, total = [], 0
            for row in rows:
                total += row[7] + _ENVELOPE_BYTES
                if chosen and total > max_bytes:
                    break
                chosen.append(row)
            if chosen:
                conn.executemany(
                    "UPDATE items SET state = ?, attempts = attempts + 1, last_attempt_at = ? WHERE seq = ?",
                    [(IN_FLIGHT, self._clock(), row[0]) for row in chosen],
                )
            return [
                ClaimedItem(row[0], str(LocalRef(self.terminal_id, self.generation, row[0])), *row[1:7])
                for row in chosen
            ]

        return self._sync_tx("claiming a batch", claim)

    def submission_item(self, claimed: ClaimedItem) -> SubmissionItem:
        """The item as sent to the hub, protected fields decrypted just now. Raises SealBroken."""
        payload = json.loads(claimed.clear_fields or "{}")
        if claimed.sealed is not None:
            payload.update(self._sealer.open(claimed.sealed, claimed.idempotency_key.encode("ascii")))
        return SubmissionItem(
            idempotency_key=claimed.idempotency_key,
            local_ref=claimed.local_ref,
            service_id=claimed.service_id,
            catalog_version=claimed.catalog_version,
            created_at=claimed.created_at,
            payload=payload,
        )

    def settle(self, outcome: Settlement) -> None:
        """Record a batch's outcome in one transaction. Acked items drop their sealed fields: the hub
        has them now, and the terminal keeps no personal data it does not need."""
        now = self._clock()

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "UPDATE items SET state = ?, case_id = ?, acked_at = ?, sealed = NULL, reason = NULL WHERE seq = ?",
                [(ACKED, case_id, now, seq) for seq, case_id in outcome.acked],
            )
            conn.executemany(
                "UPDATE items SET state = ?, reason = ? WHERE seq = ?",
                [(DEAD_LETTER, reason, seq) for seq, reason in outcome.dead],
            )
            conn.executemany(
                "UPDATE items SET state = ? WHERE seq = ?", [(PENDING, seq) for seq in outcome.retry]
            )
            if outcome.hub_answered:
                _set_meta(
                    conn, "last_success_at", datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")
                )
            if outcome.error is not None or outcome.hub_answered:
                _set_meta(conn, "last_error", outcome.error)

        self._sync_tx("recording a batch outcome", write)

    def purge_acked(self, older_than_s: float | None = None) -> int:
        """Delete acked items older than the retention period; returns how many.

        The newest row is always kept: SQLite hands out max(seq) + 1 next, so keeping it means a
        sequence number (and so a local reference) is never reused.
        """
        keep_s = self.config.retention_days * 86400 if older_than_s is None else older_than_s
        cutoff = self._clock() - keep_s
        return self._sync_tx(
            "purging acked items",
            lambda c: (
                c.execute(
                    "DELETE FROM items WHERE state = ? AND acked_at < ? AND seq < (SELECT MAX(seq) FROM items)",
                    (ACKED, cutoff),
                ).rowcount
            ),
        )

    def requeue_dead_letter(self, ref: str) -> bool:
        """A technician's "send again" after fixing the cause; False when `ref` is no dead letter here.
        Raises InvalidLocalRef for a malformed reference."""
        parsed = LocalRef.parse(ref)
        if (parsed.terminal_id, parsed.generation) != (self.terminal_id, self.generation):
            return False
        return bool(
            self._sync_tx(
                "requeueing a dead letter",
                lambda c: (
                    c.execute(
                        "UPDATE items SET state = ?, reason = NULL WHERE seq = ? AND state = ?",
                        (PENDING, parsed.sequence, DEAD_LETTER),
                    ).rowcount
                ),
            )
        )

    # --- reading --------------------------------------------------------------------------------------

    def stats(self) -> QueueStats:
        """Depth, in-flight, oldest pending age, dead letters, acked, last success and last error."""
        with self._read_lock:
            try:
                return read_stats(self._reader, self._clock())
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self.path, "reading stats") from exc

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Dead letters, oldest first, without opening their sealed fields."""
        with self._read_lock:
            try:
                return read_dead_letters(self._reader, self.terminal_id, self.generation, limit)
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self.path, "listing dead letters") from exc

    def states(self, refs: Iterable[str] | None = None) -> dict[str, str]:
        """Local reference -> state, for every item (or those given). For diagnostics and tests."""
        with self._read_lock:
            rows = self._reader.execute("SELECT seq, state FROM items ORDER BY seq").fetchall()
        out = {str(LocalRef(self.terminal_id, self.generation, seq)): state for seq, state in rows}
        return out if refs is None else {r: out[r] for r in refs if r in out}


def _set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    conn.execute("INSERT OR REPLACE INTO outbox_meta (key, value) VALUES (?, ?)", (key, value))


def _to_json(payload: dict[str, Any]) -> str:
    """The payload as JSON; names the first field that is not JSON (never its value)."""
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        for name, value in payload.items():
            try:
                json.dumps(value, allow_nan=False)
            except (TypeError, ValueError):
                raise PayloadNotSerialisable(
                    f"field {name!r} is not JSON-serialisable ({type(value).__name__})", field=name
                ) from exc
        raise PayloadNotSerialisable(f"payload is not JSON-serialisable: {type(exc).__name__}") from exc
