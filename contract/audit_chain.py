"""The audit chain's arithmetic, shared by the terminal (kiosk.audit) and the hub (hub.audit_store):
h_n = SHA-256(h_{n-1} ‖ seq_n as 8 bytes big-endian ‖ canonical entry JSON), h_0 = 32 zero bytes.

Part of the contract (like contract.signing): both sides must hash the same bytes the same way.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import count
from operator import itemgetter
from typing import Any

GENESIS = bytes(32)
_SEQ = struct.Struct(">Q")


def canonical_entry(entry: dict[str, Any]) -> bytes:
    """The bytes that are hashed (and stored): sorted keys, no spaces, UTF-8."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain_hash(prev: bytes, seq: int, entry: bytes) -> bytes:
    return hashlib.sha256(prev + _SEQ.pack(seq) + entry).digest()


@dataclass(frozen=True)
class AuditHead:
    seq: int  # 0: empty log
    h: str  # hex of h_seq

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "h": self.h}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # entries hashed
    head: AuditHead  # the last good entry's head
    bad_seq: int | None = None  # the first bad entry (or the missing one)
    problem: str | None = None  # hash_mismatch, gap, truncated, witness_mismatch, rewritten

    def describe(self) -> str:
        if self.ok:
            return f"OK: {self.checked} entries, head seq {self.head.seq} h {self.head.h[:16]}"
        return f"BAD: entry {self.bad_seq}: {self.problem} (chain good up to seq {self.head.seq})"


def verify_rows(
    rows: Iterable[tuple[int, bytes, bytes]], prev: bytes = GENESIS, start: int = 1
) -> VerifyResult:
    """Check (seq, entry bytes, h) rows in seq order, starting after h_{start-1} = `prev`.

    The loop is kept bare (local names, one concatenation): it is what bench/audit_bench.py measures.
    """
    sha256, pack = hashlib.sha256, _SEQ.pack
    expected, checked = start, 0
    for seq, entry, h in rows:
        if seq != expected:
            return VerifyResult(False, checked, AuditHead(expected - 1, prev.hex()), expected, "gap")
        digest = sha256(prev + pack(seq) + entry).digest()
        if digest != h:
            return VerifyResult(False, checked, AuditHead(seq - 1, prev.hex()), seq, "hash_mismatch")
        prev = digest
        expected += 1
        checked += 1
    return VerifyResult(True, checked, AuditHead(expected - 1, prev.hex()))


def chain_block(prev: bytes, start: int, entries: Sequence[bytes], hashes: bytes) -> tuple[int, bytes]:
    """Hash `entries` (seqs start, start+1, ...) onto h_{start-1} = `prev` and compare the results
    with `hashes` (their stored h, 32 bytes each, concatenated): (how many lead entries are good,
    the h of the last good one). All good when the first value is len(entries) and `hashes` holds
    exactly that many.

    The one fast loop of a verification, shared by the terminal (its sealed blocks, kiosk.audit) and
    the hub (its uploaded entries, hub.audit_store): per entry the bare chain's own work (pack, two
    concatenations, one SHA-256) and a list append; the stored hashes are compared in one bytes
    compare per block, not one per entry.
    """
    sha256, pack, before, seq = hashlib.sha256, _SEQ.pack, prev, start
    digests: list[bytes] = []
    add = digests.append
    for entry in entries:  # a plain counter: measured faster than zip(entries, map(pack, count()))
        prev = sha256(prev + pack(seq) + entry).digest()
        add(prev)
        seq += 1
    if b"".join(digests) == hashes:
        return len(digests), prev
    # the slow part, only for a bad block: find the first entry whose h differs (or is missing)
    for good, digest in enumerate(digests):
        if hashes[32 * good : 32 * good + 32] != digest:
            return good, digests[good - 1] if good else before
    return len(digests), prev  # every entry good, but more hashes stored than entries


PREFIX = 40  # h_{n-1} (32 bytes) and seq_n (8 bytes): what precedes the entry in the hashed bytes
_prefix = itemgetter(slice(0, PREFIX))  # one C call per input, no slice object made each time
_digest = type(hashlib.sha256()).digest


@lru_cache(maxsize=8)
def _prefixes(n: int) -> struct.Struct:
    return struct.Struct(">" + "32sQ" * n)


def hashed_bytes(prev: bytes, seq: int, entry: bytes) -> bytes:
    """What chain_hash hashes: h_{seq-1} ‖ seq ‖ entry (the terminal stores it whole, kiosk.audit_blocks)."""
    return prev + _SEQ.pack(seq) + entry


def check_inputs(prev: bytes, start: int, inputs: Sequence[bytes], hashes: bytes) -> tuple[int, bytes]:
    """chain_block for entries stored with their hashed bytes whole (hashed_bytes, seqs start,
    start+1, ...): the same answer, (how many lead entries are good, the h of the last good one).

    No Python-level work per entry beyond what hashes it: SHA-256 runs over each stored input as it
    is (map in C, no concatenation, no pack), the results are compared with `hashes` in one compare,
    and every input's first 40 bytes with the expected h_{n-1} ‖ seq_n of the whole block in another
    (one struct.pack of the block's prefixes). Both equal means each input is exactly
    hashed_bytes(h_{n-1}, n, entry) with h_{n-1} the chain's own: the chain holds, as if re-hashed
    one by one. Only a bad block takes the per-entry path (chain_block) to name its first bad entry.
    """
    digests = list(map(_digest, map(hashlib.sha256, inputs)))
    n = len(digests)
    if n and b"".join(digests) == hashes:
        expected: list[Any] = [None] * (2 * n)
        expected[0], expected[2::2], expected[1::2] = prev, digests[:-1], range(start, start + n)
        if b"".join(map(_prefix, inputs)) == _prefixes(n).pack(*expected):
            return n, digests[-1]
    entries = [bytes(item[PREFIX:]) for item in inputs]
    good, last = chain_block(prev, start, entries, hashes)
    h = prev  # an input whose prefix is not the chain's (its h then verifies nothing): bad there
    for i, item in enumerate(inputs[:good]):
        if item[:PREFIX] != hashed_bytes(h, start + i, b""):
            return i, h
        h = digests[i]
    return good, last


def verify_stored(rows: Iterable[tuple[bytes, bytes]], prev: bytes = GENESIS, start: int = 1) -> VerifyResult:
    """Check (entry bytes, h) rows read in seq order, assuming their seqs are start, start+1, ...

    The fast path of a verification (kiosk.audit reads only these two columns): the seq that is
    hashed is the one the row must have, so a missing or moved row fails the hash where it happens.
    The caller turns that "hash_mismatch" into "gap" when the row's stored seq is not the expected
    one (one look-up, only on failure). No per-row seq compare, pack or counter object: the loop
    costs a SQLite row, two concatenations and one SHA-256, like the bare chain it is measured against.
    """
    sha256 = hashlib.sha256
    seqs = map(_SEQ.pack, count(start))  # in C: no Python-level struct work per row
    seq_bytes = b""
    for (entry, h), seq_bytes in zip(rows, seqs, strict=False):  # seqs never ends
        digest = sha256(prev + seq_bytes + entry).digest()
        if digest != h:
            seq = int.from_bytes(seq_bytes, "big")
            return VerifyResult(False, seq - start, AuditHead(seq - 1, prev.hex()), seq, "hash_mismatch")
        prev = digest
    seq = int.from_bytes(seq_bytes, "big") if seq_bytes else start - 1
    return VerifyResult(True, seq - start + 1, AuditHead(seq, prev.hex()))
