"""The durable outbox and its sync worker (no Qt here).

- outbox.Outbox — enqueue (durable before it returns), claims, stats, dead letters, retention
- sync_worker.SyncWorker — batches to the hub with idempotency keys, backoff, clean stop
- local_ref.LocalRef — the resident's reference: terminal, generation, sequence, check character
- errors — the typed failures (QueueFull, QueueCorrupt, ForeignQueueFile, PayloadNotSerialisable ...)

The names are resolved on first use (PEP 562 module __getattr__), not at import: importing any
submodule runs this file first, and the kiosk's screens need only LocalRef and the errors to start,
not the outbox (sqlite-utils, cryptography) or the sync worker, which are built after the first paint.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and editors; at run time see __getattr__ below
    from offline_queue.errors import (
        ForeignQueueFile,
        InvalidLocalRef,
        OutboxLost,
        PayloadNotSerialisable,
        PayloadRefused,
        PayloadTooDeep,
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

# public name -> the submodule that defines it
_HOMES = {
    "DeadLetter": "stats",
    "ForeignQueueFile": "errors",
    "InvalidLocalRef": "errors",
    "LocalRef": "local_ref",
    "OutboxLost": "errors",
    "Outbox": "outbox",
    "PayloadNotSerialisable": "errors",
    "PayloadRefused": "errors",
    "PayloadTooDeep": "errors",
    "PayloadTooLarge": "errors",
    "QueueCorrupt": "errors",
    "QueueError": "errors",
    "QueueFull": "errors",
    "QueueStats": "stats",
    "QueueTooNew": "errors",
    "SealBroken": "errors",
    "SyncAlreadyRunning": "errors",
    "SyncReport": "sync_worker",
    "SyncWorker": "sync_worker",
    "UnknownFieldClass": "errors",
}

__all__ = [
    "DeadLetter",
    "ForeignQueueFile",
    "InvalidLocalRef",
    "LocalRef",
    "OutboxLost",
    "Outbox",
    "PayloadNotSerialisable",
    "PayloadRefused",
    "PayloadTooDeep",
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


def __getattr__(name: str) -> Any:
    """Import the submodule that holds `name` on first access; AttributeError for unknown names."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
