"""How many wrong technician PINs the terminal has seen, and whether the PIN pad is locked.

Found walking (walktech finding 28): the five tries belonged to the card's insertion, so taking the
card out and in again gave five more, and another card five more again. The tries and the lock are
the terminal's: they hold across reinsertion, across cards and (kept in a small file) across a
restart, until a right PIN or the end of the lock. Nothing here holds a PIN, only counts and times.

    lockout = PinLockout(path)          # or PinLockout(None): kept in memory only
    lockout.locked_for()                # seconds still locked, 0 when the pad may be used
    lockout.wrong()                     # one more wrong PIN: True when that one locked the pad
    lockout.right()                     # the right PIN: the count starts again
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable
from pathlib import Path

from kiosk.atomic import write_atomic

log = logging.getLogger(__name__)

MAX_TRIES = 5
LOCK_S = 300  # 5 minutes: long enough that guessing a 6-digit PIN takes years, short for a real typo


class PinLockout:
    """Thread-safe. `clock` is wall time (a lock must survive a restart, so no monotonic clock); a
    clock set back cannot make a lock longer than LOCK_S."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        max_tries: int = MAX_TRIES,
        lock_s: int = LOCK_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._path = path
        self.max_tries = max_tries
        self.lock_s = lock_s
        self._clock = clock
        self._lock = threading.Lock()
        self._tries, self._until = self._load()

    def _load(self) -> tuple[int, float]:
        if self._path is None or not self._path.exists():
            return 0, 0.0
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            return int(data["tries"]), float(data["locked_until"])
        except (OSError, ValueError, KeyError, TypeError):
            # unreadable: locked, as after five wrong PINs (a damaged file never gives more tries)
            log.warning("technician PIN lockout file unreadable: locked for the full time")
            return self.max_tries, self._clock() + self.lock_s

    def _save(self) -> None:
        if self._path is None:
            return
        data = json.dumps({"tries": self._tries, "locked_until": self._until}).encode("utf-8")
        try:
            write_atomic(self._path, data)
        except OSError as exc:  # the lock still holds in memory until the program ends
            log.warning("technician PIN lockout not saved: %s", type(exc).__name__)

    def _expire(self, now: float) -> None:
        """The lock is over: the tries start again. A clock set back: the lock ends LOCK_S from now."""
        if self._until and now >= self._until:
            self._tries, self._until = 0, 0.0
            self._save()
        elif self._until - now > self.lock_s:
            self._until = now + self.lock_s

    def locked_for(self) -> int:
        """Whole seconds the pad stays locked (rounded up), 0 when it may be used."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            return max(0, math.ceil(self._until - now)) if self._until else 0

    def tries_left(self) -> int:
        with self._lock:
            self._expire(self._clock())
            return 0 if self._until else max(0, self.max_tries - self._tries)

    def wrong(self) -> bool:
        """Count one wrong PIN; True when it locked the pad (for lock_s seconds from now)."""
        with self._lock:
            now = self._clock()
            self._expire(now)
            if self._until:
                return False  # already locked: no PIN is checked while locked
            self._tries += 1
            locked = self._tries >= self.max_tries
            if locked:
                self._until = now + self.lock_s
            self._save()
            return locked

    def right(self) -> None:
        with self._lock:
            if self._tries or self._until:
                self._tries, self._until = 0, 0.0
                self._save()
