"""Who may send an outbox's items: one sync worker at a time, across processes.

An exclusive `flock` on ``<outbox file>.sync-lock``. The kernel drops it when the holder dies (even
by SIGKILL), so items left ``in_flight`` by a crashed holder may safely go back to pending once the
lock is ours, and never while a live worker in another process is sending them.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class SyncLock:
    def __init__(self, outbox_path: Path) -> None:
        self.path = Path(f"{outbox_path}.sync-lock")
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """True when this object now holds the lock (or held it already); never waits."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
