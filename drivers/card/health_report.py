"""How a card reader reports into the device-health board (maintenance mode, hub heartbeat).

Device name "card_reader"; state is a ReaderState value; counters cards_read and read_errors (the
board's own "errors" counter also counts service failures). Error texts name the error type and a
technician detail only, never data from the card.
"""

from __future__ import annotations

from drivers.card.model import CardError, ReaderState
from drivers.health import HealthBoard

DEVICE = "card_reader"


class ReaderHealth:
    """Forwards to a HealthBoard when one was given; does nothing otherwise."""

    def __init__(self, board: HealthBoard | None) -> None:
        self._board = board

    def state(self, state: ReaderState) -> None:
        if self._board is not None:
            self._board.set_state(DEVICE, state.value)

    def card_read(self) -> None:
        if self._board is not None:
            self._board.count(DEVICE, "cards_read")

    def read_failed(self, error: CardError) -> None:
        if self._board is not None:
            self._board.count(DEVICE, "read_errors")
            self._board.record_error(DEVICE, f"{type(error).__name__}: {error}")

    def fault(self, message: str) -> None:
        if self._board is not None:
            self._board.record_error(DEVICE, message)
