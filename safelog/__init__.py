"""Logging an unexpected exception without its message (a neutral module: kiosk/, drivers/ and
offline_queue/ all use it, and it imports nothing of theirs).

An exception's message may quote what it failed on (a payload value, bytes from a card, a name),
and personal data must never reach a log. The type and the stack frames are what a technician
needs to find the fault; the frames show code, not values.
"""

from __future__ import annotations

import logging
import traceback


def log_unexpected(log: logging.Logger, what: str, exc: BaseException) -> None:
    """Log `what` failed with `exc`'s type and frames, leaving out its message."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("%s: %s (message withheld)\n%s", what, type(exc).__name__, frames)
