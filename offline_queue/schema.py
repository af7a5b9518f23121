"""The outbox's tables, their version and the path from any older version to the current one.

Managed with sqlite-utils. Each migration runs in one write transaction together with its row in
``schema_version``, so a crash leaves the file at the old or the new version, never between.

- v1: ``outbox_meta`` (what this file is: application, terminal, generation), ``schema_version``,
  ``items`` (one row per submission; protected fields sealed, see field_crypto).
- v2: per-item ``attempts`` and ``last_attempt_at`` (for the technicians' dead-letter list).

No secondary index on purpose: each one costs a page write (and a WAL frame to fsync) per enqueue.
The sync worker finds pending items by a rowid range scan from a low-water mark (outbox.py), and
stats scan the table, which holds only the retention period's items.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils

from offline_queue.errors import QueueTooNew

APPLICATION = "community-kiosk-outbox"
SCHEMA_VERSION = 2

# item states; the only moves are pending -> in_flight -> acked | dead_letter | pending
PENDING, IN_FLIGHT, ACKED, DEAD_LETTER = "pending", "in_flight", "acked", "dead_letter"


def _v1(db: sqlite_utils.Database) -> None:
    db["outbox_meta"].create({"key": str, "value": str}, pk="key")
    db["schema_version"].create({"version": int, "applied_at": str}, pk="version")
    db["items"].create(
        {
            "seq": int,  # rowid: the local reference's sequence
            "idempotency_key": str,
            "service_id": str,
            "catalog_version": str,
            "created_at": str,  # ISO 8601 UTC, sent to the hub
            "created_ts": float,  # epoch seconds, for the oldest-pending age
            "clear_fields": str,  # JSON of the public/internal fields
            "sealed": bytes,  # AES-GCM blob of the personal/sensitive fields, or NULL
            "field_classes": str,  # JSON: field name -> class
            "size": int,  # bytes of the payload as JSON, for the batch byte limit
            "state": str,
            "case_id": str,
            "reason": str,
            "acked_at": float,
        },
        pk="seq",
        not_null={"idempotency_key", "service_id", "catalog_version", "created_at", "state", "size"},
    )
    # no index on idempotency_key: it is never looked up here (the hub keys on it), it is unique by
    # construction (terminal + 128 random bits), and every index costs a page write per enqueue


def _v2(db: sqlite_utils.Database) -> None:
    db["items"].add_column("attempts", int, not_null_default=0)
    db["items"].add_column("last_attempt_at", float)


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: _v1, 2: _v2}


def current_version(db: sqlite_utils.Database) -> int:
    """The version the file is at; 0 for a file without outbox tables."""
    if "schema_version" not in db.table_names():
        return 0
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def migrate(
    db: sqlite_utils.Database, target: int = SCHEMA_VERSION, initial_meta: dict[str, str] | None = None
) -> list[int]:
    """Bring the file up to `target`, one transaction per step; returns the versions applied.

    `initial_meta` is written to ``outbox_meta`` in the same transaction as v1, so a new file is
    either empty or a complete outbox that knows its terminal and generation.

    The connection must be in autocommit mode (isolation_level=None). Raises QueueTooNew when the
    file is ahead of this software, sqlite3 errors as SQLite raises them.
    """
    applied: list[int] = []
    while True:
        conn: sqlite3.Connection = db.conn
        conn.execute("BEGIN IMMEDIATE")  # re-read under the write lock: another process may migrate too
        try:
            version = current_version(db)
            if version > SCHEMA_VERSION:
                raise QueueTooNew(f"outbox schema v{version} is newer than this software (v{SCHEMA_VERSION})")
            if version >= target:
                conn.execute("ROLLBACK")
                return applied
            step = version + 1
            MIGRATIONS[step](db)
            if step == 1 and initial_meta:
                db["outbox_meta"].insert_all(
                    [{"key": k, "value": v} for k, v in initial_meta.items()], pk="key"
                )
            db.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                [step, datetime.now(UTC).isoformat(timespec="seconds")],
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        applied.append(step)
