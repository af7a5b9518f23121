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

from PySide6.QtCore import QTimer
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
