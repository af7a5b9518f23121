"""Benchmark of the terminal's SQLite page-cache cap: the product's cap vs SQLite's default, in one run.

Each connection of the terminal (the outbox's writer, sync and reader, the audit log's) has its own
page cache; SQLite's default cap is 2,000 KiB a connection, so four of them can hold ~8 MB, which the
soak saw them fill (bench/soak.py, `SQLite` column) as the files grow. The product sets a smaller cap
(offline_queue.outbox_file.CACHE_KIB, kiosk.audit.CACHE_KIB). This measures what the smaller cap costs
on what a terminal does, on files of a long-running terminal's size (default: the outbox holding
20,000 acknowledged submissions and the audit log 200,000 entries, what 100,000 soak sessions leave):

- a durable submission (Outbox.enqueue: the commit on disk before it returns);
- the sync worker's round for it (claim_batch + settle as acknowledged);
- Outbox.stats (the heartbeat's and maintenance screen's queue figures: a scan of the items);
- a durable audit append (AuditLog.append);
- AuditLog.verify of the whole log.

Rounds alternate the two caps (set with PRAGMA cache_size on the same connections, so both see the
same files); figures are medians per operation. SQLite's memory in use (sqlite3_memory_used) after
each cap's rounds shows the ceiling. The load average is printed: compare the ratio, not the rate.

    .venv/bin/python bench/sqlite_cache_bench.py
    .venv/bin/python bench/sqlite_cache_bench.py --acked 5000 --entries 50000 --rounds 3
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.audit import CACHE_KIB as AUDIT_CACHE_KIB  # noqa: E402
from kiosk.audit import AuditLog  # noqa: E402
from kiosk.secrets import select_keyring_backend  # noqa: E402
from offline_queue.items import Settlement  # noqa: E402
from offline_queue.outbox import Outbox  # noqa: E402
from offline_queue.outbox_file import CACHE_KIB as OUTBOX_CACHE_KIB  # noqa: E402

SQLITE_DEFAULT_KIB = 2000  # PRAGMA cache_size's default: -2000 (KiB)
SERVICE, VERSION = "repair.public_area", "2026.11-demo.1"
CLASSES = {
    "category": "public",
    "location": "public",
    "detail": "public",
    "urgency": "public",
    "phone": "personal",
}


def payload(n: int) -> dict:
    return {
        "category": "lighting",
        "location": "楼梯3",
        "detail": f"电灯坏了 {n}",
        "urgency": "normal",
        "phone": "13800138000",
    }


def _sqlite_memory_kib() -> int:
    lib = ctypes.CDLL("libsqlite3.so.0")
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return lib.sqlite3_memory_used() // 1024


def _connections(outbox: Outbox, audit: AuditLog) -> list:
    return [outbox._writer, outbox._sync, outbox._reader, audit._conn]


def fill(outbox: Outbox, audit: AuditLog, acked: int, entries: int) -> None:
    """The files of a long-running terminal, written without waiting for the disk (an fsync per call
    would take most of an hour); the measured calls wait for it again (synchronous=FULL)."""
    conns = _connections(outbox, audit)
    for conn in conns:
        conn.execute("PRAGMA synchronous=OFF")
    for i in range(acked):
        outbox.enqueue(SERVICE, payload(i), CLASSES, VERSION)
        if i % 500 == 499:
            _ack_all(outbox)
    _ack_all(outbox)
    for _ in range(entries):
        audit.append("technician", action="force_sync")
    for conn in conns:
        conn.execute("PRAGMA synchronous=FULL")


def _ack_all(outbox: Outbox) -> None:
    while claimed := outbox.claim_batch(500, 1 << 20):
        outbox.settle(Settlement(acked=tuple((c.seq, f"C{c.seq:07d}") for c in claimed), hub_answered=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acked", type=int, default=20_000, help="acknowledged items in the outbox")
    parser.add_argument("--entries", type=int, default=200_000, help="entries in the audit log")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--ops", type=int, default=60, help="calls of each operation a round (verify: 2)")
    args = parser.parse_args(argv)
    caps = {"default 2000 KiB": SQLITE_DEFAULT_KIB, f"ours {OUTBOX_CACHE_KIB}/{AUDIT_CACHE_KIB} KiB": None}
    with tempfile.TemporaryDirectory(prefix="cache-bench-") as tmp:
        folder = Path(tmp)
        select_keyring_backend(f"file:{folder / 'keyring.cfg'}")
        outbox = Outbox(folder / "outbox.sqlite", "T0001", key=os.urandom(32))
        audit = AuditLog.open(folder / "audit.sqlite")
        began = time.perf_counter()
        fill(outbox, audit, args.acked, args.entries)
        print(
            f"filled: {args.acked} acked items ({(folder / 'outbox.sqlite').stat().st_size / 1e6:.1f} MB),"
            f" {args.entries} audit entries ({(folder / 'audit.sqlite').stat().st_size / 1e6:.1f} MB)"
            f" in {time.perf_counter() - began:.0f} s",
            flush=True,
        )
        n = [args.acked]

        def submit() -> None:
            n[0] += 1
            outbox.enqueue(SERVICE, payload(n[0]), CLASSES, VERSION)

        def sync_round() -> None:
            claimed = outbox.claim_batch(50, 1 << 20)
            outbox.settle(Settlement(acked=tuple((c.seq, "C0000001") for c in claimed), hub_answered=True))

        def audit_append() -> None:
            audit.append("technician", action="force_sync")

        def verify() -> None:
            assert audit.verify().ok

        ops: dict[str, tuple[Callable[[], None], int]] = {
            "submission (enqueue)": (submit, args.ops),
            "sync round (claim + settle)": (sync_round, args.ops),
            "Outbox.stats": (outbox.stats, args.ops),
            "audit append": (audit_append, args.ops),
            "audit verify (whole log)": (verify, 2),
        }
        times: dict[tuple[str, str], list[float]] = {}
        memory: dict[str, list[int]] = {c: [] for c in caps}
        for r in range(args.rounds):
            for cap_name in caps if r % 2 == 0 else reversed(list(caps)):
                kib = caps[cap_name]
                for conn, own in zip(
                    _connections(outbox, audit), (OUTBOX_CACHE_KIB,) * 3 + (AUDIT_CACHE_KIB,), strict=True
                ):
                    conn.execute(f"PRAGMA cache_size=-{kib or own}")
                for op_name, (op, count) in ops.items():
                    op()  # one warm-up call: the cache refills to this cap
                    for _ in range(count):
                        t = time.perf_counter()
                        op()
                        times.setdefault((cap_name, op_name), []).append(time.perf_counter() - t)
                memory[cap_name].append(_sqlite_memory_kib())
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        names = list(caps)
        print(f"\n| operation | {names[0]} (median) | {names[1]} (median) | ratio |")
        print("|---|---|---|---|")
        for op_name in ops:
            a = statistics.median(times[(names[0], op_name)]) * 1000
            b = statistics.median(times[(names[1], op_name)]) * 1000
            print(f"| {op_name} | {a:.2f} ms | {b:.2f} ms | {b / a:.2f}x |")
        print(
            f"| SQLite memory in use after the rounds (max) | {max(memory[names[0]]) / 1024:.1f} MB"
            f" | {max(memory[names[1]]) / 1024:.1f} MB | |"
        )
        print(f"load average {load}; {args.rounds} rounds of {args.ops} calls (verify: 2)")
        outbox.close()
        audit.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
