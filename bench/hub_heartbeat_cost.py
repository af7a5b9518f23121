"""What one request costs the hub on PostgreSQL, without HTTP and without a load generator: signed
heartbeats (or batches) sent one after another straight into the ASGI app, in this process.

Prints per request: the wall time, the CPU time of this process (all threads: the event loop, the
thread pool, psycopg) and the transactions PostgreSQL committed (pg_stat_database). Less at the
mercy of a shared machine's load than bench/hub_load.py: CPU time and transactions do not depend on
how long the other processes keep the cores.

Usage: .venv/bin/python bench/hub_heartbeat_cost.py [N] [heartbeat|batch]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402

from bench.load_client import batch_body, heartbeat_body  # noqa: E402
from contract import signing  # noqa: E402
from hub.app import HubSettings, create_app  # noqa: E402
from kiosk.enrolment import new_credentials  # noqa: E402
from tests.fixtures.postgres import start_pg_server, stop_pg_server  # noqa: E402


def _scope(path: str, headers: dict[str, str], body: bytes) -> dict:
    raw = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    raw += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "path": path,
            "raw_path": path.encode(), "query_string": b"", "headers": raw, "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 2), "scheme": "http", "root_path": ""}  # fmt: skip


async def _send_all(app, creds, kind: str, n: int) -> None:
    heartbeat = heartbeat_body()
    for _ in range(n):
        if kind == "heartbeat":
            path, body = f"/v1/terminals/{creds.terminal_id}/heartbeat", heartbeat
        else:
            path, body = "/v1/submissions:batch", batch_body(creds.terminal_id, 10)
        headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "POST", path, body)
        delivered, status = False, {}

        async def receive(body=body):
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.sleep(3600)

        async def send(message, status=status):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]

        await app(_scope(path, headers, body), receive, send)
        assert status["code"] == 200, status


def _commits(url: str) -> int:
    time.sleep(1.5)  # the server's statistics reach pg_stat_database within a second
    with psycopg.connect(url, autocommit=True) as conn:
        query = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        return conn.execute(query).fetchone()[0]


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    kind = sys.argv[2] if len(sys.argv) > 2 else "heartbeat"
    base = Path(tempfile.mkdtemp(prefix="hub-cost-"))
    base.chmod(0o755)
    server = start_pg_server(base)  # fsync and synchronous_commit on, as a city would run it
    try:
        url = server.create_database()
        app = create_app(HubSettings(db_path=url, key_path=base / "field.key"))
        creds = new_credentials("M0001")
        app.state.store.register_terminal(creds.terminal_id, creds.token, creds.hmac_key)
        asyncio.run(_send_all(app, creds, kind, 50))  # warm: imports, prepared statements, caches
        before = _commits(url)
        began, cpu = time.perf_counter(), time.process_time()
        asyncio.run(_send_all(app, creds, kind, n))
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        transactions = (_commits(url) - before - 1) / n  # less the statistics query's own
        print(f"{kind}: {n} one after another: {1000 * wall / n:.2f} ms wall, {1000 * cpu / n:.2f} ms CPU of the"
              f" hub, {transactions:.2f} transactions each (load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    finally:
        stop_pg_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
