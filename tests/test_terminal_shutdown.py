"""The terminal's shutdown order: background threads stop and are joined (with a bound) before the
stores they use (outbox, audit file) are closed, whenever the shutdown comes — before the warm-up
built the outbox, while it builds it, or while the heartbeat and the sync worker are mid-round.

The real composition (ui.app.build_terminal) on the reference hub, a heartbeat every few ms, shut
down many times in a row: no ERROR log record (a closed database used by a late thread was logged
as ProgrammingError), no background thread left, no store file left open.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from drivers.health import HealthBoard
from kiosk.audit import AuditLog
from kiosk.config import KioskConfig, SessionConfig, UiConfig
from kiosk.fleet_link import FleetLink
from kiosk.heartbeat import Heartbeat, HeartbeatSources
from kiosk.remote_commands import CommandRunner
from kiosk.terminal_outbox import outbox_at
from offline_queue import SyncWorker
from offline_queue.config import QueueConfig
from tests.support.notify_socket import NotifySocket, start_kiosk_program, write_kiosk_config
from tests.support.waiting import wait_for
from ui.app import build_terminal

BACKGROUND_THREADS = {"heartbeat", "outbox-sync"}
# how long the event loop turns before the shutdown: before the warm-up (200 ms after start), around
# it, and with the background running
WAITS_MS = (0, 0, 30, 150, 190, 200, 210, 230, 260, 300, 400, 600, 900, 1200)


def _config(hub_server, file_keyring, data_dir: Path) -> KioskConfig:
    return KioskConfig(
        terminal_id=hub_server.terminal_id,
        data_dir=data_dir,
        keyring_backend=file_keyring,
        hub=replace(hub_server.hub_config(), heartbeat_interval_s=0.005),
        queue=QueueConfig(idle_poll_s=0.005, backoff_base_s=0.005, backoff_cap_s=0.02),
        session=SessionConfig(),
        ui=UiConfig(language="zh", fullscreen=False, speech=False),
    )


def _turn_events(ms: int) -> None:
    end = time.monotonic() + ms / 1000
    while True:
        QApplication.processEvents()
        if time.monotonic() >= end:
            return
        time.sleep(0.005)


def _open_files_under(folder: Path) -> list[str]:
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # closed while listing
        if target.startswith(str(folder)):
            found.append(target)
    return found


def _background_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name in BACKGROUND_THREADS and t.is_alive()]


def test_shutting_down_at_any_moment_leaves_no_thread_no_open_store_and_logs_no_error(
    qtbot, hub_server, file_keyring, input_engines, tmp_path, caplog
):
    caplog.set_level(logging.WARNING)
    data_dir = tmp_path / "kiosk"
    config = _config(hub_server, file_keyring, data_dir)
    started_background = 0
    for wait_ms in WAITS_MS:
        terminal = build_terminal(config, speech=False, refresh_ms=3_600_000, tick_ms=50)
        terminal.window.resize(1280, 900)
        terminal.window.show()
        _turn_events(wait_ms)
        started_background += terminal.background is not None
        began = time.monotonic()
        terminal.shutdown()
        took = time.monotonic() - began
        terminal.window.allow_close()
        terminal.window.close()
        # a warm-up timer or a worker left behind would start the threads after the shutdown
        _turn_events(400)
        assert _background_threads() == [], f"after a shutdown at {wait_ms} ms"
        assert _open_files_under(data_dir) == [], f"after a shutdown at {wait_ms} ms"
        assert took < 10, f"shutdown at {wait_ms} ms took {took:.1f} s"
        terminal.window.deleteLater()
    errors = [
        f"{r.name}: {r.getMessage()} {r.exc_text or ''}" for r in caplog.records if r.levelno >= logging.ERROR
    ]
    assert errors == []
    assert started_background >= 4  # the loop did shut down running heartbeats and sync workers


def test_threads_whose_store_is_closed_under_them_end_quietly(hub_server, file_keyring, tmp_path, caplog):
    """The owner stops the threads first; a round that outlived the stop bound meets a closed store:
    that is the end of the thread, logged at INFO, never an ERROR with a ProgrammingError."""
    caplog.set_level(logging.INFO)
    config = QueueConfig(idle_poll_s=0.005)
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id, config=config)
    audit = AuditLog.open(tmp_path / "audit.sqlite")
    client = hub_server.client()
    worker = SyncWorker(outbox, client, config)
    runner = CommandRunner(audit, hub_server.terminal_id, lambda: client.credentials.hmac_key, {})
    link = FleetLink(lambda: client, audit, runner)
    sources = HeartbeatSources(
        HealthBoard(), outbox.stats, lambda: "v1",
        audit_head=link.audit_head, on_answer=link.on_answer, on_refused=link.on_refused,
    )  # fmt: skip
    heartbeat = Heartbeat(client, sources, interval_s=0.005)
    worker.start()
    heartbeat.start()
    wait_for(
        lambda: heartbeat.status().sent >= 3 and worker.cycles >= 3, "both threads at work", timeout_s=30
    )
    outbox.close()  # not stopped first: as if their stop bound had passed
    audit.close()
    wait_for(lambda: not worker.running and not heartbeat.running, "both threads ended", timeout_s=10)
    assert worker.stop(1) and heartbeat.stop(1)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    messages = [r.getMessage() for r in caplog.records]
    assert "outbox closed: the sync worker ends" in messages
    assert "a store was closed under the heartbeat: it ends" in messages


def _program_config(hub_server, file_keyring, tmp_path) -> Path:
    path = write_kiosk_config(
        tmp_path / "kiosk.toml", hub_url=hub_server.url, keyring=file_keyring, data_dir=tmp_path / "kiosk"
    )
    text = path.read_text().replace(
        "read_timeout_s = 5.0\n", "read_timeout_s = 5.0\nheartbeat_interval_s = 0.02\n"
    )
    path.write_text(text + "\n[queue]\nidle_poll_s = 0.02\nbackoff_base_s = 0.02\nbackoff_cap_s = 0.1\n")
    return path


# SIGTERM at READY (the warm-up is about to build the outbox), while the heartbeat and the sync worker
# run against the hub, and while they fail and back off against a hub that is gone
SIGTERM_MOMENTS = ("at_ready", "running", "hub_gone")


@pytest.mark.parametrize("moment", SIGTERM_MOMENTS)
def test_sigterm_ends_the_program_in_order_exit_0_no_traceback_outbox_intact(
    hub_server, file_keyring, tmp_path, moment
):
    config = _program_config(hub_server, file_keyring, tmp_path)
    log_path = tmp_path / "kiosk.log"
    data_dir = tmp_path / "kiosk"
    with NotifySocket() as sock:
        proc = start_kiosk_program(config, sock.name, log_path)
        try:
            sock.wait_for("READY=1", timeout_s=60)
            refs: list[str] = []
            if moment != "at_ready":
                wait_for(
                    lambda: "background work started" in log_path.read_text(), "background", timeout_s=30
                )
                time.sleep(0.5)  # many heartbeats and sync rounds
            if moment == "hub_gone":
                hub_server.kill()
                other = outbox_at(data_dir / "outbox.sqlite", hub_server.terminal_id)  # a second writer
                classes = {"category": "public", "location": "personal"}
                refs = [str(other.enqueue("repair.public_area", {"category": "lift", "location": f"{n}号楼"}, classes, "v1"))
                        for n in range(5)]  # fmt: skip
                other.close()
                time.sleep(0.5)  # the worker fails, backs off, tries again
            began = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            code = proc.wait(timeout=15)
            took = time.monotonic() - began
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    log_text = log_path.read_text(errors="replace")
    assert code == 0, log_text[-3000:]
    assert took < 5, f"SIGTERM to exit: {took:.1f} s"
    assert "Traceback" not in log_text and " ERROR " not in log_text, log_text[-3000:]
    assert "shutdown: work still running" not in log_text
    # the files the program closed are whole: the outbox opens with every item, the audit chain verifies
    outbox = outbox_at(data_dir / "outbox.sqlite", hub_server.terminal_id)
    try:
        states = outbox.states(refs)
        assert states == {ref: "pending" for ref in refs}
        assert outbox.stats().in_flight == 0
    finally:
        outbox.close()
    audit = AuditLog.open(data_dir / "audit.sqlite")
    try:
        assert audit.verify().ok
    finally:
        audit.close()
