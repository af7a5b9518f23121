"""What the kiosk asks of the hub, as types: the contract between the hub client (kiosk/hub_client.py)
and its users (the sync worker in offline_queue/, the session's services).

The wire format is in ../shared/DESIGN.md ("Hub contract v1"); this module names the answers and the
ways a call can fail, so callers never see `requests` exceptions or raw JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# the wire shapes live in contract.wire (shared with the hub); re-exported here for the kiosk's users
from contract.wire import SubmissionItem, SubmissionResult
from kiosk.errors import KioskError, WayForward
from offline_queue.delivery import DeliveryFailed, DeliveryGarbled, DeliveryRefused, DeliveryUnavailable


class HubError(KioskError, DeliveryFailed):
    """The hub could not give a usable answer."""

    message_key = "error.hub"
    ways_forward = (WayForward.RETRY, WayForward.TICKET, WayForward.CALL_STAFF)


class HubUnavailable(HubError, DeliveryUnavailable):
    """Transport failure, timeout, 5xx, 429 or 503: try again later.

    `retry_after_s` is the hub's Retry-After when it sent one (None otherwise).
    """

    message_key = "error.hub_unavailable"

    def __init__(self, detail: str = "", *, retry_after_s: float | None = None, status: int | None = None):
        super().__init__(detail)
        self.retry_after_s = retry_after_s
        self.status = status


class HubRefused(HubError, DeliveryRefused):
    """The hub refused the request for good (400, 401, 403, 404, 409, 413, 422): retrying won't help."""

    message_key = "error.hub_refused"

    def __init__(self, detail: str = "", *, status: int, error: str = ""):
        super().__init__(detail)
        self.status = status
        self.error = error


class HubNotFound(HubRefused):
    """The thing asked for (a case, a record) does not exist at the hub."""

    message_key = "error.not_found"
    ways_forward = (WayForward.RETRY, WayForward.TICKET)

    def __init__(self, detail: str = "", *, error: str = "not_found"):
        super().__init__(detail, status=404, error=error)


class HubProtocolError(HubError, DeliveryGarbled):
    """The hub answered something that does not follow the contract (garbage, wrong shape)."""

    message_key = "error.hub_unavailable"


@dataclass(frozen=True)
class CatalogFetch:
    """GET /v1/catalog: `document` is None when the hub answered 304 Not Modified."""

    etag: str | None
    document: dict[str, Any] | None


@dataclass(frozen=True)
class CaseEvent:
    at: str  # ISO 8601
    status: str  # received, assigned, in_progress, resolved, closed, rejected
    note: dict[str, str] = field(default_factory=dict)  # language code -> text


@dataclass(frozen=True)
class CaseStatus:
    case_id: str
    local_ref: str
    service_id: str
    status: str
    timeline: tuple[CaseEvent, ...]
    rating: int | None = None
    can_rate: bool = False


@dataclass(frozen=True)
class Ticket:
    number: str  # what the staffed window calls, e.g. "A023"
    window: str  # which counter
    waiting_ahead: int
    issued_at: str


@dataclass(frozen=True)
class RecordDocument:
    """A certificate or record the hub issues for printing (POST /v1/records)."""

    record_id: str
    service_id: str
    title: dict[str, str]  # language code -> text
    rows: tuple[tuple[dict[str, str], str], ...]  # (label by language, value already masked by the hub)
    issued_at: str
    verify_url: str  # goes into the QR code on the printout
    # per row, where its value is words (a choice's label): the value by language; {} for data
    value_texts: tuple[dict[str, str], ...] = ()

    def lines(self, language: str) -> list[tuple[str, str]]:
        """Each row's label and value in `language` (the hub's default language where it has none):
        one language on the screen and on paper, never "社保办理 / Social insurance"."""
        lines = []
        for n, (label, value) in enumerate(self.rows):
            words = self.value_texts[n] if n < len(self.value_texts) else {}
            lines.append((label.get(language) or label.get("zh", ""), words.get(language) or value))
        return lines


class Hub(Protocol):
    """The calls the kiosk makes. Every method raises HubUnavailable, HubRefused or HubProtocolError."""

    def submit_batch(self, items: list[SubmissionItem]) -> list[SubmissionResult]:
        """One result per item, in any order; a missing result raises HubProtocolError."""
        ...

    def fetch_catalog(self, etag: str | None = None) -> CatalogFetch: ...

    def case_status(self, ref: str) -> CaseStatus:
        """`ref` is a case id or a local reference. Unknown -> HubNotFound."""
        ...

    def cases_for_card(self, card_hash: str) -> list[CaseStatus]:
        """Cases submitted with a card, found by a salted hash of the card number (never the number)."""
        ...

    def rate_case(self, case_id: str, stars: int, comment: str = "") -> None: ...

    def take_ticket(self, service_id: str) -> Ticket: ...

    def issue_record(
        self, service_id: str, subject: dict[str, Any], request_id: str | None = None
    ) -> RecordDocument:
        """`request_id` sent again after a lost answer gives the document already issued for it."""
        ...

    def heartbeat(self, health: dict[str, Any]) -> dict[str, Any] | None:
        """The hub's answer (audit head held, pending commands); None or {} from a hub without them."""
        ...
