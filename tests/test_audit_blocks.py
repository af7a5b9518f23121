"""The audit file's sealed blocks (kiosk.audit_blocks): a file written before blocks existed (one row
per entry) is migrated at open and keeps verifying, tampering inside blocks is named, and a reader in
another connection never sees a half-sealed chain."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from contract import sealed_blocks
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


def test_a_block_stores_each_entrys_hashed_bytes_whole_and_they_verify_only_as_the_chain(small):
    """A forged block whose stored bytes hash to their stored hashes, but whose entry 6 carries
    another seq: verify names entry 6 (what it would upload could not chain at the hub)."""
    audit, tamper = small
    first, sep, inputs, hashes = tamper.conn.execute(
        "SELECT first_seq, sep, inputs, hashes FROM blocks WHERE first_seq = 5"
    ).fetchone()
    pieces = inputs.split(sep)
    assert [p[32:40] for p in pieces] == [seq.to_bytes(8, "big") for seq in range(5, 9)]
    assert pieces[0][:32] == tamper.get(4)[1] and pieces[2][:32] == hashes[32:64]
    assert [p[40:] for p in pieces] == [tamper.get(seq)[0] for seq in range(5, 9)]
    pieces[1] = pieces[1][:32] + (7).to_bytes(8, "big") + pieces[1][40:]
    forged, prev = [], pieces[0][:32]
    for i, piece in enumerate(pieces):
        piece = prev + piece[32:] if i else piece
        forged.append(piece)
        prev = chain_hash(piece[:32], int.from_bytes(piece[32:40], "big"), piece[40:])
        if i == 3:
            last = prev
    hashes = b"".join(chain_hash(p[:32], int.from_bytes(p[32:40], "big"), p[40:]) for p in forged)
    assert hashes[-32:] == last
    tamper.conn.execute("UPDATE blocks SET inputs = ?, hashes = ? WHERE first_seq = 5", (sep.join(forged), hashes))
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem, result.head.seq) == (False, 6, "hash_mismatch", 5)


def test_blocks_of_the_layout_before_hashed_bytes_are_unsealed_at_open_and_sealed_again(tmp_path):
    """The first block layout (entries joined by a newline, never released) is taken back to rows
    verbatim at open and sealed in the current layout: the chain and its tampering survive it."""
    path = tmp_path / "audit.sqlite"
    rows = _old_file(path, 1000)
    conn = _raw(path)
    conn.execute("CREATE TABLE blocks (first_seq INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
                 " entries BLOB NOT NULL, hashes BLOB NOT NULL)")  # fmt: skip
    for first in (1, 257):
        run = rows[first - 1 : first + 255]
        conn.execute(
            "INSERT INTO blocks VALUES (?, 256, ?, ?)",
            (first, b"\n".join(e for _, e, _ in run), b"".join(h for _, _, h in run)),
        )
        conn.execute("DELETE FROM entries WHERE seq >= ? AND seq < ?", (first, first + 256))
    audit = AuditLog.open(path)
    assert (Tamper(conn).blocks(), Tamper(conn).rows()) == (3, 232)
    assert "sep" in {row[1] for row in conn.execute("PRAGMA table_info(blocks)")}
    result = audit.verify()
    assert result.ok and result.checked == 1000 and result.head.h == rows[-1][2].hex()
    assert [(e["seq"], e["entry"].encode(), bytes.fromhex(e["h"])) for e in audit.entries_after(0, 1000)] == rows
    Tamper(conn).put(300, entry=b'{"kind":"session_end"}')
    result = audit.verify()
    assert (result.ok, result.bad_seq, result.problem) == (False, 300, "hash_mismatch")
    audit.close()


def test_a_separator_that_occurs_in_a_block_is_not_used():
    pieces = [b"\n\x00\x00\x00\x00" + b"a" * 40, b"b" * 45]  # the first separator, inside a piece
    sep, joined = sealed_blocks.join_inputs(pieces)
    assert sep != sealed_blocks._SEP.pack(0x0A, 0) and joined.split(sep) == pieces
    clash = [sealed_blocks._SEP.pack(0x0A, i) for i in range(sealed_blocks.SEPARATORS)]
    assert sealed_blocks.join_inputs([b"".join(clash), b"x" * 40]) is None  # no sep fits: left as rows
