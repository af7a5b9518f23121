"""Parts of the terminal built on first use instead of at start-up.

The attract screen needs none of the printer (python-escpos loads a large capability database),
the hub client (requests) or the outbox (SQLite, cryptography) to be shown, and all three are only
ever called from workers. So the kiosk paints its first screen, then builds them in a worker moments
later (`load()`), or at first use at the latest. Every attribute is passed through to the part
(e.g. the simulated printer's `paper_out`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class Deferred:
    """A stand-in that builds the real part with `factory()` when first needed. Thread-safe."""

    def __init__(self, name: str, factory: Callable[[], Any]) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_factory", factory)
        object.__setattr__(self, "_lock", threading.Lock())
        object.__setattr__(self, "_part", None)

    def load(self) -> Any:
        """Build the part now (once); raises what the factory raises (e.g. ConfigError)."""
        with self._lock:
            if self._part is None:
                try:
                    object.__setattr__(self, "_part", self._factory())
                except BaseException as exc:
                    object.__setattr__(self, "_failure", exc)  # for the maintenance screen to show
                    raise
                object.__setattr__(self, "_failure", None)
            return self._part

    @property
    def failure(self) -> BaseException | None:
        """Why the last build failed (None once built, or before any try); the next load tries again."""
        return self.__dict__.get("_failure")

    @property
    def loaded(self) -> bool:
        return self._part is not None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.load(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.load(), name, value)

    def __repr__(self) -> str:
        return f"Deferred({self._name}, loaded={self.loaded})"
