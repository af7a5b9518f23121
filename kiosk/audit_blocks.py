"""How the terminal's audit file holds its chain (kiosk.audit): sealed blocks, then an open tail.

    entries (seq, entry, h)                     the tail: one row per append (each durable on its own)
    blocks  (first_seq, n, sep, inputs, hashes) sealed runs of n entries: each entry's hashed bytes
                                                whole (h_{n-1} ‖ seq_n ‖ canonical entry, as
                                                contract.audit_chain.hashed_bytes) joined by `sep`,
                                                and their n hashes, 32 bytes each, concatenated

A full run of `block_size` tail rows is sealed into one block (moved verbatim: the same entry bytes
and hashes, each h_{n-1} the stored h of the row before, nothing recomputed, so a row edited before
sealing still fails). Only a run whose seqs are exactly contiguous and whose rows have the plain
shape is sealed; anything odd stays a row, where the row path names it. Files written before blocks
existed are all tail: `seal` migrates them at open.

Why blocks: reading one SQLite row costs about as much as hashing one entry (measured in
bench/audit_bench.py), so one row per entry cannot verify near the speed of a bare SHA-256 chain.
Why the hashed bytes whole: building h_{n-1} ‖ seq ‖ entry for each entry (a pack and two
concatenations) is a third of a bare chain's time; stored whole, verify splits a block in C and
hashes each piece as it is (contract.audit_chain.check_inputs, which also checks every piece's
h_{n-1} ‖ seq). `sep` is chosen per block so that it occurs nowhere in the block but between pieces
(the pieces hold binary hashes and seqs, so no fixed byte will do); a split is checked at seal.
The block's format and its check are the contract's (contract.sealed_blocks): the hub keeps its copy
of each terminal's chain in the same blocks (hub.audit_blocks).

Every function here runs inside the caller's lock; reads that must agree run in one snapshot (the
caller's BEGIN), so a seal by another process in between cannot hide rows from a verification.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from contract.audit_chain import GENESIS, PREFIX, AuditHead, VerifyResult, verify_stored
from contract.sealed_blocks import seal_run, split_inputs, verify_blocks

BLOCK_SIZE = 256  # entries per sealed block: ~55 KB of entries; larger blocks measured no faster
MMAP_BYTES = 1 << 30  # the audit file is read through a map of up to 1 GiB (about 4M entries)
SEAL_BLOCKS_PER_TRANSACTION = 64  # a migration commits (and fsyncs) once per 16k entries

BLOCKS_TABLE = (
    "CREATE TABLE IF NOT EXISTS blocks (first_seq INTEGER PRIMARY KEY, n INTEGER NOT NULL,"
    " sep BLOB NOT NULL, inputs BLOB NOT NULL, hashes BLOB NOT NULL)"
)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL, h BLOB NOT NULL);
{BLOCKS_TABLE};
"""


def unseal_old_blocks(conn: sqlite3.Connection) -> None:
    """Blocks of the layout before `inputs` (entries joined by b"\\n", never released) go back to
    tail rows verbatim, in one transaction; `seal` then seals them again. Run after SCHEMA."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(blocks)")}
    if not columns or "sep" in columns:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        for first, block_entries, hashes in conn.execute(
            "SELECT first_seq, entries, hashes FROM blocks ORDER BY first_seq"
        ).fetchall():
            conn.executemany(
                "INSERT OR IGNORE INTO entries (seq, entry, h) VALUES (?, ?, ?)",
                [(first + i, e, hashes[32 * i : 32 * i + 32]) for i, e in enumerate(split_inputs(block_entries))],
            )
        conn.execute("DROP TABLE blocks")
        conn.execute(BLOCKS_TABLE)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def head(conn: sqlite3.Connection) -> tuple[int, bytes]:
    """(seq, h) of the last entry held, in a block or the tail; (0, GENESIS) for an empty log."""
    row = conn.execute("SELECT seq, h FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    block = conn.execute(
        "SELECT first_seq + n - 1, substr(hashes, -32) FROM blocks ORDER BY first_seq DESC LIMIT 1"
    ).fetchone()
    best = max((r for r in (row, block) if r is not None), key=lambda r: r[0], default=None)
    return (best[0], bytes(best[1])) if best else (0, GENESIS)


def tail_start(conn: sqlite3.Connection) -> int:
    """The first seq after the sealed blocks (1 when there are none)."""
    row = conn.execute("SELECT first_seq + n FROM blocks ORDER BY first_seq DESC LIMIT 1").fetchone()
    return row[0] if row else 1


def _sealable(entry: Any, h: Any) -> bool:
    return type(entry) is bytes and type(h) is bytes and len(h) == 32


def seal(conn: sqlite3.Connection, block_size: int, max_blocks: int) -> int:
    """Seal up to `max_blocks` full runs of tail rows, in one transaction; returns the next tail start."""
    conn.execute("BEGIN IMMEDIATE")  # re-read inside: another process may have sealed meanwhile
    try:
        start = tail_start(conn)
        for _ in range(max_blocks):
            rows = conn.execute(
                "SELECT seq, entry, h FROM entries WHERE seq >= ? ORDER BY seq LIMIT ?", (start, block_size)
            ).fetchall()
            prev = GENESIS if start == 1 else h_at(conn, start - 1)
            if (
                prev is None
                or len(rows) < block_size
                or rows[0][0] != start
                or rows[-1][0] != start + block_size - 1
                or not all(_sealable(entry, h) for _, entry, h in rows)
            ):
                break
            block = seal_run(prev, rows)  # h_{n-1} the stored h of the entry before (not recomputed)
            if block is None:
                break
            conn.execute(
                "INSERT INTO blocks (first_seq, n, sep, inputs, hashes) VALUES (?, ?, ?, ?, ?)",
                (start, block_size, *block),
            )
            conn.execute("DELETE FROM entries WHERE seq >= ? AND seq < ?", (start, start + block_size))
            start += block_size
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return start


def h_at(conn: sqlite3.Connection, seq: int) -> bytes | None:
    """The stored h of entry `seq`, wherever it is held; None when no entry has that seq."""
    row = conn.execute("SELECT h FROM entries WHERE seq = ?", (seq,)).fetchone()
    if row is None:
        row = conn.execute(
            "SELECT substr(hashes, 32 * (? - first_seq) + 1, 32) FROM blocks "
            "WHERE first_seq <= ? AND first_seq + n > ? ORDER BY first_seq DESC LIMIT 1",
            (seq, seq, seq),
        ).fetchone()
    if row is None or not isinstance(row[0], bytes) or len(row[0]) != 32:
        return None
    return row[0]


def _blocks_from(conn: sqlite3.Connection, seq: int) -> sqlite3.Cursor:
    """The blocks holding `seq` and after, in order (the subquery finds the first one by its key)."""
    return conn.execute(
        "SELECT first_seq, n, sep, inputs, hashes FROM blocks WHERE first_seq >= "
        "coalesce((SELECT max(first_seq) FROM blocks WHERE first_seq <= ?), ?) AND first_seq + n > ? "
        "ORDER BY first_seq",
        (seq, seq, seq),
    )


def _next_held(conn: sqlite3.Connection, first: int) -> int | None:
    """The lowest seq held after the block at `first`: the next block's or a tail row's."""
    row = conn.execute(
        "SELECT min(s) FROM (SELECT min(first_seq) AS s FROM blocks WHERE first_seq > ? "
        "UNION ALL SELECT min(seq) FROM entries WHERE seq > ?)",
        (first, first),
    ).fetchone()
    return row[0]


def verify_chain(conn: sqlite3.Connection, since: int) -> VerifyResult:
    """Re-hash entries from `since` (h_{since-1} as stored is trusted as the start): blocks, then tail."""
    prev = GENESIS
    if since > 1:
        stored = h_at(conn, since - 1)
        if stored is None:
            return VerifyResult(False, 0, AuditHead(0, GENESIS.hex()), since - 1, "gap")
        prev = stored
    bad, prev, expected, checked = verify_blocks(
        _blocks_from(conn, since), prev, since, lambda first: _next_held(conn, first)
    )
    if bad is not None:  # (a block after a gap: the entries between are in no block, the tail is after)
        return bad
    if checked:  # a tail row whose seq a block already holds
        row = conn.execute(
            "SELECT min(seq) FROM entries WHERE seq >= ? AND seq < ?", (since, expected)
        ).fetchone()
        if row[0] is not None:
            return VerifyResult(False, checked, AuditHead(expected - 1, prev.hex()), row[0], "duplicate")
    return _verify_tail(conn, expected, prev, checked)


def _verify_tail(conn: sqlite3.Connection, start: int, prev: bytes, checked: int) -> VerifyResult:
    # the cursor itself, two columns: the seq hashed is the expected one (see verify_stored)
    rows = conn.execute("SELECT entry, h FROM entries WHERE seq >= ? ORDER BY seq", (start,))
    try:
        result = verify_stored(rows, prev, start)
    except TypeError:  # a row whose entry is not bytes (written as text behind our back)
        result = _verify_tail_typed(conn, start, prev)
    if not result.ok:
        row = conn.execute(
            "SELECT seq FROM entries WHERE seq >= ? ORDER BY seq LIMIT 1 OFFSET ?", (start, result.checked)
        ).fetchone()
        if row is None or row[0] != result.bad_seq:  # a row is missing here (the next one moved up)
            result = VerifyResult(False, result.checked, result.head, result.bad_seq, "gap")
    return VerifyResult(result.ok, checked + result.checked, result.head, result.bad_seq, result.problem)


def _verify_tail_typed(conn: sqlite3.Connection, start: int, prev: bytes) -> VerifyResult:
    rows = conn.execute("SELECT entry, h FROM entries WHERE seq >= ? ORDER BY seq", (start,))
    return verify_stored(((e if isinstance(e, bytes) else b"", h) for e, h in rows), prev, start)


def entries_after(conn: sqlite3.Connection, seq: int, limit: int) -> list[tuple[int, bytes, bytes]]:
    """(seq, entry, h) of up to `limit` entries above `seq`, from the blocks and then the tail."""
    out: list[tuple[int, bytes, bytes]] = []
    after = seq
    for first, _n, sep, inputs, hashes in _blocks_from(conn, seq + 1):
        if len(out) >= limit:
            return out
        for i, piece in enumerate(split_inputs(inputs, sep)):
            s = first + i
            if s > after and len(out) < limit:
                out.append((s, piece[PREFIX:], hashes[32 * i : 32 * i + 32]))
                after = s
    rows = conn.execute(
        "SELECT seq, entry, h FROM entries WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit - len(out))
    ).fetchall()
    return out + [(s, bytes(e) if isinstance(e, bytes) else str(e).encode(), bytes(h)) for s, e, h in rows]
