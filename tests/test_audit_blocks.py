"""The audit file's sealed blocks (kiosk.audit_blocks): a file written before blocks existed (one row
per entry) is migrated at open and keeps verifying, tampering inside blocks is named, and a reader in
another connection never sees a half-sealed chain."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from contract.audit_chain import GENESIS, canonical_entry, chain_hash
from kiosk.audit import AuditLog
from tests.audit_tamper import Tamper

# the audit file as the first fleet release wrote it (kiosk/audit.py before blocks), verbatim
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL, h BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS witness (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER, h TEXT);
CREATE TABLE IF NOT EXISTS executed_commands (
    command_id TEXT PRIMARY KEY, command TEXT, executed_at TEXT, result TEXT,
    detail TEXT, reported INTEGER NOT NULL DEFAULT 0);
"""


def _old_file(path, n: int) -> list[tuple[int, bytes, bytes]]:
    """An audit file in the old layout with `n` entries, written the way the old append wrote them."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(OLD_SCHEMA)
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        entry = canonical_entry(
            {"kind": "session_end", "at": f"2026-11-30T08:{seq // 60 % 60:02d}:{seq % 60:02d}.000+00:00",
             "reason": "finished" if seq % 2 else "timeout"}
        )  # fmt: skip
        prev = chain_hash(prev, seq, entry)
        rows.append((seq, entry, prev))
    conn.executemany("INSERT INTO entries (seq, entry, h) VALUES (?, ?, ?)", rows)
    conn.execute("INSERT INTO witness (id, seq, h) VALUES (1, ?, ?)", (900, rows[899][2].hex()))
    conn.close()
    return rows


def _raw(path) -> sqlite3.Connection:
    return sqlite3.connect(str(path), isolation_level=None)


def test_an_old_file_is_migrated_at_open_and_keeps_verifying(tmp_path):
    path = tmp_path / "audit.sqlite"
    rows = _old_file(path, 1000)
    audit = AuditLog.open(path)  # blocks of 256: 3 blocks, 232 rows left in the tail
    tamper = Tamper(_raw(path))
    assert (tamper.blocks(), tamper.rows()) == (3, 232)
    assert audit.head().seq == 1000 and audit.head().h == rows[-1][2].hex()
    result = audit.verify()  # the witness (seq 900, from before the upgrade) is still reached
    assert result.ok and result.checked == 1000
    for since in (1, 256, 257, 700, 769, 1000):
        assert audit.verify(since=since).checked == 1001 - since
    # the upload reads the same entries, seqs and hashes as before, across block edges
    held = audit.entries_after(0, 5000)
    assert [(e["seq"], e["entry"].encode(), bytes.fromhex(e["h"])) for e in held] == rows
    assert [e["seq"] for e in audit.entries_after(250, 10)] == list(range(251, 261))
    assert [e["seq"] for e in audit.entries_after(760, 20)] == list(range(761, 781))
    assert audit.entries_after(1000, 10) == []
    assert audit.append("session_end", reason="finished").seq == 1001
    audit.close()
    again = AuditLog.open(path)  # a second open changes nothing
    assert (tamper.blocks(), tamper.rows()) == (3, 233)
    assert again.verify().ok and again.verify().checked == 1001
    again.close()


def test_tampering_done_before_the_upgrade_is_still_named_after_it(tmp_path):
    path = tmp_path / "audit.sqlite"
    _old_file(path, 1000)
    conn = _raw(path)
    conn.execute("UPDATE entries SET entry = ? WHERE seq = 300", (canonical_entry({"kind": "session_end"}),))
    conn.execute("DELETE FROM entries WHERE seq = 600")
    audit = AuditLog.open(path)
    # the edited row is sealed verbatim into a block; the run with the gap is left as rows
    assert Tamper(conn).blocks() == 2
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem, result.head.seq) == (False, 300, "hash_mismatch", 299)
    result = audit.verify(since=513)  # after the edit: the run that is still rows has its gap
    assert (result.ok, result.bad_seq, result.problem) == (False, 600, "gap")
    audit.close()


@pytest.fixture
def small(tmp_path):
    log = AuditLog.open(tmp_path / "audit.sqlite", block_size=4)
    for _ in range(10):
        log.append("session_end", reason="finished")
    conn = _raw(log.path)
    yield log, Tamper(conn)
    conn.close()
    log.close()


def test_appends_seal_full_blocks_and_every_since_verifies(small):
    audit, tamper = small
    assert (tamper.blocks(), tamper.rows()) == (2, 2)  # 1-4 and 5-8 sealed, 9 and 10 rows
    for since in range(1, 12):
        result = audit.verify(since=since)
        assert result.ok and result.checked == 11 - since and result.head == audit.head()
    assert [e["seq"] for e in audit.entries_after(2, 3)] == [3, 4, 5]
    assert [e["seq"] for e in audit.entries_after(7, 100)] == [8, 9, 10]
    prev = GENESIS
    for e in audit.entries_after(0, 100):
        prev = chain_hash(prev, e["seq"], e["entry"].encode())
        assert prev.hex() == e["h"]


def test_a_deleted_block_is_a_gap(small):
    audit, tamper = small
    tamper.conn.execute("DELETE FROM blocks WHERE first_seq = 5")
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem, result.head.seq) == (False, 5, "gap", 4)


def test_a_row_beside_the_block_that_holds_its_seq_is_named(small):
    audit, tamper = small
    entry, h = tamper.get(6)
    tamper.conn.execute("INSERT INTO entries (seq, entry, h) VALUES (6, ?, ?)", (entry, h))
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 6, "duplicate")


def test_a_block_that_claims_more_entries_than_it_holds_is_named(small):
    audit, tamper = small
    tamper.conn.execute("UPDATE blocks SET n = 5 WHERE first_seq = 1")
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 5, "hash_mismatch")


def test_an_entry_moved_between_blocks_is_named(small):
    audit, tamper = small
    tamper.move(2, 6)  # out of block 1, into block 2
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 2, "gap")


def test_a_reader_in_another_connection_never_sees_a_half_sealed_chain(tmp_path):
    """The CLI verifies while the kiosk appends and seals: each verify reads one snapshot."""
    path = tmp_path / "audit.sqlite"
    writer = AuditLog.open(path, block_size=4)
    reader = AuditLog.open(path, block_size=4)
    stop, seen = threading.Event(), []

    def verify_all_the_time() -> None:
        while not stop.is_set():
            seen.append(reader.verify())

    thread = threading.Thread(target=verify_all_the_time)
    thread.start()
    try:
        for _ in range(120):
            writer.append("session_end", reason="finished")
    finally:
        stop.set()
        thread.join(30)
    assert seen and all(r.ok for r in seen), [r.describe() for r in seen if not r.ok][:3]
    assert Tamper(_raw(path)).blocks() == 30
    assert reader.verify().checked == 120
    writer.close()
    reader.close()
