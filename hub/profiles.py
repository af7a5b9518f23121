"""What the hub knows about a card holder, for prefill, and the community's address list.

Profiles are keyed by the salted card hash (the hub never sees a card number). Each value is
personal: the whole profile is sealed with AES-256-GCM before it is written (bound to its card hash,
so a sealed row moved to another card does not open) under a key kept next to the database
(`<db>.profile-key`, mode 0600). TODO(lead): when hub/store.py's encryption of personal case fields
is merged, seal profiles with that key and helper instead of this file's own.

Values and their data classes (contract v1, GET /v1/residents/{card_hash}/profile):
    hub.phone personal · hub.address personal · hub.household_id personal · hub.community internal
A submission whose payload carries `profile_update` (the `hub.*` keys the resident changed) refreshes
the stored values from that submission's fields.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

DATA_CLASSES = {
    "hub.phone": "personal",
    "hub.address": "personal",
    "hub.household_id": "personal",
    "hub.community": "internal",
}
ADDRESSES_FILE = Path(__file__).parent / "data" / "demo_addresses.json"

# the demo resident's details (the demo card of drivers/card/simulated.py), for --seed-demo
DEMO_PROFILE = {
    "hub.phone": "13812345678",
    "hub.address": "幸福里社区8栋2单元301",
    "hub.household_id": "HH-110101-000817",
    "hub.community": "幸福里社区",
}


def _key(db_path: Path) -> bytes:
    path = db_path.with_name(db_path.name + ".profile-key")
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        key = AESGCM.generate_key(bit_length=256)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key.hex())
        return key


class ProfileStore:
    """Sealed profiles in the hub's SQLite file (table `resident_profiles`). Thread-safe."""

    def __init__(self, db_path: Path) -> None:
        self._aead = AESGCM(_key(Path(db_path)))
        self._conn = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS resident_profiles ("
                " card_hash TEXT PRIMARY KEY, nonce BLOB NOT NULL, sealed BLOB NOT NULL, updated_at TEXT NOT NULL)"
            )

    def put(self, card_hash: str, values: dict[str, str]) -> None:
        unknown = set(values) - set(DATA_CLASSES)
        if unknown:
            raise ValueError(f"unknown profile keys: {sorted(unknown)}")
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, json.dumps(values, ensure_ascii=False).encode(), card_hash.encode())
        with self._lock:
            self._conn.execute(
                "INSERT INTO resident_profiles VALUES (?, ?, ?, ?) ON CONFLICT(card_hash) DO UPDATE SET"
                " nonce = excluded.nonce, sealed = excluded.sealed, updated_at = excluded.updated_at",
                (card_hash, nonce, sealed, datetime.now(UTC).isoformat()),
            )

    def get(self, card_hash: str) -> dict[str, str] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT nonce, sealed FROM resident_profiles WHERE card_hash = ?", (card_hash,)
            ).fetchone()
        if row is None:
            return None
        return json.loads(self._aead.decrypt(row[0], row[1], card_hash.encode()))

    def update_from_submission(self, card_hash: str, payload: dict[str, Any], catalogue_fields: dict[str, str]) -> list[str]:
        """Take the edited `hub.*` values of an accepted submission; returns the keys refreshed.

        `catalogue_fields` maps the service's field ids to their prefill keys; only fields the resident
        flagged in `profile_update` and that really are prefill fields are taken."""
        flagged = payload.get("profile_update")
        if not isinstance(flagged, list):
            return []
        changed = {}
        for field_id in flagged:
            key = catalogue_fields.get(field_id) if isinstance(field_id, str) else None
            value = payload.get(field_id)
            if key in DATA_CLASSES and isinstance(value, str) and value:
                changed[key] = value
        if not changed:
            return []
        current = self.get(card_hash) or {}
        self.put(card_hash, {**current, **changed})
        return sorted(changed)

    def close(self) -> None:
        self._conn.close()


def profile_answer(values: dict[str, str]) -> dict[str, Any]:
    """The wire shape: every value with its data class."""
    return {"values": [{"key": k, "value": v, "data_class": DATA_CLASSES[k]} for k, v in sorted(values.items())]}


def load_addresses(path: Path = ADDRESSES_FILE) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
