"""The outbox's schema is versioned: a file written by an older version opens, migrates in place and
keeps every item; a file from a newer version is refused untouched."""

from __future__ import annotations

import json
import sqlite3

import pytest
import sqlite_utils

from kiosk.secrets import queue_encryption_key
from kiosk.terminal_outbox import outbox_at
from offline_queue import schema
from offline_queue.errors import QueueTooNew
from offline_queue.field_crypto import FieldSealer


def _write_v1_outbox(path, terminal_id: str) -> str:
    """A real v1 file with one pending item whose personal field is sealed, as v1 wrote it."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    db = sqlite_utils.Database(conn)
    meta = {"application": schema.APPLICATION, "terminal_id": terminal_id, "generation": "7"}
    assert schema.migrate(db, target=1, initial_meta=meta) == [1]
    key = f"{terminal_id}-0123456789abcdef0123456789abcdef"
    sealed = FieldSealer(queue_encryption_key(terminal_id)).seal({"phone": "13700000000"}, key.encode())
    conn.execute(
        "INSERT INTO items (idempotency_key, service_id, catalog_version, created_at, created_ts,"
        " clear_fields, sealed, field_classes, size, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            key,
            "repair.public_area",
            "2026.10",
            "2026-10-01T08:00:00+00:00",
            1_790_000_000.0,
            json.dumps({"category": "lift"}),
            sealed,
            json.dumps({"category": "public", "phone": "personal"}),
            40,
            "pending",
        ],
    )
    conn.close()
    return key


def test_a_v1_file_migrates_to_the_current_schema_and_keeps_its_items(file_keyring, tmp_path):
    path = tmp_path / "outbox.sqlite"
    key = _write_v1_outbox(path, "T0001")
    outbox = outbox_at(path, "T0001")
    try:
        with sqlite3.connect(path) as conn:
            versions = [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version")]
            columns = {c[1] for c in conn.execute("PRAGMA table_info(items)")}
        assert versions == list(range(1, schema.SCHEMA_VERSION + 1))
        assert {"attempts", "last_attempt_at"} <= columns
        [claimed] = outbox.claim_batch(10, 1 << 20)
        item = outbox.submission_item(claimed)
        assert (item.idempotency_key, item.payload) == (key, {"category": "lift", "phone": "13700000000"})
        assert item.local_ref.startswith("T0001-7-000001-")
        assert (
            outbox.enqueue("repair.public_area", {"category": "x"}, {"category": "public"}, "v").sequence == 2
        )
    finally:
        outbox.close()


def test_migrating_twice_changes_nothing(file_keyring, tmp_path):
    path = tmp_path / "outbox.sqlite"
    _write_v1_outbox(path, "T0001")
    outbox_at(path, "T0001").close()
    conn = sqlite3.connect(path, isolation_level=None)
    assert schema.migrate(sqlite_utils.Database(conn)) == []
    conn.close()


def test_a_file_from_a_newer_version_is_refused(file_keyring, tmp_path):
    path = tmp_path / "outbox.sqlite"
    outbox_at(path, "T0001").close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (99, 'later')")
    with pytest.raises(QueueTooNew, match="v99"):
        outbox_at(path, "T0001")
