"""The terminal's background work: the outbox's sync worker and the heartbeat, started and stopped
together, with what a technician's screen needs (force a sync, see the figures).

    background = TerminalBackground(config, hub, outbox, health_board, catalogue_store_version)
    background.start()
    report = background.force_sync()   # blocking: call it from a worker thread, not the UI thread
    figures = background.stats()
    background.stop()

No Qt here: ui/ calls these from its workers and turns the results into signals.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from drivers.health import HealthBoard
from kiosk.config import KioskConfig
from kiosk.fleet_link import FleetLink
from kiosk.heartbeat import Heartbeat, HeartbeatSources, HeartbeatStatus
from kiosk.hub_api import Hub
from kiosk.sd_notify import ThreadState
from offline_queue.errors import QueueError
from offline_queue.outbox import Outbox
from offline_queue.stats import QueueStats
from offline_queue.sync_worker import SyncReport, SyncWorker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncStatus:
    """The sync worker as a technician sees it."""

    running: bool
    failures: int  # consecutive failed batches
    next_delay_s: float | None  # the current backoff wait, None when not backing off


@dataclass(frozen=True)
class BackgroundStats:
    """Everything the technician screen shows about sending: the outbox, the worker, the heartbeat."""

    queue: QueueStats
    sync: SyncStatus
    heartbeat: HeartbeatStatus


class TerminalBackground:
    """Owns the SyncWorker and the Heartbeat of one terminal. Safe to call from any thread."""

    def __init__(
        self,
        config: KioskConfig,
        hub: Hub,
        outbox: Outbox,
        health_board: HealthBoard,
        catalogue_version_fn: Callable[[], str | None],
        fleet: FleetLink | None = None,
        service_state: Callable[[], dict[str, Any]] | None = None,
    ) -> None:
        self.config = config
        self.outbox = outbox
        self.sync_worker = SyncWorker(outbox, hub, config.queue)
        sources = HeartbeatSources(health_board, outbox.stats, catalogue_version_fn, service_state=service_state)
        if fleet is not None:  # audit head in each report; uploads and pulled commands after it
            sources = HeartbeatSources(
                health_board,
                outbox.stats,
                catalogue_version_fn,
                audit_head=fleet.audit_head,
                on_answer=fleet.on_answer,
                on_refused=fleet.on_refused,
                service_state=service_state,
            )
        self.heartbeat = Heartbeat(
            hub,
            sources,
            interval_s=config.hub.heartbeat_interval_s,
            backoff_base_s=config.queue.backoff_base_s,
            backoff_cap_s=config.queue.backoff_cap_s,
        )

    def start(self) -> None:
        """Start sending the outbox and the heartbeat. Raises SyncAlreadyRunning when another
        process's worker holds this outbox (the heartbeat is not started then)."""
        self.sync_worker.start()
        self.heartbeat.start()
        log.info("background work started", extra={"terminal_id": self.config.terminal_id})

    def stop(self, timeout_s: float = 10.0) -> bool:
        """Stop both (each after the hub call in hand); True when both ended within `timeout_s`."""
        deadline = time.monotonic() + timeout_s
        # both are asked at once, so their waits for a hub answer overlap instead of adding up
        self.heartbeat.request_stop()
        sync_stopped = self.sync_worker.stop(timeout_s)
        heartbeat_stopped = self.heartbeat.stop(max(0.0, deadline - time.monotonic()))
        if not (sync_stopped and heartbeat_stopped):
            log.warning(
                "background work did not stop in time",
                extra={"sync_stopped": sync_stopped, "heartbeat_stopped": heartbeat_stopped},
            )
        return sync_stopped and heartbeat_stopped

    def request_stop(self) -> None:
        """Ask both threads to end without waiting (stop() waits): their rounds end meanwhile."""
        self.heartbeat.request_stop()
        self.sync_worker.request_stop()

    def force_sync(self) -> SyncReport:
        """Send everything pending now, in the caller's thread, ignoring the backoff; then a
        heartbeat so the hub sees the new depth. Raises SyncAlreadyRunning, QueueError."""
        report = self.sync_worker.sync_now()
        self.heartbeat.request_beat()
        return report

    def thread_probes(self) -> dict[str, Callable[[], ThreadState]]:
        """What the systemd watchdog watches (kiosk/sd_notify.py Liveness): the sync worker and the
        heartbeat threads, alive and not stuck. Attribute reads only, safe from the UI thread."""
        worker, heartbeat = self.sync_worker, self.heartbeat
        return {
            "outbox-sync": lambda: ThreadState(worker.running, worker.busy_since),
            "heartbeat": lambda: ThreadState(heartbeat.running, heartbeat.busy_since),
        }

    def stats(self) -> BackgroundStats:
        """The current figures. Raises QueueError when the outbox cannot be read."""
        worker = self.sync_worker
        return BackgroundStats(
            queue=self.outbox.stats(),
            sync=SyncStatus(worker.running, worker.failures, worker.next_delay_s),
            heartbeat=self.heartbeat.status(),
        )


def heartbeat_without_outbox(
    config: KioskConfig,
    hub: Hub,
    health_board: HealthBoard,
    problem: QueueError,
    catalogue_version_fn: Callable[[], str | None],
) -> Heartbeat:
    """A heartbeat (not started) for a terminal whose outbox cannot be opened (OutboxLost,
    QueueCorrupt ...): its queue part is `{"error": "<type>"}`, so the hub hears of the loss; the
    devices and versions are reported as usual. Started by ui.app until a technician acts."""

    def queue_stats() -> QueueStats:
        raise problem

    return Heartbeat(
        hub,
        HeartbeatSources(health_board, queue_stats, catalogue_version_fn),
        interval_s=config.hub.heartbeat_interval_s,
        backoff_base_s=config.queue.backoff_base_s,
        backoff_cap_s=config.queue.backoff_cap_s,
    )
