"""The demo controls act on the simulated devices: cards in and out, printer paper out and back."""

from __future__ import annotations

from PySide6.QtCore import Qt

from kiosk.session_view import Step
from ui.dev_panel import DemoDevices, DevPanel, install_demo_keys


def test_demo_keys_insert_cards_and_empty_the_printer(kiosk_ui, qtbot):
    k = kiosk_ui
    devices = DemoDevices(k.terminal.card_reader, k.terminal.printer)
    install_demo_keys(k.window, devices)
    k.window.activateWindow()
    k.tap("attract.start")
    qtbot.keyClick(k.window, Qt.Key.Key_F5)
    k.wait(lambda: k.view.identity is not None)
    assert k.view.step is Step.CHOOSE
    qtbot.keyClick(k.window, Qt.Key.Key_F8)
    k.wait_step(Step.ATTRACT)
    qtbot.keyClick(k.window, Qt.Key.Key_F9)
    assert k.terminal.printer.paper_out is True
    panel = DevPanel(devices)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.mouseClick(panel.findChild(type(k.button("bar.help")), "dev.paper"), Qt.MouseButton.LeftButton)
    assert k.terminal.printer.paper_out is False
