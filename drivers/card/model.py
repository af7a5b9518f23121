"""The card reader as the rest of the program sees it: states, events, identities and typed errors.

No Qt and no pyscard here: ui/ adapts events to signals, drivers/card/pcsc.py talks PC/SC, and
drivers/card/simulated.py is the demo reader. Both implement `CardReader`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Protocol

from drivers.errors import CALL_STAFF, RETRY, TICKET, DriverError


class ReaderState(Enum):
    """Names after CEN/XFS: device and media states folded into what a screen needs."""

    NODEVICE = "nodevice"  # no reader connected
    NOTPRESENT = "notpresent"  # reader ready, no card
    PRESENT = "present"  # a card is in the reader
    HWERROR = "hwerror"  # reader or PC/SC service failed


class CardEventKind(Enum):
    INSERTED = "inserted"
    REMOVED = "removed"
    READER_ADDED = "reader_added"
    READER_REMOVED = "reader_removed"


@dataclass(frozen=True)
class CardEvent:
    kind: CardEventKind
    reader: str


class Role(Enum):
    RESIDENT = "resident"
    TECHNICIAN = "technician"


@dataclass(frozen=True)
class Identity:
    """Who is at the terminal. Personal fields: mask them on screen, never log them."""

    role: Role
    name: str
    id_number: str
    card_number: str
    expiry: date
    profile: str  # which card profile read it

    def __repr__(self) -> str:  # keeps personal data out of logs and tracebacks
        return f"Identity(role={self.role.value}, profile={self.profile}, card=***{self.card_number[-4:]})"

    __str__ = __repr__


class CardError(DriverError):
    message_key = "error.card_unreadable"
    ways_forward = (RETRY, TICKET, CALL_STAFF)


class CardUnreadable(CardError):
    """The card answered garbage, or nothing in time."""


class UnknownCard(CardError):
    """No configured profile knows this card."""

    message_key = "error.card_unknown"


class CardExpired(CardError):
    message_key = "error.card_expired"
    ways_forward = (TICKET, CALL_STAFF)


class CardRemoved(CardError):
    """The card left the reader during the read."""

    message_key = "error.card_removed"
    ways_forward = (RETRY,)


class ReaderGone(CardError):
    """No reader, or the PC/SC service is not running."""

    message_key = "error.reader_gone"
    ways_forward = (TICKET, CALL_STAFF)


CardListener = Callable[[CardEvent], None]


class CardReader(Protocol):
    def start(self) -> None:
        """Begin watching for readers and cards; listeners are called from a driver thread."""
        ...

    def stop(self) -> None: ...

    def add_listener(self, listener: CardListener) -> None: ...

    def state(self) -> ReaderState: ...

    def readers(self) -> list[str]:
        """Names of the readers present now (empty when none, or when the PC/SC service is down)."""
        ...

    def read_identity(self) -> Identity:
        """Blocking: call off the UI thread. Raises a CardError subclass."""
        ...
