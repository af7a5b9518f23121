"""The sync worker: a thread that sends the outbox to the hub in batches, exactly once per item.

    worker = SyncWorker(outbox, hub_client, config.queue)
    worker.start()          # takes the outbox's sync lock; in-flight leftovers go back to pending
    worker.wake()           # look for work now (each outbox.enqueue does this by itself)
    report = worker.sync_now()   # a technician's "force sync", in the caller's thread
    worker.stop(timeout_s=10)

Each item carries the idempotency key stored with it at enqueue, so a batch sent again after a lost
answer (timeout, crash, cut connection) is a "duplicate" at the hub, never a second case. Answers:

- accepted / duplicate -> acked, with the hub's case id
- rejected -> dead letter, with the hub's reason (technicians see it; it is not retried)
- DeliveryUnavailable (transport, 5xx, 429, 503) -> back to pending, retry after full-jitter backoff,
  never sooner than the hub's Retry-After
- DeliveryGarbled (garbage, an answer missing items) -> the unanswered items back to pending, retry
- DeliveryRefused for the whole batch (401, 403 ...): a terminal configuration problem, not the items':
  back to pending, retry with backoff. A 413 halves the batch; a single item still too large is a
  dead letter ("too_large").
- a whole batch failing in a way its content could cause (5xx without Retry-After, a cut connection,
  garbage, 400/422) is split at once to find the item the hub cannot take; that item becomes a dead
  letter ("poison: ...") after QueueConfig.poison_attempts failures alone while others went through
  (offline_queue/poison.py). The others keep flowing meanwhile.

Only one batch is in flight at a time (the cycle lock here, the SyncLock across processes).
Protected fields are decrypted only while a batch is built, and never logged.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from offline_queue.backoff import retry_delay
from offline_queue.config import QueueConfig
from offline_queue.delivery import (
    BatchSender,
    DeliveryFailed,
    DeliveryGarbled,
    DeliveryRefused,
    DeliveryUnavailable,
)
from offline_queue.errors import OutboxClosed, QueueError, SealBroken, SyncAlreadyRunning
from offline_queue.items import ClaimedItem, Settlement
from offline_queue.outbox import Outbox
from offline_queue.poison import PoisonHunt
from offline_queue.sync_lock import SyncLock
from safelog import log_unexpected

if TYPE_CHECKING:
    from contract.wire import SubmissionItem

log = logging.getLogger(__name__)

PURGE_EVERY_S = 3600.0


@dataclass(frozen=True)
class CycleOutcome:
    """One batch: how many items were claimed and what became of them."""

    claimed: int = 0
    acked: int = 0
    dead_lettered: int = 0
    retried: int = 0
    error: str | None = None  # None when the hub answered usably (or there was nothing to send)
    retry_after_s: float | None = None
    retry_now: bool = False  # a failed batch is being split to find a poison item: no backoff


@dataclass(frozen=True)
class SyncReport:
    """What a forced sync did, for the technician's screen."""

    batches: int
    acked: int
    dead_lettered: int
    retried: int
    error: str | None
    depth_after: int


def describe(exc: BaseException) -> str:
    """An error for last_error and logs: type, status, error code. Never a message body or payload."""
    parts = [type(exc).__name__]
    status = getattr(exc, "status", None)
    if status is not None:
        parts.append(f"status={status}")
    code = getattr(exc, "error", None)
    if code:
        parts.append(f"error={code}")
    return " ".join(parts)


def _may_be_the_items(exc: DeliveryFailed, retry_after_s: float | None) -> bool:
    """True when a whole-batch failure may come from the batch's content (a 5xx, a cut connection,
    garbage, a 400/422 for the body): worth splitting. A busy hub's Retry-After, or a 401/403 (this
    terminal's credentials), says nothing about the items."""
    if isinstance(exc, DeliveryGarbled):
        return True
    if isinstance(exc, DeliveryUnavailable):
        return retry_after_s is None
    return isinstance(exc, DeliveryRefused) and getattr(exc, "status", None) in (400, 422)


class SyncWorker:
    """Sends the outbox to a `delivery.BatchSender` (the kiosk's hub client). No Qt: the UI adapts its stats to signals."""

    def __init__(
        self,
        outbox: Outbox,
        hub: BatchSender,
        config: QueueConfig | None = None,
        *,
        rng: random.Random | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.outbox = outbox
        self.hub = hub
        self.config = config or outbox.config
        self._rng = rng or random.Random()
        self._monotonic = monotonic
        self._cycle_lock = threading.Lock()
        self._sender_lock = SyncLock(outbox.path)  # held while this worker may send (across processes)
        self._wake = threading.Event()  # new work: ends an idle wait
        self._kick = threading.Event()  # stop or a successful forced sync: ends a backoff wait too
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # the monotonic time the thread started its current cycle, None while it waits: the
        # systemd watchdog (kiosk/sd_notify.py) tells a wedged thread from an idle one by it
        self.busy_since: float | None = None
        self._max_items = self.config.batch_max_items
        self._needs_recovery = True  # in_flight rows may be left over (a crash, a failed settle)
        self._hunt = PoisonHunt(self.config.poison_attempts)
        self._unsettled: Settlement | None = None  # answers not yet written (disk full at settle)
        self.failures = 0  # consecutive failed batches
        self.next_delay_s: float | None = None  # the current backoff wait, for diagnostics
        self.cycles = 0  # batches tried by the thread (incl. empty looks), for diagnostics

    # --- lifecycle --------------------------------------------------------------------------------------

    def start(self) -> None:
        """Take the outbox's sync lock and start the thread. Raises SyncAlreadyRunning."""
        if self._thread is not None:
            return
        if not self._sender_lock.try_acquire():
            raise SyncAlreadyRunning(f"another sync worker holds {self._sender_lock.path}")
        self._stopping.clear()
        self._kick.clear()
        self._thread = threading.Thread(target=self._run, name="outbox-sync", daemon=True)
        self._thread.start()
        self.outbox.add_enqueue_listener(self.wake)  # every enqueue wakes the worker

    def stop(self, timeout_s: float = 10.0) -> bool:
        """Ask the thread to stop after the batch in hand (a hub call ends within the client's
        timeouts); True when it stopped within `timeout_s`. The sync lock is released then."""
        thread = self._thread
        if thread is None:
            return True
        self.request_stop()
        thread.join(timeout_s)
        if thread.is_alive():
            return False
        self._thread = None
        self._sender_lock.release()
        return True

    def request_stop(self) -> None:
        """Ask the thread to end after the batch in hand without waiting for it (stop() waits)."""
        if self._thread is None:
            return
        self._stopping.set()
        self._kick.set()
        self._wake.set()
        self.outbox.remove_enqueue_listener(self.wake)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        """There is new work: send it now unless the worker is backing off from a failure."""
        self._wake.set()

    def sync_now(self, max_batches: int | None = None) -> SyncReport:
        """Send everything pending now, in the caller's thread, ignoring the backoff; stops at the
        first failure. Raises SyncAlreadyRunning when another process's worker holds the outbox,
        QueueError when the outbox cannot be read or written."""
        temporary = not self._sender_lock.held
        if temporary and not self._sender_lock.try_acquire():
            raise SyncAlreadyRunning(f"another sync worker holds {self._sender_lock.path}")
        batches = acked = dead = retried = 0
        error: str | None = None
        try:
            while max_batches is None or batches < max_batches:
                outcome = self.run_once()
                if outcome.claimed == 0 and outcome.error is None and not outcome.retry_now:
                    break
                batches += 1
                acked, dead, retried = (
                    acked + outcome.acked,
                    dead + outcome.dead_lettered,
                    retried + outcome.retried,
                )
                if outcome.error is not None and not outcome.retry_now:
                    error = outcome.error
                    break
        finally:
            if temporary:
                self._sender_lock.release()
        if error is None:
            self.failures = 0
            self._kick.set()  # the hub is back: the thread need not sit out its backoff
        return SyncReport(batches, acked, dead, retried, error, self.outbox.stats().depth)

    # --- one batch ----------------------------------------------------------------------------------------

    def run_once(self) -> CycleOutcome:
        """Claim one batch, send it, record the answers. The caller holds the sync lock."""
        with self._cycle_lock:
            if self._unsettled is not None:
                # the hub's answers to a batch whose outcome could not be written (disk full): write
                # them first, so the items are not sent again; raises again while there is no room
                self.outbox.settle(self._unsettled)
                log.info("kept batch outcome recorded", extra={"acked": len(self._unsettled.acked)})
                self._unsettled = None
            if self._needs_recovery:
                self.outbox.reset_in_flight()
                self._needs_recovery = False
            plan = self._hunt.plan(self._max_items)
            claimed = self.outbox.claim_batch(
                plan.max_items, self.config.batch_max_bytes, skip=plan.skip, only=plan.only
            )
            if not claimed:
                if not (plan.skip or plan.only is not None):
                    return CycleOutcome()
                return self._judge_without_a_batch()
            try:
                settlement, outcome = self._send(claimed)
            except BaseException:
                # a bug or an interrupt: nothing is lost, the items go back to pending on recovery
                self._needs_recovery = True
                raise
            try:
                self.outbox.settle(settlement)
            except QueueError:
                # rows stay in_flight and the answers are kept for the next cycle. Should this
                # process end first, recovery sends them again: duplicates at the hub, same case ids
                self._unsettled = settlement
                raise
            return outcome

    def _judge_without_a_batch(self) -> CycleOutcome:
        """Only a suspect is left: no batch without it can tell a down hub from one choking on it.
        The hub's liveness probe may, once the hub has taken batches in this hunt."""
        probe = getattr(self.hub, "hub_is_up", None)
        if self._hunt.suspect is not None and self._hunt.hub_took_batches and callable(probe) and probe():
            dead = self._hunt.answered(())
            if dead:
                self.outbox.settle(Settlement(dead=tuple(dead)))
                log.error("poison item is a dead letter", extra={"count": len(dead)})
            return CycleOutcome(dead_lettered=len(dead), retry_now=True)
        self._hunt.nothing_to_probe()
        return CycleOutcome(error="PoisonSuspect nothing_else_to_send")

    def _send(self, claimed: list[ClaimedItem]) -> tuple[Settlement, CycleOutcome]:
        items: list[SubmissionItem] = []
        by_key: dict[str, ClaimedItem] = {}
        dead: list[tuple[int, str]] = []
        for c in claimed:
            try:
                items.append(self.outbox.submission_item(c))
                by_key[c.idempotency_key] = c
            except SealBroken:
                log.error("sealed fields do not open: dead letter", extra={"local_ref": c.local_ref})
                dead.append((c.seq, "cannot_decrypt"))
        if not items:
            return Settlement(dead=tuple(dead)), CycleOutcome(claimed=len(claimed), dead_lettered=len(dead))
        every = tuple(c.seq for c in by_key.values())
        try:
            results = self.hub.submit_batch(items)
        except DeliveryUnavailable as exc:
            return self._failed(claimed, every, dead, exc, getattr(exc, "retry_after_s", None))
        except DeliveryRefused as exc:
            if getattr(exc, "status", None) == 413:
                if len(items) == 1:
                    dead.append((every[0], "too_large"))
                    return Settlement(dead=tuple(dead), hub_answered=True), CycleOutcome(
                        claimed=len(claimed), dead_lettered=len(dead)
                    )
                self._max_items = max(1, len(items) // 2)
            return self._failed(claimed, every, dead, exc, None)
        except DeliveryGarbled as exc:
            return self._failed(claimed, every, dead, exc, None)
        acked: list[tuple[int, str]] = []
        answered: set[str] = set()
        dead += self._hunt.answered(by_key[k].seq for k in (r.idempotency_key for r in results) if k in by_key)
        for result in results:
            item = by_key.get(result.idempotency_key)
            if item is None or result.idempotency_key in answered:
                continue  # an answer for something not sent (or twice): ignore, the sent item decides
            answered.add(result.idempotency_key)
            if result.status in ("accepted", "duplicate") and result.case_id:
                acked.append((item.seq, result.case_id))
            elif result.status == "rejected":
                dead.append((item.seq, result.reason or "rejected"))
            else:
                answered.discard(result.idempotency_key)  # unusable answer: retry the item
        retry = tuple(c.seq for key, c in by_key.items() if key not in answered)
        error = f"HubProtocolError unanswered={len(retry)}" if retry else None
        if retry:
            log.warning("hub answer missed items: they stay pending", extra={"count": len(retry)})
        self._max_items = min(self.config.batch_max_items, self._max_items * 2)
        return (
            Settlement(acked=tuple(acked), dead=tuple(dead), retry=retry, hub_answered=True, error=error),
            CycleOutcome(len(claimed), len(acked), len(dead), len(retry), error),
        )

    def _failed(
        self,
        claimed: list[ClaimedItem],
        retry: tuple[int, ...],
        dead: list[tuple[int, str]],
        exc: DeliveryFailed,
        retry_after_s: float | None,
    ) -> tuple[Settlement, CycleOutcome]:
        error = describe(exc)
        retry_now = self._hunt.failed(retry, error, suspicious=_may_be_the_items(exc, retry_after_s))
        log.warning(
            "batch not delivered, will retry",
            extra={"error": error, "items": len(retry), "splitting": retry_now},
        )
        return (
            Settlement(dead=tuple(dead), retry=retry, error=error),
            CycleOutcome(len(claimed), 0, len(dead), len(retry), error, retry_after_s, retry_now),
        )

    # --- the thread ---------------------------------------------------------------------------------------

    def _run(self) -> None:
        last_purge = -PURGE_EVERY_S
        while not self._stopping.is_set():
            self.busy_since = time.monotonic()
            try:
                if self._monotonic() - last_purge >= PURGE_EVERY_S:
                    last_purge = self._monotonic()
                    self._purge()
                outcome = self.run_once()
                if outcome.acked:
                    self._purge_if_pressed()
            except OutboxClosed:
                # closed under us at shutdown (its owner stops us first; a round that outlived the
                # stop bound ends here): the end of sending, not a failure
                log.info("outbox closed: the sync worker ends")
                self.busy_since = None
                return
            except (QueueError, DeliveryFailed) as exc:
                outcome = CycleOutcome(error=describe(exc))
                log.error("sync cycle failed", extra={"error": outcome.error})
            except Exception as exc:  # a bug must not end sending for good: log it, back off, go on
                outcome = CycleOutcome(error=describe(exc))
                log_unexpected(log, "sync cycle crashed", exc)
            self.cycles += 1
            self.busy_since = None
            if outcome.retry_now:
                continue  # splitting a failing batch: the next, smaller one goes at once
            if outcome.error is None:
                self.failures = 0
                self.next_delay_s = None
                if outcome.claimed == 0:
                    self._wake.wait(self.config.idle_poll_s)
                    self._wake.clear()
                continue
            self.next_delay_s = retry_delay(
                self.failures,
                self.config.backoff_base_s,
                self.config.backoff_cap_s,
                outcome.retry_after_s,
                self._rng,
            )
            self.failures += 1
            self._kick.clear()
            if not self._stopping.is_set():
                self._kick.wait(self.next_delay_s)

    def _purge_if_pressed(self) -> None:
        """Near the size cap, acked items go before their retention: the room is for residents."""
        try:
            if self.outbox.under_pressure():
                purged = self.outbox.purge_acked(older_than_s=0)
                log.warning("outbox near its cap: acked items purged early", extra={"count": purged})
        except OutboxClosed:
            raise
        except QueueError as exc:
            log.error("purging under pressure failed", extra={"error": describe(exc)})

    def _purge(self) -> None:
        try:
            purged = self.outbox.purge_acked()
        except OutboxClosed:
            raise
        except QueueError as exc:
            log.error("purging acked items failed", extra={"error": describe(exc)})
            return
        if purged:
            log.info("acked items purged", extra={"count": purged})
