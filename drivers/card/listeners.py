"""The listener list both card readers share: thread-safe registration, dispatch from a driver thread."""

from __future__ import annotations

import logging
import threading

from drivers.card.model import CardEvent, CardListener
from safelog import log_unexpected

log = logging.getLogger(__name__)


class ListenerList:
    """Listeners are called in registration order from the caller's (driver) thread.

    A listener that raises is logged with its traceback and the others still run: one broken screen
    adapter must not stop the reader from reporting cards.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[CardListener] = []

    def add(self, listener: CardListener) -> None:
        with self._lock:
            self._listeners.append(listener)

    def dispatch(self, event: CardEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        log.debug("card event %s on %s", event.kind.value, event.reader)
        for listener in listeners:
            try:
                listener(event)
            except Exception as exc:  # noqa: BLE001 - logged, and the remaining listeners must still run
                log_unexpected(log, f"card listener failed on {event.kind.value}", exc)
