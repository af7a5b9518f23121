"""What both hub stores (hub/store.py on SQLite, hub/store_pg.py on PostgreSQL) hand out and refuse
with: a case's statuses and their standard notes, the typed StoreError, a terminal's credentials, an
item's answer, and the digests and timestamps they store."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# statuses a case moves through; a resident may rate a case once it is finished
CASE_STATUSES = ("received", "assigned", "in_progress", "resolved", "closed", "rejected")
RATEABLE_STATUSES = ("resolved", "closed")

STATUS_NOTES: dict[str, dict[str, str]] = {
    "received": {"zh": "已受理，等待分派", "en": "Received, waiting to be assigned"},
    "assigned": {"zh": "已分派给责任部门", "en": "Assigned to the responsible office"},
    "in_progress": {"zh": "正在办理", "en": "Being handled"},
    "resolved": {"zh": "已办结", "en": "Done"},
    "closed": {"zh": "已归档", "en": "Closed"},
    "rejected": {"zh": "不予受理", "en": "Not accepted"},
}


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def body_digest(item: dict[str, Any]) -> str:
    """A digest of a submission item that does not depend on key order or JSON spacing. The data
    classes are left out: they describe the values, and an item queued before its terminal sent
    classes and resent after an update is still the same submission."""
    content = {k: v for k, v in item.items() if k != "field_classes"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class StoreError(Exception):
    """A request the store cannot carry out; `error` is the machine-readable code for the answer."""

    def __init__(self, error: str, message: str, status: int) -> None:
        super().__init__(message)
        self.error = error
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Terminal:
    terminal_id: str
    token_sha256: str
    hmac_key: bytes
    revoked: bool

    def token_matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_sha256, token_digest(token))


@dataclass(frozen=True)
class ItemAnswer:
    """The answer for one submission item, as stored for its idempotency key."""

    idempotency_key: str
    status: str  # accepted | duplicate | rejected
    case_id: str | None = None
    reason: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"idempotency_key": self.idempotency_key, "status": self.status}
        if self.case_id is not None:
            out["case_id"] = self.case_id
        if self.reason is not None:
            out["reason"] = self.reason
        return out
