"""Load on the hub on PostgreSQL: N simulated terminals sending signed heartbeats and submission
batches to K hub processes, and, in the same run, pgbench doing the same writes straight into
PostgreSQL (the ceiling).

A bounded loopback load generator of our own (bench/load_client.py: keep-alive HTTP/1.1 over asyncio
streams, in `--client-procs` processes; Locust does not fit the per-request HMAC signing without a
plugin, and httpx cost too much of the two shared cores): requests are due at the target rates (open
loop, time compressed: a heartbeat per terminal every 60 s means N/60 heartbeats/s), latency counts
from the moment a request was due. What the hub cannot take shows as a lower achieved rate and a
longer tail, not as a slower schedule. The fleet (N terminals by default) is enrolled by one COPY.

The ceiling: pgbench with a custom script of what one heartbeat writes (a nonce row + the heartbeat
upsert, INSERT ... ON CONFLICT) on the same server, after the hub run.

`--profile FILE` samples hub process 0 with py-spy during the run and prints the share of its CPU per
stage (bench/profile_stages.py).

Usage: .venv/bin/python bench/hub_load.py [--terminals 100000] [--workers 2] [--seconds 20]
       [--batch-items 10] [--submissions-per-s 200] [--client-procs 1] [--connections 32]
       [--profile prof.txt]
Needs Debian's postgresql (the server is started in a private data dir, as `postgres` under root).
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.load_client import AUDIT_GENESIS, Plan, run_share  # noqa: E402
from bench.profile_stages import stage_table  # noqa: E402
from hub.store import token_digest, utc_now_iso  # noqa: E402
from hub.testing import RunningHub  # noqa: E402
from kiosk.secrets import HubCredentials  # noqa: E402
from tests.fixtures.postgres import start_pg_server, stop_pg_server  # noqa: E402

KINDS = ("heartbeat", "batch")
PGBENCH_SCRIPT = """\\set n random(1, 9000000000000)
\\set t random(1, {terminals})
BEGIN;
{commit_mode}INSERT INTO nonces (terminal_id, nonce, seen_at) VALUES ('B' || :t, 'n' || :n, extract(epoch from now())) ON CONFLICT DO NOTHING;
INSERT INTO heartbeats (terminal_id, received_at, health) VALUES ('B' || :t, now()::text, '{{"queue": {{"depth": 0}}}}') ON CONFLICT (terminal_id) DO UPDATE SET received_at = EXCLUDED.received_at, health = EXCLUDED.health;
END;
"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def _enrol_fleet(url: str, count: int) -> list[tuple[str, str, bytes]]:
    """`count` terminals written straight into the hub's table in one COPY (what register_terminal
    writes, one row each), so a fleet of 100,000 is set up in seconds."""
    fleet = [(f"L{n:06d}", secrets.token_urlsafe(32), secrets.token_bytes(32)) for n in range(count)]
    enrolled = utc_now_iso()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        with cur.copy("COPY terminals (terminal_id, token_sha256, hmac_key, revoked, enrolled_at) FROM STDIN") as copy:
            for terminal_id, token, key in fleet:
                copy.write_row((terminal_id, token_digest(token), base64.b64encode(key).decode(), 0, enrolled))
        # a fleet in steady state: each terminal's audit head (nothing logged yet) was seen before,
        # as after its first heartbeat (a head moves only when the terminal is used)
        with cur.copy("COPY audit_checkpoints (terminal_id, seq, h, seen_at) FROM STDIN") as copy:
            for terminal_id, _, _ in fleet:
                copy.write_row((terminal_id, 0, AUDIT_GENESIS, enrolled))
    return fleet


def _client_process(plan: Plan, fleet: list, out: Any) -> None:
    out.send(run_share(plan, fleet))
    out.close()


def _load(urls: list[str], fleet: list, args: argparse.Namespace) -> dict[str, Any]:
    """Run the load from `args.client_procs` processes, each with its share of the rates."""
    procs = args.client_procs
    plan = Plan(urls=tuple(urls), heartbeats_per_s=args.terminals / 60.0 / procs,
                batches_per_s=args.submissions_per_s / args.batch_items / procs, batch_items=args.batch_items,
                seconds=args.seconds, connections=args.connections)  # fmt: skip
    ctx = multiprocessing.get_context("fork")
    running = []
    for p in range(procs):
        mine, theirs = ctx.Pipe(duplex=False)
        # each process its own terminals: a nonce is unique per terminal, never shared across processes
        child = ctx.Process(target=_client_process, args=(plan, fleet[p::procs], theirs), daemon=True)
        child.start()
        running.append((child, mine))
    merged: dict[str, Any] = {kind: {"lat": [], "errors": {}, "offered": 0, "skipped": 0} for kind in KINDS}
    merged["cpu_s"] = 0.0
    merged["wall_s"] = 0.0
    for child, mine in running:
        part = mine.recv()
        child.join()
        for kind in KINDS:
            merged[kind]["lat"] += part[kind]["lat"]
            merged[kind]["offered"] += part[kind]["offered"]
            merged[kind]["skipped"] += part[kind]["skipped"]
            for status, n in part[kind]["errors"].items():
                merged[kind]["errors"][status] = merged[kind]["errors"].get(status, 0) + n
        merged["cpu_s"] += part["cpu_s"]
        merged["wall_s"] = max(merged["wall_s"], part["wall_s"])
    return merged


def _pgbench(server, url_db: str, terminals: int, clients: int, seconds: int, tmp: Path, durable: bool) -> float:
    script = tmp / "heartbeat.sql"
    mode = "" if durable else "SET LOCAL synchronous_commit TO OFF;\n"  # as the hub's heartbeat commit
    script.write_text(PGBENCH_SCRIPT.format(terminals=terminals, commit_mode=mode), encoding="utf-8")
    out = subprocess.run(
        [str(server.bin_dir / "pgbench"), "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", str(script),
         "-h", "127.0.0.1", "-p", str(server.port), "-U", server.user, url_db],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))


def _profile(pid: int, seconds: float, out: Path) -> subprocess.Popen | None:
    """py-spy sampling one hub process (only the samples where a thread runs: its CPU time)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("  (no py-spy: pip install py-spy for the profile)")
        return None
    return subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "50", "--format", "raw",
         "--nonblocking", "--output", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=int, default=100_000)
    parser.add_argument("--enrolled", type=int, default=0, help="distinct terminals enrolled (default: all)")
    parser.add_argument("--workers", type=int, default=2, help="hub processes (K)")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--batch-items", type=int, default=10)
    parser.add_argument("--submissions-per-s", type=float, default=200.0)
    parser.add_argument("--client-procs", type=int, default=1, help="load generator processes")
    parser.add_argument("--connections", type=int, default=128, help="keep-alive connections per client process")
    parser.add_argument("--pgbench-clients", type=int, default=16)
    parser.add_argument("--profile", type=Path, help="py-spy samples of hub process 0 into this file")
    parser.add_argument("--hub-args", default="", help="extra arguments for `python -m hub serve`")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hub-load-"))
    tmp.chmod(0o755)
    # as a city would run it: fsync and synchronous_commit on (the server's defaults)
    server = start_pg_server(tmp, shared_buffers="128MB")
    hubs: list[RunningHub] = []
    spy = None
    try:
        url = server.create_database()
        for k in range(args.workers):
            (tmp / f"hub{k}").mkdir()
            hub = RunningHub(db_path=tmp / f"hub{k}" / "hub", terminal_id="L000000",
                             credentials=HubCredentials("L000000", "-", b"-"), db_url=url,
                             extra_args=("--log-level", "error", "--key-file", str(tmp / "field.key"),
                                         *args.hub_args.split()))  # fmt: skip
            hub.start(timeout_s=60)  # the first migrates the schema
            hubs.append(hub)
        fleet = _enrol_fleet(url, args.enrolled or args.terminals)
        if args.profile:
            spy = _profile(hubs[0].process.pid, max(1, args.seconds - 2), args.profile)
        hub_cpu0 = [_cpu_s(h.process.pid) for h in hubs]
        results = _load([h.url for h in hubs], fleet, args)
        hub_cpu = [_cpu_s(h.process.pid) - c for h, c in zip(hubs, hub_cpu0, strict=True)]
        if spy is not None:
            spy.wait(timeout=60)
        for hub in hubs:
            hub.stop()
        hubs.clear()
        durable = "async" not in args.hub_args.split()
        ceiling = _pgbench(
            server, url.rsplit("/", 1)[1], args.terminals, args.pgbench_clients, args.seconds, tmp, durable
        )
    finally:
        for hub in hubs:
            hub.stop()
        stop_pg_server(server)
        shutil.rmtree(tmp, ignore_errors=True)

    wall = results["wall_s"]
    print(f"hub on PostgreSQL, {args.workers} hub processes, {args.seconds} s, offered: {args.terminals} terminals"
          f" = {args.terminals / 60:.0f} heartbeats/s + {args.submissions_per_s:.0f} submissions/s"
          f" (batches of {args.batch_items}); {args.client_procs} client process(es) x {args.connections}"
          f" connections; load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    for kind in KINDS:
        r = results[kind]
        errors = sum(r["errors"].values())
        done = len(r["lat"]) - errors
        rate = done / wall * (args.batch_items if kind == "batch" else 1)
        unit = "submissions/s" if kind == "batch" else "heartbeats/s"
        codes = ",".join(f"{code or 'conn'}:{n}" for code, n in sorted(r["errors"].items())) or "-"
        print(f"  {kind:9s} offered {r['offered']:6d}  done {done:6d}  errors {errors:4d} ({codes})"
              f"  not started {r['skipped']:6d}  sustained {rate:8.1f} {unit}"
              f"  p50 {1000 * statistics.median(r['lat']) if r['lat'] else float('nan'):7.1f} ms"
              f"  p99 {1000 * _pct(r['lat'], 0.99):7.1f} ms")  # fmt: skip
    print(f"  CPU over the run: load generator {results['cpu_s'] / wall:.2f} cores,"
          f" hub processes {' + '.join(f'{c / wall:.2f}' for c in hub_cpu)} cores (of 2)")
    heartbeats = (len(results["heartbeat"]["lat"]) - sum(results["heartbeat"]["errors"].values())) / wall
    print(f"  raw PostgreSQL (pgbench, {args.pgbench_clients} clients, nonce + heartbeat upsert per transaction,"
          f" {'durable' if durable else 'async'} commit): {ceiling:.0f} tps")
    print(f"  hub heartbeats/s / raw rate: {heartbeats / ceiling:.2f} (goal >= 0.5)")
    if args.profile and args.profile.exists():
        print(f"  where hub process 0 spends its CPU (py-spy, {args.profile}):")
        for line in stage_table(args.profile):
            print("    " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
