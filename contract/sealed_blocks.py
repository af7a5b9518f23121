"""Sealed blocks of the audit chain: how a run of chained entries is stored as one row and checked.

Shared by the terminal's audit file (kiosk.audit_blocks) and the hub's copy of each terminal's
chain (hub.audit_blocks): the same block, the same verdicts on both sides.

A block holds n consecutive entries as two values: each entry's hashed bytes whole
(h_{n-1} ‖ seq_n ‖ canonical entry, contract.audit_chain.hashed_bytes) joined by a separator `sep`,
and their n hashes, 32 bytes each, concatenated. Verify splits the block in C and hashes each piece
as it is (contract.audit_chain.check_inputs, which also checks every piece's h_{n-1} ‖ seq): no
Python work per entry beyond the hashing, and one stored row read per block instead of per entry.
Why: reading one database row costs about as much as hashing one entry, so one row per entry cannot
verify near the speed of a bare SHA-256 chain (bench/audit_bench.py).

`sep` is chosen per block so that it occurs nowhere in the block but between pieces (the pieces
hold binary hashes and seqs, so no fixed byte will do); a split is checked when the block is made.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from contract.audit_chain import AuditHead, VerifyResult, check_inputs, hashed_bytes

SEPARATORS = 64  # separators tried for a block (the first one almost always occurs nowhere in it)
_SEP = struct.Struct(">BI")

# (first_seq, n, sep, inputs, hashes) as a block is stored
Block = tuple[int, int, Any, Any, Any]


def join_inputs(inputs: list[bytes]) -> tuple[bytes, bytes] | None:
    """(sep, the inputs joined by it) for a sep that splits them back exactly; None if none of
    SEPARATORS does (then the run stays rows). Canonical JSON holds no raw newline, so a sep that
    starts with one can only clash with the binary h and seq bytes: about once in 10^8 blocks."""
    for i in range(SEPARATORS):
        sep = _SEP.pack(0x0A, i)
        joined = sep.join(inputs)
        if joined.split(sep) == inputs:
            return sep, joined
    return None


def split_inputs(joined: Any, sep: Any = b"\n") -> list[bytes]:
    """A block's pieces; none when what is stored is not bytes (written behind our back)."""
    ok = isinstance(joined, bytes) and isinstance(sep, bytes) and sep
    return joined.split(sep) if ok else []


def seal_run(prev: bytes, rows: Sequence[tuple[int, bytes, bytes]]) -> tuple[bytes, bytes, bytes] | None:
    """(sep, inputs, hashes) of a block holding `rows` (seq, entry bytes, stored h) as they are:
    each h_{n-1} is the stored h of the row before (`prev` for the first), nothing is recomputed,
    so a row edited before sealing still fails in the block. None when no separator fits."""
    prevs = [prev] + [h for _, _, h in rows[:-1]]
    block = join_inputs([hashed_bytes(p, seq, entry) for p, (seq, entry, _) in zip(prevs, rows, strict=True)])
    if block is None:
        return None
    return (*block, b"".join(h for _, _, h in rows))


def verify_blocks(
    blocks: Iterable[Block], prev: bytes, since: int, next_held: Callable[[int], int | None]
) -> tuple[VerifyResult | None, bytes, int, int]:
    """Walk the stored blocks that hold `since` and after, in first_seq order, onto h_{since-1} =
    `prev`: (the first problem or None, the last good h, the next seq expected, entries checked).
    The caller goes on with its open tail from there.

    `next_held(first)`: the lowest seq held after the block starting at `first` (the next block or
    tail row), None when nothing follows; asked only about a bad block, to tell an entry taken out
    of it (a gap) from an edited one (the h chain alone cannot: the entry after the missing one
    chains from the missing one's h)."""
    expected, checked = since, 0
    for first, n, sep, inputs, hashes in blocks:
        if first > expected:  # the entries between are in no block
            return _bad(checked, expected, prev, expected, "gap"), prev, expected, checked
        if first < expected and checked:  # overlaps the block before it
            return _bad(checked, expected, prev, first, "duplicate"), prev, expected, checked
        held = pieces = split_inputs(inputs, sep)
        skip = expected - first  # the first block may begin before `since`
        if skip or not isinstance(hashes, bytes):  # (no copy of every block for nothing)
            pieces = held[skip:]
            hashes = hashes[32 * skip :] if isinstance(hashes, bytes) else b""
        good, last = check_inputs(prev, expected, pieces, hashes)
        if good < len(pieces) or len(pieces) != n - skip or len(hashes) != 32 * len(pieces):
            bad, checked = expected + good, checked + good
            after = next_held(first)
            problem = "gap" if after is not None and first + len(held) < after else "hash_mismatch"
            return _bad(checked, bad, last, bad, problem), last, bad, checked
        prev, expected, checked = last, expected + good, checked + good
    return None, prev, expected, checked


def _bad(checked: int, expected: int, prev: bytes, bad_seq: int, problem: str) -> VerifyResult:
    """The verdict on a chain good up to `expected - 1` (whose h is `prev`), bad at `bad_seq`."""
    return VerifyResult(False, checked, AuditHead(expected - 1, prev.hex()), bad_seq, problem)
