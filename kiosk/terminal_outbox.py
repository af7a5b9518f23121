"""The terminal's outbox, composed: offline_queue.Outbox takes its key as an argument, and this module
gives it the one kept in keyring (kiosk.secrets), so the queue package imports nothing from kiosk/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from keyring.errors import KeyringError

from kiosk.config import KioskConfig
from kiosk.secrets import queue_encryption_key
from offline_queue.errors import QueueError
from offline_queue.outbox import Outbox


def outbox_key(terminal_id: str) -> bytes:
    """The AES-256 key for the outbox's protected fields (created in keyring on first run).
    Raises QueueError when keyring cannot be used."""
    try:
        return queue_encryption_key(terminal_id)
    except KeyringError as exc:
        raise QueueError(f"keyring unavailable for the queue key: {type(exc).__name__}") from exc


def outbox_at(path: Path | str, terminal_id: str, **options: Any) -> Outbox:
    """Outbox(path, terminal_id, key=<keyring's key>, **options); an explicit key= wins."""
    key = options.pop("key", None)
    return Outbox(path, terminal_id, key=key if key is not None else outbox_key(terminal_id), **options)


def open_outbox(config: KioskConfig) -> Outbox:
    """The terminal's outbox at config.queue_db_path, with config.queue's settings."""
    return outbox_at(config.queue_db_path, config.terminal_id, config=config.queue)
