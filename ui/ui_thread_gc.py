"""Python's cyclic garbage collector runs on the UI thread only.

Left automatic, a collection runs in whichever thread happens to allocate when a threshold is passed:
a worker thread building a hub request then frees widgets, layouts and timers caught in reference
cycles, and Qt objects destroyed off the UI thread crash the process (seen: a segmentation fault
with "Garbage-collecting" on a kiosk-worker thread inside requests). So automatic collection is off
while the terminal runs, and a timer on the UI thread collects each generation when its count is
past the threshold the collector had, as the collector itself would have. Reference counting still
frees everything that is not in a cycle at once, wherever it is dropped.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500  # often enough that a cycle's memory waits under a second; a check costs microseconds


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Give collection back to Python (at shutdown: the tests build many terminals in one process)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the generations whose counts are past their thresholds; the number found."""
        young, middle, old = gc.get_count()
        t0, t1, t2 = self._thresholds
        if young <= t0:
            return 0
        if middle + 1 <= t1:
            return gc.collect(0)
        if old + 1 <= t2:
            return gc.collect(1)
        return gc.collect(2)
