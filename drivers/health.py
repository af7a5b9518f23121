"""Device health as maintenance mode and the hub heartbeat read it: state, last error, counters.

Drivers report into a HealthBoard from their own threads; readers take a snapshot. No Qt here.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DeviceHealth:
    device: str  # "card_reader", "printer"
    state: str  # a ReaderState / PrinterState value
    since: float  # epoch seconds of the last state change
    last_error: str | None = None  # technician text, never personal data
    last_error_at: float | None = None
    counters: dict[str, int] = field(default_factory=dict)


class HealthBoard:
    """Thread-safe record of every device's health."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._devices: dict[str, DeviceHealth] = {}

    def _current(self, device: str) -> DeviceHealth:
        return self._devices.get(device) or DeviceHealth(device, "unknown", time.time())

    def set_state(self, device: str, state: str) -> None:
        with self._lock:
            cur = self._current(device)
            if cur.state != state or device not in self._devices:
                self._devices[device] = DeviceHealth(
                    device, state, time.time(), cur.last_error, cur.last_error_at, dict(cur.counters)
                )

    def record_error(self, device: str, message: str) -> None:
        with self._lock:
            cur = self._current(device)
            counters = dict(cur.counters)
            counters["errors"] = counters.get("errors", 0) + 1
            self._devices[device] = DeviceHealth(device, cur.state, cur.since, message, time.time(), counters)

    def count(self, device: str, counter: str, by: int = 1) -> None:
        with self._lock:
            cur = self._current(device)
            counters = dict(cur.counters)
            counters[counter] = counters.get(counter, 0) + by
            self._devices[device] = DeviceHealth(
                device, cur.state, cur.since, cur.last_error, cur.last_error_at, counters
            )

    def snapshot(self) -> dict[str, DeviceHealth]:
        with self._lock:
            return dict(self._devices)
