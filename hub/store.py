"""The reference hub's own SQLite store (sqlite-utils): its connection, its transactions and the
SQLite side of the hooks in hub/store_base.py. The logic both stores share is in hub/store_cases.py
and hub/store_terminals.py; the tables are in hub/schema.py.

One connection guarded by a lock: the reference hub serves a handful of terminals, and serialising
writes makes "the same idempotency key never creates two cases" hold without further care. WAL with
synchronous=FULL: an answer "accepted" is only sent after the case is on disk.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from hub.field_vault import (
    FieldVault,
    case_associated_data,
    comment_associated_data,
    default_key_path,
    protected_fields,
)
from hub.schema import SCHEMA_VERSION, migrate
from hub.store_base import case_number
from hub.store_cases import CaseStore
from hub.store_terminals import TerminalStore
from hub.store_types import (
    CASE_STATUSES,
    RATEABLE_STATUSES,
    STATUS_NOTES,
    ItemAnswer,
    StoreError,
    Terminal,
    body_digest,
    token_digest,
    utc_now_iso,
)

# the hub's modules and the tests take these from here, where they were first written
__all__ = [
    "CASE_STATUSES",
    "RATEABLE_STATUSES",
    "STATUS_NOTES",
    "HubStore",
    "ItemAnswer",
    "StoreError",
    "Terminal",
    "body_digest",
    "token_digest",
    "utc_now_iso",
]

log = logging.getLogger(__name__)


class HubStore(CaseStore, TerminalStore):
    """The hub's state in one SQLite file. Thread-safe (one connection, one lock)."""

    # what the hub answers 503 storage_unavailable for (disk full, I/O error, a lock held too long)
    storage_errors: tuple[type[Exception], ...] = (sqlite3.OperationalError,)

    def __init__(self, db_path: Path | str, key_path: Path | str | None = None) -> None:
        """`key_path`: the key file for personal values (hub/field_vault.py), default ``<db>.key``;
        read or made only when a value is first sealed or opened."""
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(self.db_path), check_same_thread=False, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA secure_delete=ON")  # freed space is zeroed: no old plaintext left in pages
        self._db = sqlite_utils.Database(conn)
        self._vault = FieldVault(
            Path(key_path) if key_path is not None else default_key_path(self.db_path),
            stored_check=lambda: self._fleet_value("field_key_check"),
            store_check=lambda digest: self._set_fleet_value("field_key_check", digest),
        )
        self._lock = threading.RLock()
        self._last_nonce_purge = 0.0
        self._migrate()

    # --- schema ------------------------------------------------------------------------------------

    def _migrate(self) -> None:
        # readers (tests, the CLI) opening a live hub's file need no write lock when it is current
        if self._db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        with self._tx() as db:
            migrate(db)

    @contextmanager
    def _tx(self) -> Iterator[sqlite_utils.Database]:
        """One write transaction (BEGIN IMMEDIATE), under the lock."""
        with self._lock:
            conn = self._db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.conn.close()

    # the staff console's modules (hub/staff.py, hub/console/) and the fleet modules
    # (hub/audit_store.py, hub/commands.py, hub/enrolment_codes.py) keep their own SQL next to their
    # logic and reach the database only through these two
    def transaction(self) -> contextlib.AbstractContextManager[sqlite_utils.Database]:
        """A write transaction under the store's lock."""
        return self._tx()

    reads_after_commit = False  # pipelined(): read the cursors inside the block (one connection, a lock)

    def pipelined(self, durable: bool = True) -> contextlib.AbstractContextManager[sqlite_utils.Database]:
        """A transaction (as PgHubStore.pipelined; here every commit is durable: one local file)."""
        return self._tx()

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        """The database under the store's lock, for reads."""
        with self._lock:
            yield self._db

    @contextmanager
    def snapshot(self) -> Iterator[sqlite_utils.Database]:
        """Reads that see the file as of one moment (a read transaction), under the store's lock:
        another process's commit in between is seen wholly or not at all (hub/audit_blocks.py)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            finally:
                self._db.execute("COMMIT")

    # --- the hooks of hub/store_base.py -------------------------------------------------------------

    def _one_ticket_issuer(self, db: sqlite_utils.Database, day: str, prefix: str) -> None:
        """Nothing to take: every write transaction holds the store's lock and SQLite's write lock."""

    @contextmanager
    def _item_savepoint(self, db: sqlite_utils.Database) -> Iterator[None]:
        db.execute("SAVEPOINT item")
        try:
            yield
        except self.unstorable_errors:
            db.execute("ROLLBACK TO item")
            db.execute("RELEASE item")
            raise
        db.execute("RELEASE item")

    @staticmethod
    def _new_case(db: sqlite_utils.Database, row: dict[str, Any]) -> str:
        # the case id comes from the row's own seq; no other writer can take the key meanwhile
        cur = db.execute(
            f"INSERT INTO cases (case_id, {', '.join(row)}) VALUES ('', {', '.join('?' * len(row))})",
            list(row.values()),
        )
        case_id = case_number(cur.lastrowid)
        db.execute("UPDATE cases SET case_id = ? WHERE seq = ?", [case_id, cur.lastrowid])
        return case_id

    def _fleet_value(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM fleet WHERE key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def _set_fleet_value(self, key: str, value: str) -> None:
        sql = "INSERT OR IGNORE INTO fleet (key, value, created_at) VALUES (?, ?, ?)"
        with self._lock:
            if self._db.conn.in_transaction:  # called while sealing inside a write transaction
                self._db.execute(sql, [key, value, utc_now_iso()])
                return
        with self._tx() as db:
            db.execute(sql, [key, value, utc_now_iso()])

    # --- cases stored before encryption at rest -------------------------------------------------

    def seal_plain_cases(self, catalogue_classes: dict[str, dict[str, str]]) -> int:
        """Seal the personal values of cases stored before encryption at rest (schema < 3), by the
        catalogue's classes (unknown fields are sealed too). Returns how many cases changed. The old
        plaintext is zeroed (secure_delete) and the WAL truncated, so no copy is left in the files."""
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, terminal_id, idempotency_key, service_id, payload, case_id, rating_comment"
                " FROM cases WHERE (sealed IS NULL AND payload NOT IN ('', '{}'))"
                " OR (rating_comment IS NOT NULL AND rating_comment != '')"
            ).fetchall()
        if not rows:
            return 0
        with self._tx() as db:
            for seq, terminal_id, key, service_id, clear, case_id, comment in rows:
                payload = json.loads(clear or "{}")
                protected = protected_fields(payload, None, catalogue_classes.get(service_id, {}))
                sealed = self._seal(
                    {k: payload[k] for k in protected}, case_associated_data(terminal_id, key)
                )
                comment_sealed = self._seal(
                    {"comment": comment} if comment else {}, comment_associated_data(case_id)
                )
                db.execute(
                    "UPDATE cases SET payload = ?, sealed = ?, rating_comment = NULL,"
                    " rating_comment_sealed = CASE WHEN ? = x'' THEN rating_comment_sealed ELSE ? END"
                    " WHERE seq = ?",
                    [
                        json.dumps(
                            {k: v for k, v in payload.items() if k not in protected}, ensure_ascii=False
                        ),
                        sealed,
                        comment_sealed,
                        comment_sealed,
                        seq,
                    ],
                )
        with self._lock:
            # rows written before secure_delete may have left plaintext in free space: rebuild the file
            self._db.execute("VACUUM")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        log.warning("sealed personal values of cases stored in plain text", extra={"cases": len(rows)})
        return len(rows)
