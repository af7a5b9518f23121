"""What the outbox tells the screen, the heartbeat and technicians: counts, ages, the last outcome,
and the dead letters (never a personal or sensitive value: those stay sealed)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from offline_queue.local_ref import LocalRef
from offline_queue.schema import ACKED, DEAD_LETTER, IN_FLIGHT, PENDING


@dataclass(frozen=True)
class QueueStats:
    depth: int  # pending items
    in_flight: int
    oldest_pending_age_s: float | None  # None when nothing is pending
    dead_letters: int
    acked: int  # acked items still kept (not yet purged)
    last_success_at: str | None  # ISO 8601 UTC of the last batch the hub answered
    last_error: str | None  # e.g. "HubUnavailable status=503"; no personal data

    def as_heartbeat(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DeadLetter:
    """A submission the hub refused for good. Field names only: values stay sealed in the outbox."""

    local_ref: str
    service_id: str
    catalog_version: str
    created_at: str
    reason: str
    attempts: int
    field_names: tuple[str, ...]


def read_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM outbox_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def read_stats(conn: sqlite3.Connection, now: float, low_water: int = 0) -> QueueStats:
    """`low_water`: no pending item has a smaller seq (0 when unknown), where the oldest is sought."""
    counts = dict(conn.execute("SELECT state, COUNT(*) FROM items GROUP BY state").fetchall())
    oldest = conn.execute(
        "SELECT created_ts FROM items WHERE seq >= ? AND state = ? ORDER BY seq LIMIT 1", (low_water, PENDING)
    ).fetchone()
    return QueueStats(
        depth=counts.get(PENDING, 0),
        in_flight=counts.get(IN_FLIGHT, 0),
        oldest_pending_age_s=None if oldest is None else max(0.0, now - oldest[0]),
        dead_letters=counts.get(DEAD_LETTER, 0),
        acked=counts.get(ACKED, 0),
        last_success_at=read_meta(conn, "last_success_at"),
        last_error=read_meta(conn, "last_error"),
    )


def read_dead_letters(
    conn: sqlite3.Connection, terminal_id: str, generation: int, limit: int = 100
) -> list[DeadLetter]:
    rows = conn.execute(
        "SELECT seq, service_id, catalog_version, created_at, reason, attempts, field_classes"
        " FROM items WHERE state = ? ORDER BY seq LIMIT ?",
        (DEAD_LETTER, limit),
    ).fetchall()
    return [
        DeadLetter(
            local_ref=str(LocalRef(terminal_id, generation, seq)),
            service_id=service_id,
            catalog_version=catalog_version,
            created_at=created_at,
            reason=reason or "",
            attempts=attempts,
            field_names=tuple(json.loads(classes or "{}")),
        )
        for seq, service_id, catalog_version, created_at, reason, attempts, classes in rows
    ]
