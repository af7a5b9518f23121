"""The share of a hub process's CPU per stage of a request, from py-spy's raw samples
(`py-spy record --format raw`: one line per distinct stack, root first, `frame;frame;... count`).

A sample is given to the first stage, in the order below, that has a frame in its stack. py-spy
(with --nonblocking) also samples waiting threads: the innermost frame tells running (CPU) from
waiting for PostgreSQL's answer (psycopg's Connection.wait), waiting for a pooled connection
(psycopg_pool) and idle (the event loop's select, a pool thread with no work). The table gives each
stage's share of the process's CPU samples, and of the request threads' time (running + waiting).

Usage: python bench/profile_stages.py prof.txt
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

# (stage, marks): a frame reads "function (path:line)" with short paths ("hub/auth.py",
# "psycopg/cursor.py"); a sample goes to the first stage with a mark in any frame of its stack
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("logging", ("(logging/", "(safelog/")),
    ("terminal lookup", (".terminal (hub/store", "cached_terminal (hub/")),
    ("gate: signature check (HMAC, SHA-256)", ("verify (contract/signing.py",)),
    ("gate: nonce insert", ("remember_nonce",)),
    ("gate: JSON parse and text checks", ("_read_json (hub/auth.py",)),
    ("gate: headers, token, timestamp, body", ("_authenticate (hub/auth.py", "_read_body (hub/auth.py")),
    ("heartbeat: audit head", ("record_head (hub/", "held_head (hub/")),
    ("heartbeat: pending commands", ("deliver (hub/commands.py",)),
    ("heartbeat: store and answer", ("Fleet.beat (hub/", "record_heartbeat", "heartbeat_answer", "heartbeat (hub/")),
    ("batch: item checks", ("_check_item (hub/app.py",)),
    ("batch: sealing personal values", ("(hub/field_vault.py",)),
    ("batch: store.submit", (".submit (hub/store",)),
    ("batch: profiles, catalogue", ("_refresh_profiles", "services_for", "_catalogue_classes")),
)
# what is left goes to the innermost frame of one of these layers
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("FastAPI/pydantic: routing, validation, serialisation", ("(fastapi/", "(pydantic", "(starlette/")),
    ("thread pool hand-off (anyio, threading)", ("(anyio/", "(concurrent/", "(threading.py", "(queue.py")),
    ("HTTP (uvicorn, httptools/h11)", ("(uvicorn/", "(h11/", "(httptools")),
    ("event loop (asyncio)", ("(asyncio/", "(selectors.py")),
)
# the innermost frame says whether the thread was running or waiting (py-spy samples both here)
# the loop and the pool's threads with nothing to do; with uvloop the loop's own C code (its epoll
# wait and socket I/O, which py-spy cannot see into) ends the stack at Runner.run: counted idle
IDLE = ("EpollSelector.select (", "Queue.get (queue.py", "Runner.run (asyncio/runners.py")
WAIT_DB = "Connection.wait (psycopg/"  # a statement sent, waiting for PostgreSQL's answer
WAIT_POOL = "WaitingClient.wait (psycopg_pool/"  # every pooled connection in use


def _label(frames: list[str]) -> str:
    for stage, marks in STAGES:
        if any(mark in frame for frame in frames for mark in marks):
            return stage
    for frame in reversed(frames):
        for layer, marks in LAYERS:
            if any(mark in frame for mark in marks):
                return layer
    return "other"


WAITS = ("Condition.wait (threading.py", "Event.wait (threading.py")  # a thread blocked on a lock


def _state(frames: list[str]) -> str:
    leaf = frames[-1]
    for frame in reversed(frames[-3:]):
        if frame.startswith(WAIT_DB):
            return "db"
        if frame.startswith(WAIT_POOL):
            return "pool"
    if any(leaf.startswith(mark) for mark in IDLE + WAITS):
        return "idle"
    if any("_find_and_load" in frame for frame in frames):
        return "idle"  # importing at start-up: not a request's work
    return "cpu"


def stage_counts(path: Path) -> dict[str, Counter[str]]:
    """samples per stage, by state: cpu (running Python or C), db (waiting for PostgreSQL), pool
    (waiting for a pooled connection); idle samples under "idle"."""
    by_state: dict[str, Counter[str]] = {s: Counter() for s in ("cpu", "db", "pool", "idle")}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        state = _state(frames)
        by_state[state]["idle" if state == "idle" else _label(frames)] += int(count)
    return by_state


def stage_table(path: Path) -> list[str]:
    by_state = stage_counts(path)
    cpu, db, pool = by_state["cpu"], by_state["db"], by_state["pool"]
    cpu_total, busy = sum(cpu.values()), sum(cpu.values()) + sum(db.values()) + sum(pool.values())
    if not busy:
        return ["(no samples)"]
    lines = [
        f"{'stage':54s} {'% of CPU':>8s}   {'thread time: running / waiting PG / waiting pool':>48s}",
    ]
    for stage, _ in (cpu + db + pool).most_common():
        lines.append(
            f"{stage:54s} {100 * cpu[stage] / max(1, cpu_total):7.1f}%   "
            f"{100 * cpu[stage] / busy:15.1f}% {100 * db[stage] / busy:15.1f}% {100 * pool[stage] / busy:15.1f}%"
        )
    lines.append(f"samples: {cpu_total} running, {busy - cpu_total} waiting, {sum(by_state['idle'].values())} idle")
    return lines


if __name__ == "__main__":
    print("\n".join(stage_table(Path(sys.argv[1]))))
