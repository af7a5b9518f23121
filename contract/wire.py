"""The submission item and its answer as they travel in POST /v1/submissions:batch (contract v1).

An item carries its `field_classes` (field name -> public | internal | personal | sensitive), so the
hub knows which values to encrypt at rest. The classes are optional on the wire: an older terminal
sends none and the hub takes the classes from its catalogue's field definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

BATCH_PATH = "/v1/submissions:batch"

DATA_CLASSES = ("public", "internal", "personal", "sensitive")
PROTECTED_CLASSES = frozenset({"personal", "sensitive"})
"""Classes whose values are encrypted wherever they rest (the terminal's outbox, the hub's store)."""

ItemStatus = Literal["accepted", "duplicate", "rejected"]


@dataclass(frozen=True)
class SubmissionItem:
    """One outbox record as sent in POST /v1/submissions:batch."""

    idempotency_key: str
    local_ref: str
    service_id: str
    catalog_version: str
    created_at: str  # ISO 8601, UTC
    payload: dict[str, Any]
    field_classes: dict[str, str] | None = field(default=None)  # None: an older terminal, no classes

    def as_json(self) -> dict[str, Any]:
        # built by hand: dataclasses.asdict deep-copies the payload and cost half the drain's CPU
        out: dict[str, Any] = {
            "idempotency_key": self.idempotency_key,
            "local_ref": self.local_ref,
            "service_id": self.service_id,
            "catalog_version": self.catalog_version,
            "created_at": self.created_at,
            "payload": self.payload,
        }
        if self.field_classes is not None:
            out["field_classes"] = self.field_classes
        return out


@dataclass(frozen=True)
class SubmissionResult:
    """The hub's answer for one item: `case_id` for accepted and duplicate, `reason` for rejected."""

    idempotency_key: str
    status: ItemStatus
    case_id: str | None = None
    reason: str | None = None


def batch_body(items: list[SubmissionItem]) -> dict[str, Any]:
    """The JSON body of a batch request."""
    return {"items": [item.as_json() for item in items]}
