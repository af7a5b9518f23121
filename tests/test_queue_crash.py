"""The terminal's promise under SIGKILL: every submission acknowledged to a resident reaches the hub,
and reaches it exactly once, however often the terminal is killed while enqueueing or syncing.

A fork server (tests/support/queue_child.py) runs the terminal; the test kills each terminal at a
random moment (some during start-up and crash recovery, most while it enqueues and syncs), at least
200 times, while the hub itself goes down twice for a while; then a clean run drains the outbox,
and the test compares the acknowledgement file, the outbox and the hub's cases.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from hub.store import HubStore
from kiosk.terminal_outbox import outbox_at

ROOT = Path(__file__).resolve().parent.parent
KILLS = 200
HUB_DOWN = {60: "kill", 75: "start", 140: "kill", 150: "start"}  # kill number -> what the hub does


class ForkServer:
    """Talks to tests/support/queue_child.py over its stdin/stdout."""

    def __init__(self, args: list[str], log_path: Path) -> None:
        self.log_path = log_path
        self._log = open(log_path, "wb")  # closed in close()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.queue_child", *args],
            cwd=str(ROOT),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.strip())

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()

    def expect(self, prefix: str, timeout_s: float = 30.0) -> list[str]:
        """The next line starting with `prefix` (others, e.g. a late "ready" of a killed child, skipped)."""
        deadline = time.monotonic() + timeout_s
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {prefix!r} from the queue child; stderr: {self.stderr_tail()}"
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line.startswith(prefix):
                return line.split()

    def stderr_tail(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-3000:]

    def close(self) -> None:
        if self.process.poll() is None:
            self.send("exit")
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _acknowledged(path: Path) -> list[str]:
    """Complete lines only: a kill during the write may leave half a line, never an acknowledged ref."""
    if not path.exists():
        return []
    text = path.read_text(encoding="ascii")
    return text.split("\n")[:-1]


def _hub_state(hub) -> str:
    """Whether the hub is alive and answers, for a failed drain (twice its forked hub had died of
    SIGPIPE, which tests/test_hub_zygote.py now covers)."""
    import requests

    try:
        health = requests.get(hub.url + "/healthz", timeout=(2, 5)).status_code
    except requests.RequestException as exc:
        health = type(exc).__name__
    log = hub.log_path or hub.db_path.with_suffix(".log")
    tail = log.read_text(errors="replace")[-1500:] if log.exists() else "(no log)"
    # a negative exit status is the signal that ended it (-9: killed, by no line of this test)
    status = "no process" if hub.process is None else hub.process.poll()
    return f"hub running: {hub.running}, exit status: {status}, /healthz: {health}, log tail: {tail!r}"


def test_every_acknowledged_submission_reaches_the_hub_exactly_once_despite_sigkill(
    hub_server, file_keyring, tmp_path
):
    db, acks = tmp_path / "outbox.sqlite", tmp_path / "acks.txt"
    # create the file (and its key and generation in keyring) before the first kill, so every
    # terminal below opens an outbox that exists (tests/test_file_keyring.py covers a killed writer)
    outbox_at(db, hub_server.terminal_id).close()
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    server = ForkServer(
        ["--db", str(db), "--keyring", file_keyring, "--hub-url", hub_server.url, "--acks", str(acks)],
        tmp_path / "queue_child.log",
    )
    try:
        for kill in range(KILLS):
            if HUB_DOWN.get(kill) == "kill":
                hub_server.kill()  # terminals keep enqueueing and back off meanwhile
            elif HUB_DOWN.get(kill) == "start":
                hub_server.start()
            server.send("spawn")
            pid = int(server.expect("pid")[1])
            if kill % 5 == 0:
                time.sleep(rng.uniform(0, 0.03))  # during start-up: opening, recovery, worker start
            else:
                server.expect(f"ready {pid}")
                time.sleep(rng.uniform(0, 0.12))  # while enqueueing and sending batches
            os.kill(pid, signal.SIGKILL)
            server.send(f"reap {pid}")
            status = int(server.expect(f"reaped {pid}")[2])
            # killed as planned, or (rarely) failed on its own, which must not happen
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, server.stderr_tail()
        server.send("drain")
        pid = int(server.expect("pid")[1])
        drained = server.expect(f"drained {pid}", timeout_s=90)
        server.send(f"reap {pid}")
        server.expect(f"reaped {pid}")
    finally:
        server.close()
    assert drained[2] == "0", f"the clean run left items unsent: {drained}; {_hub_state(hub_server)}"

    acknowledged = _acknowledged(acks)
    cases = HubStore(hub_server.db_path).list_cases()
    by_key = Counter(c["idempotency_key"] for c in cases)
    by_ref = Counter(c["local_ref"] for c in cases)
    assert [k for k, n in by_key.items() if n > 1] == [], "an idempotency key became two cases"
    assert [r for r, n in by_ref.items() if n > 1] == [], "a local reference became two cases"
    assert len(acknowledged) == len(set(acknowledged)), "enqueue handed out a reference twice"
    assert set(acknowledged) - set(by_ref) == set(), "an acknowledged submission never reached the hub"
    outbox = outbox_at(db, hub_server.terminal_id)
    try:
        states = outbox.states()
    finally:
        outbox.close()
    with sqlite3.connect(db) as conn:
        # items claimed more than once: a kill (or the hub's outage) cut their batch short
        resent = conn.execute("SELECT COUNT(*) FROM items WHERE attempts > 1").fetchone()[0]
    assert set(states.values()) == {"acked"}, "the outbox still holds unsent or refused items"
    assert set(states) == set(by_ref), "the hub holds exactly what the outbox stored, nothing else"
    assert len(acknowledged) >= KILLS, "too few submissions to prove anything"
    assert resent > 0, "no batch was ever cut short: the resend path went untested"
    print(
        f"{KILLS} kills, {len(acknowledged)} acknowledged, {len(states)} stored, {len(cases)} cases, {resent} resent"
    )
