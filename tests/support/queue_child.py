"""The child process of the queue crash test (tests/test_queue_crash.py): a terminal that enqueues
and syncs against the reference hub until it is killed.

It runs as a fork server so that 200+ restarts cost milliseconds instead of a Python start-up each:
the server imports everything once (no threads, no open database), then forks a fresh terminal per
request. Commands on stdin, answers on stdout (one line each):

    spawn          -> "pid <pid>"; the terminal prints "ready <pid>" once its outbox and worker run
    drain          -> "pid <pid>"; a clean run that sends everything, prints "drained <pid> <depth>"
    reap <pid>     -> "reaped <pid> <exit status>"
    exit

A terminal appends every reference `enqueue` returned to the acknowledgement file (and fsyncs it)
only after `enqueue` returned: the file is what the terminal promised to residents.

    python -m tests.support.queue_child --db D --keyring file:K --hub-url U --acks A --terminal T0001
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
import traceback
from pathlib import Path

from kiosk.config import HubConfig, QueueConfig
from kiosk.hub_client import HubClient
from kiosk.secrets import load_hub_credentials, select_keyring_backend
from kiosk.terminal_outbox import outbox_at
from offline_queue.outbox import Outbox
from offline_queue.sync_worker import SyncWorker

CATALOG_VERSION = "2026.11-demo.1"
FIELD_CLASSES = {"category": "public", "detail": "public", "contact_phone": "personal"}


def _say(line: str) -> None:
    os.write(1, (line + "\n").encode("ascii"))


def _open(args: argparse.Namespace, rng: random.Random) -> tuple[Outbox, SyncWorker]:
    queue_config = QueueConfig(
        batch_max_items=rng.choice((5, 20, 100)),
        backoff_base_s=0.02,
        backoff_cap_s=0.2,
        idle_poll_s=0.05,
    )
    outbox = outbox_at(args.db, args.terminal, config=queue_config)
    client = HubClient(
        HubConfig(url=args.hub_url, connect_timeout_s=2.0, read_timeout_s=10.0),
        load_hub_credentials(args.terminal),
    )
    return outbox, SyncWorker(outbox, client, queue_config, rng=rng)


def _terminal(args: argparse.Namespace) -> None:
    """Enqueue and sync until killed."""
    rng = random.Random()
    outbox, worker = _open(args, rng)
    worker.start()
    acks = os.open(args.acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    _say(f"ready {os.getpid()}")
    n = 0
    while True:
        n += 1
        ref = outbox.enqueue(
            "repair.public_area",
            {"category": "lift", "detail": f"run {os.getpid()} item {n}", "contact_phone": "13800138000"},
            FIELD_CLASSES,
            CATALOG_VERSION,
        )
        os.write(acks, f"{ref}\n".encode("ascii"))
        os.fsync(acks)
        time.sleep(rng.uniform(0, 0.003))  # let the worker's batches and the enqueues interleave


def _drain(args: argparse.Namespace) -> None:
    outbox, worker = _open(args, random.Random())
    deadline = time.monotonic() + 60
    while True:
        report = worker.sync_now()
        stats = outbox.stats()
        left = stats.depth + stats.in_flight
        if left == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.1)  # the hub failed a batch: try again shortly
    _say(f"drained {os.getpid()} {left} {report.error or 'ok'}".replace(" ", "_").replace("_", " ", 3))


def _fork(run, args: argparse.Namespace) -> int:
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            run(args)
            code = 0
        except BaseException:
            traceback.print_exc()  # to the server's stderr, which the test shows on failure
        finally:
            os._exit(code)  # never return into the server's loop
    return pid


def serve(args: argparse.Namespace) -> None:
    select_keyring_backend(args.keyring)
    while line := sys.stdin.readline():
        command, *rest = line.split()
        if command == "spawn":
            _say(f"pid {_fork(_terminal, args)}")
        elif command == "drain":
            _say(f"pid {_fork(_drain, args)}")
        elif command == "reap":
            pid = int(rest[0])
            _, status = os.waitpid(pid, 0)
            _say(f"reaped {pid} {status}")
        elif command == "exit":
            return


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--keyring", required=True)
    parser.add_argument("--hub-url", required=True)
    parser.add_argument("--acks", type=Path, required=True)
    parser.add_argument("--terminal", default="T0001")
    serve(parser.parse_args(argv))


if __name__ == "__main__":
    main()
