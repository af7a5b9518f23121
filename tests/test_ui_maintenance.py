"""The technician's maintenance screen on the whole offscreen terminal: the figures it shows, a
forced sync that reaches the real hub, a test page in the simulated printer, and the printer's
error when it has no paper."""

from __future__ import annotations

import re

from drivers.printer.model import PrinterState
from hub.store import HubStore


def open_maintenance(k):
    k.wait(lambda: k.terminal.background is not None)  # built after the first screen
    k.terminal.card_reader.insert("technician")
    k.wait(lambda: k.view.technician_card)


def hub_cases(hub):
    store = HubStore(hub.db_path)
    try:
        return store.list_cases()
    finally:
        store.close()


def test_technician_sees_the_queue_depth_and_force_sync_delivers_it_to_the_hub(kiosk_ui):
    k = kiosk_ui
    k.wait(lambda: k.terminal.background is not None)
    background = k.terminal.background
    background.sync_worker.stop(10.0)  # only the technician's forced sync sends now
    background.outbox.enqueue("repair.public_area", {"detail": "lift"}, {"detail": "public"}, "v1")
    open_maintenance(k)
    k.wait(
        lambda: (
            k.text_of("maintenance.depth").endswith(" 1") or k.text_of("maintenance.depth").endswith("：1")
        )
    )
    assert k.button("maintenance.sync").accessibleName()
    assert k.button("maintenance.sync").property("role") == "primary"  # the thing to do now

    k.tap("maintenance.sync")

    k.wait(lambda: len(hub_cases(k.hub)) == 1)
    k.wait(lambda: k.text_of("maintenance.depth").endswith("0"))
    assert "1" in k.text_of("maintenance.outcome_text")
    # nothing waits: sending is one action among the others, not the screen's main one (walk 12)
    k.wait(lambda: k.button("maintenance.sync").property("role") in (None, ""))
    assert k.button("maintenance.sync").isEnabled()


def test_test_page_lands_in_the_printer_and_paper_out_is_shown(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    folder = k.terminal.config.data_dir / "printed"
    before = len(list(folder.glob("*.bin"))) if folder.exists() else 0
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.test_page")
    k.wait(lambda: len(list(folder.glob("*.bin"))) == before + 1)
    k.wait(lambda: "测试页" in k.text_of("maintenance.outcome_text"))

    k.terminal.printer.load().set_state(PrinterState.PAPER_OUT)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.test_page")
    words = k.terminal.window.maintenance
    paper_out = words.t("error.printer_paper_out") + " " + words.t("maintenance.paper_hint")
    k.wait(lambda: k.text_of("maintenance.outcome_text") == paper_out)  # and what to do next
    assert len(list(folder.glob("*.bin"))) == before + 1


def test_every_maintenance_control_is_named_and_big_enough(kiosk_ui):
    from PySide6.QtWidgets import QPushButton

    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.requeue") is not None)
    buttons = [b for b in k.terminal.window.maintenance.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) >= 7
    for b in buttons:
        assert b.accessibleName(), b.objectName()
        assert b.width() >= 60 and b.height() >= 60, (b.objectName(), b.size())


def maintenance_button_places(k) -> dict[str, tuple[int, int, int, int]]:
    from PySide6.QtWidgets import QApplication, QPushButton

    QApplication.processEvents()
    places = {}
    for b in k.window.findChildren(QPushButton):
        if b.isVisible() and b.objectName().startswith("maintenance."):
            at = b.mapTo(k.window, b.rect().topLeft())
            places[b.objectName()] = (at.x(), at.y(), b.width(), b.height())
    return places


def test_an_actions_outcome_moves_no_button(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    before = maintenance_button_places(k)
    assert "maintenance.sync" in before
    k.tap("maintenance.test_page")
    k.wait(lambda: "测试页" in k.text_of("maintenance.outcome_text"))
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    assert maintenance_button_places(k) == before  # the next tap lands where the finger aims


def test_a_devices_last_error_is_shown_in_the_screens_language(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    k.terminal.printer.load().set_state(PrinterState.PAPER_OUT)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.test_page")
    words = k.terminal.window.maintenance
    k.wait(lambda: words.t("error.printer_paper_out") in k.text_of("maintenance.device.printer"))
    shown = k.text_of("maintenance.device.printer")
    assert "PaperOut" not in shown and "simulated" not in shown  # no raw exception text in the zh screen


def test_an_unknown_device_error_is_said_in_the_screens_words_in_both_languages(kiosk_ui):
    """Final review, finding 7: "设备错误（paper low sensor）" — a driver's English type or text in
    the Chinese status. A kind the screen has no words for is a device fault of a kind not known."""
    k = kiosk_ui
    open_maintenance(k)
    k.terminal.health.record_error("printer", "WeirdFault: the detail says /dev/usb/lp0")
    k.wait(lambda: k.button("maintenance.refresh").isEnabled())
    k.tap("maintenance.refresh")
    words = k.terminal.window.maintenance
    k.wait(lambda: words.t("maintenance.device_error.other") in k.text_of("maintenance.device.printer"))
    shown = k.text_of("maintenance.device.printer")
    assert not re.search(r"[A-Za-z]", shown), shown  # not a letter of the driver's English
    k.tap("bar.language")
    k.wait(lambda: "unknown device fault" in k.text_of("maintenance.device.printer"))
    shown = k.text_of("maintenance.device.printer")
    assert "WeirdFault" not in shown and not re.search(r"[\u4e00-\u9fff]", shown), shown


def test_quit_asks_first_and_only_the_second_tap_on_the_same_place_quits(kiosk_ui):
    k = kiosk_ui
    quits: list[int] = []
    k.window._on_quit = lambda: quits.append(1)  # the program's exit: counted, not done
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    before = maintenance_button_places(k)
    words = k.terminal.window.maintenance
    # plain until asked: in the help colour it was the loudest button on the screen (walk 12)
    assert k.button("maintenance.exit").property("role") in (None, "")
    k.tap("maintenance.exit")
    assert quits == [] and k.window.isVisible()  # one tap beside "out of service" quit at once
    assert k.text_of("maintenance.outcome_text") == words.t("maintenance.exit_ask")
    after = maintenance_button_places(k)
    assert after.pop("maintenance.exit_yes") == before.pop("maintenance.exit")  # the same place
    assert after == before
    k.tap("maintenance.test_page")  # any other action takes the question back
    k.wait(lambda: k.has_button("maintenance.exit") and k.lacks_button("maintenance.exit_yes"))
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.exit")
    k.tap("maintenance.exit_yes")
    assert quits == [1]


def test_a_fast_double_tap_on_quit_only_asks(kiosk_ui):
    """Walk 6, M4: quit's question comes up in quit's place, and the second press of a double tap
    (0.1 s) answered it: the program quit and the terminal was dead for residents. A deliberate
    second tap, a second later, still quits."""
    k = kiosk_ui
    quits: list[int] = []
    k.window._on_quit = lambda: quits.append(1)  # noqa: SLF001 (the program's exit: counted, not done)
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.exit")
    k.tap_again(0.1)
    assert quits == [] and k.has_button("maintenance.exit_yes")
    k.tap_again(1.0)
    assert quits == [1]


def test_out_of_service_moves_no_button_and_is_confirmed_in_the_screens_language(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    k.wait(lambda: k.button("maintenance.sync").isEnabled())
    k.tap("maintenance.sync")  # an earlier outcome on the line: it must not stay after pausing
    k.wait(lambda: k.text_of("maintenance.outcome_text") != "")
    k.wait(lambda: k.button("maintenance.sync").isEnabled())
    before = maintenance_button_places(k)
    k.tap("maintenance.out")
    # the sync's outcome is not under the reasons, as if it were about picking one (walk 13)
    k.wait(lambda: k.text_of("maintenance.outcome_text") == "")
    k.tap("maintenance.reason.internal")
    k.wait(lambda: k.has_button("maintenance.in") and k.button("maintenance.in").isEnabled())
    after = maintenance_button_places(k)
    # back in service takes the place of out of service; nothing else moved (the paused state
    # line grew and moved them all, once)
    assert after.pop("maintenance.in") == before.pop("maintenance.out")
    assert after == before
    # ... and looks like the way back: the screen's one main action while paused (walk 12: the one
    # place read the same both ways)
    primary = [n for n, b in k.window.maintenance._buttons.items() if b.property("role") == "primary"]
    assert primary == ["maintenance.in"]
    words = k.terminal.window.maintenance

    def done() -> str:
        return words.t("maintenance.done_out", reason=words.t("maintenance.reason.internal"), shown=words.t("oos.internal"))

    assert k.text_of("maintenance.outcome_text") == done()
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    assert k.text_of("maintenance.outcome_text") == done()
    assert k.text_of("maintenance.outcome_text").startswith("Done")
    k.tap("maintenance.in")
    k.wait(lambda: k.text_of("maintenance.outcome_text") == words.t("maintenance.done_in"))


def test_a_refilled_printer_reads_ready_without_the_old_paper_out(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    printer = k.terminal.printer.load()
    printer.set_state(PrinterState.PAPER_OUT)
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.test_page")
    words = k.terminal.window.maintenance
    k.wait(lambda: words.t("error.printer_paper_out") in k.text_of("maintenance.device.printer"))
    printer.set_state(PrinterState.ONLINE)  # the technician refilled it
    k.wait(lambda: k.button("maintenance.test_page").isEnabled())
    k.tap("maintenance.test_page")
    k.wait(lambda: words.t("maintenance.state.online") in k.text_of("maintenance.device.printer"))
    assert words.t("error.printer_paper_out") not in k.text_of("maintenance.device.printer")


def test_the_maintenance_screen_has_no_resident_controls_in_its_top_bar(kiosk_ui):
    k = kiosk_ui
    open_maintenance(k)
    assert k.has_button("bar.language")  # the technician may read the panel in English
    assert k.lacks_button("bar.mode") and k.lacks_button("bar.help")  # help did nothing here
    k.terminal.card_reader.remove()
    k.wait(lambda: not k.view.technician_card)
    assert k.has_button("bar.mode") and k.has_button("bar.help")


def test_a_devices_error_count_says_what_it_counts_in_both_languages(qapp, tmp_path):
    """Walk 8, F12: 读卡器：有卡（错误：2）, a count with no word on what or since when."""
    from PySide6.QtWidgets import QLabel

    from kiosk.session_view import Mode
    from scripts.render_screens import SCENES, open_scene
    from ui.i18n import Words

    names = [name for name, _scene in SCENES]
    for language, since in (("zh", "本次启动以来"), ("en", "since the terminal started")):
        shown = open_scene(names.index("maintenance"), (1280, 800), language, Mode.STANDARD, tmp_path / language, Words())
        try:
            lines = [w.text() for w in shown.window.findChildren(QLabel) if w.objectName().startswith("maintenance.device.")]
            assert lines and all(since in line for line in lines), lines
        finally:
            shown.close()
