"""The heartbeat: what a terminal reports to the hub, and how it keeps reporting when the hub is down."""

from __future__ import annotations

import json

from drivers.health import HealthBoard
from hub.__main__ import main as hub_cli
from hub.store import HubStore
from kiosk.heartbeat import Heartbeat, HeartbeatSources, app_version
from kiosk.terminal_outbox import outbox_at
from offline_queue.schema import SCHEMA_VERSION as OUTBOX_SCHEMA
from tests.support.waiting import wait_for

RESIDENT_NAME = "张三伟"
RESIDENT_ID = "11010519491231002X"


def stored_beat(hub):
    store = HubStore(hub.db_path)
    try:
        return store.last_heartbeat(hub.terminal_id)
    finally:
        store.close()


def devices() -> HealthBoard:
    board = HealthBoard()
    board.set_state("card_reader", "ONLINE")
    board.set_state("printer", "PAPER_LOW")
    board.record_error("printer", "paper near end sensor")
    board.count("printer", "receipts", 7)
    return board


def test_heartbeat_carries_queue_depth_device_states_and_versions_but_no_personal_data(
    hub_server, tmp_path, capsys
):
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id)
    for _ in range(2):
        outbox.enqueue(
            "repair.public_area",
            {"detail": "lift broken", "name": RESIDENT_NAME, "id_number": RESIDENT_ID},
            {"detail": "public", "name": "personal", "id_number": "sensitive"},
            "v7",
        )
    sources = HeartbeatSources(devices(), outbox.stats, lambda: "catalogue-v7")
    heartbeat = Heartbeat(hub_server.client(), sources, interval_s=60.0)
    heartbeat.start()
    try:
        beat = wait_for(lambda: stored_beat(hub_server), what="the first heartbeat at the hub")
        health = beat["health"]
        assert health["queue"]["depth"] == 2
        assert health["queue"]["oldest_pending_age_s"] >= 0
        assert health["queue"]["dead_letters"] == 0
        assert health["devices"]["card_reader"]["state"] == "ONLINE"
        assert health["devices"]["printer"]["state"] == "PAPER_LOW"
        assert health["devices"]["printer"]["last_error"] == "paper near end sensor"
        assert health["devices"]["printer"]["counters"] == {"errors": 1, "receipts": 7}
        assert health["versions"] == {
            "app": app_version(),
            "catalogue": "catalogue-v7",
            "outbox_schema": OUTBOX_SCHEMA,
            "hub_contract": "1",
        }
        assert health["uptime_s"] >= 0
        raw = json.dumps(health, ensure_ascii=False)
        assert RESIDENT_NAME not in raw and RESIDENT_ID not in raw

        # on demand: a new submission is reported without waiting for the 60 s interval
        outbox.enqueue("repair.public_area", {"detail": "door"}, {"detail": "public"}, "v7")
        heartbeat.request_beat()
        wait_for(lambda: stored_beat(hub_server)["health"]["queue"]["depth"] == 3, what="depth 3")
        # the hub stores the beat before its answer reaches the client, which counts it then
        wait_for(lambda: heartbeat.status().sent >= 2, what="the second beat counted")
        status = heartbeat.status()
        assert status.running and status.sent >= 2 and status.last_error is None
        assert status.last_sent_at is not None and status.next_delay_s is not None
    finally:
        assert heartbeat.stop(timeout_s=5)
        outbox.close()
    assert not heartbeat.status().running

    # the hub's operators read the latest heartbeat per terminal from the command line
    assert hub_cli(["terminals", "--db", str(hub_server.db_path)]) == 0
    line = capsys.readouterr().out
    assert "T0001" in line and "queue depth 3" in line and "printer=PAPER_LOW" in line
    assert hub_cli(["terminals", "--db", str(hub_server.db_path), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["terminal_id"] == "T0001" and listed["health"]["queue"]["depth"] == 3


def test_hub_down_never_raises_backs_off_and_recovers_when_the_hub_returns(hub_server, tmp_path):
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id)
    outbox.enqueue("repair.public_area", {"detail": "lift"}, {"detail": "public"}, "v7")
    hub_server.stop()
    sources = HeartbeatSources(devices(), outbox.stats, lambda: None)
    heartbeat = Heartbeat(
        hub_server.client(connect_timeout_s=0.5),
        sources,
        interval_s=60.0,
        backoff_base_s=0.05,
        backoff_cap_s=0.2,
    )
    assert heartbeat.send_now() is False  # in the caller's thread: an answer, not an exception
    assert heartbeat.status().last_error.startswith("HubUnavailable")
    heartbeat.start()
    try:
        wait_for(lambda: heartbeat.status().failures >= 3, what="retries while the hub is down")
        status = heartbeat.status()
        assert status.running and status.sent == 0 and status.last_sent_at is None
        assert status.next_delay_s is not None and status.next_delay_s <= 0.2  # backing off, not 60 s

        hub_server.start()
        wait_for(lambda: heartbeat.status().sent >= 1, what="a heartbeat after the hub came back")
        recovered = heartbeat.status()
        assert recovered.failures == 0 and recovered.last_error is None
        # back to the normal pace (set by the thread just after the send returns)
        wait_for(lambda: heartbeat.status().next_delay_s == 60.0, what="the normal interval again")
        assert stored_beat(hub_server)["health"]["queue"]["depth"] == 1
    finally:
        assert heartbeat.stop(timeout_s=5)
        outbox.close()


def test_heartbeat_carries_the_service_state_and_the_hub_shows_it(hub_server, tmp_path, capsys):
    """Contract v1 grows: `service` says in service, or out of service with reason and since."""
    from types import SimpleNamespace

    from hub.console.fleet_status import terminal_status
    from hub.console.settings import ConsoleSettings
    from kiosk.service_watch import ServiceWatch
    from kiosk.session_view import OutOfServiceReason

    clock = [1_796_107_680.0]  # 2026-12-01T06:48:00Z
    watch = ServiceWatch(clock=lambda: clock[0])
    watch(SimpleNamespace(out_of_service=None))
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id)
    sources = HeartbeatSources(devices(), outbox.stats, lambda: "v7", service_state=watch.heartbeat_part)
    heartbeat = Heartbeat(hub_server.client(), sources, interval_s=60.0)
    try:
        assert heartbeat.send_now()
        assert stored_beat(hub_server)["health"]["service"] == {"state": "in_service"}
        watch(SimpleNamespace(out_of_service=OutOfServiceReason.HARDWARE))
        clock[0] += 600  # a later view with the same state keeps the first "since"
        watch(SimpleNamespace(out_of_service=OutOfServiceReason.HARDWARE))
        assert heartbeat.send_now()
        beat = stored_beat(hub_server)
        row = {"terminal_id": "T0001", "revoked": False, "heartbeat_at": beat["received_at"], "health": beat["health"]}
        assert row["health"]["service"] == {
            "state": "out_of_service", "reason": "hardware", "since": "2026-12-01T06:48:00+00:00"
        }  # fmt: skip
        status = terminal_status(row, ConsoleSettings())
        assert status.colour == "yellow" and status.alerts[0] == "out_of_service"
        assert (status.service, status.service_reason) == ("out_of_service", "hardware")
        assert hub_cli(["terminals", "--db", str(hub_server.db_path)]) == 0
        assert "OUT OF SERVICE (hardware) since 2026-12-01T06:48:00+00:00" in capsys.readouterr().out
        watch(SimpleNamespace(out_of_service=None))
        assert heartbeat.send_now()
        assert stored_beat(hub_server)["health"]["service"] == {"state": "in_service"}
    finally:
        outbox.close()


def test_a_heartbeat_without_the_service_part_is_stored_and_shown_as_before(hub_server, tmp_path):
    from hub.console.fleet_status import terminal_status
    from hub.console.settings import ConsoleSettings

    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id)
    try:
        assert Heartbeat(hub_server.client(), HeartbeatSources(HealthBoard(), outbox.stats, lambda: "v7")).send_now()
        beat = stored_beat(hub_server)
        assert "service" not in beat["health"]  # an older terminal's report
        row = {"terminal_id": "T0001", "revoked": False, "heartbeat_at": beat["received_at"], "health": beat["health"]}
        status = terminal_status(row, ConsoleSettings())
        assert status.colour == "green" and status.service == "unknown" and status.alerts == ()
    finally:
        outbox.close()
