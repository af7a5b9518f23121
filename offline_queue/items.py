"""The outbox's records as the sync side handles them, and the payload's JSON form."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from offline_queue.errors import PayloadNotSerialisable


@dataclass(frozen=True)
class ClaimedItem:
    """An item the sync worker has moved to in_flight; its protected fields are still sealed."""

    seq: int
    local_ref: str
    idempotency_key: str
    service_id: str
    catalog_version: str
    created_at: str
    clear_fields: str
    sealed: bytes | None
    field_classes: str = "{}"  # JSON: field name -> data class, sent with the item


@dataclass(frozen=True)
class Settlement:
    """What to write after a batch: acked (seq, case_id), dead letters (seq, reason), back to pending."""

    acked: tuple[tuple[int, str], ...] = ()
    dead: tuple[tuple[int, str], ...] = ()
    retry: tuple[int, ...] = ()
    hub_answered: bool = False  # the hub gave a usable answer: sets last_success_at
    error: str | None = None  # recorded as last_error (None clears it when the hub answered)


# one encoder for every call: json.dumps with options builds a new one each time (enqueue is hot)
JSON_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def to_json(payload: dict[str, Any]) -> str:
    """The payload as JSON; names the first field that is not JSON (never its value)."""
    try:
        return JSON_ENCODER.encode(payload)
    except (TypeError, ValueError) as exc:
        for name, value in payload.items():
            try:
                json.dumps(value, allow_nan=False)
            except (TypeError, ValueError):
                raise PayloadNotSerialisable(
                    f"field {name!r} is not JSON-serialisable ({type(value).__name__})", field=name
                ) from exc
        raise PayloadNotSerialisable(f"payload is not JSON-serialisable: {type(exc).__name__}") from exc
