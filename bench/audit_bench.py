"""Benchmark of the audit trail's verification, side by side with a bare hashlib chain in one run.

1. Verify N entries (default 1,000,000): ours (AuditLog.verify: read from its SQLite file, re-hash,
   compare, check the witness) vs the baseline, a bare loop `h = sha256(h + seq + entry)` over the
   same entries already in memory (the hashing alone, no reads, no compares). Rounds alternate the
   two; the figures are the medians. Target: ours near ~1M entries/s and >= 0.5x the baseline.
2. Append (each entry on disk before append returns: WAL + synchronous=FULL), for scale.

The N entries are written in one transaction with exactly the bytes AuditLog.append would write
(one fsync per append would take hours for a million).

    .venv/bin/python bench/audit_bench.py                  # 1M entries, 3 rounds
    .venv/bin/python bench/audit_bench.py --entries 200000 --rounds 1
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import statistics
import struct
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contract.audit_chain import GENESIS, canonical_entry, chain_hash  # noqa: E402
from kiosk.audit import AuditLog  # noqa: E402


def _entry(i: int) -> bytes:
    return canonical_entry(
        {
            "kind": "transaction",
            "at": "2026-12-01T08:00:00.000+00:00",
            "service_id": "repair.public_area",
            "service_kind": "submit",
            "case_id": f"C{i:07d}",
            "outcome": "submitted",
            "printed": i % 3 != 0,
        }
    )


def build(path: Path, n: int) -> list[tuple[int, bytes]]:
    AuditLog.open(path).close()
    conn = sqlite3.connect(str(path), isolation_level=None)
    rows, prev, entries = [], GENESIS, []
    for seq in range(1, n + 1):
        data = _entry(seq)
        prev = chain_hash(prev, seq, data)
        rows.append((seq, data, prev))
        entries.append((seq, data))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO entries (seq, entry, h) VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return entries


def baseline(entries: list[tuple[int, bytes]]) -> bytes:
    sha256, pack, h = hashlib.sha256, struct.Struct(">Q").pack, GENESIS
    for seq, data in entries:
        h = sha256(h + pack(seq) + data).digest()
    return h


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--appends", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "audit.sqlite"
        began = time.perf_counter()
        entries = build(path, args.entries)
        print(
            f"built {args.entries:,} entries in {time.perf_counter() - began:.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
        )
        audit = AuditLog.open(path)
        ours, base = [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            result = audit.verify()
            ours.append(time.perf_counter() - t0)
            assert result.ok and result.checked == args.entries, result
            t0 = time.perf_counter()
            assert baseline(entries).hex() == result.head.h
            base.append(time.perf_counter() - t0)
        ours_rate = args.entries / statistics.median(ours)
        base_rate = args.entries / statistics.median(base)
        print(f"verify   ours (SQLite read + re-hash + compare): {ours_rate / 1e6:.2f} M entries/s")
        print(f"verify   baseline (bare hashlib chain in memory): {base_rate / 1e6:.2f} M entries/s")
        print(f"verify   ratio ours/baseline: {ours_rate / base_rate:.2f}x")
        t0 = time.perf_counter()
        for _ in range(args.appends):
            audit.append("session_end", reason="finished")
        elapsed = time.perf_counter() - t0
        print(
            f"append   {args.appends / elapsed:,.0f} entries/s ({elapsed / args.appends * 1e3:.2f} ms each, fsync'd)"
        )
        audit.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
