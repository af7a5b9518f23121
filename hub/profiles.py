"""What the hub knows about a card holder, for prefill, and the community's address list.

Profiles are keyed by the salted card hash (the hub never sees a card number). The values are
personal: the whole profile is sealed before it is written, with the hub's field key and vault
(hub/field_vault.py, AES-256-GCM, the key file apart from the database), bound to its card hash so a
sealed row moved to another card does not open.

Values and their data classes (contract v1, GET /v1/residents/{card_hash}/profile):
    hub.phone personal · hub.address personal · hub.household_id personal · hub.community internal
A submission whose payload carries `profile_update` (the `hub.*` keys the resident changed) refreshes
the stored values from that submission's fields.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.store import HubStore

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


def _associated(card_hash: str) -> bytes:
    return ("profile\x00" + card_hash).encode("utf-8")


class ProfileStore:
    """Sealed profiles in the hub's SQLite file (table `resident_profiles`). Thread-safe."""

    def __init__(self, store: HubStore) -> None:
        self._store = store
        self._conn = sqlite3.connect(str(store.db_path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.execute("PRAGMA secure_delete=ON")  # an old sealed row leaves no trace in free pages
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS resident_profiles ("
                " card_hash TEXT PRIMARY KEY, sealed BLOB NOT NULL, updated_at TEXT NOT NULL)"
            )

    def put(self, card_hash: str, values: dict[str, str]) -> None:
        unknown = set(values) - set(DATA_CLASSES)
        if unknown:
            raise ValueError(f"unknown profile keys: {sorted(unknown)}")
        sealed = self._store.seal_personal(dict(values), _associated(card_hash))
        with self._lock:
            self._conn.execute(
                "INSERT INTO resident_profiles VALUES (?, ?, ?) ON CONFLICT(card_hash) DO UPDATE SET"
                " sealed = excluded.sealed, updated_at = excluded.updated_at",
                (card_hash, sealed, datetime.now(UTC).isoformat()),
            )

    def get(self, card_hash: str) -> dict[str, str] | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT sealed FROM resident_profiles WHERE card_hash = ?", (card_hash,)
            ).fetchone()
        if row is None:
            return None
        return self._store.open_personal(row[0], _associated(card_hash))

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
