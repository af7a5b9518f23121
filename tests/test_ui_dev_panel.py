"""The demo controls act on the simulated devices: cards in and out, printer paper out and back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from drivers.printer.model import PrinterState
from drivers.printer.simulated import SimulatedPrinter
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


def test_the_panels_paper_label_follows_the_printer_whichever_control_empties_it(qtbot, tmp_path):
    printer = SimulatedPrinter(tmp_path / "receipts")
    devices = DemoDevices(card_reader=None, printer=printer)
    window = QWidget()
    qtbot.addWidget(window)
    install_demo_keys(window, devices)
    panel = DevPanel(devices)
    qtbot.addWidget(panel)
    paper = panel.findChild(QPushButton, "dev.paper")
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)  # the keys act on the active kiosk window
    assert paper.text() == "F9 Printer paper: in"

    qtbot.keyClick(window, Qt.Key.Key_F9)  # F9 on the kiosk window, not on the panel
    assert printer.paper_out is True
    assert paper.text() == "F9 Printer paper: OUT"
    assert paper.accessibleName() == "F9 Printer paper: OUT"

    qtbot.mouseClick(paper, Qt.MouseButton.LeftButton)
    assert printer.paper_out is False
    assert paper.text() == "F9 Printer paper: in"

    printer.set_state(PrinterState.PAPER_OUT)  # emptied by neither control: the panel still catches up
    qtbot.waitUntil(lambda: paper.text() == "F9 Printer paper: OUT", timeout=5000)
