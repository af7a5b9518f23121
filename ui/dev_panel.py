"""Demo controls for a kiosk on a laptop: insert demo cards and empty the simulated printer.

Keys (always on with simulated devices): F5 resident card, F6 technician card, F7 expired card,
F8 take the card out, F9 printer paper out / refilled. `DevPanel` is the same as buttons in a small
separate window (`python -m ui --dev`). Works only with the simulated reader and printer; with real
devices nothing is installed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, QRect, QSize, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.widgets import button

log = logging.getLogger(__name__)


class DemoDevices:
    """What the demo can do to the simulated devices."""

    def __init__(self, card_reader: Any, printer: Any) -> None:
        self.card_reader = card_reader
        self.printer = printer
        self._paper_listeners: list[Callable[[bool], None]] = []

    @property
    def has_card_controls(self) -> bool:
        return hasattr(self.card_reader, "insert") and hasattr(self.card_reader, "remove")

    @property
    def has_paper_control(self) -> bool:
        return hasattr(self.printer, "paper_out")

    @property
    def paper_is_out(self) -> bool:
        """The simulated printer's paper state now (False without a simulated printer)."""
        return bool(self.has_paper_control and self.printer.paper_out)

    def on_paper_changed(self, listener: Callable[[bool], None]) -> None:
        """Call `listener(out)` after every demo toggle of the paper, whichever control did it
        (F9 on the kiosk window or the panel's button)."""
        self._paper_listeners.append(listener)

    def forget_paper_listener(self, listener: Callable[[bool], None]) -> None:
        """Stop calling `listener` (a closed panel); unknown listeners are ignored."""
        if listener in self._paper_listeners:
            self._paper_listeners.remove(listener)

    def insert(self, label: str) -> None:
        if self.has_card_controls:
            self.card_reader.insert(label)

    def remove(self) -> None:
        if self.has_card_controls:
            self.card_reader.remove()

    def toggle_paper(self) -> bool:
        """Flip the simulated printer between paper out and online; returns True when now out."""
        if not self.has_paper_control:
            return False
        self.printer.paper_out = not self.printer.paper_out
        out = self.printer.paper_out
        log.info("demo printer paper out: %s", out)
        for listener in self._paper_listeners:
            listener(out)
        return out


KEYS = {
    "F5": ("insert", "resident"),
    "F6": ("insert", "technician"),
    "F7": ("insert", "expired"),
    "F8": ("remove", None),
    "F9": ("toggle_paper", None),
}


def install_demo_keys(window: QWidget, devices: DemoDevices) -> list[QShortcut]:
    """Bind F5..F9 on `window` to the demo devices."""
    shortcuts = []
    for key, (action, arg) in KEYS.items():
        shortcut = QShortcut(QKeySequence(key), window)
        method = getattr(devices, action)
        shortcut.activated.connect((lambda m=method, a=arg: m(a)) if arg else (lambda m=method: m()))
        shortcuts.append(shortcut)
    return shortcuts


class DevPanel(QWidget):
    """A small window beside the kiosk with the demo controls as buttons."""

    def __init__(self, devices: DemoDevices) -> None:
        super().__init__()
        self.setWindowTitle("Kiosk demo devices")
        self.setObjectName("dev_panel")
        self._devices = devices
        box = QVBoxLayout(self)
        box.addWidget(QLabel("Demo devices (F5–F9)"))
        box.addWidget(button("F5 Resident card", lambda: devices.insert("resident"), name="dev.resident"))
        box.addWidget(
            button("F6 Technician card", lambda: devices.insert("technician"), name="dev.technician")
        )
        box.addWidget(button("F7 Expired card", lambda: devices.insert("expired"), name="dev.expired"))
        box.addWidget(button("F8 Take card out", devices.remove, name="dev.remove"))
        self._paper = button("F9 Printer paper: in", devices.toggle_paper, name="dev.paper")
        box.addWidget(self._paper)
        box.addStretch(1)
        devices.on_paper_changed(self._show_paper)
        show_paper = self._show_paper
        self.destroyed.connect(lambda: devices.forget_paper_listener(show_paper))
        # the printer can also be put in a state without the demo controls (a test, a script): a
        # slow look keeps the label true to it anyway
        self._paper_poll = QTimer(self)
        self._paper_poll.setInterval(1000)
        self._paper_poll.timeout.connect(lambda: self._show_paper(devices.paper_is_out))
        self._paper_poll.start()
        self._show_paper(devices.paper_is_out)

    @property
    def paper_label(self) -> str:
        return self._paper.text()

    def _show_paper(self, out: bool) -> None:
        text = f"F9 Printer paper: {'OUT' if out else 'in'}"
        if self._paper.text() != text:
            self._paper.setText(text)
            self._paper.setAccessibleName(text)


GAP_PX = 20  # between the kiosk window and the devices window beside it
FRAME_PX = 40  # room for a window manager's title bar and borders around the panel


def devices_window_place(screen: QRect, kiosk: QRect, panel: QSize) -> QPoint:
    """Where the devices window goes: beside the kiosk window (right, else left) when it fits on the
    screen, else over the kiosk's top-left corner (the terminal's name and the title: nothing a
    resident taps), always wholly on the screen. Before, it went to x = kiosk width + 20 whatever
    the screen's width: off a 1280-wide screen, so the demo's devices could not be reached."""
    width, height = panel.width() + FRAME_PX // 2, panel.height() + FRAME_PX
    top = max(screen.top(), min(kiosk.top(), screen.bottom() + 1 - height))
    right_x = kiosk.right() + 1 + GAP_PX
    if right_x + width <= screen.right() + 1:
        return QPoint(right_x, top)
    left_x = kiosk.left() - GAP_PX - width
    if left_x >= screen.left():
        return QPoint(left_x, top)
    x = max(screen.left(), min(kiosk.left(), screen.right() + 1 - width))
    return QPoint(x, top)


def show_devices_window(kiosk: QWidget, devices: DemoDevices) -> DevPanel:
    """The demo-devices window, shown where `devices_window_place` says, on the kiosk's screen."""
    panel = DevPanel(devices)
    screen = kiosk.screen()
    area = screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)
    panel.adjustSize()
    panel.move(devices_window_place(area, kiosk.frameGeometry(), panel.size()))
    panel.show()
    return panel
