"""The terminal's background work against the real hub: submissions delivered, heartbeat sent, a
technician's forced sync and figures, and a clean stop."""

from __future__ import annotations

import time

from drivers.health import HealthBoard
from hub.store import HubStore
from kiosk.background import TerminalBackground
from kiosk.config import KioskConfig, QueueConfig
from kiosk.terminal_outbox import outbox_at
from offline_queue.outbox import Outbox
from tests.support.waiting import wait_for


def hub_view(hub):
    store = HubStore(hub.db_path)
    try:
        return store.list_cases(), store.last_heartbeat(hub.terminal_id)
    finally:
        store.close()


def terminal_config(hub, tmp_path) -> KioskConfig:
    return KioskConfig(
        terminal_id=hub.terminal_id,
        data_dir=tmp_path / "kiosk",
        hub=hub.hub_config(connect_timeout_s=0.5, heartbeat_interval_s=60.0),
        queue=QueueConfig(backoff_base_s=0.05, backoff_cap_s=0.5, idle_poll_s=5.0),
    )


def enqueue(outbox: Outbox, detail: str) -> str:
    return str(outbox.enqueue("repair.public_area", {"detail": detail}, {"detail": "public"}, "v1"))


def test_background_delivers_the_outbox_reports_a_heartbeat_and_stops_within_5_s(hub_server, tmp_path):
    config = terminal_config(hub_server, tmp_path)
    outbox = outbox_at(tmp_path / "outbox.sqlite", config.terminal_id, config=config.queue)
    board = HealthBoard()
    board.set_state("printer", "ONLINE")
    background = TerminalBackground(config, hub_server.client(), outbox, board, lambda: "v1")
    background.start()
    try:
        ref = enqueue(outbox, "lift")
        wait_for(lambda: background.stats().queue.acked == 1, what="the submission acked")
        cases, beat = hub_view(hub_server)
        assert [case["local_ref"] for case in cases] == [ref]
        beat = wait_for(lambda: hub_view(hub_server)[1], what="a heartbeat")
        assert beat["health"]["devices"]["printer"]["state"] == "ONLINE"
        figures = background.stats()
        assert figures.queue.depth == 0 and figures.queue.last_success_at is not None
        assert figures.sync.running and figures.sync.failures == 0
        assert figures.heartbeat.running and figures.heartbeat.sent >= 1
    finally:
        began = time.monotonic()
        stopped = background.stop(timeout_s=5)
        took = time.monotonic() - began
        outbox.close()
    assert stopped and took < 5
    assert not background.sync_worker.running and not background.heartbeat.running


def test_while_the_hub_is_down_figures_show_it_and_a_forced_sync_delivers_once_it_is_back(
    hub_server, tmp_path
):
    config = terminal_config(hub_server, tmp_path)
    outbox = outbox_at(tmp_path / "outbox.sqlite", config.terminal_id, config=config.queue)
    background = TerminalBackground(config, hub_server.client(), outbox, HealthBoard(), lambda: "v1")
    hub_server.stop()
    background.start()
    try:
        ref = enqueue(outbox, "door")
        wait_for(lambda: background.stats().sync.failures >= 1, what="the worker backing off")
        wait_for(lambda: background.stats().heartbeat.failures >= 1, what="the heartbeat backing off")
        down = background.stats()
        assert down.queue.depth + down.queue.in_flight == 1
        assert down.heartbeat.last_error.startswith("HubUnavailable")

        offline = background.force_sync()  # the technician's button while the hub is down
        assert offline.error is not None and offline.depth_after == 1

        hub_server.start()
        report = background.force_sync()
        assert report.error is None and report.depth_after == 0
        cases, _ = hub_view(hub_server)
        assert [case["local_ref"] for case in cases] == [ref]  # delivered once, whoever sent it
        # the forced sync asks for a heartbeat, so the hub sees the empty queue at once
        wait_for(
            lambda: (hub_view(hub_server)[1] or {}).get("health", {}).get("queue", {}).get("depth") == 0,
            what="a heartbeat with depth 0",
        )
    finally:
        assert background.stop(timeout_s=5)
        outbox.close()
