"""The generation component of local references: a high-water mark in keyring (see local_ref.py).

Keyring lives apart from the data directory, so deleting or re-installing the outbox file does not
reset it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import keyring
from keyring.errors import KeyringError

from offline_queue.errors import QueueError

# the kiosk's keyring service (kiosk.secrets.SERVICE keeps its other secrets under the same name)
SERVICE = "community-kiosk"

_EPOCH = date(2026, 1, 1)


def _name(terminal_id: str) -> str:
    return f"queue-generation/{terminal_id}"


def _stored(terminal_id: str) -> int | None:
    try:
        value = keyring.get_password(SERVICE, _name(terminal_id))
    except KeyringError as exc:
        raise QueueError(f"keyring unavailable for the outbox generation: {type(exc).__name__}") from exc
    return int(value) if value and value.isdigit() else None


def _store(terminal_id: str, generation: int) -> None:
    try:
        keyring.set_password(SERVICE, _name(terminal_id), str(generation))
    except KeyringError as exc:
        raise QueueError(f"keyring unavailable for the outbox generation: {type(exc).__name__}") from exc


def allocate_generation(terminal_id: str, today: date | None = None) -> int:
    """A generation never handed out before for this terminal; recorded in keyring before it is used.

    Raises QueueError when keyring cannot be read or written.
    """
    last = _stored(terminal_id)
    if last is None:
        today = today or datetime.now(UTC).date()
        generation = max(1, (today - _EPOCH).days + 1)
    else:
        generation = last + 1
    _store(terminal_id, generation)
    return generation


def note_generation(terminal_id: str, generation: int) -> None:
    """Raise keyring's mark to a generation seen in an outbox file (e.g. keyring restored from an old
    backup), so the next new file still gets a higher one."""
    last = _stored(terminal_id)
    if last is None or last < generation:
        _store(terminal_id, generation)
