"""The service operations of the resident's session: each hands its blocking work (outbox, hub,
printer) to the executor and turns the answer into an outcome, an error with a way forward, or both.

A mixin of `kiosk.session.Session`, kept apart so the navigation (session.py) and the work (here) can
each be read on their own; it uses the session's state and never runs without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from drivers.card.model import Identity
from drivers.printer.model import PaperOut, PrintResult, ReceiptDocument
from kiosk import receipts
from kiosk.catalogue import Catalogue, Service, ServiceKind
from kiosk.errors import KioskError, WayForward
from kiosk.executor import Executor
from kiosk.forms import FormState
from kiosk.hub_api import CaseStatus, HubUnavailable, RecordDocument
from kiosk.prefill import HubPrefill
from kiosk.safe_logging import log_unexpected
from kiosk.services import RecordNeedsPaper, ServiceActions, TicketOutcome
from kiosk.session_view import ErrorView, Outcome, OutOfServiceReason, Step
from offline_queue.errors import InvalidLocalRef
from offline_queue.local_ref import LocalRef

log = logging.getLogger("kiosk.session")


class UnexpectedFailure(KioskError):
    """A bug, not a situation: logged with its traceback; the resident is sent to the staffed window."""

    message_key = "error.unexpected"
    ways_forward = (WayForward.TICKET, WayForward.CALL_STAFF)


_TICKET_WHILE_PAUSED = (OutOfServiceReason.INTERNAL, OutOfServiceReason.HARDWARE, OutOfServiceReason.BACKEND)


class ServiceOperations:
    """The operations half of Session (see there for the state these attributes hold)."""

    terminal_id: str
    _actions: ServiceActions
    _executor: Executor
    _wall_clock: Callable[[], datetime]
    _catalogue: Catalogue | None
    _online: bool | None
    _epoch: int
    _step: Step
    _language: str
    _identity: Identity | None
    _service: Service | None
    _form: FormState | None
    _parked: tuple[Service, FormState, Step] | None
    _tickets: dict[str, Outcome]
    _busy: str | None
    _busy_since: float | None
    _overdue: bool
    _operation: object | None
    _delivery_asked: bool
    _clock: Callable[[], float]
    _error: ErrorView | None
    _retry: Callable[[], None] | None
    _outcome: Outcome | None
    _unsent_rating: tuple[str, int] | None
    _prefill: HubPrefill

    if TYPE_CHECKING:

        def _changed(self) -> None: ...

        def _activity(self) -> None: ...

    def _prefill_from_hub(self) -> None:
        """Ask the hub once per session what it holds for the card (kiosk/prefill.py); fill at once
        when the resident already said yes for an earlier form."""
        form, identity, prefill = self._form, self._identity, self._prefill
        if form is None or identity is None or not any(f.prefill_source == "hub" for f in form.service.fields):
            return
        if prefill.asked_hub:
            prefill.apply(form)
            return
        if not prefill.wants_fetch():
            return
        prefill.asked_hub = True
        epoch = self._epoch

        def on_done(result: dict[str, str] | BaseException) -> None:
            if epoch != self._epoch:
                return
            if isinstance(result, BaseException):
                # not an error for the resident: the fields are simply asked
                log.info("no hub prefill: %s", type(result).__name__)
                return
            prefill.profile = dict(result) or None
            if self._form is not None:
                prefill.apply(self._form)
            self._changed()

        self._executor.submit(lambda: self._actions.profile(identity), on_done)

    def use_profile(self, accept: bool) -> None:
        """The resident's answer to "use the details on file?" (asked once per session)."""
        self._activity()
        prefill = self._prefill
        if prefill.accepted is not None or not prefill.profile:
            return
        prefill.accepted = accept
        if accept and self._form is not None:
            prefill.apply(self._form)
        elif not accept:
            prefill.profile.clear()
            prefill.profile = None
        self._changed()

    def _run(
        self,
        name: str,
        fn: Callable[[], Any],
        on_ok: Callable[[Any], None],
        on_error: Callable[[KioskError], None] | None = None,
        *,
        retry: Callable[[], None] | None = None,
    ) -> None:
        epoch = self._epoch
        token = object()  # this run; a resident who gave up waiting (take_ticket) drops its answer
        self._operation = token
        self._busy = name
        self._busy_since = self._clock()
        self._overdue = False
        self._error = None

        def on_done(result: Any) -> None:
            if epoch != self._epoch or self._operation is not token:
                return  # the session (or the wait) this belonged to is gone
            self._busy = None
            self._busy_since = None
            self._overdue = False
            self._operation = None
            self._activity()  # give the resident full time to read the answer
            if isinstance(result, BaseException):
                error = result if isinstance(result, KioskError) else self._unexpected(name, result)
                if isinstance(error, HubUnavailable):
                    self._online = False
                self._retry = retry
                self._error = ErrorView.of(error)
                log.info("operation failed", extra={"operation": name, "error": type(error).__name__})
                if on_error is not None:
                    on_error(error)
            else:
                self._retry = None
                on_ok(result)
            self._changed()

        # the work first, then the news: nothing a screen does with the news can keep the work from
        # starting (a failing screen once left a submission on "please wait" for ever)
        self._executor.submit(fn, on_done)
        if self._operation is token:
            self._changed()

    def abandon_wait(self) -> None:
        """The resident gives up waiting for a slow hub (after the deadline): its late answer is
        dropped. A submission is never abandoned: once started it completes and shows its reference."""
        if self._busy is None or self._step is Step.SUBMITTING:
            return
        log.info("resident stopped waiting", extra={"operation": self._busy})
        self._busy, self._busy_since, self._overdue, self._operation = None, None, False, None

    def _unexpected(self, name: str, exc: BaseException) -> KioskError:
        log_unexpected(log, f"operation {name} failed unexpectedly", exc)
        return UnexpectedFailure(f"{name}: {type(exc).__name__}")

    def submit(self) -> None:
        """Send the form: SUBMIT kinds are queued (works offline); QUERY, RATING and RECORD ask the hub."""
        self._activity()
        service, form = self._service, self._form
        if service is None or form is None or self._busy:
            return
        if self._step is Step.FORM and service.kind in (ServiceKind.SUBMIT, ServiceKind.RECORD):
            return  # these go through REVIEW first
        if self._step not in (Step.FORM, Step.REVIEW):
            return
        if not form.validate_all():
            self._step = Step.FORM
            self._changed()
            return
        if service.kind is ServiceKind.SUBMIT:
            self._submit_to_outbox(service, form)
        elif service.kind in (ServiceKind.QUERY, ServiceKind.RATING):
            self._query(service, form)
        elif service.kind is ServiceKind.RECORD:
            if not self._refused_for_paper(service):
                self._record(service, form)
        elif service.kind is ServiceKind.TICKET:
            self._start_ticket(service.id)

    def _refused_for_paper(self, service: Service) -> bool:
        """A print-out (a record or certificate) while the printer is out of paper is not issued:
        the error says so and offers the staffed window (RecordNeedsPaper)."""
        if service.kind is not ServiceKind.RECORD or not self._paper_out:
            return False
        self._error = ErrorView.of(RecordNeedsPaper("printer out of paper"))
        self._paper_refused_id = service.id
        self._changed()
        return True

    def _submit_to_outbox(self, service: Service, form: FormState) -> None:
        assert self._catalogue is not None
        # a value the resident changed goes with this request only: the details on file are never
        # updated from the terminal (README, "Details on file")
        payload, classes, version = form.payload(), form.field_classes(), self._catalogue.version
        identity = self._identity
        self._step = Step.SUBMITTING

        def on_ok(local_ref: str) -> None:
            document = receipts.submission_receipt(
                service,
                form,
                local_ref,
                language=self._language,
                terminal_id=self.terminal_id,
                issued_at=self._wall_clock(),
            )
            form.wipe()  # the outbox holds the submission now; the session needs no copy
            self._form = None
            self._outcome = Outcome(
                kind=service.kind,
                service_id=service.id,
                local_ref=local_ref,
                queued_offline=self._online is False,
                receipt=document,
            )
            self._step = Step.RECEIPT
            self._print(document)

        def on_error(error: KioskError) -> None:
            self._step = Step.REVIEW  # nothing was queued; the values are still there to try again
            if self._identity is None:
                form.forget_card()  # the card left while it was being queued: its values go with it

        self._run(
            "submit",
            lambda: self._actions.submit(service, payload, classes, version, identity),
            on_ok,
            on_error,
            retry=self.submit,
        )

    def _query(self, service: Service, form: FormState) -> None:
        # references are printed in capitals; a resident may type them in lower case
        reference = str(form.payload().get("reference", "")).strip().upper() or None
        identity = self._identity
        if reference is None and identity is None:
            form.errors["reference"] = "field.reference_or_card"
            self._changed()
            return
        if reference is not None and reference.count("-") == 3:
            # a local reference (T0001-93-000042-68): its check character catches a typo here,
            # before the hub could answer with someone else's case
            try:
                reference = str(LocalRef.parse(reference))
            except InvalidLocalRef:
                form.errors["reference"] = "field.bad_reference"
                self._changed()
                return

        def on_ok(cases: tuple[CaseStatus, ...]) -> None:
            self._online = True
            if service.kind is ServiceKind.RATING:
                # the cases that can be rated first, each group in the hub's order (walk 9, F2: five
                # cases still in progress stood over the one finished, two screens down)
                cases = tuple(sorted(cases, key=lambda c: not c.can_rate))
            rateable = [c.case_id for c in cases if c.can_rate]
            # stars picked and not sent before going back, for a case the hub still lets be rated:
            # that case open again with them (issue 9), still waiting for "send"
            kept = self._unsent_rating
            if kept is not None and kept[0] in rateable:
                self._unsent_rating = None  # back on the page: the outcome holds them now
            else:
                kept = None
            self._outcome = Outcome(
                kind=service.kind,
                service_id=service.id,
                cases=cases,
                can_rate=bool(rateable),
                # one case to rate: it is the one; several: the resident picks which
                rating_case_id=kept[0] if kept else rateable[0] if len(rateable) == 1 else None,
                chosen_stars=kept[1] if kept else None,
            )
            self._step = Step.RESULT

        self._run("query", lambda: self._actions.query(reference, identity), on_ok, retry=self.submit)

    def _record(self, service: Service, form: FormState) -> None:
        payload, identity = form.payload(), self._identity

        requests = self._record_requests  # one resident's request: the same id when tried again

        def on_ok(record: RecordDocument) -> None:
            self._online = True
            requests.answered()
            document = receipts.record_receipt(record, language=self._language)
            self._outcome = Outcome(kind=service.kind, service_id=service.id, record=record, receipt=document)
            self._step = Step.RESULT
            self._print(document)

        self._run(
            "record",
            lambda: self._actions.issue_record(service, identity, payload, requests),
            on_ok,
            retry=self.submit,
        )

    def take_ticket(self) -> None:
        """ "Call staff / take a ticket", from any step: the form in progress is dropped."""
        self._activity()
        if self._overdue:
            self.abandon_wait()  # the hub is too slow: the staffed window instead
        if self._busy or self._step is Step.SUBMITTING or self._catalogue is None:
            return
        if self._step is Step.OUT_OF_SERVICE and not self.ticket_while_paused():
            return
        ticket_service = self._catalogue.first_of_kind(ServiceKind.TICKET, self.terminal_id)
        # the window is told what the resident came for, when they were in a service
        refused = self._error is not None and self._error.kind == RecordNeedsPaper.__name__
        about = (
            self._service.id
            if self._service is not None
            else self._paper_refused_id
            if refused and self._paper_refused_id
            else (ticket_service.id if ticket_service else "window")
        )
        form, service = self._form, self._service
        if self._step in (Step.FORM, Step.REVIEW) and form is not None and service is not None and _typed(form):
            # kept for the ticket page's way back: a tap on the bar's ticket beside 确定 threw a
            # filled form away (walk 13, M1); the session's end still wipes it
            if self._parked is not None:
                self._parked[1].wipe()
            self._parked = (service, form, self._step)
        elif form is not None:
            form.wipe()
        self._form = None
        self._service = ticket_service
        if self._step in (Step.FORM, Step.REVIEW):
            self._step = Step.CHOOSE  # the form is put away; a failed ticket leaves the resident here
        self._start_ticket(about)

    def ticket_while_paused(self) -> bool:
        """Out of service by a technician, a resident may still take a ticket for the staffed
        window (it works offline, and the screen sends them there: walk 8, F13); the session that
        follows ends back out of service. Not out of hours (the window is closed), not on a
        terminal not enrolled, not without a catalogue."""
        return (
            self._step is Step.OUT_OF_SERVICE
            and self._held_oos in _TICKET_WHILE_PAUSED
            and self._catalogue is not None
            and self._catalogue.first_of_kind(ServiceKind.TICKET, self.terminal_id) is not None
        )

    def _start_ticket(self, service_id: str) -> None:
        owner = self._service.id if self._service is not None else service_id
        given = self._tickets.get(service_id)
        if given is not None:
            # one ticket a queue for one visit: theirs again, said to be the one they have (its slip
            # as it printed; one still printing when the page was left is not said to be printing)
            again = replace(given, ticket_again=True)
            if again.printing or again.printed is None:
                again = replace(again, printing=False, receipt=None)
            self._outcome, self._error, self._retry = again, None, None
            self._step = Step.RESULT
            self._changed()
            return

        def on_ok(result: TicketOutcome) -> None:
            self._online = not result.is_local
            about = next((s for s in self.available_services() if s.id == service_id), None)
            document = receipts.ticket_receipt(
                result.ticket,
                is_local=result.is_local,
                language=self._language,
                terminal_id=self.terminal_id,
                service=about if service_id != owner else None,
            )
            self._outcome = Outcome(
                kind=ServiceKind.TICKET,
                service_id=owner,
                ticket=result.ticket,
                ticket_is_local=result.is_local,
                ticket_for=service_id,
                receipt=document,
            )
            self._step = Step.RESULT
            self._print(document)
            self._tickets[service_id] = self._outcome

        def on_error(_error: KioskError) -> None:
            if self._parked is not None and self._step is Step.CHOOSE:
                # no ticket: the resident is back on the form they left, the failure's ways over it
                self._service, self._form, self._step = self._parked
                self._parked = None
                self._retry = self.take_ticket

        self._run(
            "ticket",
            lambda: self._actions.take_ticket(service_id),
            on_ok,
            on_error,
            retry=lambda: self._start_ticket(service_id),
        )

    def _keep_unsent_rating(self) -> None:
        """Leaving the result for another step: stars picked and not sent are kept for their case."""
        outcome = self._outcome
        if (
            outcome is not None
            and outcome.chosen_stars is not None
            and outcome.rating_case_id is not None
        ):
            self._unsent_rating = (outcome.rating_case_id, outcome.chosen_stars)

    def choose_case_to_rate(self, case_id: str) -> None:
        """RESULT with several finished cases: the one the stars will rate."""
        self._activity()
        outcome = self._outcome
        if self._step is not Step.RESULT or outcome is None or self._busy:
            return
        if any(c.case_id == case_id and c.can_rate for c in outcome.cases):
            # stars chosen for another case are not this case's
            self._outcome = replace(outcome, rating_case_id=case_id, chosen_stars=None)
            self._changed()

    def choose_stars(self, stars: int) -> None:
        """RESULT: the stars the resident picked for the case being rated, not sent yet: the
        screen then asks them to confirm (rate() sends). Raises ValueError outside 1..5."""
        self._activity()
        if not 1 <= stars <= 5:
            raise ValueError("stars must be 1..5")
        outcome = self._outcome
        if self._busy or self._step is not Step.RESULT or outcome is None or not outcome.can_rate:
            return
        if outcome.rating_case_id is None:
            return  # several finished cases and none chosen: which case the stars are for first
        self._outcome = replace(outcome, chosen_stars=stars)
        self._changed()

    def rate(self, stars: int, case_id: str | None = None) -> None:
        """Rate a finished case shown in RESULT (1..5 stars): `case_id`, else the chosen one (the
        only one when just one can be rated); with several and none chosen, nothing is rated.
        Raises ValueError outside 1..5."""
        self._activity()
        if not 1 <= stars <= 5:
            raise ValueError("stars must be 1..5")
        outcome = self._outcome
        if self._busy or self._step is not Step.RESULT or outcome is None or not outcome.can_rate:
            return
        wanted = case_id or outcome.rating_case_id
        case = next((c for c in outcome.cases if c.can_rate and c.case_id == wanted), None)
        if case is None:
            return

        def on_ok(_: None) -> None:
            self._online = True
            # only that case is rated: the card's other finished cases can still be (walk 10, M1:
            # rating one took 评价这件事 away from the other); none is opened by itself, so nothing
            # moves under the finger that reads the thanks
            current = self._outcome if self._outcome is not None else outcome
            cases = tuple(
                replace(c, can_rate=False, rating=stars) if c.case_id == case.case_id else c
                for c in current.cases
            )
            self._outcome = replace(
                current,
                cases=cases,
                can_rate=any(c.can_rate for c in cases),
                rating_case_id=None,
                chosen_stars=None,
                rated_stars=stars,
                rated_case_id=case.case_id,
            )

        self._run(
            "rate",
            lambda: self._actions.rate(case.case_id, stars),
            on_ok,
            retry=lambda: self.rate(stars, case.case_id),
        )

    # --- delivery of a submission ---------------------------------------------------------------

    def _check_delivery(self) -> None:
        outcome = self._outcome
        if outcome is None or outcome.local_ref is None or outcome.delivered or self._delivery_asked:
            return
        self._delivery_asked = True
        epoch, ref = self._epoch, outcome.local_ref

        def on_done(delivered: bool | BaseException) -> None:
            self._delivery_asked = False
            current = self._outcome
            if epoch != self._epoch or current is None or current.local_ref != ref:
                return
            if isinstance(delivered, BaseException):
                log.info("delivery state unknown: %s", type(delivered).__name__)
            elif delivered:
                self._online = True
                self._outcome = replace(current, delivered=True, queued_offline=False)
                self._changed()

        self._executor.submit(lambda: self._actions.delivered(ref), on_done)

    # --- printing --------------------------------------------------------------------------------

    def reprint(self) -> None:
        """Print the outcome's receipt again (after the printer was refilled)."""
        self._activity()
        if self._outcome is not None and self._outcome.receipt is not None and not self._outcome.printing:
            # when the first may have printed (an unknown outcome, or paper that ran out late) the
            # second says it is a second, so two receipts are never taken for two requests; after a
            # refusal before the job nothing came out, and a REPRINT mark would mislead the window
            receipt = self._outcome.receipt
            self._print(receipts.reprinted(receipt) if self._outcome.paper_may_hold else receipt)
            self._changed()

    def _print(self, document: ReceiptDocument) -> None:
        """Printing is not an operation the resident waits for: the reference is already on screen."""
        epoch = self._epoch
        if self._outcome is not None:
            tries = self._outcome.print_attempts + 1
            self._outcome = replace(
                self._outcome, printing=True, printed=None, print_error=None, print_attempts=tries
            )

        def on_done(result: PrintResult | BaseException) -> None:
            if epoch != self._epoch or self._outcome is None:
                return
            if isinstance(result, BaseException):
                error = result if isinstance(result, KioskError) else self._unexpected("print", result)
                log.warning("receipt not printed", extra={"error": type(error).__name__})
                self._outcome = replace(
                    self._outcome,
                    printing=False,
                    printed=False,
                    print_error=ErrorView.of(error),
                    paper_may_hold=self._outcome.paper_may_hold or not getattr(error, "nothing_printed", False),
                )
                if isinstance(error, PaperOut):
                    self._paper_out = True
            else:
                self._outcome = replace(self._outcome, printing=False, printed=True, paper_may_hold=True)
                self._paper_out = False
            shown = self._outcome
            if shown.ticket is not None and shown.ticket_for is not None and shown.ticket_for in self._tickets:
                self._tickets[shown.ticket_for] = replace(shown, ticket_again=False)  # shown again as it printed
            self._changed()

        self._executor.submit(lambda: self._actions.print_document(document), on_done)


def _typed(form: FormState) -> bool:
    """The resident put something in the form (not only what the card or the hub filled)."""
    return any(value.strip() and field_id not in form.prefilled for field_id, value in form.values.items())
