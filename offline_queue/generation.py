"""The generation component of local references: a high-water mark in keyring (see local_ref.py).

Keyring lives apart from the data directory, so deleting or re-installing the outbox file does not
reset it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

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


def _file_name(terminal_id: str, path: Path) -> str:
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8", "backslashreplace")).hexdigest()[:16]
    return f"queue-file/{terminal_id}/{digest}"


def note_file(terminal_id: str, path: Path, generation: int) -> None:
    """Remember that a complete outbox of `generation` exists at `path` (set once the file holds its
    tables, so a crash while creating it is no loss to report)."""
    try:
        if keyring.get_password(SERVICE, _file_name(terminal_id, path)) != str(generation):
            keyring.set_password(SERVICE, _file_name(terminal_id, path), str(generation))
    except KeyringError as exc:
        raise QueueError(f"keyring unavailable for the outbox file mark: {type(exc).__name__}") from exc


def file_generation(terminal_id: str, path: Path) -> int | None:
    """The generation of the outbox last known at `path`, None when none was ever made there."""
    try:
        value = keyring.get_password(SERVICE, _file_name(terminal_id, path))
    except KeyringError as exc:
        raise QueueError(f"keyring unavailable for the outbox file mark: {type(exc).__name__}") from exc
    return int(value) if value and value.isdigit() else None
