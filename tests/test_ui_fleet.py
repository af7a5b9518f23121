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
from ui.i18n import Words

_WORDS = Words()


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


def _oos_texts(k) -> list[str]:
    from PySide6.QtWidgets import QLabel

    return [w.text() for w in k.window.findChildren(QLabel) if w.isVisible()]


def test_the_out_of_service_message_for_residents_is_shown_until_back_in_service(kiosk_ui):
    k = kiosk_ui
    out = _issue(
        k.hub,
        "out_of_service",
        {"reason": "hours", "message_zh": "今天下午三点恢复服务", "message_en": "Back at 3 pm today"},
    )
    _beat(k)
    k.wait_step(Step.OUT_OF_SERVICE)
    k.wait(lambda: _state(k.hub, out)["state"] == "succeeded")
    assert k.text_of("oos_message") == "今天下午三点恢复服务"
    texts = _oos_texts(k)
    reason = next(i for i, t in enumerate(texts) if t == _WORDS.text("zh", "oos.hours"))
    assert texts.index("今天下午三点恢复服务") > reason  # under the reason
    assert not any(t.startswith("oos.") for t in texts)  # never a raw key
    k.session.set_language("en")
    k.wait(lambda: "Back at 3 pm today" in _oos_texts(k))
    assert _WORDS.text("en", "oos.hours") in _oos_texts(k)

    back = _issue(k.hub, "back_in_service")
    _beat(k)
    k.wait_step(Step.ATTRACT)
    k.wait(lambda: _state(k.hub, back)["state"] == "succeeded")
    assert "Back at 3 pm today" not in _oos_texts(k)
    # out of service again without a message: the old message does not come back
    k.session.set_out_of_service(OutOfServiceReason.INTERNAL)
    k.wait(lambda: _WORDS.text("en", "oos.internal") in _oos_texts(k))
    assert "Back at 3 pm today" not in _oos_texts(k) and k.view.out_of_service_message is None


def test_an_out_of_service_message_in_one_language_is_shown_in_both_and_bad_text_is_refused(kiosk_ui):
    k = kiosk_ui
    bad = _issue(k.hub, "out_of_service", {"reason": "hardware", "message_en": "line\x1b[2Jcleared"})
    _beat(k)
    k.wait(lambda: _state(k.hub, bad)["state"] == "failed")
    assert k.view.step is not Step.OUT_OF_SERVICE
    _issue(k.hub, "out_of_service", {"reason": "hardware", "message_zh": "设备维修中"})
    _beat(k)
    k.wait_step(Step.OUT_OF_SERVICE)
    assert k.text_of("oos_message") == "设备维修中"
    k.session.set_language("en")
    k.wait(lambda: k.view.language == "en")
    assert k.text_of("oos_message") == "设备维修中"


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
