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

# Collectors of every terminal in this process that have started and not stopped. Collection goes
# back to automatic only when the last one stops, and then only if it was automatic before the first
# started: a terminal built while another still runs must not switch it back on under the first.
_active: set[int] = set()
_enabled_before: list[bool] = []


def _release(key: int) -> None:
    if key not in _active:
        return
    _active.discard(key)
    if not _active and _enabled_before.pop():
        gc.enable()


def active_collectors() -> int:
    return len(_active)


class UiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._key = id(self)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)

    def start(self) -> None:
        if self._key in _active:
            return
        if not _active:
            _enabled_before.append(gc.isenabled())
        _active.add(self._key)
        gc.disable()
        # a terminal dropped without shutdown destroys its collector's C++ side with it: count it out
        # then (a plain function: the Python wrapper may be gone by then)
        key = self._key
        self.destroyed.connect(lambda *_: _release(key))
        self._timer.start()

    def stop(self) -> None:
        """Give collection back to Python (at shutdown: the tests build many terminals in one process)."""
        self._timer.stop()
        _release(self._key)

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
