"""The session's executor on Qt: jobs run on worker threads, results come back on the UI thread.

A worker thread never touches a widget or the session: it runs the job and emits a signal carrying
the result; the signal is delivered to the `QtExecutor`'s thread (the UI thread) by a queued
connection, where `on_done` runs.

The workers are Python threads that live as long as the executor (concurrent.futures), not a
QThreadPool of Python `QRunnable`s. Two things went wrong with the QThreadPool in the soak
(bench/soak.py): a short job (a card read, < 1 ms) could finish and be deleted by the pool before
`start()` had returned, and then its Python wrapper, with the job and everything the job's closure
held, was never freed (≈ 40 jobs per 100 sessions); and a Qt pool thread gets a new Python thread
state for every job, so what a job keeps in a `threading.local` (the hub client's requests Session
with its kept-alive connection) was thrown away and made again on every call.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.executor import run_job

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Relay(QObject):
    finished = Signal(int, object)


class QtExecutor(QObject):
    """`kiosk.executor.Executor` for the screens. Create it on the UI thread.

    `pending` counts jobs submitted and not yet delivered; `close()` is for shutdown only.
    """

    def __init__(self, max_threads: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_threads, thread_name_prefix="kiosk-worker")
        self._relay = _Relay(self)
        self._relay.finished.connect(self._deliver)
        self._callbacks: dict[int, Callable[[Any], None]] = {}
        self._running: set[concurrent.futures.Future] = set()
        self._running_lock = threading.Lock()
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
        future = self._pool.submit(self._run, job_id, fn)
        with self._running_lock:
            self._running.add(future)
        future.add_done_callback(self._forget)

    def _run(self, job_id: int, fn: Callable[[], Any]) -> None:  # on a worker thread
        self._relay.finished.emit(job_id, run_job(fn))

    def _forget(self, future: concurrent.futures.Future) -> None:
        with self._running_lock:
            self._running.discard(future)

    @Slot(int, object)
    def _deliver(self, job_id: int, result: Any) -> None:
        on_done = self._callbacks.pop(job_id, None)
        if on_done is not None:  # None: delivered after close(), to a terminal that is gone
            on_done(result)

    def wait_idle(self, timeout_ms: int = 10_000) -> bool:
        """Block until the jobs handed out so far have run (True when they did within `timeout_ms`)."""
        with self._running_lock:
            running = list(self._running)
        _, not_done = concurrent.futures.wait(running, timeout=timeout_ms / 1000)
        return not not_done

    def close(self, timeout_ms: int = 10_000) -> bool:
        """At shutdown: start no more jobs, wait for the running ones (True when they ended within
        `timeout_ms`), and drop their results still queued for the UI thread: a result delivered
        later would change a session whose stores are being closed."""
        self._closed = True
        idle = self.wait_idle(timeout_ms)
        self._pool.shutdown(wait=False)  # the idle workers end; a late one ends after its job
        self._callbacks.clear()
        return idle
