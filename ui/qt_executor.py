"""The session's executor on Qt: jobs run in a QThreadPool, results come back on the UI thread.

A worker thread never touches a widget or the session: it runs the job and emits a signal carrying
the result; the signal is delivered to the `QtExecutor`'s thread (the UI thread) by a queued
connection, where `on_done` runs.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from kiosk.executor import run_job

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Relay(QObject):
    finished = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._job_id = job_id
        self._fn = fn
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:  # on a pool thread
        self._relay.finished.emit(self._job_id, run_job(self._fn))


class QtExecutor(QObject):
    """`kiosk.executor.Executor` for the screens. Create it on the UI thread.

    `pending` counts jobs submitted and not yet delivered; `close()` is for shutdown only.
    """

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._ids = itertools.count(1)
        self._closed = False

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def submit(self, fn: Callable[[], T], on_done: Callable[[T | BaseException], None]) -> None:
        if self._closed:
            log.info("job not started: the terminal is shutting down")
            return
        job_id = next(self._ids)
        self._callbacks[job_id] = on_done
        self._pool.start(_Job(job_id, fn, self._relay))

    @Slot(int, object)
    def _deliver(self, job_id: int, result: Any) -> None:
        on_done = self._callbacks.pop(job_id, None)
        if on_done is not None:  # None: delivered after close(), to a terminal that is gone
            on_done(result)

    def close(self, timeout_ms: int = 10_000) -> bool:
        """At shutdown: start no more jobs, wait for the running ones (True when they ended within
        `timeout_ms`), and drop their results still queued for the UI thread: a result delivered
        later would change a session whose stores are being closed."""
        self._closed = True
        idle = self._pool.waitForDone(timeout_ms)
        self._callbacks.clear()
        return idle
