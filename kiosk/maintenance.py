"""What the technician's maintenance screen shows and does, without Qt: a MaintenanceReport gathered
from the background work, the device health board and the outbox, and the technician's actions.

    desk = MaintenanceDesk(health, lambda: terminal.background, lambda: outbox, lambda: printer)
    report = desk.report()              # blocking reads (SQLite): call from a worker thread
    sync = desk.force_sync()            # blocking hub calls: a worker thread, never the UI thread
    desk.print_test_page("zh")          # blocking: raises the printer's error (PaperOut ...)
    desk.requeue_dead_letters()         # the number of dead letters sent again
    desk.start_new_outbox()             # after OutboxLost (report.outbox_problem): a new, empty outbox
    desk.diagnostics()                  # terminal id, hub address, versions, hub reachable, audit head ...

No personal data: dead letters carry their local reference, service id and reason only.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drivers.health import HealthBoard
from drivers.printer.model import Footer, KeyValue, Line, PrintResult, ReceiptDocument, Rule, Title
from kiosk import receipts
from kiosk.errors import KioskError
from kiosk.hub_api import HubUnavailable
from kiosk.local_time import human_time
from offline_queue.errors import OutboxLost, QueueFileUnusable

log = logging.getLogger(__name__)


_AUDIT_CODE = re.compile(r"^[a-z][a-z0-9_]{0,47}$")  # a refusal the hub named, as audited


class MaintenanceUnavailable(KioskError):
    """A part the action needs (background work, outbox, printer) is not running yet."""

    message_key = "maintenance.not_ready"


@dataclass(frozen=True)
class DeviceLine:
    device: str  # "card_reader", "printer"
    state: str
    last_error: str | None
    counters: tuple[tuple[str, int], ...]


# device states in which an error from before the last change of state is history, not news
HEALTHY_STATES = frozenset({"online", "paper_low", "notpresent", "present"})


def _current_error(h) -> str | None:
    """The device's last error while it still says something about the device: not once it is
    healthy again after it (found walking: a refilled printer read "ready — out of paper")."""
    if h.last_error is None:
        return None
    if h.state in HEALTHY_STATES and h.last_error_at is not None and h.last_error_at < h.since:
        return None
    return h.last_error


@dataclass(frozen=True)
class DeadLetterLine:
    local_ref: str
    service_id: str
    reason: str


@dataclass(frozen=True)
class MaintenanceReport:
    """One look at the terminal for the technician. Queue figures are None while the background
    work is not started yet (the outbox is built after the first screen)."""

    devices: tuple[DeviceLine, ...]
    depth: int | None
    in_flight: int | None
    oldest_pending_age_s: float | None
    dead_letter_count: int | None
    last_success_at: str | None
    last_sync_error: str | None
    sync_running: bool
    sync_failures: int
    heartbeat_last_sent_at: str | None
    heartbeat_failures: int
    heartbeat_error: str | None
    dead_letters: tuple[DeadLetterLine, ...]
    # why the outbox cannot be opened ("OutboxLost: ..."), None when it is fine or not built yet
    outbox_problem: str | None = None


@dataclass(frozen=True)
class DiagnosticSources:
    """Where the diagnostics come from (ui.app gives them; each is read in a worker, any may be
    missing): the hub address in use, the catalogue version, the hub client for the reachability
    probe, the audit trail's head and the last log lines (kiosk.log_tail: no personal values)."""

    hub_url: Callable[[], str] = lambda: ""
    catalogue_version: Callable[[], str | None] = lambda: None
    hub: Callable[[], Any] = lambda: None
    audit_head: Callable[[], Any] = lambda: None
    log_lines: Callable[[], list[str]] = lambda: []


@dataclass(frozen=True)
class Diagnostics:
    """What a technician on site reads when the terminal "does not sync": ids, versions and figures
    only. `hub`: "ok", "unreachable" (with the probe's error type), "not_enrolled" or "no_client"."""

    terminal_id: str
    hub_url: str
    app_version: str
    catalogue_version: str | None
    hub: str
    hub_ms: int | None
    audit_seq: int | None
    audit_head: str | None  # the first 16 hex digits of the chain head h_n
    report: MaintenanceReport
    errors: tuple[str, ...]  # the last warnings and errors of the log, newest last


MAX_ERRORS = 3  # the last log warnings and errors the panel has room for


def _probe(hub: Any) -> tuple[str, int | None]:
    """Is the hub reachable now (its liveness probe, GET /healthz), and in how many ms."""
    if hub is None or not hasattr(hub, "hub_is_up"):
        return "no_client", None
    started = time.monotonic()
    try:
        up = hub.hub_is_up()
    except Exception as exc:  # a probe never raises into the screen: it says what it found
        log.warning("hub probe failed", extra={"error": type(exc).__name__})
        up = False
    return ("ok" if up else "unreachable"), int((time.monotonic() - started) * 1000)


def _resolve(part: Any) -> Any:
    """A Deferred part (ui.deferred) is loaded only when it already was (raising why its build failed,
    if it did); anything else as it is."""
    if part is not None and hasattr(part, "loaded") and hasattr(part, "load"):
        if part.loaded:
            return part.load()
        failure = getattr(type(part), "failure", None) and part.failure
        if isinstance(failure, Exception):
            raise failure
        return None
    return part


class MaintenanceDesk:
    """Reads and actions for the maintenance screen. Every method blocks: call from a worker."""

    def __init__(
        self,
        health: HealthBoard,
        background_fn: Callable[[], Any],
        outbox_fn: Callable[[], Any],
        printer_fn: Callable[[], Any],
        new_outbox_fn: Callable[[], int] | None = None,
        audit: Callable[..., Any] | None = None,
        sources: DiagnosticSources | None = None,
        terminal_id: str = "",
    ) -> None:
        self._health = health
        self._sources = sources or DiagnosticSources()
        self._terminal_id = terminal_id
        self._background_fn = background_fn
        self._outbox_fn = outbox_fn
        self._printer_fn = printer_fn
        self._new_outbox_fn = new_outbox_fn  # e.g. lambda: start_new_outbox(path, terminal_id)
        self._outbox_problem: QueueFileUnusable | None = None
        self.audit = audit  # kiosk.audit.AuditLog.append: each action below leaves an entry

    def _audited(self, action: str, job: Callable[[], Any], count: Callable[[Any], int | None]) -> Any:
        """Run a technician action and audit it: ok (with a count) or failed (with the error's type)."""
        try:
            result = job()
        except Exception as exc:
            if self.audit is not None:
                self.audit("technician", action=action, result="failed", error=type(exc).__name__)
            raise
        if self.audit is not None:
            self.audit("technician", action=action, result="ok", count=count(result))
        return result

    def _outbox(self) -> Any:
        background = self._background_fn()
        if background is not None:
            return background.outbox
        try:
            outbox = _resolve(self._outbox_fn())
        except QueueFileUnusable as exc:  # lost, corrupt, foreign: the technician must see why
            self._outbox_problem = exc
            return None
        self._outbox_problem = None
        return outbox

    def start_new_outbox(self) -> int:
        """A technician's decision after OutboxLost: set the empty file aside and start a new outbox
        (new generation, returned). Raises MaintenanceUnavailable when the terminal has no such
        action or the outbox opens fine, QueueError when the new file cannot be made."""
        if self._new_outbox_fn is None:
            raise MaintenanceUnavailable("this terminal cannot start a new outbox from here")
        if self._outbox() is not None or not isinstance(self._outbox_problem, OutboxLost):
            raise MaintenanceUnavailable("the outbox is not lost: nothing to start again")
        generation = self._audited("new_outbox", self._new_outbox_fn, lambda g: g)
        self._outbox_problem = None
        log.warning("technician started a new outbox", extra={"generation": generation})
        return generation

    def report(self, dead_letter_limit: int = 20) -> MaintenanceReport:
        """The current figures. Raises QueueError when the outbox cannot be read."""
        devices = tuple(
            DeviceLine(h.device, h.state, _current_error(h), tuple(sorted(h.counters.items())))
            for _, h in sorted(self._health.snapshot().items())
        )
        background = self._background_fn()
        outbox = self._outbox()
        queue = outbox.stats() if outbox is not None else None
        sync = background.stats().sync if background is not None else None
        beat = background.heartbeat.status() if background is not None else None
        letters = outbox.dead_letters(dead_letter_limit) if outbox is not None else []
        return MaintenanceReport(
            devices=devices,
            depth=None if queue is None else queue.depth,
            in_flight=None if queue is None else queue.in_flight,
            oldest_pending_age_s=None if queue is None else queue.oldest_pending_age_s,
            dead_letter_count=None if queue is None else queue.dead_letters,
            last_success_at=None if queue is None else queue.last_success_at,
            last_sync_error=None if queue is None else queue.last_error,
            sync_running=bool(sync and sync.running),
            sync_failures=0 if sync is None else sync.failures,
            heartbeat_last_sent_at=None if beat is None else beat.last_sent_at,
            heartbeat_failures=0 if beat is None else beat.failures,
            heartbeat_error=None if beat is None else beat.last_error,
            dead_letters=tuple(DeadLetterLine(d.local_ref, d.service_id, d.reason) for d in letters),
            outbox_problem=None
            if self._outbox_problem is None
            else f"{type(self._outbox_problem).__name__}: {self._outbox_problem}",
        )

    def diagnostics(self) -> Diagnostics:
        """The figures, the terminal's ids and versions, a live probe of the hub (blocking: up to the
        hub client's timeout), the audit chain head and the last warnings/errors of the log."""
        from kiosk.heartbeat import app_version

        report = self.report()
        sources = self._sources
        try:
            hub = _resolve(sources.hub())
        except Exception:  # its build failed (no credentials yet): nothing to probe
            hub = None
        reach, ms = _probe(hub)
        head = sources.audit_head()
        errors = tuple(line for line in sources.log_lines() if " WARNING " in line or " ERROR " in line)
        return Diagnostics(
            terminal_id=self._terminal_id,
            hub_url=sources.hub_url(),
            app_version=app_version(),
            catalogue_version=sources.catalogue_version(),
            hub=reach,
            hub_ms=ms,
            audit_seq=None if head is None else head.seq,
            audit_head=None if head is None else head.h[:16],
            report=report,
            errors=errors[-MAX_ERRORS:],
        )

    def force_sync(self) -> Any:
        """Send everything pending now (offline_queue.SyncReport), audited. Raises as _force_sync."""
        return self._audited("force_sync", self._force_sync, lambda report: report.acked)

    def _force_sync(self) -> Any:
        """Send everything pending now (offline_queue.SyncReport). Raises MaintenanceUnavailable
        before the background work runs, SyncAlreadyRunning, QueueError."""
        background = self._background_fn()
        if background is None:
            raise MaintenanceUnavailable("background work not started")
        report = background.force_sync()
        log.info("forced sync", extra={"acked": report.acked, "depth_after": report.depth_after})
        return report

    def print_test_page(self, language: str, terminal_id: str = "") -> PrintResult:
        """Print a short page with no personal data, audited. Raises as _print_test_page."""
        return self._audited(
            "test_print", lambda: self._print_test_page(language, terminal_id), lambda _: None
        )

    def _print_test_page(self, language: str, terminal_id: str = "") -> PrintResult:
        """Print a short page with no personal data. Raises MaintenanceUnavailable, PaperOut,
        PrinterOffline, PrinterError."""
        printer = _resolve(self._printer_fn())
        if printer is None:
            raise MaintenanceUnavailable("printer not built yet")
        stamp = human_time(time.time())
        document = ReceiptDocument(
            blocks=(
                Title(receipts.word("test_page", language)),
                Rule(),
                KeyValue(receipts.word("terminal", language), terminal_id or "-"),
                KeyValue(receipts.word("time", language), stamp or "-"),
                Line("ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"),
                Footer(receipts.word("test_ok", language)),
            ),
            language=language,
        )
        result = printer.print_document(document)
        log.info("test page printed", extra={"bytes": result.bytes_sent})
        return result

    def requeue_dead_letters(self) -> int:
        """Put every dead letter back in the queue, audited; returns how many."""
        return self._audited("requeue", self._requeue_dead_letters, lambda n: n)

    def _requeue_dead_letters(self) -> int:
        """Put every dead letter back in the queue; returns how many. Raises MaintenanceUnavailable,
        QueueError."""
        outbox = self._outbox()
        if outbox is None:
            raise MaintenanceUnavailable("outbox not built yet")
        count = sum(1 for d in outbox.dead_letters(1000) if outbox.requeue_dead_letter(d.local_ref))
        log.info("dead letters requeued", extra={"count": count})
        return count

    def enrol(self, hub_url: str, code: str, terminal_id: str | None = None, ca_bundle: str | None = None) -> Any:
        """Enrol this terminal with a one-time code (kiosk.enrolment.enrol_with_code: the token, HMAC
        key and card salt go to keyring) and audit it: ok, or the hub's refusal (bad_code, code_used,
        code_expired, terminal_revoked ...), or hub_unavailable. The code itself is never audited.
        Returns kiosk.enrolment.Enrolled; raises EnrolmentRefused or HubUnavailable."""
        from kiosk.enrolment import EnrolmentRefused, enrol_with_code

        try:
            enrolled = enrol_with_code(hub_url, code, terminal_id, ca_bundle=ca_bundle)
        except EnrolmentRefused as exc:
            self._audit_enrolment(exc.error if _AUDIT_CODE.match(exc.error) else "refused")
            raise
        except Exception as exc:
            self._audit_enrolment("hub_unavailable" if isinstance(exc, HubUnavailable) else "failed")
            raise
        self._audit_enrolment("ok")
        return enrolled

    def _audit_enrolment(self, result: str) -> None:
        if self.audit is not None:
            self.audit("enrolment", action="enrol", result=result)
