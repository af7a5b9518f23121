"""The ESC/POS real-time status exchange (DLE EOT n) and how its answers fold into a PrinterState.

Each query is three bytes and the printer answers one byte at once, even while offline or busy
printing. Every answer byte has bits 1 and 4 set and bits 0 and 7 clear; anything else is not a
status answer (a printer that speaks something else, or line noise).

    n=1 printer status   bit 3: offline
    n=2 offline cause    bit 2: cover open, bit 3: paper fed by the button, bit 5: stopped at paper
                         end, bit 6: an error occurred
    n=3 error cause      bit 3: autocutter error, bit 5: unrecoverable error, bit 6: auto-recoverable
    n=4 paper sensor     bits 2+3: paper near its end, bits 5+6: paper out
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.printer.model import PaperOut, PrinterError, PrinterOffline, PrinterState

DLE_EOT = b"\x10\x04"
PRINTER_STATUS, OFFLINE_CAUSE, ERROR_CAUSE, PAPER_SENSOR = 1, 2, 3, 4

_FIXED_MASK, _FIXED_VALUE = 0x93, 0x12


class StatusGarbled(ValueError):
    """An answer byte that is not a DLE EOT status answer."""


def query(n: int) -> bytes:
    """The three bytes that ask for status `n` (1..4)."""
    if n not in (1, 2, 3, 4):
        raise ValueError(f"no real-time status {n}")
    return DLE_EOT + bytes((n,))


def check_answer(answer: int) -> int:
    """`answer` if it has the fixed bits of a status answer; raises StatusGarbled otherwise."""
    if answer & _FIXED_MASK != _FIXED_VALUE:
        raise StatusGarbled(f"status answer 0x{answer:02x} lacks the fixed bits")
    return answer


@dataclass(frozen=True)
class StatusBytes:
    """The answers to DLE EOT 1, 2 and 4 (and 3 when the printer reports an error)."""

    printer: int
    offline_cause: int
    paper: int
    error_cause: int | None = None

    @property
    def needs_error_cause(self) -> bool:
        return bool(self.offline_cause & 0x40)


def fold(status: StatusBytes) -> PrinterState:
    """One PrinterState for the answers, most severe first: a hardware error, the cover, no paper,
    otherwise offline, paper low (which still prints) or online."""
    if status.offline_cause & 0x40 or (status.error_cause is not None and status.error_cause & 0x68):
        return PrinterState.HWERROR
    if status.offline_cause & 0x04:
        return PrinterState.COVER_OPEN
    if status.paper & 0x60 or status.offline_cause & 0x20:
        return PrinterState.PAPER_OUT
    if status.printer & 0x08:
        return PrinterState.OFFLINE
    if status.paper & 0x0C:
        return PrinterState.PAPER_LOW
    return PrinterState.ONLINE


CAN_PRINT = (PrinterState.ONLINE, PrinterState.PAPER_LOW)


def refusal(state: PrinterState, when: str, *, nothing_printed: bool = False) -> PrinterError:
    """The typed error for a printer in `state` that cannot print (`when`: "before the job", ...);
    `nothing_printed`: refused before any byte of the job was sent."""
    detail = f"printer {state.value} {when}"
    if state is PrinterState.PAPER_OUT:
        return PaperOut(detail, state=state, nothing_printed=nothing_printed)
    if state is PrinterState.OFFLINE:
        return PrinterOffline(detail, state=state, nothing_printed=nothing_printed)
    return PrinterError(detail, state=state, nothing_printed=nothing_printed)  # cover open, hardware error
