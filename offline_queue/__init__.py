"""The durable outbox and its sync worker (no Qt here).

- outbox.Outbox — enqueue (durable before it returns), claims, stats, dead letters, retention
- sync_worker.SyncWorker — batches to the hub with idempotency keys, backoff, clean stop
- local_ref.LocalRef — the resident's reference: terminal, generation, sequence, check character
- errors — the typed failures (QueueFull, QueueCorrupt, ForeignQueueFile, PayloadNotSerialisable ...)
"""

from offline_queue.errors import (
    ForeignQueueFile,
    InvalidLocalRef,
    PayloadNotSerialisable,
    PayloadRefused,
    PayloadTooLarge,
    QueueCorrupt,
    QueueError,
    QueueFull,
    QueueTooNew,
    SealBroken,
    SyncAlreadyRunning,
    UnknownFieldClass,
)
from offline_queue.local_ref import LocalRef
from offline_queue.outbox import Outbox
from offline_queue.stats import DeadLetter, QueueStats
from offline_queue.sync_worker import SyncReport, SyncWorker

__all__ = [
    "DeadLetter",
    "ForeignQueueFile",
    "InvalidLocalRef",
    "LocalRef",
    "Outbox",
    "PayloadNotSerialisable",
    "PayloadRefused",
    "PayloadTooLarge",
    "QueueCorrupt",
    "QueueError",
    "QueueFull",
    "QueueStats",
    "QueueTooNew",
    "SealBroken",
    "SyncAlreadyRunning",
    "SyncReport",
    "SyncWorker",
    "UnknownFieldClass",
]
