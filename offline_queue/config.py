"""The outbox's and sync worker's configuration section ([queue] in the kiosk's TOML; kiosk/config.py
builds it and re-exports the name)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueConfig:
    batch_max_items: int = 200
    batch_max_bytes: int = 512 * 1024
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 300.0
    idle_poll_s: float = 5.0  # how often the worker looks for work when nobody wakes it
    retention_days: float = 30.0  # acked items are purged after this (sooner when the size cap needs room)
    max_db_bytes: int = 0  # cap on the outbox file (a full cap refuses new submissions); 0 = no cap
    # a batch the hub fails this many times in a row is split to find the item it cannot take; an
    # item failing alone this many times becomes a dead letter ("poison: ...")
    poison_attempts: int = 3
