"""Benchmark of the audit trail's verification, side by side with a bare hashlib chain in one run.

1. Terminal: N entries (default 1,000,000) written in the layout of the first fleet release (one
   SQLite row per entry), then:
   - "rows": AuditLog.verify on that layout as it is (the verification before sealed blocks);
   - "migrate": AuditLog.open seals the rows into blocks (kiosk.audit_blocks), once per file;
   - "ours": AuditLog.verify on the sealed file (read from SQLite, hash each entry's stored hashed
     bytes, compare, witness);
   vs the baseline, a bare loop `h = sha256(h + seq + entry)` over the same entries already in
   memory (the hashing alone: no reads, no compares). Target: ours >= 0.8x the baseline.
2. Hub: the same N entries as a v5 hub held them (one row per entry), sealed into blocks by the
   schema's v6 step (hub/audit_blocks.py, timed), then AuditLedger.verify on its SQLite store (one
   row per 256 entries, hashed as stored, checkpoints compared) vs the same baseline.
3. Append (each entry on disk before append returns: WAL + synchronous=FULL), for scale.

Rounds alternate ours and the baseline; figures are medians (of the times, and of each round's own
ratio). The load average is printed because
the machine is shared: compare the ratio, not the absolute rate, between runs.

    .venv/bin/python bench/audit_bench.py                  # 1M entries, 5 rounds
    .venv/bin/python bench/audit_bench.py --entries 200000 --rounds 5 --no-hub
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import statistics
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from contract.audit_chain import GENESIS, canonical_entry, chain_hash  # noqa: E402
from hub import audit_blocks  # noqa: E402
from hub.audit_store import AuditLedger  # noqa: E402
from hub.store import HubStore  # noqa: E402
from kiosk.audit import AuditLog  # noqa: E402

# the audit file of the first fleet release (one row per entry): what a terminal in the field holds
OLD_SCHEMA = """
CREATE TABLE entries (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL, h BLOB NOT NULL);
CREATE TABLE witness (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER, h TEXT);
CREATE TABLE executed_commands (command_id TEXT PRIMARY KEY, command TEXT, executed_at TEXT,
    result TEXT, detail TEXT, reported INTEGER NOT NULL DEFAULT 0);
"""


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


def build(path: Path, n: int) -> list[tuple[int, bytes, bytes]]:
    """An old-layout audit file with n entries, written in one transaction (one fsync per append
    would take hours for a million) with exactly the bytes append writes."""
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        data = _entry(seq)
        prev = chain_hash(prev, seq, data)
        rows.append((seq, data, prev))
    conn = sqlite3.connect(str(path), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(OLD_SCHEMA)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO entries (seq, entry, h) VALUES (?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return rows


def build_hub(path: Path, rows: list[tuple[int, bytes, bytes]]) -> tuple[HubStore, float]:
    """The hub's store holding the same entries as a v5 hub held an upload (one row each), then
    sealed as the v6 step seals them; returns the store and the seconds the sealing took."""
    store = HubStore(path)
    with store.transaction() as db:
        db.conn.executemany(
            "INSERT INTO audit_entries (terminal_id, seq, h, entry, received_at) VALUES ('T0001', ?, ?, ?, ?)",
            [(s, h.hex(), e.decode(), "2026-12-01T08:00:00.000+00:00") for s, e, h in rows],
        )
        # a heartbeat's checkpoint every 100 entries, compared by every verify
        db.conn.executemany(
            "INSERT INTO audit_checkpoints (terminal_id, seq, h, seen_at) VALUES ('T0001', ?, ?, 'x')",
            [(s, h.hex()) for s, _, h in rows[99::100]],
        )
    t0 = time.perf_counter()
    with store.transaction() as db:
        audit_blocks.seal_all(db)
    return store, time.perf_counter() - t0


def baseline(entries: list[tuple[int, bytes]]) -> bytes:
    sha256, pack, h = hashlib.sha256, struct.Struct(">Q").pack, GENESIS
    for seq, data in entries:
        h = sha256(h + pack(seq) + data).digest()
    return h


Timing = tuple[float, float]  # (wall seconds, this process's CPU seconds)


def race(
    rounds: int, ours: Callable[[], str], entries: list[tuple[int, bytes]]
) -> tuple[Timing, Timing, Timing, Timing]:
    """Median times of ours and of the baseline, alternating; ours returns the head it reached. The
    third value: the median over rounds of each round's own ratio (baseline time / ours, wall and
    CPU), the two runs of a round back to back, so a load that changes between rounds moves both.
    The fourth: the ratio of the best (lowest) CPU times, each side's least disturbed run (other
    sessions only ever slow a run down: their cache misses and switches count as our CPU time)."""
    mine: list[Timing] = []
    base: list[Timing] = []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        head = ours()
        mine.append((time.perf_counter() - w, time.process_time() - c))
        w, c = time.perf_counter(), time.process_time()
        assert baseline(entries).hex() == head
        base.append((time.perf_counter() - w, time.process_time() - c))

    def median(times: list[Timing]) -> Timing:
        return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)

    paired = [(b[0] / m[0], b[1] / m[1]) for m, b in zip(mine, base, strict=True)]
    best = (min(b[0] for b in base) / min(m[0] for m in mine), min(b[1] for b in base) / min(m[1] for m in mine))
    return median(mine), median(base), median(paired), best


def report(label: str, n: int, ours: Timing, base: Timing, paired: Timing, best: Timing) -> None:
    """Wall rates and ratio; beside them the CPU-time ratio, which a loaded machine disturbs least,
    the median of the rounds' own ratios (wall / CPU) and the ratio of the best runs (wall / CPU)."""
    rate, base_rate = n / ours[0], n / base[0]
    print(
        f"verify   {label:<44} {rate / 1e6:.2f} M entries/s | bare chain {base_rate / 1e6:.2f} M/s"
        f" | {rate / base_rate:.2f}x (CPU time: {base[1] / ours[1]:.2f}x;"
        f" per round: {paired[0]:.2f}x / {paired[1]:.2f}x; best runs: {best[0]:.2f}x / {best[1]:.2f}x)"
    )


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--appends", type=int, default=500)
    parser.add_argument("--no-hub", action="store_true", help="skip the hub's verification")
    parser.add_argument("--no-terminal", action="store_true", help="skip the terminal's verifications")
    args = parser.parse_args()
    n = args.entries
    print(f"start: {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "audit.sqlite"
        began = time.perf_counter()
        rows = build(path, n)
        entries = [(s, e) for s, e, _ in rows]
        print(
            f"built {n:,} entries in {time.perf_counter() - began:.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
        )

        def verify(log: AuditLog) -> Callable[[], str]:
            def run() -> str:
                result = log.verify()
                assert result.ok and result.checked == n, result
                return result.head.h

            return run

        if not args.no_terminal:
            unsealed = AuditLog.open(path, block_size=n + 1)  # too big a block to seal: the old layout
            report(
                "terminal, one row per entry (before blocks)", n, *race(args.rounds, verify(unsealed), entries)
            )
            unsealed.close()
        t0 = time.perf_counter()
        audit = AuditLog.open(path)
        print(f"migrate  the old file into blocks at open: {time.perf_counter() - t0:.1f} s (once per file)")
        if not args.no_terminal:
            report("terminal, sealed blocks (ours)", n, *race(args.rounds, verify(audit), entries))
        if not args.no_hub:
            t0 = time.perf_counter()
            store, sealing = build_hub(Path(tmp) / "hub.sqlite", rows)
            print(
                f"built the hub's copy in {time.perf_counter() - t0:.1f} s,"
                f" of which the v6 step sealing it into blocks {sealing:.1f} s (once per hub)"
            )
            ledger = AuditLedger(store)

            def hub_verify() -> str:
                result = ledger.verify("T0001")
                assert result.ok and result.checked == n, result
                return result.head.h

            report("hub, sealed blocks (AuditLedger.verify)", n, *race(args.rounds, hub_verify, entries))
            store.close()
        t0 = time.perf_counter()
        for _ in range(args.appends):
            audit.append("session_end", reason="finished")
        elapsed = time.perf_counter() - t0
        print(
            f"append   {args.appends / elapsed:,.0f} entries/s ({elapsed / args.appends * 1e3:.2f} ms each, fsync'd)"
        )
        audit.close()
    print(f"end: {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
