"""Secrets held in keyring, never in the configuration file.

On a terminal the system keyring holds them (Secret Service / the OS store). Headless demo runs and
tests use a file keyring (keyrings.alt) so nothing prompts.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend

from kiosk.errors import ConfigError

SERVICE = "community-kiosk"


def select_keyring_backend(spec: str) -> None:
    """Choose where secrets live: "system" keeps keyring's own choice; "file:<path>" a plain file.

    The file backend is for demo runs and tests only: it protects nothing on a shared machine. Its
    writes are atomic (kiosk.file_keyring), so a reader in another thread or process never finds a
    secret missing while one is being stored.
    """
    if spec == "system":
        return
    if not spec.startswith("file:"):
        raise ConfigError(f"unknown keyring backend {spec!r}")
    from kiosk.file_keyring import AtomicFileKeyring

    backend = AtomicFileKeyring()
    path = Path(spec[len("file:") :])
    path.parent.mkdir(parents=True, exist_ok=True)
    backend.file_path = str(path)  # type: ignore[misc]
    keyring.set_keyring(backend)


def _get(name: str) -> str | None:
    return keyring.get_password(SERVICE, name)


def _set(name: str, value: str) -> None:
    keyring.set_password(SERVICE, name, value)


def get_or_create_key(name: str, nbytes: int = 32) -> bytes:
    """A random key stored under `name`, created on first use."""
    existing = _get(name)
    if existing:
        return base64.b64decode(existing)
    key = os.urandom(nbytes)
    _set(name, base64.b64encode(key).decode("ascii"))
    return key


def queue_encryption_key(terminal_id: str) -> bytes:
    """AES-256 key for the outbox's personal/sensitive fields."""
    return get_or_create_key(f"queue-key/{terminal_id}")


@dataclass(frozen=True)
class HubCredentials:
    """What a terminal presents to the hub: a bearer token and the HMAC key for signatures."""

    terminal_id: str
    token: str
    hmac_key: bytes


def store_hub_credentials(creds: HubCredentials) -> None:
    """Done once at enrolment (or by the demo/test set-up)."""
    _set(f"hub-token/{creds.terminal_id}", creds.token)
    _set(f"hub-hmac/{creds.terminal_id}", base64.b64encode(creds.hmac_key).decode("ascii"))


def load_hub_credentials(terminal_id: str) -> HubCredentials:
    """Raises ConfigError when the terminal has not been enrolled."""
    token = _get(f"hub-token/{terminal_id}")
    key = _get(f"hub-hmac/{terminal_id}")
    if not token or not key:
        raise ConfigError(f"terminal {terminal_id} has no hub credentials in keyring (not enrolled)")
    return HubCredentials(terminal_id, token, base64.b64decode(key))


def is_enrolled(terminal_id: str) -> bool:
    """Whether keyring holds everything enrolment stores: the hub credentials and the card salt."""
    names = (f"hub-token/{terminal_id}", f"hub-hmac/{terminal_id}", f"card-hash-salt/{terminal_id}")
    return all(_get(name) for name in names)


def store_card_hash_salt(terminal_id: str, salt: bytes) -> None:
    """Keep the fleet-wide card-hash salt the hub issued at enrolment (the same on every terminal)."""
    _set(f"card-hash-salt/{terminal_id}", base64.b64encode(salt).decode("ascii"))


def card_hash_salt(terminal_id: str) -> bytes:
    """The fleet-wide salt for card hashes (kiosk.services.card_hash), as issued by the hub at
    enrolment, so a card's cases are found on any terminal of the fleet.

    Raises ConfigError when the terminal has not been enrolled (or was enrolled before the hub issued
    a salt: enrol it again).
    """
    salt = _get(f"card-hash-salt/{terminal_id}")
    if not salt:
        raise ConfigError(f"terminal {terminal_id} has no card-hash salt in keyring (not enrolled)")
    return base64.b64decode(salt)
