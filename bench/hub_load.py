"""Load on the hub on PostgreSQL: N simulated terminals sending signed heartbeats and submission
batches to K hub processes, and, in the same run, pgbench doing the same writes straight into
PostgreSQL (the ceiling).

A bounded loopback load generator of our own (asyncio + httpx; Locust does not fit the per-request
HMAC signing without a plugin): requests are started at the target rates (open loop, time compressed:
a heartbeat per terminal every 60 s means N/60 heartbeats/s) with at most `--concurrency` in flight;
what the hub cannot take shows as a lower achieved rate and a longer tail, not as a slower schedule.

The ceiling: pgbench with a custom script of what one heartbeat writes (a nonce row + the heartbeat
upsert, INSERT ... ON CONFLICT) on the same server, clients = hub pool connections.

Usage: .venv/bin/python bench/hub_load.py [--terminals 100000] [--workers 2] [--seconds 20]
       [--batch-items 10] [--submissions-per-s 200] [--concurrency 64]
Needs Debian's postgresql (the server is started in a private data dir, as `postgres` under root).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from contract import signing  # noqa: E402
from hub.store_pg import PgHubStore  # noqa: E402
from hub.testing import RunningHub  # noqa: E402
from kiosk.enrolment import new_credentials  # noqa: E402
from tests.fixtures.postgres import start_pg_server, stop_pg_server  # noqa: E402

PGBENCH_SCRIPT = """\\set n random(1, 9000000000000)
\\set t random(1, {terminals})
BEGIN;
INSERT INTO nonces (terminal_id, nonce, seen_at) VALUES ('B' || :t, 'n' || :n, extract(epoch from now())) ON CONFLICT DO NOTHING;
INSERT INTO heartbeats (terminal_id, received_at, health) VALUES ('B' || :t, now()::text, '{{"queue": {{"depth": 0}}}}') ON CONFLICT (terminal_id) DO UPDATE SET received_at = EXCLUDED.received_at, health = EXCLUDED.health;
END;
"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def _health() -> bytes:
    return json.dumps(
        {"health": {"queue": {"depth": 0, "oldest_pending_age_s": None, "dead_letters": 0},
                    "versions": {"app": "0.1.0", "catalogue": "2026.11-demo.1"}}}  # fmt: skip
    ).encode()


def _batch(terminal_id: str, items: int) -> bytes:
    rows = []
    for _ in range(items):
        key = uuid.uuid4().hex
        rows.append({"idempotency_key": key, "local_ref": f"{terminal_id}-{key[:8]}",
                     "service_id": "repair.public_area", "catalog_version": "2026.11-demo.1",
                     "created_at": "2026-12-01T08:00:00+00:00", "payload": {"category": "lift", "location": "1"}})  # fmt: skip
    return json.dumps({"items": rows}).encode()


async def _load(urls: list[str], fleet: list, args: argparse.Namespace) -> dict[str, dict]:
    results: dict[str, dict] = {"heartbeat": {"lat": [], "errors": 0}, "batch": {"lat": [], "errors": 0}}
    limit = asyncio.Semaphore(args.concurrency)
    hb_rate = args.terminals / 60.0
    batch_rate = args.submissions_per_s / args.batch_items
    tasks: set[asyncio.Task] = set()
    skipped = {"heartbeat": 0, "batch": 0}

    async def one(client: httpx.AsyncClient, kind: str, n: int) -> None:
        creds = fleet[n % len(fleet)]
        if kind == "heartbeat":
            path, body = f"/v1/terminals/{creds.terminal_id}/heartbeat", _health()
        else:
            path, body = "/v1/submissions:batch", _batch(creds.terminal_id, args.batch_items)
        headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "POST", path, body)
        headers["Content-Type"] = "application/json"
        began = time.perf_counter()
        try:
            answer = await client.post(urls[n % len(urls)] + path, content=body, headers=headers)
            ok = answer.status_code == 200
        except httpx.HTTPError:
            ok = False
        finally:
            limit.release()
        results[kind]["lat"].append(time.perf_counter() - began)
        if not ok:
            results[kind]["errors"] += 1

    async with httpx.AsyncClient(timeout=10, limits=httpx.Limits(max_connections=args.concurrency)) as client:
        start = time.perf_counter()
        sent = {"heartbeat": 0, "batch": 0}
        while (elapsed := time.perf_counter() - start) < args.seconds:
            for kind, rate in (("batch", batch_rate), ("heartbeat", hb_rate)):  # the rarer first
                due = int(elapsed * rate)
                while sent[kind] < due:
                    sent[kind] += 1
                    if limit.locked():  # the bound: a request that cannot start now is counted, not queued
                        skipped[kind] += 1
                        continue
                    await limit.acquire()
                    task = asyncio.create_task(one(client, kind, sent[kind]))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            await asyncio.sleep(0.002)
        await asyncio.gather(*tasks)
    for kind in results:
        results[kind]["skipped"] = skipped[kind]
        results[kind]["offered"] = sent[kind]
    return results


def _pgbench(server, url_db: str, terminals: int, clients: int, seconds: int, tmp: Path) -> float:
    script = tmp / "heartbeat.sql"
    script.write_text(PGBENCH_SCRIPT.format(terminals=terminals), encoding="utf-8")
    out = subprocess.run(
        [str(server.bin_dir / "pgbench"), "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", str(script),
         "-h", "127.0.0.1", "-p", str(server.port), "-U", server.user, url_db],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(re.search(r"tps = ([\d.]+)", out.stdout).group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--terminals", type=int, default=100_000)
    parser.add_argument("--enrolled", type=int, default=2000, help="distinct terminal credentials used")
    parser.add_argument("--workers", type=int, default=2, help="hub processes (K)")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--batch-items", type=int, default=10)
    parser.add_argument("--submissions-per-s", type=float, default=200.0)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="hub-load-"))
    tmp.chmod(0o755)
    server = start_pg_server(tmp, shared_buffers="128MB")
    hubs: list[RunningHub] = []
    try:
        url = server.create_database()
        store = PgHubStore(url, pool_size=2)
        fleet = [new_credentials(f"L{n:06d}") for n in range(args.enrolled)]
        for creds in fleet:
            store.register_terminal(creds.terminal_id, creds.token, creds.hmac_key)
        store.close()
        for k in range(args.workers):
            (tmp / f"hub{k}").mkdir()
            hub = RunningHub(db_path=tmp / f"hub{k}" / "hub", terminal_id=fleet[0].terminal_id,
                             credentials=fleet[0], db_url=url,
                             extra_args=("--log-level", "error", "--key-file", str(tmp / "field.key")))  # fmt: skip
            hub.start(timeout_s=60)
            hubs.append(hub)
        results = asyncio.run(_load([h.url for h in hubs], fleet, args))
        for hub in hubs:
            hub.stop()
        hubs.clear()
        ceiling = _pgbench(server, url.rsplit("/", 1)[1], args.terminals, 8 * args.workers, args.seconds, tmp)
    finally:
        for hub in hubs:
            hub.stop()
        stop_pg_server(server)

    print(f"hub on PostgreSQL, {args.workers} hub processes, {args.seconds} s, target: {args.terminals} terminals"
          f" = {args.terminals / 60:.0f} heartbeats/s + {args.submissions_per_s:.0f} submissions/s"
          f" (batches of {args.batch_items}), at most {args.concurrency} requests in flight")  # fmt: skip
    for kind, r in results.items():
        done = len(r["lat"]) - r["errors"]
        rate = done / args.seconds * (args.batch_items if kind == "batch" else 1)
        unit = "submissions/s" if kind == "batch" else "heartbeats/s"
        print(f"  {kind:9s} offered {r['offered']:6d}  done {done:6d}  errors {r['errors']:4d}"
              f"  not started (bound) {r['skipped']:6d}  sustained {rate:8.1f} {unit}"
              f"  p50 {1000 * statistics.median(r['lat']) if r['lat'] else float('nan'):6.1f} ms"
              f"  p99 {1000 * _pct(r['lat'], 0.99):6.1f} ms")  # fmt: skip
    heartbeats = (len(results["heartbeat"]["lat"]) - results["heartbeat"]["errors"]) / args.seconds
    print(f"  raw PostgreSQL (pgbench, nonce + heartbeat upsert per transaction): {ceiling:.0f} tps")
    print(f"  hub heartbeats/s ÷ raw rate: {heartbeats / ceiling:.2f} (goal ≥ 0.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
