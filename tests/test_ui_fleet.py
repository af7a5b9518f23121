"""Fleet operations in the whole terminal (the real composition offscreen, the reference hub):
remote commands reach the session on the UI thread, a revoked terminal goes out of service (BACKEND),
and the technician's actions land in the audit trail the hub receives."""

from __future__ import annotations

import json

from hub.audit_store import AuditLedger
from hub.commands import CommandBook
from hub.store import HubStore
from kiosk.session_view import OutOfServiceReason, Step
from tests.test_ui_maintenance import open_maintenance


def _issue(hub, command: str, args: dict | None = None) -> str:
    store = HubStore(hub.db_path)
    try:
        return CommandBook(store).issue(hub.terminal_id, command, args)["id"]
    finally:
        store.close()


def _state(hub, command_id: str) -> dict:
    store = HubStore(hub.db_path)
    try:
        return CommandBook(store).get(command_id)
    finally:
        store.close()


def _beat(k) -> None:
    k.wait(lambda: k.terminal.background is not None)
    k.terminal.background.heartbeat.request_beat()


def test_out_of_service_volume_and_diagnostics_commands_reach_the_terminal(kiosk_ui):
    k = kiosk_ui
    out = _issue(k.hub, "out_of_service", {"reason": "hardware", "message_zh": "设备维修中"})
    volume = _issue(k.hub, "set_speech_volume", {"volume": 0.3})
    diagnostics = _issue(k.hub, "upload_diagnostics")
    _beat(k)
    k.wait_step(Step.OUT_OF_SERVICE)
    assert k.session.out_of_service_reason() is OutOfServiceReason.HARDWARE
    k.wait(lambda: _state(k.hub, diagnostics)["state"] == "succeeded")
    assert _state(k.hub, out)["state"] == "succeeded"
    k.wait(lambda: k.terminal.speaker.volume == 0.3)
    assert _state(k.hub, volume)["state"] == "succeeded"
    detail = _state(k.hub, diagnostics)["detail"]
    assert set(detail) == {"devices", "queue", "log_tail"} and detail["queue"]["depth"] == 0

    back = _issue(k.hub, "back_in_service")
    _beat(k)
    k.wait_step(Step.ATTRACT)
    k.wait(lambda: _state(k.hub, back)["state"] == "succeeded")


def test_a_revoked_terminal_shows_out_of_service_backend(kiosk_ui):
    k = kiosk_ui
    _beat(k)
    k.wait(lambda: k.terminal.background.heartbeat.status().sent >= 1)
    store = HubStore(k.hub.db_path)
    store.revoke_terminal(k.hub.terminal_id)
    store.close()
    _beat(k)
    k.wait_step(Step.OUT_OF_SERVICE)
    assert k.session.out_of_service_reason() is OutOfServiceReason.BACKEND


def test_technician_actions_are_audited_and_uploaded(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.test_page")
    k.wait(lambda: any(e.get("action") == "test_print" for e in _local(k)))
    _beat(k)

    def uploaded() -> list[dict]:
        store = HubStore(k.hub.db_path)
        try:
            return AuditLedger(store).entries(k.hub.terminal_id, 0, 1000)
        finally:
            store.close()

    k.wait(lambda: any(e.get("action") == "test_print" for e in uploaded()))
    actions = [e.get("action") for e in uploaded() if e["kind"] == "technician"]
    assert actions[:1] == ["card_in"] and "test_print" in actions


def _local(k) -> list[dict]:
    return [json.loads(e["entry"]) for e in k.terminal.audit.entries_after(0, 1000)]
