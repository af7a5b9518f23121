"""The real receipt printer: a ReceiptPrinter over a network, USB, serial or file connection.

A job is: render the document (nothing is sent if it cannot be printed), ask the printer's status
(DLE EOT 1, 2, 4 and 3 on error), refuse to start when it cannot print, send the bytes, ask the
status again. A printer that ran out of paper, opened its cover, dropped the connection or stopped
answering during the job makes the job fail with a typed error; nothing is kept between jobs except
the connection, so the same ReceiptDocument can simply be printed again in full.

The connection is opened on first use and reopened whenever it fails; before a job a connection
that turns out stale (the printer was power-cycled, upstream #437) is reopened once transparently.
A file connection cannot read status: its state is ONLINE while the file can be written.

Status after the job is the real-time status; its query queues behind the job's bytes on a slow
link, so the wait for it grows with the job (timeout_s + bytes / slowest_bytes_per_s). No answer by
then is PrintOutcomeUnknown ("may have printed"), not a failure: the job may still be printing.
"""

from __future__ import annotations

import logging
import threading

from drivers.health import HealthBoard
from drivers.printer.config import PrinterConfig
from drivers.printer.escpos_render import EscposRenderer
from drivers.printer.links import LinkLost, LinkTimeout, PrinterLink, open_link
from drivers.printer.model import (
    PrinterError,
    PrinterOffline,
    PrinterState,
    PrintOutcomeUnknown,
    PrintResult,
    ReceiptDocument,
)
from drivers.printer.printer_health import PrinterHealth
from drivers.printer.status import (
    CAN_PRINT,
    ERROR_CAUSE,
    OFFLINE_CAUSE,
    PAPER_SENSOR,
    PRINTER_STATUS,
    StatusBytes,
    StatusGarbled,
    check_answer,
    fold,
    query,
    refusal,
)

log = logging.getLogger(__name__)


class EscposPrinter:
    """A ReceiptPrinter for `config` (kind network, usb, serial or file).

    Thread-safe: a status query never interleaves with a job. Raises ConfigError on construction
    for settings no printer could work with.
    """

    def __init__(
        self, config: PrinterConfig, *, health: HealthBoard | None = None, link: PrinterLink | None = None
    ) -> None:
        self._config = config
        self._renderer = EscposRenderer(config)
        self._link = link if link is not None else open_link(config)
        self._health = PrinterHealth(health)
        self._lock = threading.Lock()

    def _ask(self, n: int, wait_s: float | None = None) -> int:
        return check_answer(self._link.ask(query(n), wait_s))

    def _status(self, first_wait_s: float | None = None) -> PrinterState:
        """Raises LinkLost and StatusGarbled. `first_wait_s`: how long the first answer may take (it
        queues behind a job still on its way to the printer)."""
        if not self._link.can_query:
            return PrinterState.ONLINE
        first = self._ask(PRINTER_STATUS, first_wait_s)
        status = StatusBytes(first, self._ask(OFFLINE_CAUSE), self._ask(PAPER_SENSOR))
        if status.needs_error_cause:
            status = StatusBytes(status.printer, status.offline_cause, status.paper, self._ask(ERROR_CAUSE))
        return fold(status)

    def _status_connecting(self) -> PrinterState:
        """Status on an open connection, opening or reopening it as needed. Raises LinkLost."""
        was_open = self._link.is_open
        if not was_open:
            self._link.open()
        try:
            return self._status()
        except LinkTimeout:
            raise  # a printer that does not answer is not helped by a new connection
        except LinkLost:
            if not was_open:
                raise
        log.info("printer connection was stale, reconnecting")
        self._link.open()
        return self._status()

    def _checked_state(self) -> PrinterState:
        """Raises PrinterOffline (no connection or no answer) and PrinterError (garbled status)."""
        try:
            return self._status_connecting()
        except LinkLost as exc:
            raise PrinterOffline(str(exc), state=PrinterState.OFFLINE) from exc
        except StatusGarbled as exc:
            self._link.close()  # resynchronise on a fresh connection next time
            raise PrinterError(str(exc), state=PrinterState.HWERROR) from exc

    def state(self) -> PrinterState:
        """The printer's state now; OFFLINE when it cannot be reached, HWERROR when its answer makes
        no sense. Blocking (up to the configured timeout): call off the UI thread. Never raises."""
        with self._lock:
            try:
                state = self._checked_state()
            except PrinterError as exc:
                self._health.state(exc.state)
                return exc.state
            self._health.state(state)
            return state

    def print_document(self, document: ReceiptDocument) -> PrintResult:
        """Print `document` completely or raise: ReceiptContentError (nothing sent), PaperOut,
        PrinterOffline or PrinterError (cover open, hardware error, garbled status), each carrying
        the printer state; PrintOutcomeUnknown when the whole job was handed over but the printer
        stayed silent (no status in time, the connection still up) (it may have printed: not to be printed again unasked). The wait
        after a job grows with its size (PrinterConfig.slowest_bytes_per_s). Blocking: call off the
        UI thread."""
        with self._lock:
            try:
                result = self._print(document)
            except PrinterError as exc:
                log.warning("receipt not printed: %s (%s)", type(exc).__name__, exc.state.value)
                self._health.failed(exc)
                raise
        self._health.state(result.state_after)
        self._health.printed()
        log.info("receipt printed: %d bytes, printer %s", result.bytes_sent, result.state_after.value)
        return result

    def _print(self, document: ReceiptDocument) -> PrintResult:
        job = self._renderer.render(document)
        before = self._checked_state()
        self._health.state(before)
        if before not in CAN_PRINT:
            raise refusal(before, "before the job", nothing_printed=True)
        try:
            self._link.send(job)
        except LinkLost as exc:
            raise PrinterOffline(
                f"connection lost during the job: {exc}", state=PrinterState.OFFLINE
            ) from exc
        wait_s = self._wait_after(len(job))
        try:
            after = self._status(first_wait_s=wait_s)
        except LinkTimeout as exc:
            # every byte was handed over and the printer is silent: it may well be printing still
            raise PrintOutcomeUnknown(
                f"no status within {wait_s:.1f} s after a {len(job)}-byte job: {exc}", state=PrinterState.OFFLINE
            ) from exc
        except LinkLost as exc:  # the printer dropped the connection: the job did not get through
            raise PrinterOffline(f"no status after the job: {exc}", state=PrinterState.OFFLINE) from exc
        except StatusGarbled as exc:
            self._link.close()
            raise PrinterError(str(exc), state=PrinterState.HWERROR) from exc
        if after not in CAN_PRINT:
            raise refusal(after, "after the job")
        return PrintResult(after, len(job))

    def _wait_after(self, job_bytes: int) -> float:
        """The wait for the status after a job: the usual timeout plus the job's draining time."""
        rate = self._config.slowest_bytes_per_s
        if self._config.kind == "serial":
            rate = min(rate, self._config.serial_baudrate // 10)  # 8N1: ten bits a byte
        return self._config.timeout_s + job_bytes / max(1, rate)

    def close(self) -> None:
        """Release the connection (it is reopened by the next call)."""
        with self._lock:
            self._link.close()
