"""Encryption at rest of the fields classed personal/sensitive (AES-256-GCM, `cryptography`).

A submission's protected fields are sealed together into one blob:
``version byte (1) | nonce (12) | ciphertext+tag``. The associated data is the item's idempotency
key, so a blob copied onto another row does not open. The key comes from keyring
(kiosk.secrets.queue_encryption_key), created on first use; it never touches the database file.
"""

from __future__ import annotations

import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from offline_queue.errors import SealBroken, UnknownFieldClass

FIELD_CLASSES = ("public", "internal", "personal", "sensitive")
PROTECTED_CLASSES = frozenset({"personal", "sensitive"})
_FORMAT = b"\x01"
_NONCE_BYTES = 12


def split_protected(
    payload: dict[str, Any], field_classes: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(clear fields, protected fields). Raises UnknownFieldClass for a field without a known class."""
    clear: dict[str, Any] = {}
    protected: dict[str, Any] = {}
    for name, value in payload.items():
        data_class = field_classes.get(name)
        if data_class not in FIELD_CLASSES:
            what = "has no class" if data_class is None else "has an unknown class"
            raise UnknownFieldClass(f"field {name!r} {what}", field=name)
        (protected if data_class in PROTECTED_CLASSES else clear)[name] = value
    return clear, protected


class FieldSealer:
    """Seals and opens the protected fields of one item. Thread-safe (AESGCM keeps no state per call)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the queue key must be 32 bytes (AES-256)")
        self._aead = AESGCM(key)

    def seal(self, fields: dict[str, Any], associated: bytes) -> bytes:
        """Encrypt a JSON object of fields. Raises TypeError/ValueError for values that are not JSON."""
        return self.seal_json(
            json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), associated
        )

    def seal_json(self, plain: bytes, associated: bytes) -> bytes:
        """Encrypt fields already serialised as a JSON object (UTF-8)."""
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT + nonce + self._aead.encrypt(nonce, plain, associated)

    def open(self, blob: bytes, associated: bytes) -> dict[str, Any]:
        """Decrypt a sealed blob. Raises SealBroken (wrong key, altered bytes, another row's blob)."""
        if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _FORMAT:
            raise SealBroken("sealed fields have an unknown format")
        nonce, body = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            plain = self._aead.decrypt(nonce, body, associated)
        except InvalidTag as exc:
            raise SealBroken("sealed fields do not open with this terminal's key") from exc
        return json.loads(plain)
