"""Encryption at rest of residents' personal and sensitive values at the hub (issue 10, item 7).

A case's payload is split by data class: public and internal fields stay readable in `cases.payload`
(staff filter and count by them); personal and sensitive fields, and any field whose class is unknown,
are sealed together into `cases.sealed` with AES-256-GCM: ``version (1) | nonce (12) | ciphertext+tag``.
The associated data binds the blob to its case (terminal id and idempotency key), so a blob copied to
another row does not open. A rating's free-text comment is sealed the same way.

The key (32 random bytes, hex) lives in a key file outside the database — by default next to it,
``<db>.key``; `--key-file` (hub/__main__.py) puts it anywhere else, e.g. on another volume or a
secrets mount, which is what production should do: a stolen database file alone then opens nothing.
The file is created on first use with mode 0600 and refused when others may read it. A digest of the
key is kept in the database (fleet table, ``field_key_check``), so a missing or different key file is
reported (StoreError 503 key_unavailable) instead of new cases being sealed with a new key that the
old ones do not open with.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from contract.wire import DATA_CLASSES, PROTECTED_CLASSES

_FORMAT = b"\x01"
_NONCE_BYTES = 12
_KEY_BYTES = 32


class VaultError(Exception):
    """The key file is missing, exposed, unreadable or not the key the database was sealed with."""


def default_key_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".key")


def protected_fields(
    payload: dict[str, Any], item_classes: dict[str, str] | None, catalogue_classes: dict[str, str]
) -> set[str]:
    """The payload fields to seal: classed personal or sensitive by the item OR by the catalogue, and
    those neither knows (the safe side: an unknown field may be personal)."""
    item_classes = item_classes or {}
    out = set()
    for name in payload:
        known = [c for c in (item_classes.get(name), catalogue_classes.get(name)) if c in DATA_CLASSES]
        if not known or any(c in PROTECTED_CLASSES for c in known):
            out.add(name)
    return out


def catalogue_classes(service: dict[str, Any] | None) -> dict[str, str]:
    """field id -> data class, from a catalogue service's field definitions (empty when unknown)."""
    fields = service.get("fields") if isinstance(service, dict) else None
    out: dict[str, str] = {}
    for f in fields if isinstance(fields, list) else ():
        if isinstance(f, dict) and isinstance(f.get("id"), str) and isinstance(f.get("data_class"), str):
            out[f["id"]] = f["data_class"]
    return out


class FieldVault:
    """Seals and opens protected fields with the key in `key_path`, loaded (or made) on first use.

    `stored_check()` answers the key digest the database holds (None before the first key);
    `store_check(digest)` records it. A missing key file where the database has a digest, or a key
    with another digest, raises VaultError: new cases must not be sealed with a key the old ones do
    not open with.
    """

    def __init__(
        self, key_path: Path, stored_check: Callable[[], str | None], store_check: Callable[[str], None]
    ) -> None:
        self.key_path = key_path
        self._stored_check = stored_check
        self._store_check = store_check
        self._lock = threading.Lock()
        self._aead: Any = None

    def _load(self) -> Any:
        with self._lock:
            if self._aead is None:
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # heavy: only when used

                expected = self._stored_check()
                if expected is not None and not self.key_path.exists():
                    raise VaultError(
                        f"the key file {self.key_path} is missing; the database was sealed with it"
                    )
                key = self._read_or_make_key()
                digest = hmac.new(key, b"hub field key check", hashlib.sha256).hexdigest()[:32]
                if expected is None:
                    self._store_check(digest)
                elif not hmac.compare_digest(expected, digest):
                    raise VaultError(
                        f"the key file {self.key_path} is not the key this database was sealed with"
                    )
                self._aead = AESGCM(key)
            return self._aead

    def _read_or_make_key(self) -> bytes:
        path = self.key_path
        try:
            st = path.stat()
        except FileNotFoundError:
            return self._make_key()
        if stat.S_IMODE(st.st_mode) & 0o077:
            raise VaultError(f"the key file {path} may be read by others: chmod 600 it")
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (OSError, ValueError) as exc:
            raise VaultError(f"the key file {path} cannot be read ({type(exc).__name__})") from exc
        if len(key) != _KEY_BYTES:
            raise VaultError(f"the key file {path} does not hold a {_KEY_BYTES}-byte key")
        return key

    def _make_key(self) -> bytes:
        key = os.urandom(_KEY_BYTES)
        self.key_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it just now: use theirs
            return self._read_or_make_key()
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        return key

    def seal(self, fields: dict[str, Any], associated: bytes) -> bytes:
        plain = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT + nonce + self._load().encrypt(nonce, plain, associated)

    def open(self, blob: bytes, associated: bytes) -> Any:
        from cryptography.exceptions import InvalidTag

        if len(blob) < 1 + _NONCE_BYTES + 16 or blob[:1] != _FORMAT:
            raise VaultError("sealed fields have an unknown format")
        try:
            plain = self._load().decrypt(blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :], associated)
        except InvalidTag as exc:
            raise VaultError("sealed fields do not open with this key") from exc
        return json.loads(plain)


def case_associated_data(terminal_id: str, idempotency_key: str) -> bytes:
    return ("case\x00" + terminal_id + "\x00" + idempotency_key).encode("utf-8")


def comment_associated_data(case_id: str) -> bytes:
    return ("rating\x00" + case_id).encode("utf-8")
