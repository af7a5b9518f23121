"""A receipt as a small document model, the printer's states, and the printer interface.

The session builds a ReceiptDocument; drivers/printer renders it to ESC/POS bytes for a real printer
and to an image for the on-screen preview. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

from drivers.errors import CALL_STAFF, CONTINUE, DriverError


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    align: str = "left"  # left, center, right


@dataclass(frozen=True)
class KeyValue:
    key: str
    value: str  # already masked where the field is personal/sensitive


@dataclass(frozen=True)
class Rule:
    """A separator line across the paper."""


@dataclass(frozen=True)
class QrCode:
    data: str
    size: int = 6  # module size in dots


@dataclass(frozen=True)
class Barcode:
    data: str  # CODE128


@dataclass(frozen=True)
class Footer:
    text: str


Block = Title | Line | KeyValue | Rule | QrCode | Barcode | Footer


@dataclass(frozen=True)
class ReceiptDocument:
    """What to print, top to bottom; the printer cuts after the last block."""

    blocks: tuple[Block, ...] = field(default_factory=tuple)
    language: str = "zh"


class PrinterState(Enum):
    """After CEN/XFS: device state plus paper state, folded."""

    ONLINE = "online"
    PAPER_LOW = "paper_low"  # still prints
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"  # not answering / not connected
    HWERROR = "hwerror"


@dataclass(frozen=True)
class PrintResult:
    state_after: PrinterState
    bytes_sent: int


class PrinterError(DriverError):
    """The receipt did not print (completely). The document can be printed again as it is."""

    message_key = "error.printer"
    ways_forward = (CONTINUE, CALL_STAFF)
    # True when it is certain no part of the document reached the paper (refused before the job):
    # printing it again then is the first receipt, not a second one
    nothing_printed = False

    def __init__(
        self, detail: str = "", *, state: PrinterState = PrinterState.HWERROR, nothing_printed: bool | None = None
    ):
        super().__init__(detail)
        self.state = state
        if nothing_printed is not None:
            self.nothing_printed = nothing_printed


class PaperOut(PrinterError):
    message_key = "error.printer_paper_out"


class PrinterOffline(PrinterError):
    message_key = "error.printer_offline"


class PrintOutcomeUnknown(PrinterError):
    """The whole job was handed to the printer, but it did not say how it went (no status in time,
    or the connection ended after the job): the receipt may have printed. Not a failure to print
    again at once: the resident checks the tray first, and a receipt printed again says REPRINT."""

    message_key = "error.printer_unknown"
    ways_forward = (CONTINUE, CALL_STAFF)


class ReceiptPrinter(Protocol):
    def state(self) -> PrinterState:
        """Blocking status query: call off the UI thread."""
        ...

    def print_document(self, document: ReceiptDocument) -> PrintResult:
        """Blocking: checks status before and after. Raises PaperOut, PrinterOffline, PrinterError."""
        ...


class ReceiptContentError(PrinterError):
    """The document itself cannot be printed (nothing to print, a QR code or barcode whose data does
    not fit the paper). Raised before any byte reaches the printer; printing the same document again
    fails the same way, so the screen shows the reference instead."""

    ways_forward = (CONTINUE, CALL_STAFF)
    nothing_printed = True
