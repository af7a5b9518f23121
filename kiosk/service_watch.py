"""Whether this terminal serves residents, for the heartbeat's `service` part (contract.service_state).

    watch = ServiceWatch()
    session.subscribe(watch)               # on the UI thread: notes each change of out-of-service
    HeartbeatSources(..., service_state=watch.heartbeat_part)   # read in the heartbeat's thread

The session's view says whether it is out of service and why; the watch adds since when (the moment
it saw the change) and hands both to the heartbeat's thread under a lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from contract.service_state import service_part


class ServiceWatch:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._reason: str | None = None
        self._since: float | None = None

    def __call__(self, view: Any) -> None:
        reason = view.out_of_service.value if view.out_of_service is not None else None
        with self._lock:
            if reason != self._reason:
                self._reason, self._since = reason, self._clock()

    def heartbeat_part(self) -> dict[str, Any]:
        with self._lock:
            return service_part(self._reason, self._since if self._reason is not None else None)
