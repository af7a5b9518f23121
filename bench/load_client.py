"""The load generator of bench/hub_load.py: signed heartbeats and submission batches at fixed rates,
sent over keep-alive HTTP/1.1 connections by a small client of our own (asyncio streams, uvloop when
installed) in one or more processes.

Why not httpx: at ~2,000 requests/s its per-request Python cost (~0.5-1 ms) took a large share of the
two cores the hub runs on too. This client writes the request bytes and reads status, headers and a
Content-Length body; nothing else. Every request is signed when it is sent (fresh timestamp and nonce:
the hub refuses a reused nonce), each batch carries fresh idempotency keys.

Open loop: request n of a kind is due at start + n / rate, whether or not the hub kept up; latency is
measured from the moment it was due, so time spent waiting for a free connection counts (no
coordinated omission). A request that would wait behind more than `backlog_s` of others is not sent
and counted as "not started".
"""

from __future__ import annotations

import asyncio
import json
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any

from contract import signing

AUDIT_GENESIS = "0" * 64  # a terminal with nothing in its audit chain yet sends (0, genesis)


@dataclass(frozen=True)
class Plan:
    urls: tuple[str, ...]  # http://127.0.0.1:port of each hub process
    heartbeats_per_s: float
    batches_per_s: float
    batch_items: int
    seconds: float
    connections: int  # keep-alive connections per client process
    backlog_s: float = 2.0


def heartbeat_body() -> bytes:
    return json.dumps(
        {"health": {"queue": {"depth": 0, "oldest_pending_age_s": None, "dead_letters": 0},
                    "versions": {"app": "0.1.0", "catalogue": "2026.11-demo.1"},
                    "audit": {"seq": 0, "h": AUDIT_GENESIS}}}  # fmt: skip
    ).encode()


def batch_body(terminal_id: str, items: int) -> bytes:
    rows = []
    for _ in range(items):
        key = uuid.uuid4().hex
        rows.append({"idempotency_key": key, "local_ref": f"{terminal_id}-{key[:8]}",
                     "service_id": "repair.public_area", "catalog_version": "2026.11-demo.1",
                     "created_at": "2026-12-01T08:00:00+00:00", "payload": {"category": "lift", "location": "1"}})  # fmt: skip
    return json.dumps({"items": rows}).encode()


class Connection:
    """One keep-alive HTTP/1.1 connection to a hub process."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, headers: dict[str, str], body: bytes) -> int:
        if self.writer is not None:
            try:
                return await self._post(path, headers, body)
            except (ConnectionError, asyncio.IncompleteReadError):
                # the server closed a connection idle past its keep-alive timeout, before reading
                # this request: send it again on a new one (as HTTP clients do)
                pass
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return await self._post(path, headers, body)

    async def _post(self, path: str, headers: dict[str, str], body: bytes) -> int:
        head = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Content-Type: application/json",
                f"Content-Length: {len(body)}"]  # fmt: skip
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        try:
            assert self.reader is not None
            await self.writer.drain()
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lines = raw.decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if length:
                await self.reader.readexactly(length)
        except BaseException:
            self.close()
            raise
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _run(plan: Plan, fleet: list[tuple[str, str, bytes]]) -> dict[str, Any]:
    results: dict[str, Any] = {
        kind: {"lat": [], "errors": {}, "offered": 0, "skipped": 0} for kind in ("heartbeat", "batch")
    }
    queue: asyncio.Queue[tuple[str, int, float]] = asyncio.Queue()
    hb = heartbeat_body()
    endpoints = []
    for url in plan.urls:
        host, port = url.removeprefix("http://").split(":")
        endpoints.append((host, int(port)))

    async def worker(index: int) -> None:
        conn = Connection(*endpoints[index % len(endpoints)])
        while True:
            kind, n, due = await queue.get()
            if kind == "stop":
                conn.close()
                return
            terminal_id, token, key = fleet[n % len(fleet)]
            if kind == "heartbeat":
                path, body = f"/v1/terminals/{terminal_id}/heartbeat", hb
            else:
                path, body = "/v1/submissions:batch", batch_body(terminal_id, plan.batch_items)
            headers = signing.sign_headers(terminal_id, token, key, "POST", path, body)
            try:
                status = await conn.post(path, headers, body)
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                status = 0  # connection failed or answer unreadable
            r = results[kind]
            r["lat"].append(time.perf_counter() - due)
            if status != 200:
                r["errors"][status] = r["errors"].get(status, 0) + 1

    workers = [asyncio.create_task(worker(i)) for i in range(plan.connections)]
    rates = (("batch", plan.batches_per_s), ("heartbeat", plan.heartbeats_per_s))  # the rarer first
    backlog = plan.backlog_s * (plan.batches_per_s + plan.heartbeats_per_s)
    cpu0, start = os.times(), time.perf_counter()
    sent = {"heartbeat": 0, "batch": 0}
    while (elapsed := time.perf_counter() - start) < plan.seconds:
        for kind, rate in rates:
            due_count = int(elapsed * rate) + 1  # request n is due at n / rate: sent from then on
            while sent[kind] < due_count:
                n = sent[kind]
                sent[kind] += 1
                if queue.qsize() > backlog:
                    results[kind]["skipped"] += 1
                    continue
                queue.put_nowait((kind, n, start + n / rate))
        await asyncio.sleep(0.002)
    for _ in workers:
        queue.put_nowait(("stop", 0, 0.0))
    await asyncio.gather(*workers)
    cpu1 = os.times()
    for kind in results:
        results[kind]["offered"] = sent[kind]
    results["cpu_s"] = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    results["wall_s"] = time.perf_counter() - start
    return results


def run_share(plan: Plan, fleet: list[tuple[str, str, bytes]]) -> dict[str, Any]:
    """Run one client process's share of the load (the plan's rates are this process's share)."""
    try:
        import uvloop  # a quicker event loop, when installed (the hub's dependencies bring it)

        return uvloop.run(_run(plan, fleet))
    except ImportError:
        return asyncio.run(_run(plan, fleet))
