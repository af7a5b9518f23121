"""How a receipt printer reports into the device-health board (maintenance mode, hub heartbeat).

Device name "printer"; state is a PrinterState value; counters receipts_printed and print_errors
(the board's own "errors" counter counts them too). Error texts name the error type and a technician
detail only, never what the receipt said.
"""

from __future__ import annotations

from drivers.health import HealthBoard
from drivers.printer.model import PrinterError, PrinterState, ReceiptContentError

DEVICE = "printer"


class PrinterHealth:
    """Forwards to a HealthBoard when one was given; does nothing otherwise."""

    def __init__(self, board: HealthBoard | None) -> None:
        self._board = board

    def state(self, state: PrinterState) -> None:
        if self._board is not None:
            self._board.set_state(DEVICE, state.value)

    def printed(self) -> None:
        if self._board is not None:
            self._board.count(DEVICE, "receipts_printed")

    def failed(self, error: PrinterError) -> None:
        if self._board is not None:
            if not isinstance(error, ReceiptContentError):  # a bad document says nothing about the device
                self._board.set_state(DEVICE, error.state.value)
            self._board.count(DEVICE, "print_errors")
            self._board.record_error(DEVICE, f"{type(error).__name__}: {error}")
