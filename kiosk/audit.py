"""The terminal's tamper-evident audit trail (留痕): what happened here, by references and ids only.

    audit = AuditLog.open(config.data_dir / "audit.sqlite")
    audit.append("transaction", service_id="repair.public_area", local_ref="T0001-93-000042-68",
                 outcome="submitted", printed=True)
    audit.head()                    # AuditHead(seq, h): goes into every heartbeat
    audit.verify(since=0)           # VerifyResult: ok, or the first bad entry and why

Each entry is chained: h_n = SHA-256(h_{n-1} ‖ seq_n as 8 bytes big-endian ‖ canonical entry JSON),
with h_0 = 32 zero bytes, so editing, deleting or reordering any stored row breaks the chain at that
row. A deleted *tail* leaves a shorter chain that is still consistent: that shows against a head
witnessed elsewhere (the hub keeps every head a heartbeat carried; the terminal keeps the last head
the hub confirmed in `witness`, and `verify` checks the chain still reaches it).

The chain is held in sealed blocks of 256 entries plus an open tail of single rows
(kiosk.audit_blocks: why, and how a file from before blocks is migrated at open).

Nothing personal ever lands here: `append` accepts only the kinds and fields in `FIELDS`, and each
field's value must match its pattern (ids, references, codes) — a name or a phone number is refused
with AuditRefused before it reaches the file. Own SQLite file, WAL + synchronous=FULL (an entry
survives a power cut once `append` returned). The same file remembers which remote commands ran
(kiosk.remote_commands), so "run once" holds across restarts. Thread-safe; no Qt.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract.audit_chain import AuditHead, VerifyResult, canonical_entry, chain_hash
from kiosk import audit_blocks
from offline_queue.errors import InvalidLocalRef, OutboxClosed
from offline_queue.local_ref import LocalRef

log = logging.getLogger(__name__)

# The page cache's cap (SQLite's default: 2,000 KiB a connection, which filled as the file grew on a
# long-running terminal). Verification reads through the file's map (mmap_size); an append was twice
# as slow at 256 KiB and as fast as the default at 1,024 (bench/sqlite_cache_bench.py, README "Soak").
CACHE_KIB = 1024

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9._:/-]{0,63}$")  # service ids, case ids, command ids, codes
_CODE = re.compile(r"^[a-z][a-z0-9_.:-]{0,47}$")  # outcome / reason / action words
_LONG_DIGITS = re.compile(r"\d{8,}")  # a phone or id number hiding in an "id": refused


class AuditRefused(ValueError):
    """An entry with an unknown kind or field, or a value that is not an id or a code."""


class AuditClosed(RuntimeError):
    """The audit file was closed (the program is shutting down): a background thread still holding
    it ends its round here instead of touching a closed SQLite connection."""


# either store of the terminal closed under a background round at shutdown (the owner stops and joins
# the threads first; only a round that outlived the stop bound sees this): the end, not a failure
STORE_CLOSED = (OutboxClosed, AuditClosed)


def _ref(value: Any) -> bool:
    try:
        LocalRef.parse(value)
    except (InvalidLocalRef, TypeError, ValueError, AttributeError):
        return False
    return True


def _ident(value: Any) -> bool:
    return isinstance(value, str) and bool(_ID.match(value)) and not _LONG_DIGITS.search(value)


def _case_id(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"C\d{1,12}", value))


def _code(value: Any) -> bool:
    return isinstance(value, str) and bool(_CODE.match(value))


def _flag(value: Any) -> bool:
    return isinstance(value, bool)


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**7


# kind -> field -> check. Every field is optional; unknown kinds and fields are refused.
FIELDS: dict[str, dict[str, Any]] = {
    "transaction": {
        "service_id": _ident,
        "service_kind": _code,  # submit, query, ticket, record, notices, rating
        "local_ref": _ref,
        "case_id": _case_id,
        "outcome": _code,  # submitted, queued_offline, answered, failed ...
        "printed": _flag,
        "error": _ident,  # the error's class name, never its message
    },
    "session_end": {"reason": _code},
    "technician": {
        "action": _code,  # card_in, card_out, pin, out_of_service, back_in_service, test_print, ...
        "result": _code,  # ok, wrong, locked, failed
        "reason": _code,
        "count": _count,
        "error": _ident,
    },
    "command": {
        "command_id": _ident,
        "command": _code,
        "result": _code,  # succeeded, failed, refused
        "reason": _code,  # why refused or failed: bad_signature, expired, replayed, ...
    },
    "terminal": {"action": _code, "reason": _code},  # out of / back in service not by a technician
    "enrolment": {"action": _code, "result": _code},
}


def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def check_entry(kind: str, fields: dict[str, Any]) -> None:
    """Raise AuditRefused unless every field is known for `kind` and its value passes its check."""
    allowed = FIELDS.get(kind)
    if allowed is None:
        raise AuditRefused(f"unknown audit kind {kind!r}")
    for name, value in fields.items():
        check = allowed.get(name)
        if check is None:
            raise AuditRefused(f"field {name!r} is not allowed in a {kind} entry")
        if value is not None and not check(value):
            # the value is not repeated in the message: it may be the personal value we refuse
            raise AuditRefused(f"field {name!r} of a {kind} entry is not an id or a code")


class AuditLog:
    """The audit file. Every method may be called from any thread."""

    def __init__(
        self, conn: sqlite3.Connection, path: Path, block_size: int = audit_blocks.BLOCK_SIZE
    ) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()
        self._closed = False
        self._block_size = block_size
        self._seq, self._h = audit_blocks.head(conn)
        self._tail_start = audit_blocks.tail_start(conn)
        self.seal()  # a file from before blocks (or a tail a crash left unsealed) is sealed now

    @classmethod
    def open(cls, path: Path, block_size: int = audit_blocks.BLOCK_SIZE) -> AuditLog:
        """Open (or create) the audit file. Raises sqlite3.Error when it cannot.

        `block_size` (entries per sealed block) is for tests that tamper inside small blocks."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        # no map while the terminal runs: every page read through it (a block sealed, the entries a
        # heartbeat uploads) stayed in the process's RSS, which grew with the file (+1.4 MB for
        # 20,000 entries, +3.7 MB for 60,000; none unmapped); a verification maps it for its run
        conn.execute("PRAGMA mmap_size=0")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        conn.executescript(
            audit_blocks.SCHEMA
            + """
            CREATE TABLE IF NOT EXISTS witness (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER, h TEXT);
            CREATE TABLE IF NOT EXISTS executed_commands (
                command_id TEXT PRIMARY KEY, command TEXT, executed_at TEXT, result TEXT,
                detail TEXT, reported INTEGER NOT NULL DEFAULT 0);
            """
        )
        audit_blocks.unseal_old_blocks(conn)
        return cls(conn, path, block_size)

    def close(self) -> None:
        """Close the file. Calls after this (a thread still finishing its round) raise AuditClosed."""
        with self._lock:
            self._closed = True
            self._conn.close()

    @contextmanager
    def _mapped(self) -> Iterator[None]:
        """The file read through a map while the block runs: a verification reads all of it, and
        mapped its pages cost no read() each (3x faster reads of the sealed blocks, measured in
        bench/audit_bench.py); unmapped after, so its pages do not stay in the process."""
        self._conn.execute(f"PRAGMA mmap_size={audit_blocks.MMAP_BYTES}")
        try:
            yield
        finally:
            self._conn.execute("PRAGMA mmap_size=0")

    @contextmanager
    def _open(self) -> Iterator[None]:
        """The lock, on a file that is still open."""
        with self._lock:
            if self._closed:
                raise AuditClosed(f"the audit file {self.path.name} is closed")
            yield

    # --- appending ----------------------------------------------------------------------------------

    def append(self, kind: str, **fields: Any) -> AuditHead:
        """Add one entry (kind, time and the given fields) and return the new head.

        Raises AuditRefused for an unknown kind or field or a value that is not an id or code.
        """
        check_entry(kind, fields)
        entry = {"kind": kind, "at": _utc_now(), **{k: v for k, v in fields.items() if v is not None}}
        data = canonical_entry(entry)
        with self._open():
            seq = self._seq + 1
            h = chain_hash(self._h, seq, data)
            self._conn.execute("INSERT INTO entries (seq, entry, h) VALUES (?, ?, ?)", (seq, data, h))
            self._seq, self._h = seq, h
            if seq - self._tail_start + 1 >= self._block_size:
                self._seal_quietly(1)
        return AuditHead(seq, h.hex())

    def seal(self) -> None:
        """Seal every full run of tail rows into blocks (at open: migrates a file from before blocks)."""
        with self._open():
            while True:
                before = self._tail_start
                self._seal_quietly(audit_blocks.SEAL_BLOCKS_PER_TRANSACTION)
                if self._tail_start - before < audit_blocks.SEAL_BLOCKS_PER_TRANSACTION * self._block_size:
                    return

    def _seal_quietly(self, blocks: int) -> None:
        # the entries are durable as rows already: a seal that fails (disk full, busy) is tried again
        # at the next append or start, and the rows verify as they are meanwhile
        try:
            self._tail_start = audit_blocks.seal(self._conn, self._block_size, blocks)
        except sqlite3.Error as exc:
            log.warning("audit: sealing a block failed (%s); the entries stay rows", type(exc).__name__)

    def head(self) -> AuditHead:
        with self._open():
            return AuditHead(self._seq, self._h.hex())

    # --- reading and verifying ------------------------------------------------------------------------

    def entries_after(self, seq: int, limit: int = 500) -> list[dict[str, Any]]:
        """Entries with a sequence above `seq`, for the upload: {seq, h, entry} (entry as text)."""
        with self._open(), self._snapshot():
            rows = audit_blocks.entries_after(self._conn, seq, limit)
        return [{"seq": s, "h": h.hex(), "entry": e.decode("utf-8", "replace")} for s, e, h in rows]

    def _snapshot(self) -> Any:
        """One read transaction: blocks and tail are seen as of one moment (see kiosk.audit_blocks)."""
        return _Snapshot(self._conn)

    def verify(self, since: int = 1) -> VerifyResult:
        """Re-hash the chain from entry `since` (its predecessor's stored h is trusted as the start)
        and check it still reaches the head the hub last confirmed (`witness`)."""
        since = max(1, since)
        with self._open(), self._mapped(), self._snapshot():
            result = audit_blocks.verify_chain(self._conn, since)
            witness = self._conn.execute("SELECT seq, h FROM witness WHERE id = 1").fetchone()
            if not result.ok or witness is None:
                return result
            w_seq, w_h = witness
            if result.head.seq < w_seq:
                return VerifyResult(False, result.checked, result.head, result.head.seq + 1, "truncated")
            if w_seq >= since:
                stored = audit_blocks.h_at(self._conn, w_seq)
                if stored is None or stored.hex() != w_h:
                    return VerifyResult(False, result.checked, result.head, w_seq, "witness_mismatch")
        return result

    def record_witness(self, seq: int, h: str) -> None:
        """Remember the head the hub confirmed holding (from a heartbeat answer)."""
        with self._open():
            self._conn.execute(
                "INSERT INTO witness (id, seq, h) VALUES (1, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, h = excluded.h WHERE excluded.seq >= seq",
                (seq, h),
            )

    # --- remote commands that ran (kiosk.remote_commands) -------------------------------------------

    def command_ran(self, command_id: str) -> bool:
        with self._open():
            row = self._conn.execute(
                "SELECT 1 FROM executed_commands WHERE command_id = ?", (command_id,)
            ).fetchone()
        return row is not None

    def claim_command(self, command_id: str, command: str) -> bool:
        """Mark a command as started; False when it ran (or started) before: run it once only."""
        with self._open():
            try:
                self._conn.execute(
                    "INSERT INTO executed_commands (command_id, command, executed_at, result) "
                    "VALUES (?, ?, ?, 'started')",
                    (command_id, command, _utc_now()),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def finish_command(self, command_id: str, result: str, detail: dict[str, Any]) -> None:
        with self._open():
            self._conn.execute(
                "UPDATE executed_commands SET result = ?, detail = ?, reported = 0 WHERE command_id = ?",
                (result, json.dumps(detail, ensure_ascii=False), command_id),
            )

    def fail_interrupted_commands(self) -> int:
        """Commands started by an earlier run that never finished (it crashed or was killed): failed,
        never run again. Call once at start-up, before any command runs."""
        with self._open():
            cursor = self._conn.execute(
                "UPDATE executed_commands SET result = 'failed', detail = '{\"reason\": \"interrupted\"}', "
                "reported = 0 WHERE result = 'started'"
            )
        return cursor.rowcount

    def unreported_results(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(command id, result, detail) of finished commands the hub has not confirmed yet."""
        with self._open():
            rows = self._conn.execute(
                "SELECT command_id, result, detail FROM executed_commands "
                "WHERE reported = 0 AND result != 'started' ORDER BY executed_at"
            ).fetchall()
        return [(cid, result, json.loads(detail or "{}")) for cid, result, detail in rows]

    def result_reported(self, command_id: str) -> None:
        with self._open():
            self._conn.execute(
                "UPDATE executed_commands SET reported = 1 WHERE command_id = ?", (command_id,)
            )


class _Snapshot:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN")

    def __exit__(self, *exc: object) -> None:
        self._conn.execute("COMMIT")
