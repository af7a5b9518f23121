"""How the session hands blocking work away: an executor runs `fn` somewhere and reports back.

The session never waits for a device, the disk or the hub. It gives each blocking job to an
`Executor`; the executor calls `on_done` with the job's result, or with the exception it raised, on
the session's own thread. In the screens (ui/) that is a worker pool whose results are delivered on
the Qt UI thread; in tests it is `SynchronousExecutor` (done at once) or `ManualExecutor` (the test
decides when each job runs).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")

Done = Callable[[Any], None]


class Executor(Protocol):
    def submit(self, fn: Callable[[], T], on_done: Callable[[T | BaseException], None]) -> None:
        """Run `fn` off the caller's thread; later call `on_done(result)` or `on_done(exception)`
        on the session's thread. Must never call `on_done` twice for one job, never drop a job."""
        ...


def run_job(fn: Callable[[], T]) -> T | BaseException:
    """Run `fn` and return its result, or the `Exception` it raised as a value.

    Only `Exception` becomes a value: KeyboardInterrupt and SystemExit still stop the program.
    """
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - handed to on_done as a value, not swallowed
        return exc


class SynchronousExecutor:
    """Runs each job at once, on the calling thread, and calls on_done before submit returns."""

    def __init__(self) -> None:
        self.jobs_run = 0

    def submit(self, fn: Callable[[], T], on_done: Callable[[T | BaseException], None]) -> None:
        self.jobs_run += 1
        on_done(run_job(fn))


class ManualExecutor:
    """Holds jobs until the test runs them: lets a test look at the session while work is pending."""

    def __init__(self) -> None:
        self._pending: deque[tuple[Callable[[], Any], Done]] = deque()

    @property
    def pending(self) -> int:
        return len(self._pending)

    def submit(self, fn: Callable[[], T], on_done: Callable[[T | BaseException], None]) -> None:
        self._pending.append((fn, on_done))

    def run_next(self) -> None:
        """Run the oldest pending job and deliver its result. Raises IndexError when none is pending."""
        fn, on_done = self._pending.popleft()
        on_done(run_job(fn))

    def run_all(self) -> int:
        """Run pending jobs (also ones submitted meanwhile) until none is left; returns how many ran."""
        count = 0
        while self._pending:
            self.run_next()
            count += 1
        return count
