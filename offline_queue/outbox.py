"""The durable outbox: one SQLite file (WAL, synchronous=FULL) holding every submission until the hub
has it.

    outbox = Outbox(path, "T0001", key=key, config=queue_config)   # kiosk: terminal_outbox.open_outbox
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
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract.wire import SubmissionItem
from offline_queue.config import QueueConfig
from offline_queue.errors import (
    OutboxClosed,
    PayloadTooLarge,
)
from offline_queue.field_crypto import FieldSealer, split_protected
from offline_queue.items import JSON_ENCODER, ClaimedItem, Settlement, to_json
from offline_queue.local_ref import LocalRef
from offline_queue.outbox_file import (
    SQLITE_BUSY,
    SQLITE_FULL,
    connect,
    open_outbox_file,
    primary_code,
    translate_sqlite_error,
)
from offline_queue.payload_check import check_submission
from offline_queue.schema import ACKED, DEAD_LETTER, IN_FLIGHT, PENDING
from offline_queue.stats import DeadLetter, QueueStats, read_dead_letters, read_stats
from offline_queue.sync_lock import SyncLock

log = logging.getLogger(__name__)

_BUSY_WAIT_S = 30.0  # how long an enqueue waits for the write lock before it gives up
# room left in a batch for the item's envelope (key, reference, service, dates) around its payload
_ENVELOPE_BYTES = 512

_INSERT = (
    "INSERT INTO items (idempotency_key, service_id, catalog_version, created_at, created_ts,"
    " clear_fields, sealed, field_classes, size, state, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)"
)


# the newest row is always kept: SQLite hands out max(seq) + 1 next (see purge_acked)
_PURGE_ACKED = "DELETE FROM items WHERE state = ? AND acked_at < ? AND seq < (SELECT MAX(seq) FROM items)"
_CLAIM_COLUMNS = (
    "seq, idempotency_key, service_id, catalog_version, created_at, clear_fields, sealed, size, field_classes"
)
_CLAIM_RANGE = f"SELECT {_CLAIM_COLUMNS} FROM items WHERE seq >= ? AND state = ? ORDER BY seq LIMIT ?"
_CLAIM_ONE = f"SELECT {_CLAIM_COLUMNS} FROM items WHERE seq = ? AND state = ?"


class Outbox:
    """The outbox over one SQLite file. Thread-safe: each connection has its own lock.

    `key` is the AES-256 key for protected fields (the kiosk keeps it in keyring: see
    kiosk/terminal_outbox.py); `max_db_bytes` caps the file (default: config.max_db_bytes; 0 =
    no cap); `clock` gives epoch seconds (tests move it).

    Raises on opening: QueueCorrupt (not a readable SQLite file), ForeignQueueFile (another
    application's database or another terminal's outbox), QueueTooNew (a newer schema), QueueFull,
    QueueError (keyring or other SQLite failures).
    """

    def __init__(
        self,
        path: Path | str,
        terminal_id: str,
        *,
        key: bytes,
        config: QueueConfig | None = None,
        max_db_bytes: int | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.terminal_id = terminal_id
        self.config = config or QueueConfig()
        self._clock = clock
        self._sealer = FieldSealer(key)
        self._write_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._read_lock = threading.Lock()
        self._closed = False
        self._enqueue_listeners: list[Callable[[], None]] = []
        # every item below this seq is acked or a dead letter (guarded by _sync_lock; None: unknown)
        self._low_water: int | None = None
        cap = self.config.max_db_bytes if max_db_bytes is None else max_db_bytes  # 0: no cap
        self._cap = cap
        self._writer, self.generation = open_outbox_file(self.path, terminal_id, cap)
        try:
            self._writer.execute("PRAGMA busy_timeout=0")  # enqueue waits its own way (_insert)
            self._sync = connect(self.path, cap)
            self._reader = connect(self.path, cap)
        except BaseException:
            self._writer.close()
            raise
        self._recover_if_no_worker()

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
        """Close the file. Calls after this (a thread still finishing its round) raise OutboxClosed."""
        for lock, conn in (
            (self._write_lock, self._writer),
            (self._sync_lock, self._sync),
            (self._read_lock, self._reader),
        ):
            with lock:
                self._closed = True
                conn.close()

    @contextmanager
    def _holding(self, lock: threading.Lock) -> Iterator[None]:
        """`lock`, on a file that is still open (close() takes each lock, so no call sees it half closed)."""
        with lock:
            if self._closed:
                raise OutboxClosed(f"the outbox {self.path.name} is closed")
            yield

    # --- enqueue --------------------------------------------------------------------------------------

    def enqueue(
        self, service_id: str, payload: dict[str, Any], field_classes: dict[str, str], catalog_version: str
    ) -> LocalRef:
        """Store a submission durably; returns its local reference once the commit is on disk.

        Raises (nothing written in every case): PayloadNotSerialisable (not JSON: bytes, NaN, a lone
        surrogate, a non-text key), PayloadTooDeep (nested beyond payload_check.MAX_DEPTH),
        UnknownFieldClass, PayloadTooLarge, PayloadRefused (not a dict, empty service id,
        field_classes not a mapping) — each naming the field, never its value; QueueFull (disk or
        size cap full), QueueCorrupt, QueueError (other SQLite failures).
        """
        check_submission(service_id, payload, field_classes, catalog_version)
        clear, protected = split_protected(payload, field_classes)
        clear_json = to_json(clear)
        protected_json = to_json(protected).encode("utf-8") if protected else None
        size = len(clear_json.encode("utf-8")) + (len(protected_json) if protected_json else 0)
        if size + _ENVELOPE_BYTES > self.config.batch_max_bytes:
            raise PayloadTooLarge(f"payload of {size} bytes exceeds the batch limit")
        idempotency_key = f"{self.terminal_id}-{os.urandom(16).hex()}"  # 128 random bits
        sealed = (
            self._sealer.seal_json(protected_json, idempotency_key.encode("ascii"))
            if protected_json
            else None
        )
        now = self._clock()
        params = (
            idempotency_key,
            service_id,
            catalog_version,
            datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds"),
            now,
            clear_json,
            sealed,
            JSON_ENCODER.encode({k: field_classes[k] for k in payload}),
            size,
            PENDING,
        )
        with self._holding(self._write_lock):
            try:
                try:
                    seq = self._insert(params)
                except sqlite3.OperationalError as exc:
                    # full (cap or disk): acked items are at the hub already and make room for this
                    # one; only when none can go is the resident refused
                    if primary_code(exc) != SQLITE_FULL or not self._purge_acked_now():
                        raise
                    seq = self._insert(params)
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self.path, "storing a submission") from exc
        for listener in tuple(self._enqueue_listeners):
            listener()  # e.g. SyncWorker.wake: send it now (it never blocks)
        return LocalRef(self.terminal_id, self.generation, seq)

    def _insert(self, params: tuple[Any, ...]) -> int:
        """One INSERT in autocommit mode: one transaction, committed (WAL fsync) when it returns."""
        seq = self._write(_INSERT, params).lastrowid
        assert seq is not None
        return seq

    def _write(self, sql: str, params: tuple[Any, ...]) -> sqlite3.Cursor:
        """One statement on the writer connection, its own transaction.

        While the sync worker holds the write lock (a claim or a settle, a millisecond or two) the
        statement is retried every few tenths of a millisecond: SQLite's own busy handler would sleep
        1, 2, 5, 10 ... ms and keep a resident waiting for nothing.
        """
        pause, deadline = 0.0002, time.monotonic() + _BUSY_WAIT_S
        while True:
            try:
                return self._writer.execute(sql, params)
            except sqlite3.OperationalError as exc:
                if primary_code(exc) != SQLITE_BUSY or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 1.5, 0.002)

    def _purge_acked_now(self) -> int:
        """Under pressure: delete every acked item but the newest row (it holds the sequence's
        high-water mark, see purge_acked); their pages go to SQLite's free list and the next INSERT
        reuses them. Returns how many went. Writer connection; the caller holds the write lock."""
        purged = self._write(_PURGE_ACKED, (ACKED, float("inf"))).rowcount
        if purged:
            log.warning("outbox full: acked items purged before their retention", extra={"count": purged})
        return purged

    def add_enqueue_listener(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after each durable enqueue (in the enqueuing thread: it must not block)."""
        self._enqueue_listeners.append(listener)

    def remove_enqueue_listener(self, listener: Callable[[], None]) -> None:
        if listener in self._enqueue_listeners:
            self._enqueue_listeners.remove(listener)

    # --- the sync worker's side (one worker at a time: see SyncLock) ------------------------------------

    def _sync_tx(self, doing: str, work: Callable[[sqlite3.Connection], Any]) -> Any:
        with self._holding(self._sync_lock):
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

    def _low(self, conn: sqlite3.Connection) -> int:
        """The low-water mark: no pending or in-flight item has a smaller seq.

        Found by one full scan, then kept: pending items appear only above it (enqueue appends;
        retries and recovery return items claimed above it), except a requeued dead letter, which
        lowers it. A technician's requeue in another process is picked up at the next purge, which
        forgets the mark.
        """
        if self._low_water is None:
            row = conn.execute(
                "SELECT MIN(seq) FROM items WHERE state IN (?, ?)", (PENDING, IN_FLIGHT)
            ).fetchone()
            self._low_water = row[0] if row[0] is not None else self._next_seq(conn)
        return self._low_water

    @staticmethod
    def _next_seq(conn: sqlite3.Connection) -> int:
        return conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM items").fetchone()[0]

    def claim_batch(
        self, max_items: int, max_bytes: int, *, skip: Collection[int] = (), only: int | None = None
    ) -> list[ClaimedItem]:
        """Move the oldest pending items to in_flight: at most `max_items`, payloads within `max_bytes`
        (always at least one item), none of the seqs in `skip`; or only the pending item `only`.
        Returns them in order."""

        def claim(conn: sqlite3.Connection) -> list[ClaimedItem]:
            if only is not None:
                rows = conn.execute(_CLAIM_ONE, (only, PENDING)).fetchall()
                return _take(conn, rows)
            # a rowid range scan from the low-water mark: no index to update on every enqueue. The
            # skipped rows are read too: the low-water mark must not pass a pending item.
            rows = conn.execute(_CLAIM_RANGE, (self._low(conn), PENDING, max_items + len(skip))).fetchall()
            if not conn.execute(
                "SELECT 1 FROM items WHERE seq >= ? AND seq < ? AND state = ? LIMIT 1",
                (self._low(conn), rows[0][0] if rows else self._next_seq(conn), IN_FLIGHT),
            ).fetchone():
                # nothing open below the first pending item (we hold the write lock: no new rows)
                self._low_water = rows[0][0] if rows else self._next_seq(conn)
            chosen, total = [], 0
            for row in rows:
                if row[0] in skip:
                    continue
                total += row[7] + _ENVELOPE_BYTES
                if len(chosen) == max_items or (chosen and total > max_bytes):
                    break
                chosen.append(row)
            return _take(conn, chosen)

        def _take(conn: sqlite3.Connection, chosen: list[Any]) -> list[ClaimedItem]:
            if chosen:
                conn.executemany(
                    "UPDATE items SET state = ?, attempts = attempts + 1, last_attempt_at = ? WHERE seq = ?",
                    [(IN_FLIGHT, self._clock(), row[0]) for row in chosen],
                )
            return [
                ClaimedItem(
                    row[0], str(LocalRef(self.terminal_id, self.generation, row[0])), *row[1:7], row[8] or "{}"
                )
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
            field_classes=json.loads(claimed.field_classes),  # the hub encrypts by them too
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
        with self._holding(self._sync_lock):
            self._low_water = None  # recomputed by the next claim: catches another process's requeue
        return self._sync_tx("purging acked items", lambda c: c.execute(_PURGE_ACKED, (ACKED, cutoff)).rowcount)

    def under_pressure(self, share: float = 0.8) -> bool:
        """True when a size cap is set and the file's used pages (free-list pages count as room)
        pass `share` of it: the sync worker then purges acked items early."""
        if not self._cap:
            return False
        with self._holding(self._read_lock):
            try:
                used = _used_bytes(self._reader)
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self.path, "measuring the outbox") from exc
        return used > share * self._cap

    def requeue_dead_letter(self, ref: str) -> bool:
        """A technician's "send again" after fixing the cause; False when `ref` is no dead letter here.
        Raises InvalidLocalRef for a malformed reference."""
        parsed = LocalRef.parse(ref)
        if (parsed.terminal_id, parsed.generation) != (self.terminal_id, self.generation):
            return False

        def requeue(conn: sqlite3.Connection) -> bool:
            changed = conn.execute(
                "UPDATE items SET state = ?, reason = NULL WHERE seq = ? AND state = ?",
                (PENDING, parsed.sequence, DEAD_LETTER),
            ).rowcount
            if changed and self._low_water is not None:
                self._low_water = min(self._low_water, parsed.sequence)
            return bool(changed)

        return bool(self._sync_tx("requeueing a dead letter", requeue))

    # --- reading --------------------------------------------------------------------------------------

    def stats(self) -> QueueStats:
        """Depth, in-flight, oldest pending age, dead letters, acked, last success and last error."""
        with self._holding(self._read_lock):
            try:
                return read_stats(self._reader, self._clock(), self._low_water or 0)
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self.path, "reading stats") from exc

    def dead_letters(self, limit: int = 100) -> list[DeadLetter]:
        """Dead letters, oldest first, without opening their sealed fields."""
        with self._holding(self._read_lock):
            try:
                return read_dead_letters(self._reader, self.terminal_id, self.generation, limit)
            except sqlite3.Error as exc:
                raise translate_sqlite_error(exc, self.path, "listing dead letters") from exc

    def states(self, refs: Iterable[str] | None = None) -> dict[str, str]:
        """Local reference -> state, for every item (or those given). For diagnostics and tests."""
        with self._holding(self._read_lock):
            rows = self._reader.execute("SELECT seq, state FROM items ORDER BY seq").fetchall()
        out = {str(LocalRef(self.terminal_id, self.generation, seq)): state for seq, state in rows}
        return out if refs is None else {r: out[r] for r in refs if r in out}


def _used_bytes(conn: sqlite3.Connection) -> int:
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    return (pages - free) * page_size


def _set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    conn.execute("INSERT OR REPLACE INTO outbox_meta (key, value) VALUES (?, ?)", (key, value))
