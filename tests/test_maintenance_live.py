"""The maintenance screen on the whole offscreen terminal, as walked (walktech findings 3-7): the
figures follow the terminal by themselves (no "refresh" tap), a refresh never eats a tap that is
under way, out of service asks why (and residents and the audit get the reason), the diagnostics
show what a technician on site needs, and the action buttons keep their places whatever the
language or the question on quit."""

from __future__ import annotations

import json
import re

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from drivers.printer.model import PrinterState
from kiosk.session_view import OutOfServiceReason, Step
from tests.test_ui_maintenance import maintenance_button_places, open_maintenance

LIVE_WAIT_MS = 15_000  # a few of the screen's 2 s reads, on a loaded machine


def test_device_lines_follow_the_printer_without_a_tap(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    words = k.terminal.window.maintenance
    printer = k.terminal.printer.load()
    k.wait(lambda: words.t("maintenance.state.online") in k.text_of("maintenance.device.printer"))
    taps = k.taps
    printer.set_state(PrinterState.PAPER_OUT)  # the paper ran out while the screen is shown
    k.wait(
        lambda: words.t("maintenance.state.paper_out") in k.text_of("maintenance.device.printer"),
        LIVE_WAIT_MS,
    )
    printer.set_state(PrinterState.ONLINE)  # refilled
    k.wait(
        lambda: words.t("maintenance.state.online") in k.text_of("maintenance.device.printer"), LIVE_WAIT_MS
    )
    assert k.taps == taps  # nobody tapped "refresh"
    assert re.search(r"\d\d:\d\d:\d\d", k.text_of("maintenance.taken_at"))  # says when they were read


def test_last_heartbeat_shows_without_a_tap(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    words = k.terminal.window.maintenance
    never = words.t("maintenance.never")
    k.terminal.background.heartbeat.send_now()  # a heartbeat the hub accepted, after the screen opened
    k.wait(lambda: never not in k.text_of("maintenance.last_beat"), LIVE_WAIT_MS)


def test_a_live_refresh_loses_no_tap_and_moves_no_button(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    panel = k.terminal.window.maintenance
    before = maintenance_button_places(k)
    b = k.button("maintenance.test_page")
    centre = b.rect().center()
    QTest.mousePress(b, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    assert b.isDown()
    # while the finger is down: a change of the session's view (a full layout) and a live read
    k.terminal.health.set_state("printer", "paper_low")
    panel._rerender()
    panel._live_tick()
    QApplication.processEvents()
    assert b.isVisible() and b is k.button("maintenance.test_page")  # not deleted under the finger
    QTest.mouseRelease(b, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    k.wait(lambda: k.text_of("maintenance.outcome_text") == panel.t("maintenance.printed"))
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    assert maintenance_button_places(k) == before


def test_a_refresh_keeps_the_scroll_position(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())  # the figures are in
    k.text_of("maintenance.taken_at")
    k.window.resize(1280, 520)  # shorter than the screen: it scrolls
    k.wait(lambda: k.window.maintenance_area.verticalScrollBar().maximum() > 0)
    # the window lays itself out again for its new size once the resize is over: let it, so the
    # rebuild measured below is the refresh's alone
    k.wait(lambda: k.window._laid_out_for == k.window.size())
    QApplication.processEvents()
    bar = k.window.maintenance_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    at = bar.value()
    k.terminal.window.maintenance._rerender()  # a full layout
    QApplication.processEvents()
    assert bar.value() == at
    taken = k.text_of("maintenance.taken_at")
    k.wait(lambda: k.text_of("maintenance.taken_at") != taken, LIVE_WAIT_MS)  # a live read
    QApplication.processEvents()
    assert bar.value() == at


def test_out_of_service_asks_the_reason_and_residents_and_the_audit_get_it(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    words = k.terminal.window.maintenance
    k.wait(lambda: k.button("maintenance.out").isEnabled())
    # the figures are read again every 2 s: places taken while a refresh lays the panel out miss
    # buttons, so wait for a whole panel first
    k.wait(lambda: "maintenance.out" in maintenance_button_places(k))
    before = maintenance_button_places(k)
    k.tap("maintenance.out")
    assert k.view.step is not Step.OUT_OF_SERVICE  # nothing yet: it asks why
    for reason in ("hardware", "internal", "hours", "backend"):
        assert k.has_button(f"maintenance.reason.{reason}")
    k.tap("maintenance.reason_cancel")  # and can be left without pausing
    assert k.lacks_button("maintenance.reason.hardware") and k.view.step is not Step.OUT_OF_SERVICE
    k.tap("maintenance.out")
    k.tap("maintenance.reason.hardware")
    k.wait(lambda: k.view.out_of_service is OutOfServiceReason.HARDWARE)
    places = maintenance_button_places(k)
    assert places.pop("maintenance.in") == before.pop("maintenance.out")
    assert places == before  # the reasons stood in the figures' place: no button moved
    assert words.t("oos.hardware") in k.text_of("maintenance.outcome_text")
    entries = [json.loads(row["entry"]) for row in k.terminal.audit.entries_after(0, 1000)]
    paused = [e for e in entries if '"out_of_service"' in json.dumps(e)]
    assert paused and '"hardware"' in json.dumps(paused[-1]), entries[-5:]
    k.terminal.card_reader.remove()
    k.wait(lambda: not k.view.technician_card)
    k.wait(
        lambda: any(
            w.isVisible() and w.text() == words.t("oos.hardware") for w in k.window.findChildren(QLabel)
        )
    )


def test_diagnostics_show_ids_versions_hub_audit_and_queue(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    words = k.terminal.window.maintenance
    k.wait(lambda: k.button("maintenance.diagnostics").isEnabled())
    # a live read may be replacing the panel right now: its new buttons are shown by a queued call
    k.wait(lambda: "maintenance.diagnostics" in maintenance_button_places(k))
    before = maintenance_button_places(k)
    k.tap("maintenance.diagnostics")
    k.wait(lambda: k.has_button("maintenance.figures"))
    hub = k.text_of("maintenance.diag.hub")
    k.wait(lambda: k.text_of("maintenance.diag.hub").startswith(words.t("maintenance.diag.hub.ok", ms=0)[:4]))
    assert "ms" in k.text_of("maintenance.diag.hub") or "毫秒" in k.text_of("maintenance.diag.hub"), hub
    assert k.terminal.config.terminal_id in k.text_of("maintenance.diag.terminal")
    url = k.text_of("maintenance.diag.hub_url").replace("\u200b", "")
    assert k.terminal.config.hub.url in url
    audit = k.terminal.audit  # it grows meanwhile (heartbeats, commands): the panel follows within a read

    def shows_head() -> bool:
        head = audit.head()
        return f"{head.seq}" in k.text_of("maintenance.diag.audit") and head.h[:16] in k.text_of("maintenance.diag.audit")

    k.wait(shows_head, LIVE_WAIT_MS)
    assert k.text_of("maintenance.diag.queue")
    places = maintenance_button_places(k)
    assert places.pop("maintenance.figures") == before.pop("maintenance.diagnostics")
    assert places == before
    k.tap("maintenance.figures")
    k.wait(lambda: k.has_button("maintenance.diagnostics"))


def test_action_columns_stay_put_across_languages_and_the_quit_question(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    zh = maintenance_button_places(k)

    def place_of(b):
        QApplication.processEvents()
        return b.mapTo(k.window, b.rect().topLeft()), b.size()

    switch = place_of(k.button("bar.language"))
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    assert maintenance_button_places(k) == zh  # the columns came from the labels: 5 px apart
    assert switch == place_of(k.button("bar.language"))  # "English" and "中文": one width, one place
    k.tap("maintenance.exit")
    asking = maintenance_button_places(k)
    assert asking.pop("maintenance.exit_yes") == zh["maintenance.exit"]
    assert asking == {n: p for n, p in zh.items() if n != "maintenance.exit"}


def test_pausing_in_english_moves_no_button(kiosk_ui):
    """Found walking: the English "paused (...)" state beside the hint wrapped it onto two lines."""
    k = kiosk_ui
    open_maintenance(k)
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    k.wait(lambda: k.button("maintenance.out").isEnabled())
    before = maintenance_button_places(k)
    k.tap("maintenance.out")
    k.tap("maintenance.reason.hours")
    k.wait(lambda: k.has_button("maintenance.in"))
    after = maintenance_button_places(k)
    assert after.pop("maintenance.in") == before.pop("maintenance.out")
    assert after == before


def test_last_batch_says_none_was_sent_then_when_a_submission_reached_the_hub(kiosk_ui):
    """walktech finding 8: "last batch the hub answered: never" on a terminal that had nothing to
    send read as if the hub never answered; once a submission is delivered it says when."""
    k = kiosk_ui
    open_maintenance(k)
    words = k.terminal.window.maintenance
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    assert k.text_of("maintenance.last_sync") == words.t(
        "maintenance.last_sync", at=words.t("maintenance.nothing_sent_yet")
    )
    outbox = k.terminal.background.outbox
    outbox.enqueue("repair.public_area", {"detail": "lift"}, {"detail": "public"}, "v1")
    k.wait(lambda: outbox.stats().last_success_at is not None, LIVE_WAIT_MS)  # delivered
    k.wait(lambda: re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", k.text_of("maintenance.last_sync")), LIVE_WAIT_MS)
    assert words.t("maintenance.never") not in k.text_of("maintenance.last_sync")


def test_a_relayout_for_a_new_size_keeps_the_scroll_position(kiosk_ui):
    """The window lays the screen out again when its size changes (ui.window._relayout): that
    rebuild threw the technician back to the top, outside the keep_scroll the refreshes use."""
    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.window.resize(1280, 520)
    k.wait(lambda: k.window.maintenance_area.verticalScrollBar().maximum() > 0)
    k.wait(lambda: k.window._laid_out_for == k.window.size())
    QApplication.processEvents()
    bar = k.window.maintenance_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    at = bar.value()
    assert at > 0
    k.window.resize(1280, 500)  # a little shorter: the same place can still be scrolled to
    k.wait(lambda: k.window._laid_out_for == k.window.size())
    for _ in range(3):
        QApplication.processEvents()
    assert bar.value() == at
