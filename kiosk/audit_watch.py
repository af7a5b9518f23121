"""Feeds the audit trail from what the session publishes, so the session itself needs no audit code:
every transaction outcome (service, local reference, case id, outcome, printed or not), every session
end reason, a technician card in and out, and the terminal going out of / back in service (a
technician's action while a technician card is in, else a "terminal" entry: by the hub).

    watch = SessionAuditWatch(audit.append)
    session.subscribe(watch)

Only ids, references and codes are read from the view (never the identity or field values).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.audit import AuditRefused
from kiosk.session_view import Outcome, SessionView

log = logging.getLogger(__name__)

Append = Callable[..., Any]


def _outcome_word(outcome: Outcome) -> str:
    if outcome.local_ref:
        return "queued_offline" if outcome.queued_offline else "submitted"
    if outcome.ticket is not None:
        return "ticket_local" if outcome.ticket_is_local else "ticket"
    if outcome.record is not None:
        return "record"
    if outcome.rated_stars is not None:
        return "rated"
    if outcome.cases:
        return "answered"
    if outcome.notices:
        return "notices"
    return "none"


class SessionAuditWatch:
    """A session subscriber: appends an audit entry when something worth keeping changed."""

    def __init__(self, append: Append) -> None:
        self._append = append
        self._last_key: tuple[Any, ...] | None = None
        self._end_reason: Any = None
        self._technician = False
        self._out_of_service: Any = None

    def _write(self, kind: str, **fields: Any) -> None:
        try:
            self._append(kind, **fields)
        except AuditRefused as exc:  # a value that is not an id: keep the session going, say so
            log.error("audit entry refused", extra={"kind": kind, "error": str(exc)})
        except Exception as exc:  # the audit file failing must not stop a resident's session
            log.error("audit entry not written", extra={"kind": kind, "error": type(exc).__name__})

    def __call__(self, view: SessionView) -> None:
        self._outcome(view)
        if view.end_reason is not None and view.end_reason != self._end_reason:
            self._write("session_end", reason=view.end_reason.value)
        self._end_reason = view.end_reason
        if view.technician_card != self._technician:
            self._write("technician", action="card_in" if view.technician_card else "card_out")
            self._technician = view.technician_card
        if view.out_of_service != self._out_of_service:
            action = "out_of_service" if view.out_of_service is not None else "back_in_service"
            reason = view.out_of_service.value if view.out_of_service is not None else None
            # by the technician at the terminal, or else by the hub (a command, the catalogue, revocation)
            self._write("technician" if view.technician_card else "terminal", action=action, reason=reason)
            self._out_of_service = view.out_of_service

    def _outcome(self, view: SessionView) -> None:
        outcome = view.outcome
        if outcome is None:
            self._last_key = None
            return
        word = _outcome_word(outcome)
        printed = outcome.printed
        # several of the card's cases may be rated on one page: each rating is its own transaction
        case_id = outcome.rated_case_id if word == "rated" else outcome.case_id
        key = (outcome.service_id, outcome.local_ref, case_id, word, printed, view.error is not None)
        if word == "none" and view.error is None:
            return  # an operation still under way: its outcome comes with a later view
        if outcome.printing or key == self._last_key:
            return
        self._last_key = key
        self._write(
            "transaction",
            service_id=outcome.service_id,
            service_kind=outcome.kind.value,
            local_ref=outcome.local_ref,
            case_id=case_id,
            outcome="failed" if view.error is not None and word == "none" else word,
            printed=printed,
            error=view.error.kind if view.error is not None else None,
        )
