"""The drivers' own error base: a type, a message key and the ways forward as plain data.

drivers/ import nothing from kiosk/: the ways forward are plain strings ("retry", "ticket",
"call_staff", "continue"), which kiosk.errors.WayForward takes as its values, and kiosk.errors
registers DriverError as a KioskError, so `isinstance(e, KioskError)` keeps holding for callers.
"""

from __future__ import annotations

RETRY, TICKET, CALL_STAFF, CONTINUE = "retry", "ticket", "call_staff", "continue"


class DriverError(Exception):
    """Base of every expected device failure. `message_key` names the resident-facing text in ui/;
    `detail` (the exception's message) is for technicians and never holds personal data."""

    message_key: str = "error.generic"
    ways_forward: tuple[str, ...] = (RETRY, CALL_STAFF)

    def __init__(self, detail: str = "", *, message_key: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        if message_key is not None:
            self.message_key = message_key


class DriverConfigError(DriverError, ValueError):
    """A device setting (or a card profile) is not usable: the kiosk cannot start this device."""

    message_key = "error.config"
    ways_forward = (CALL_STAFF,)
