"""How the hub holds each terminal's audit chain (hub.audit_store): sealed blocks, then an open tail.

    audit_entries (terminal_id, seq, h, entry)     the tail: one row per uploaded entry (h as hex,
                                                   the entry as the text the terminal sent)
    audit_blocks  (terminal_id, first_seq, n, sep, sealed runs of n entries, as the terminal seals
                   hashes, inputs)                 its own file (contract.sealed_blocks): each entry's
                                                   hashed bytes whole joined by `sep`, and the n
                                                   hashes, 32 bytes each, concatenated

An upload is stored as tail rows, then every full run of BLOCK_SIZE tail rows is sealed into one block
in the same transaction: moved verbatim (each h_{n-1} the stored h of the row before, nothing
recomputed), so a row edited before sealing still fails. Only a run of contiguous seqs whose rows
have the plain shape (lower-case hex h) is sealed; anything odd stays a row, where the row path names
it. The schema's v6 step seals what a v5 hub held (`seal_all`).

Why blocks: reading one row costs about as much as hashing one entry (bench/audit_bench.py), so one
row per entry cannot verify near a bare SHA-256 chain; a block is one row for 256 entries, hashed
as stored. `hashes` comes before `inputs` in the row so that reading a block's hashes alone (a
checkpoint's h) does not walk the whole of its inputs in SQLite's overflow pages.

The SQL is the subset SQLite and PostgreSQL both accept (`db` is either store's adapter). The caller
holds the transaction: a write one (the terminal's row lock) to seal, a snapshot to verify
(HubStore.snapshot), so that a seal by another process cannot hide entries from a verification.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from contract.audit_chain import GENESIS, PREFIX, AuditHead, VerifyResult, verify_rows
from contract.sealed_blocks import Block, seal_run, split_inputs, verify_blocks
from hub.store_types import utc_now_iso

BLOCK_SIZE = 256  # entries per sealed block, as on the terminal (kiosk.audit_blocks)
BLOCKS_PER_READ = 64  # blocks a verification reads per query: 16k entries, ~4 MB

_HEX64 = re.compile(r"[0-9a-f]{64}")

# the table of schema v6 ({blob}: BLOB in SQLite, BYTEA in PostgreSQL)
BLOCKS_TABLE = (
    "CREATE TABLE IF NOT EXISTS audit_blocks (terminal_id TEXT NOT NULL, first_seq BIGINT NOT NULL,"
    " n INTEGER NOT NULL, sep {blob} NOT NULL, hashes {blob} NOT NULL, inputs {blob} NOT NULL,"
    " received_at TEXT NOT NULL, PRIMARY KEY (terminal_id, first_seq))"
)

# the block that may hold seq ?: the last one starting at or before it (a key look-up, not a scan)
_BLOCK_AT = (
    "(SELECT first_seq, n, hashes FROM audit_blocks WHERE terminal_id = ? AND first_seq <= ?"
    " ORDER BY first_seq DESC LIMIT 1)"
)
# the stored h (32 bytes) of seq ? in block b
_H_IN_BLOCK = "substr(b.hashes, CAST(32 * (? - b.first_seq) + 1 AS INTEGER), 32)"


def blocks_table(blob: str) -> str:
    return BLOCKS_TABLE.replace("{blob}", blob)


def tail_start(db: Any, terminal_id: str) -> int:
    """The first seq after the terminal's sealed blocks (1 when there are none)."""
    row = db.execute(
        "SELECT first_seq + n FROM audit_blocks WHERE terminal_id = ? ORDER BY first_seq DESC LIMIT 1",
        [terminal_id],
    ).fetchone()
    return row[0] if row else 1


def h_at(db: Any, terminal_id: str, seq: int) -> str | None:
    """The stored h (hex) of entry `seq`, wherever it is held; None when no entry has that seq."""
    row = db.execute(
        "SELECT h FROM audit_entries WHERE terminal_id = ? AND seq = ?", [terminal_id, seq]
    ).fetchone()
    if row is not None:
        return row[0]
    row = db.execute(
        f"SELECT {_H_IN_BLOCK} FROM {_BLOCK_AT} b WHERE b.first_seq + b.n > ?",
        [seq, terminal_id, seq, seq],
    ).fetchone()
    if row is None or not isinstance(row[0], bytes) or len(row[0]) != 32:
        return None
    return row[0].hex()


def _sealable(seq: Any, entry: Any, h: Any) -> bool:
    return isinstance(entry, str) and isinstance(h, str) and _HEX64.fullmatch(h) is not None


def seal(db: Any, terminal_id: str, block_size: int = BLOCK_SIZE) -> int:
    """Seal every full run of the terminal's tail rows into blocks; returns the next tail start."""
    start = tail_start(db, terminal_id)
    prev_hex = GENESIS.hex() if start == 1 else h_at(db, terminal_id, start - 1)
    now = utc_now_iso()
    while prev_hex is not None and _HEX64.fullmatch(prev_hex):
        rows = db.execute(
            "SELECT seq, entry, h FROM audit_entries WHERE terminal_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
            [terminal_id, start, block_size],
        ).fetchall()
        if (
            len(rows) < block_size
            or rows[0][0] != start
            or rows[-1][0] != start + block_size - 1
            or not all(_sealable(*row) for row in rows)
        ):
            break
        try:
            run = [(seq, entry.encode("utf-8"), bytes.fromhex(h)) for seq, entry, h in rows]
        except UnicodeEncodeError:  # (a lone surrogate written behind our back): stays rows
            break
        block = seal_run(bytes.fromhex(prev_hex), run)
        if block is None:
            break
        sep, inputs, hashes = block
        db.execute(
            "INSERT INTO audit_blocks (terminal_id, first_seq, n, sep, hashes, inputs, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [terminal_id, start, block_size, sep, hashes, inputs, now],
        )
        db.execute(
            "DELETE FROM audit_entries WHERE terminal_id = ? AND seq >= ? AND seq < ?",
            [terminal_id, start, start + block_size],
        )
        start, prev_hex = start + block_size, rows[-1][2]
    return start


def seal_all(db: Any) -> None:
    """Seal what every terminal's tail holds (schema v6: a v5 hub held one row per entry)."""
    terminals = [row[0] for row in db.execute("SELECT DISTINCT terminal_id FROM audit_entries").fetchall()]
    for terminal_id in terminals:
        seal(db, terminal_id)


# --- the held head (hub/fleet_routes.py reads it with a heartbeat's other statements) ---------------

HELD_SQL = (
    "SELECT (SELECT seq FROM audit_entries WHERE terminal_id = ? ORDER BY seq DESC LIMIT 1),"
    " (SELECT h FROM audit_entries WHERE terminal_id = ? ORDER BY seq DESC LIMIT 1),"
    " (SELECT first_seq + n - 1 FROM audit_blocks WHERE terminal_id = ? ORDER BY first_seq DESC LIMIT 1),"
    " (SELECT substr(hashes, 32 * (n - 1) + 1, 32) FROM audit_blocks WHERE terminal_id = ?"
    " ORDER BY first_seq DESC LIMIT 1)"
)

# whether anything held for seq differs from h: a tail row's text h, a block's 32 bytes
DIFFERS_SQL = (
    f"EXISTS (SELECT 1 FROM audit_entries WHERE terminal_id = ? AND seq = ? AND h <> ?)"
    f" OR EXISTS (SELECT 1 FROM {_BLOCK_AT} b WHERE b.first_seq + b.n > ? AND {_H_IN_BLOCK} <> ?)"
)


def differs_args(terminal_id: str, seq: int, h: str) -> list[Any]:
    return [terminal_id, seq, h, terminal_id, seq, seq, seq, _h_bytes(h)]


def _h_bytes(h: str) -> bytes:
    try:
        return bytes.fromhex(h) if _HEX64.fullmatch(h) else b""
    except ValueError:
        return b""  # never equal to a stored h: differs, as the text compare always said


def held_from(row: Any) -> AuditHead:
    """HELD_SQL's row -> the last entry held (tail or block); seq 0 when none."""
    tail_seq, tail_h, block_seq, block_h = row if row else (None, None, None, None)
    if tail_seq is not None and (block_seq is None or tail_seq > block_seq):
        return AuditHead(tail_seq, tail_h)
    if block_seq is not None and isinstance(block_h, bytes):
        return AuditHead(block_seq, block_h.hex())
    return AuditHead(0, GENESIS.hex())


# --- reading and verifying --------------------------------------------------------------------------


def blocks_from(db: Any, terminal_id: str, seq: int, columns: str = "sep, inputs, hashes") -> Iterator[Any]:
    """(first_seq, n, *columns) of the blocks holding `seq` and after, in order, BLOCKS_PER_READ a
    query (PostgreSQL hands a query's rows over whole: a million entries at once would be ~300 MB)."""
    row = db.execute(
        "SELECT max(first_seq) FROM audit_blocks WHERE terminal_id = ? AND first_seq <= ?", [terminal_id, seq]
    ).fetchone()
    low = seq if row[0] is None else row[0]
    while True:
        rows = db.execute(
            f"SELECT first_seq, n, {columns} FROM audit_blocks WHERE terminal_id = ? AND first_seq >= ?"
            " AND first_seq + n > ? ORDER BY first_seq LIMIT ?",
            [terminal_id, low, seq, BLOCKS_PER_READ],
        ).fetchall()
        yield from rows
        if len(rows) < BLOCKS_PER_READ:
            return
        low = rows[-1][0] + 1


def _next_held(db: Any, terminal_id: str, first: int) -> int | None:
    """The lowest seq held after the block at `first`: the next block's or a tail row's."""
    row = db.execute(
        "SELECT min(s) FROM (SELECT min(first_seq) AS s FROM audit_blocks WHERE terminal_id = ? AND first_seq > ?"
        " UNION ALL SELECT min(seq) AS s FROM audit_entries WHERE terminal_id = ? AND seq > ?) AS after_block",
        [terminal_id, first, terminal_id, first],
    ).fetchone()
    return row[0]


class CheckpointWatch:
    """The heartbeats' checkpoints (seq, h) of one terminal, compared with the blocks' stored hashes
    as a verification walks them (no second read of the blocks): `first_mismatch` is the lowest seq
    whose checkpoint a block contradicts."""

    def __init__(self, checkpoints: list[tuple[int, str]]) -> None:
        self._checkpoints = checkpoints  # in seq order
        self._next = 0
        self.first_mismatch: int | None = None

    def see(self, first: int, n: int, hashes: Any) -> None:
        cps, i = self._checkpoints, self._next
        while i < len(cps) and cps[i][0] < first:
            i += 1
        while i < len(cps) and cps[i][0] < first + n and self.first_mismatch is None:
            seq, h = cps[i]
            at = 32 * (seq - first)
            stored = hashes[at : at + 32] if isinstance(hashes, bytes) else b""
            if len(stored) == 32 and stored.hex() != h:
                self.first_mismatch = seq
            i += 1
        self._next = i

    def watching(self, blocks: Iterator[Block]) -> Iterator[Block]:
        for block in blocks:
            self.see(block[0], block[1], block[4])
            yield block


def verify_chain(db: Any, terminal_id: str, prev: bytes, since: int, watch: CheckpointWatch) -> VerifyResult:
    """Re-hash the terminal's entries from `since` onto h_{since-1} = `prev`: blocks, then the tail."""
    blocks = watch.watching(blocks_from(db, terminal_id, since))
    bad, prev, expected, checked = verify_blocks(
        blocks, prev, since, lambda first: _next_held(db, terminal_id, first)
    )
    if bad is not None:
        return bad
    if checked:  # a tail row whose seq a block already holds
        row = db.execute(
            "SELECT min(seq) FROM audit_entries WHERE terminal_id = ? AND seq >= ? AND seq < ?",
            [terminal_id, since, expected],
        ).fetchone()
        if row[0] is not None:
            return VerifyResult(False, checked, AuditHead(expected - 1, prev.hex()), row[0], "duplicate")
    cursor = db.execute(
        "SELECT seq, entry, h FROM audit_entries WHERE terminal_id = ? AND seq >= ? ORDER BY seq",
        [terminal_id, expected],
    )
    # an h that is no hex at all raises ValueError: refused loudly, as the row-by-row check always did
    result = verify_rows(((s, e.encode("utf-8"), bytes.fromhex(h)) for s, e, h in cursor), prev, expected)
    return VerifyResult(result.ok, checked + result.checked, result.head, result.bad_seq, result.problem)


def entries_after(db: Any, terminal_id: str, seq: int, limit: int) -> list[tuple[int, str]]:
    """(seq, entry text) of up to `limit` entries above `seq`, from the blocks and then the tail."""
    out: list[tuple[int, str]] = []
    after = seq
    for first, _n, sep, inputs in blocks_from(db, terminal_id, seq + 1, "sep, inputs"):
        if len(out) >= limit:
            return out
        for i, piece in enumerate(split_inputs(inputs, sep)):
            if first + i > after and len(out) < limit:
                out.append((first + i, piece[PREFIX:].decode("utf-8", "replace")))
                after = first + i
    rows = db.execute(
        "SELECT seq, entry FROM audit_entries WHERE terminal_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        [terminal_id, after, limit - len(out)],
    ).fetchall()
    return out + [(s, e) for s, e in rows]
