"""The terminal's heartbeat: a background thread that tells the hub how this terminal is doing.

    heartbeat = Heartbeat(hub, HeartbeatSources(health_board, outbox.stats, catalogue_version_fn))
    heartbeat.start()         # one report now, then every `interval_s`
    heartbeat.request_beat()  # send one soon (e.g. after a technician's forced sync)
    heartbeat.status()        # last sent, last error, consecutive failures, next wait
    heartbeat.stop()

Each report (POST /v1/terminals/{id}/heartbeat) holds device health (state, last error, counters from
drivers.health.HealthBoard), outbox stats (depth, in flight, oldest pending age, dead letters, last
success), versions (app, catalogue, outbox schema, hub contract), uptime and, when the composition
gives it, the service state (in service, or out of service with reason and since). Nothing personal: device
errors are technician text, the outbox stats are counts and times.

A failed report never raises into the caller: it is logged, shown in `status()`, and retried after a
full-jitter backoff (never sooner than the hub's Retry-After). No Qt here.
"""

from __future__ import annotations

import importlib.metadata
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drivers.health import HealthBoard
from kiosk.audit import STORE_CLOSED
from kiosk.hub_api import Hub, HubError, HubUnavailable
from kiosk.safe_logging import log_unexpected
from offline_queue.backoff import retry_delay
from offline_queue.errors import OutboxClosed, QueueError
from offline_queue.schema import SCHEMA_VERSION as OUTBOX_SCHEMA_VERSION
from offline_queue.stats import QueueStats

log = logging.getLogger(__name__)

DISTRIBUTION = "community-kiosk"
HUB_CONTRACT = "1"


def app_version() -> str:
    """The installed package's version (pyproject.toml); "unknown" when run from an uninstalled tree."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _iso(epoch: float | None) -> str | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _describe(exc: BaseException) -> str:
    """Type, status and error code: never a message body (it could echo a payload)."""
    parts = [type(exc).__name__]
    for name in ("status", "error"):
        value = getattr(exc, name, None)
        if value:
            parts.append(f"{name}={value}")
    return " ".join(parts)


@dataclass(frozen=True)
class HeartbeatSources:
    """Where a report's parts come from. Each callable is read in the heartbeat's thread."""

    health_board: HealthBoard
    queue_stats: Callable[[], QueueStats]
    catalogue_version: Callable[[], str | None]
    # fleet operations (kiosk.fleet_link): the audit chain head for the report, what to do with the
    # hub's answer (audit upload, pulled commands) and with a refusal (a revoked terminal)
    audit_head: Callable[[], dict[str, Any]] | None = None
    on_answer: Callable[[Any], None] | None = None
    on_refused: Callable[[HubError], None] | None = None
    # in service or out of service with reason and since (contract.service_state; kiosk.service_watch)
    service_state: Callable[[], dict[str, Any]] | None = None


@dataclass(frozen=True)
class HeartbeatStatus:
    """What the technician screen shows about the heartbeat itself."""

    running: bool
    sent: int  # reports the hub accepted since start
    failures: int  # consecutive failed reports (0 after a success)
    last_sent_at: str | None  # ISO 8601 UTC of the last accepted report
    last_attempt_at: str | None
    last_error: str | None  # e.g. "HubUnavailable status=503"; None after a success
    next_delay_s: float | None  # the current wait before the next report


class Heartbeat:
    """Sends heartbeats from its own thread; safe to call from any thread."""

    def __init__(
        self,
        hub: Hub,
        sources: HeartbeatSources,
        *,
        interval_s: float = 60.0,
        backoff_base_s: float = 5.0,
        backoff_cap_s: float = 300.0,
        rng: random.Random | None = None,
        started_at: float | None = None,
    ) -> None:
        self.hub = hub
        self.sources = sources
        self.interval_s = interval_s
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self._rng = rng or random.Random()
        self._started_monotonic = time.monotonic() if started_at is None else started_at
        self._lock = threading.Lock()  # guards the status fields
        self._send_lock = threading.Lock()  # one report at a time (thread and send_now)
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.busy_since: float | None = None  # as SyncWorker.busy_since: set while a report is sent
        self._sent = 0
        self._failures = 0
        self._last_sent_at: float | None = None
        self._last_attempt_at: float | None = None
        self._last_error: str | None = None
        self._next_delay_s: float | None = None
        self._retry_after_s: float | None = None

    # --- the report -------------------------------------------------------------------------------

    def compose(self) -> dict[str, Any]:
        """The report as sent. Raises QueueError when the outbox cannot be read (the report then
        carries the error instead: see _compose_safely)."""
        devices = {
            name: {
                "state": h.state,
                "since": _iso(h.since),
                "last_error": h.last_error,
                "last_error_at": _iso(h.last_error_at),
                "counters": dict(h.counters),
            }
            for name, h in sorted(self.sources.health_board.snapshot().items())
        }
        report: dict[str, Any] = {
            "sent_at": _iso(time.time()),
            "uptime_s": round(time.monotonic() - self._started_monotonic, 1),
            "devices": devices,
            "queue": self._queue_part(),
            "versions": {
                "app": app_version(),
                "catalogue": self.sources.catalogue_version(),
                "outbox_schema": OUTBOX_SCHEMA_VERSION,
                "hub_contract": HUB_CONTRACT,
            },
        }
        if self.sources.audit_head is not None:
            report["audit"] = self.sources.audit_head()
        if self.sources.service_state is not None:
            report["service"] = self.sources.service_state()
        return report

    def _queue_part(self) -> dict[str, Any]:
        try:
            return self.sources.queue_stats().as_heartbeat()
        except OutboxClosed:
            raise
        except QueueError as exc:
            # the hub must hear about a broken outbox more than about anything else
            log.error("outbox stats unreadable for the heartbeat", extra={"error": _describe(exc)})
            return {"error": _describe(exc)}

    # --- sending ----------------------------------------------------------------------------------

    def send_now(self) -> bool:
        """Compose and send one report in the caller's thread; True when the hub accepted it.

        Never raises: a failure is logged and kept in status() (last_error, failures).
        """
        with self._send_lock:
            with self._lock:
                self._last_attempt_at = time.time()
            try:
                answer = self.hub.heartbeat(self.compose())
            except STORE_CLOSED:
                self._store_closed()
                return False
            except HubError as exc:
                self._failed(exc, exc.retry_after_s if isinstance(exc, HubUnavailable) else None)
                self._after(self.sources.on_refused, exc)
                return False
            except Exception as exc:  # a bug in a source must not stop the reports: log, keep it visible
                log_unexpected(log, "heartbeat could not be composed", exc)
                self._failed(exc, None)
                return False
            with self._lock:
                self._sent += 1
                self._failures = 0
                self._last_sent_at = time.time()
                self._last_error = None
                self._retry_after_s = None
            self._after(self.sources.on_answer, answer)
            return True

    def _after(self, hook: Callable[[Any], None] | None, value: Any) -> None:
        """Run a fleet hook; its failure is logged, never counted against the heartbeat."""
        if hook is None:
            return
        try:
            hook(value)
        except STORE_CLOSED:
            self._store_closed()
        except Exception as exc:  # the next heartbeat tries again
            log_unexpected(log, "heartbeat answer not handled", exc)

    def _store_closed(self) -> None:
        log.info("a store was closed under the heartbeat: it ends")
        self.request_stop()

    def _failed(self, exc: BaseException, retry_after_s: float | None) -> None:
        error = _describe(exc)
        with self._lock:
            self._failures += 1
            self._last_error = error
            self._retry_after_s = retry_after_s
            failures = self._failures
        log.warning("heartbeat not delivered, will retry", extra={"error": error, "failures": failures})

    def _delay_after_attempt(self) -> float:
        with self._lock:
            failures, retry_after = self._failures, self._retry_after_s
        if failures == 0:
            return self.interval_s
        return retry_delay(failures - 1, self.backoff_base_s, self.backoff_cap_s, retry_after, self._rng)

    # --- the thread -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread; it sends a first report at once. Calling it again does nothing."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def request_beat(self) -> None:
        """Send a report soon, from the heartbeat's thread (ends its current wait, even a backoff)."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> bool:
        """Stop after the report in hand (a hub call ends within the client's timeouts); True when
        the thread ended within `timeout_s`."""
        thread = self._thread
        if thread is None:
            return True
        self.request_stop()
        thread.join(timeout_s)
        if thread.is_alive():
            return False
        self._thread = None
        return True

    def request_stop(self) -> None:
        """Ask the thread to end without waiting for it (stop() waits)."""
        self._stopping.set()
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def status(self) -> HeartbeatStatus:
        with self._lock:
            return HeartbeatStatus(
                running=self.running,
                sent=self._sent,
                failures=self._failures,
                last_sent_at=_iso(self._last_sent_at),
                last_attempt_at=_iso(self._last_attempt_at),
                last_error=self._last_error,
                next_delay_s=self._next_delay_s,
            )

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            self.busy_since = time.monotonic()
            self.send_now()
            self.busy_since = None
            delay = self._delay_after_attempt()
            with self._lock:
                self._next_delay_s = delay
            self._wake.wait(delay)
        with self._lock:
            self._next_delay_s = None
