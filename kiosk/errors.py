"""Errors as values: each has a type and a resident-facing message key.

The words for a key live in ui/ (translated); the domain only names the situation and what the
resident can do next, so a screen can always offer a way forward.
"""

from __future__ import annotations

from enum import Enum


class WayForward(Enum):
    """What the screen offers the resident after a failure."""

    RETRY = "retry"
    TICKET = "ticket"  # take a ticket for the staffed window
    CALL_STAFF = "call_staff"
    CONTINUE = "continue"  # nothing lost, carry on (e.g. receipt not printed but reference shown)


class KioskError(Exception):
    """Base of every expected failure. `message_key` names the resident-facing text in ui/."""

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
