"""Errors as values: each has a type and a resident-facing message key.

The words for a key live in ui/ (translated); the domain only names the situation and what the
resident can do next, so a screen can always offer a way forward.
"""

from __future__ import annotations

from abc import ABCMeta
from enum import StrEnum

from drivers.errors import DriverConfigError, DriverError
from offline_queue.errors import QueueFault


class WayForward(StrEnum):
    """What the screen offers the resident after a failure. A str: drivers/ and offline_queue/ name
    their ways forward as plain strings ("retry" ...), which compare and hash equal to these."""

    RETRY = "retry"
    TICKET = "ticket"  # take a ticket for the staffed window
    CALL_STAFF = "call_staff"
    CONTINUE = "continue"  # nothing lost, carry on (e.g. receipt not printed but reference shown)


class KioskError(Exception, metaclass=ABCMeta):
    """Base of every expected failure. `message_key` names the resident-facing text in ui/.

    The device and queue errors (drivers.errors.DriverError, offline_queue.errors.QueueFault) are
    their packages' own, registered below: isinstance/issubclass hold, but an `except KioskError`
    clause does not see them (Python matches except clauses by real inheritance), so code that
    catches every expected failure catches EXPECTED_ERRORS.
    """

    message_key: str = "error.generic"
    ways_forward: tuple[WayForward, ...] = (WayForward.RETRY, WayForward.CALL_STAFF)

    def __init__(self, detail: str = "", *, message_key: str | None = None) -> None:
        # detail is for technicians and logs: it must never hold personal data
        super().__init__(detail or self.__class__.__name__)
        if message_key is not None:
            self.message_key = message_key


class ConfigError(KioskError):
    message_key = "error.config"
    ways_forward = (WayForward.CALL_STAFF,)


KioskError.register(DriverError)
KioskError.register(QueueFault)
ConfigError.register(DriverConfigError)

# every expected failure, for `except EXPECTED_ERRORS` (see KioskError)
EXPECTED_ERRORS: tuple[type[Exception], ...] = (KioskError, DriverError, QueueFault)


def ways_forward_of(error: BaseException) -> tuple[WayForward, ...]:
    """The error's ways forward as WayForward members (drivers and the queue give plain strings)."""
    return tuple(WayForward(w) for w in getattr(error, "ways_forward", ()))
