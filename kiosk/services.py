"""What each service kind does, as blocking calls the session hands to its executor.

`ServiceActions` never runs on the UI thread and never touches the screen. It talks to the outbox
(submissions: durable on disk before it returns, so they work offline), the hub (progress, records,
tickets, ratings) and the printer. Every failure is a typed `KioskError`:

- `ServiceOffline` (a `HubUnavailable`): the hub cannot be reached and this kind needs it; the screen
  says the terminal is offline and offers a ticket for the staffed window.
- `HubNotFound`: no case for that reference (or none for this card).
- `CaseNotRateable`: the case is not finished, or was rated already.
- printer errors (`PaperOut`, `PrinterOffline`, `PrinterError`) as the driver raises them.

Taking a ticket is the one hub call with a fallback: when the hub is down, a local ticket is issued
from a numbered book kept on disk (`LocalTicketBook`) and the outcome says it is local.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from drivers.card.model import Identity
from drivers.printer.model import PrintResult, ReceiptDocument, ReceiptPrinter
from kiosk.atomic import write_atomic
from kiosk.catalogue import Service, ServiceKind
from kiosk.errors import KioskError, WayForward
from kiosk.hub_api import CaseStatus, Hub, HubNotFound, HubUnavailable, RecordDocument, Ticket
from kiosk.record_requests import RecordRequests

log = logging.getLogger(__name__)


class ServiceOffline(HubUnavailable):
    """This service needs the hub and the hub cannot be reached now."""

    message_key = "error.service_offline"
    ways_forward = (WayForward.TICKET, WayForward.RETRY, WayForward.CALL_STAFF)


class RecordNeedsPaper(KioskError):
    """A certificate or record chosen while the printer is out of paper. It is not issued: the
    slip is what the resident came for, and a number issued without one is a document in the hub's
    register that nobody holds (walk 6, finding M5: the tile said "use the window", then the
    certificate was issued and the words asked the resident to load paper). The staffed window
    issues it; the tile works again as soon as the printer has paper."""

    message_key = "error.record_no_paper"
    ways_forward = (WayForward.TICKET, WayForward.CALL_STAFF)


class CaseNotRateable(KioskError):
    message_key = "error.case_not_rateable"
    ways_forward = (WayForward.CONTINUE,)


class SubmissionQueue(Protocol):
    """The outbox as the services use it (offline_queue.outbox.Outbox)."""

    def enqueue(
        self, service_id: str, payload: dict[str, Any], field_classes: dict[str, str], catalog_version: str
    ) -> Any:
        """Durable before it returns; the answer's str() is the printable local reference."""
        ...


class ResidentProfiles(Protocol):
    """Optional: what the hub knows about a card holder, for prefill (keys like "hub.phone").

    The hub contract v1 has no such call yet; without one, hub-prefilled fields are simply asked.
    """

    def resident_profile(self, card_hash: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class TicketOutcome:
    ticket: Ticket
    is_local: bool  # the hub was unreachable: a local fallback ticket (waiting_ahead is -1: unknown)


class LocalTicketBook:
    """Numbers for fallback tickets (L001, L002 ...), restarting each day, kept on disk so a restart
    never hands out the same number twice in a day."""

    def __init__(self, path: Path, *, prefix: str = "L") -> None:
        self._path = path
        self._prefix = prefix
        self._lock = threading.Lock()

    def issue(self, now: datetime, window: str = "") -> Ticket:
        """Raises OSError when the book cannot be written (then no number was handed out)."""
        with self._lock:
            day = now.date().isoformat()
            last = 0
            if self._path.exists():
                try:
                    loaded = json.loads(self._path.read_text(encoding="utf-8"))
                    if (
                        isinstance(loaded, dict)
                        and loaded.get("day") == day
                        and isinstance(loaded.get("last"), int)
                    ):
                        last = loaded["last"]
                except (ValueError, OSError) as exc:
                    # a damaged book restarts at a high number, far from any number issued today
                    log.warning("local ticket book unreadable, restarting at 500: %s", exc)
                    last = 500
            last += 1
            write_atomic(self._path, json.dumps({"day": day, "last": last}).encode("utf-8"))
            return Ticket(
                number=f"{self._prefix}{last:03d}",
                window=window,
                waiting_ahead=-1,
                issued_at=now.isoformat(timespec="seconds"),
            )


def card_hash(card_number: str, salt: bytes) -> str:
    """A salted hash of the card number: how the hub finds a card's cases without the number."""
    return hashlib.sha256(salt + card_number.encode("utf-8")).hexdigest()


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ServiceActions:
    """Blocking actions of the service kinds. Thread-safe as long as its collaborators are."""

    def __init__(
        self,
        *,
        outbox: SubmissionQueue,
        hub: Hub,
        printer: ReceiptPrinter,
        tickets: LocalTicketBook,
        card_salt: bytes,
        profiles: ResidentProfiles | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._outbox = outbox
        self._hub = hub
        self._printer = printer
        self._tickets = tickets
        self._salt = card_salt
        self._profiles = profiles
        self.now = now

    def use_card_salt(self, salt: bytes) -> None:
        """The fleet's card salt, once a terminal that started without credentials is enrolled."""
        self._salt = salt

    def card_hash(self, identity: Identity) -> str:
        return card_hash(identity.card_number, self._salt)

    # --- submit: the outbox, works offline -------------------------------------------------------

    def submit(
        self,
        service: Service,
        payload: dict[str, Any],
        field_classes: dict[str, str],
        catalog_version: str,
        identity: Identity | None,
    ) -> str:
        """Enqueue the submission; returns the local reference once it is durable on disk.

        A card holder's submission carries the card hash (class internal) so a progress query by
        card finds it. Raises whatever the outbox raises (typed queue errors, e.g. disk full).
        """
        body = dict(payload)
        classes = dict(field_classes)
        if identity is not None:
            body["card_hash"] = self.card_hash(identity)
            classes["card_hash"] = "internal"
        ref = self._outbox.enqueue(service.id, body, classes, catalog_version)
        log.info("submission queued", extra={"service_id": service.id, "local_ref": str(ref)})
        return str(ref)

    def delivered(self, local_ref: str) -> bool:
        """Whether the hub has acknowledged the submission `local_ref` (read from the outbox)."""
        states = getattr(self._outbox, "states", None)
        if states is None:
            return False
        return states([local_ref]).get(local_ref) == "acked"

    # --- hub-backed kinds --------------------------------------------------------------------------

    def query(self, reference: str | None, identity: Identity | None) -> tuple[CaseStatus, ...]:
        """Cases by reference (case id or local reference) or, without one, by the card.

        Raises HubNotFound (nothing found), ServiceOffline, HubRefused, HubProtocolError.
        """
        try:
            if reference:
                return (self._hub.case_status(reference),)
            if identity is None:
                raise HubNotFound("no reference and no card")
            cases = tuple(self._hub.cases_for_card(self.card_hash(identity)))
        except ServiceOffline:
            raise
        except HubUnavailable as exc:
            raise ServiceOffline(str(exc), retry_after_s=exc.retry_after_s, status=exc.status) from exc
        if not cases:
            raise HubNotFound("no cases for this card", error="no_cases")
        return cases

    def rate(self, case_id: str, stars: int, comment: str = "") -> None:
        """Raises ValueError for stars outside 1..5, ServiceOffline, HubRefused (e.g. rated already)."""
        if not 1 <= stars <= 5:
            raise ValueError("stars must be 1..5")
        try:
            self._hub.rate_case(case_id, stars, comment)
        except HubUnavailable as exc:
            raise ServiceOffline(str(exc), retry_after_s=exc.retry_after_s, status=exc.status) from exc

    def issue_record(
        self,
        service: Service,
        identity: Identity | None,
        payload: dict[str, Any],
        requests: RecordRequests | None = None,
    ) -> RecordDocument:
        """Ask the hub for a record/certificate about the card holder, with the request id of
        `requests` (the same one again when a lost answer is asked for again; none without). Raises
        ServiceOffline, HubNotFound (no record), HubRefused, HubProtocolError."""
        subject: dict[str, Any] = dict(payload)
        if identity is not None:
            subject["id_number"] = identity.id_number
            subject["card_hash"] = self.card_hash(identity)
        try:
            request_id = requests.id_for(service.id, subject) if requests is not None else None
            return self._hub.issue_record(service.id, subject, request_id=request_id)
        except HubUnavailable as exc:
            raise ServiceOffline(str(exc), retry_after_s=exc.retry_after_s, status=exc.status) from exc

    def take_ticket(self, service_id: str) -> TicketOutcome:
        """A ticket from the hub, or a local fallback ticket when the hub cannot be reached.

        Raises HubRefused / HubProtocolError (the hub answered, but no ticket), OSError when even the
        local book cannot be written.
        """
        try:
            return TicketOutcome(self._hub.take_ticket(service_id), is_local=False)
        except HubUnavailable as exc:
            log.warning("hub unreachable for a ticket, issuing a local one: %s", exc)
            return TicketOutcome(self._tickets.issue(self.now()), is_local=True)

    def profile(self, identity: Identity) -> dict[str, str]:
        """What the hub knows about the card holder for prefill ({} without a profile source).
        Raises HubError; the session then just asks for those fields."""
        if self._profiles is None:
            return {}
        known = self._profiles.resident_profile(self.card_hash(identity))
        return {k: v for k, v in known.items() if isinstance(v, str) and k.startswith("hub.")}

    # --- printer -------------------------------------------------------------------------------------

    def print_document(self, document: ReceiptDocument) -> PrintResult:
        """Raises PaperOut, PrinterOffline, PrinterError; the same document can be printed again."""
        return self._printer.print_document(document)


def kind_needs_hub(kind: ServiceKind) -> bool:
    return kind in (ServiceKind.QUERY, ServiceKind.RECORD, ServiceKind.RATING)
