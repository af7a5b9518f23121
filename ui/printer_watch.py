"""Whether the printer has paper, told to the session every few seconds (walk 3, findings 23 and
25): the service list and the review warn before a resident relies on a slip, and a receipt that
did not print says so once the paper is back, without waiting for a tap.

The printer's state is asked in a worker (a real printer answers over USB or the network); one
question at a time; a printer not built yet (the deferred start) is not asked.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer

from drivers.printer.model import PrinterState

log = logging.getLogger(__name__)

WATCH_MS = 3000


class PrinterWatch(QObject):
    def __init__(self, printer: Any, executor: Any, session: Any, interval_ms: int = WATCH_MS) -> None:
        super().__init__()
        self._printer, self._executor, self._session = printer, executor, session
        self._asking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.timer.start()

    def check(self) -> None:
        if self._asking or not getattr(self._printer, "loaded", True):
            return
        self._asking = True
        self._executor.submit(self._printer.state, self._answered)

    def _answered(self, state: PrinterState | BaseException) -> None:
        self._asking = False
        if isinstance(state, BaseException):
            log.info("printer state unknown: %s", type(state).__name__)
            return
        self._session.set_paper_out(state is PrinterState.PAPER_OUT)
