"""The resident's session: a pure state machine the screens drive.

attract -> identify (card, or without one for services that allow it) -> choose -> form -> review ->
submitting -> receipt -> end; query / ticket / record / notices / rating outcomes end in RESULT.

No threads, no sleeping, no Qt. Time comes from the injected `clock` (seconds, monotonic); the UI calls
`tick()` about once a second. Blocking work (the outbox, the hub, the printer) goes to the injected
`Executor` and its result comes back through `on_done` on the session's thread. After every change
the session calls its subscribers with an immutable, masked `SessionView`.

Inactivity: after `inactivity_s` without a tap (elder mode: `elder_inactivity_s`) a warning counts
down `warning_s` (elder: `elder_warning_s`); `extend()` or any tap carries on, otherwise everything
the session held (identity, form values, outcome) is wiped and it returns to ATTRACT. The clock is
paused while an operation is pending, so a slow hub never wipes a resident who is waiting for it.

Card removal wipes the session the same way, except once a submission is under way or an outcome
is on screen (SUBMITTING, RECEIPT, RESULT): then the identity and form values are wiped at once, but
the outcome (reference, ticket, QR — all masked) stays until "done" or the inactivity timeout, because
the resident must be able to leave with the reference after taking the card back.

What the screens call (all on the UI thread; every call counts as activity):
  start() touch() extend() tick()            attract tap, any tap, the warning's button, once a second
  set_language("zh"|"en") set_mode(Mode)      from any step
  card_inserted(Identity | CardError)         after the UI read the card in a worker; card_removed()
  continue_without_card()                     IDENTIFY -> CHOOSE
  page_next() page_prev() choose_service(id)  CHOOSE (a locked service asks for the card first)
  set_field(id, text) next() back()           FORM / REVIEW; next() on REVIEW submits
  submit() retry() dismiss_error()            retry() repeats the operation that failed
  take_ticket() call_staff()                  from any step ("call staff / take a ticket")
  dismiss_staff_called()                      "staff are coming" read: its panel goes
  rate(stars, case_id=None) reprint() done()  RESULT / RECEIPT; cancel() ends the session anywhere
  choose_case_to_rate(id) choose_stars(n)     RESULT: which case, how many stars (rate() sends them)
The terminal around it calls set_online(bool), set_catalogue(Catalogue | None),
set_out_of_service(reason | None) and set_paper_out(bool).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime

from drivers.card.model import CardError, Identity, Role
from kiosk.catalogue import Catalogue, Service, ServiceKind
from kiosk.config import SessionConfig
from kiosk.executor import Executor
from kiosk.forms import FormState
from kiosk.prefill import HubPrefill
from kiosk.record_requests import RecordRequests
from kiosk.safe_logging import log_unexpected
from kiosk.services import RecordNeedsPaper, ServiceActions
from kiosk.session_operations import ServiceOperations, UnexpectedFailure
from kiosk.session_render import render_view
from kiosk.session_view import (
    CARD_REFUSED,
    EndReason,
    ErrorView,
    InactivityWarning,
    Mode,
    Outcome,
    OutOfServiceReason,
    SessionView,
    Step,
)

__all__ = [
    "EndReason",
    "ErrorView",
    "InactivityWarning",
    "Mode",
    "OutOfServiceReason",
    "Outcome",
    "Session",
    "SessionView",
    "Step",
    "UnexpectedFailure",
]

log = logging.getLogger(__name__)

Subscriber = Callable[[SessionView], None]


class Session(ServiceOperations):
    """One terminal's resident session. Call every method on one thread (the UI thread)."""

    def __init__(
        self,
        *,
        terminal_id: str,
        catalogue: Catalogue | None,
        actions: ServiceActions,
        executor: Executor,
        clock: Callable[[], float],
        config: SessionConfig | None = None,
        language: str = "zh",
        page_size: int = 6,
        elder_page_size: int = 3,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.terminal_id = terminal_id
        self._actions = actions
        self._executor = executor
        self._clock = clock
        self._wall_clock = wall_clock
        self._config = config or SessionConfig()
        self._default_language = language
        self._page_sizes = {Mode.STANDARD: page_size, Mode.ELDER: elder_page_size}
        self._subscribers: list[Subscriber] = []
        self._catalogue = catalogue
        self.catalogue_checked = catalogue is not None  # False until the terminal says what the hub gave
        self._next_catalogue: tuple[Catalogue | None] | None = None  # applied when the session ends
        self._held_oos: OutOfServiceReason | None = None  # set by a technician
        self._oos_message: dict[str, str] = {}  # language -> what residents read (a remote command's)
        self._online: bool | None = None
        self._epoch = 0  # bumped by every wipe: results of older operations are dropped
        self._warning_shown: int | None = None  # the countdown's last rendered second
        self.community_places: tuple = ()  # kiosk.community.Building: the place picker's list
        self._card_in_reader = False  # physical: outlives a session that ends with the card still in
        self._delivery_asked = False  # a question to the outbox about the receipt's submission is out
        self._paper_out = False  # physical, like the card: outlives the session that found it
        self._reset_fields()
        self._end_reason: EndReason | None = None
        self._end_language = language  # the language of the session that ended (its farewell's)
        self._end_reason_until = 0.0  # clock time the end message goes (it is not for the next resident)
        self._step = Step.ATTRACT if catalogue is not None else Step.OUT_OF_SERVICE

    # --- state -----------------------------------------------------------------------------------

    def _reset_fields(self) -> None:
        self._to_defaults()
        self._identity: Identity | None = None
        self._technician = False
        self._service: Service | None = None
        self._pending_service_id: str | None = None
        self._paper_refused_id: str | None = None  # the print-out refused for paper (its ticket says it)
        self._form: FormState | None = None
        # (service, form, step) a ticket was taken from, kept for the way back to it: one tap on the
        # bar's ticket lost a filled form (walk 13, M1); the session's end wipes it with the rest
        self._parked: tuple[Service, FormState, Step] | None = None
        # the tickets this session was given, by the queue they are for: asked again for the same
        # queue, the resident is shown theirs, not given a second (walk 14: B002 had "1 ahead",
        # the resident's own B001)
        self._tickets: dict[str, Outcome] = {}
        self._page = 0
        self._busy: str | None = None
        self._busy_since: float | None = None
        self._overdue = False  # busy for longer than busy_deadline_s: the screen offers a way out
        self._operation: object | None = None
        self._error: ErrorView | None = None
        self._retry: Callable[[], None] | None = None
        self._outcome: Outcome | None = None
        # (case id, stars) picked and not sent when the resident went back: the rating opens that
        # case with them again in this session; the session's end drops them (never sent)
        self._unsent_rating: tuple[str, int] | None = None
        self._staff_called = False
        self._last_activity = self._clock()
        self._warning_until: float | None = None
        self._prefill = HubPrefill()  # the details on file, asked once per session (kiosk/prefill.py)
        # the request id of a certificate being asked for, sent again after a lost answer (issue 12)
        self._record_requests = RecordRequests()

    @property
    def step(self) -> Step:
        return self._step

    @property
    def view(self) -> SessionView:
        """The current snapshot (masked)."""
        return render_view(self)

    @property
    def catalogue(self) -> Catalogue | None:
        return self._catalogue

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(view)` after every change (and once now); returns a function that unsubscribes."""
        self._subscribers.append(callback)
        callback(self.view)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _changed(self) -> None:
        """Tell every subscriber. A subscriber that fails (a screen with a bug, a speech engine gone)
        is logged and skipped: it must never stop the operation that changed the state."""
        view = self.view
        self._warning_shown = view.warning.seconds_left if view.warning is not None else None
        for callback in list(self._subscribers):
            try:
                callback(view)
            except Exception as exc:  # noqa: BLE001 - any bug in a view: logged, the session goes on
                log_unexpected(log, "a session subscriber failed", exc)

    def _activity(self) -> None:
        self._last_activity = self._clock()
        self._warning_until = None

    # --- time ----------------------------------------------------------------------------------

    def _timeouts(self) -> tuple[float, float]:
        c = self._config
        if self._mode is Mode.ELDER:
            return c.elder_inactivity_s, c.elder_warning_s
        return c.inactivity_s, c.warning_s

    def warning_seconds_left(self) -> int | None:
        if self._warning_until is None:
            return None
        return max(0, math.ceil(self._warning_until - self._clock()))

    def tick(self) -> None:
        """Drive inactivity: show the warning, count it down, wipe when it runs out. On the receipt,
        ask the outbox whether the hub has the submission yet (the screen then says so)."""
        if self._step is Step.ATTRACT and self._clock() >= self._end_reason_until:
            self._forget_end_message()
        if self._step in (Step.ATTRACT, Step.OUT_OF_SERVICE):
            self._back_to_defaults_when_idle()
            return
        if self._step is Step.RECEIPT:
            self._check_delivery()
        now = self._clock()
        if self._busy is not None or self._step is Step.SUBMITTING:
            self._last_activity = now  # waiting for the terminal is not inactivity
            since = self._busy_since
            if not self._overdue and since is not None and now - since >= self._config.busy_deadline_s:
                # every wait has a deadline: then the screen offers the staffed window (the
                # operation goes on; a submission still completes and shows its reference)
                self._overdue = True
                log.warning("operation overdue", extra={"operation": self._busy})
                self._changed()
            return
        idle, warn = self._timeouts()
        if self._warning_until is None:
            if now - self._last_activity >= idle:
                self._warning_until = now + warn
                self._changed()
            return
        if now >= self._warning_until:
            log.info("session timed out")
            self._end(EndReason.TIMEOUT)
        elif self.warning_seconds_left() != self._warning_shown:
            self._changed()  # the countdown moved by a second (not on every tick: a re-render each)

    def _back_to_defaults_when_idle(self) -> None:
        """Someone switched the language or elder mode on the waiting screen and walked away: the
        next resident finds the terminal's own language and the standard mode again."""
        if self._card_in_reader or self._technician:
            return
        if (self._language, self._mode) == (self._default_language, Mode.STANDARD):
            return
        if self._clock() - self._last_activity >= self._config.inactivity_s:
            self._to_defaults()
            self._changed()

    def _to_defaults(self) -> None:
        self._language = self._default_language
        self._mode = Mode.STANDARD
        self._page = 0

    def extend(self) -> None:
        """The resident wants more time (the warning's button)."""
        self.touch()

    def touch(self) -> None:
        """Any tap: resets inactivity and clears the warning."""
        had_warning = self._warning_until is not None
        self._activity()
        if had_warning:
            self._changed()

    # --- session start and end -------------------------------------------------------------------

    def start(self) -> None:
        """A tap on the attract screen: ask for a card (or go on without one)."""
        self._activity()
        if self._step is Step.ATTRACT:
            self._end_reason = None
            self._step = Step.IDENTIFY
            self._changed()

    def cancel(self) -> None:
        """End the session now and wipe it (also while waiting for the hub: its answer is dropped).
        Refused while a submission is being made durable."""
        if self._step in (Step.ATTRACT, Step.OUT_OF_SERVICE, Step.SUBMITTING):
            return
        self._end(EndReason.CANCELLED)

    def done(self) -> None:
        """The resident is finished (receipt or result screen): wipe and return to ATTRACT."""
        if self._step in (Step.RECEIPT, Step.RESULT):
            self._end(EndReason.FINISHED)

    def _end(self, reason: EndReason) -> None:
        # the card still in: its holder's last step ("take your card") is still ahead of them, in
        # the words and the mode they chose (walk 3, finding 15: an elder's 完成 dropped to the
        # small standard screen, silent, while the card was still in); card_removed() resets
        kept = (self._language, self._mode) if self._card_in_reader else None
        # the farewell is for the one leaving, in the words they used; the terminal itself goes back
        # to its own language (final review, finding 13: "Done" in English got 办理完成，欢迎再来。)
        self._end_language = self._language
        self.wipe()
        if kept is not None:
            self._language, self._mode = kept
        self._end_reason = reason
        self._end_reason_until = self._clock() + self._config.end_message_s
        if self._next_catalogue is not None:
            (self._catalogue,) = self._next_catalogue
            self._next_catalogue = None
        if self._held_oos is not None:
            self._step = Step.OUT_OF_SERVICE
        else:
            self._step = Step.ATTRACT if self._catalogue is not None else Step.OUT_OF_SERVICE
        self._changed()

    def _forget_end_message(self) -> None:
        """The last session's end message is for the one who just left: it goes after a while or at
        the next resident's tap, but not while their card is still in the reader (take it first)."""
        if self._end_reason is not None and not self._card_in_reader:
            self._end_reason = None
            self._changed()

    def wipe(self) -> None:
        """Forget everything this resident's session held. Results of pending operations are dropped."""
        self._epoch += 1
        if self._form is not None:
            self._form.wipe()
        if self._parked is not None:
            self._parked[1].wipe()
        self._prefill.wipe()
        self._reset_fields()

    # --- language and mode ---------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        """ "zh" or "en"; raises ValueError otherwise."""
        if language not in ("zh", "en"):
            raise ValueError(f"unknown language {language!r}")
        self._activity()
        self._language = language
        if self._step is Step.ATTRACT:
            self._forget_end_message()
        self._changed()

    def set_mode(self, mode: Mode | str) -> None:
        """Elder mode on/off (Mode or "standard"/"elder"), from any step; keeps the first visible
        service in view. Raises ValueError for an unknown mode."""
        mode = Mode(mode)
        self._activity()
        first = self._page * self._page_sizes[self._mode]
        self._mode = mode
        self._page = first // self._page_sizes[mode]
        if self._step is Step.ATTRACT:
            self._forget_end_message()
        self._changed()

    # --- paging of the choose screen -------------------------------------------------------------

    def set_page_size(self, mode: Mode | str, size: int) -> None:
        """Services per page in `mode`: the UI sizes it from the display (as many large tiles as
        fit); keeps the first visible service in view. Raises ValueError under 1."""
        mode = Mode(mode)
        if size < 1:
            raise ValueError(f"page size {size} under 1")
        if self._page_sizes[mode] == size:
            return
        first = self._page * self._page_sizes[self._mode]
        self._page_sizes[mode] = size
        self._page = first // self._page_sizes[self._mode]
        if self._step is Step.CHOOSE:  # only the list of services shows the page
            self._changed()

    def page_count(self) -> int:
        return max(1, math.ceil(len(self.available_services()) / self._page_sizes[self._mode]))

    def page_slice(self) -> tuple[Service, ...]:
        size = self._page_sizes[self._mode]
        return self.available_services()[self._page * size : (self._page + 1) * size]

    def available_services(self) -> tuple[Service, ...]:
        return self._catalogue.services_for(self.terminal_id) if self._catalogue else ()

    def page_next(self) -> None:
        self._activity()
        if self._page + 1 < self.page_count():
            self._page += 1
        self._changed()

    def page_prev(self) -> None:
        self._activity()
        self._page = max(0, self._page - 1)
        self._changed()

    # --- the card ------------------------------------------------------------------------------

    def card_inserted(self, identity: Identity | CardError) -> None:
        """The UI read the card in a worker: pass the identity, or the CardError the read raised."""
        self._activity()
        self._card_in_reader = True
        if self._step is Step.OUT_OF_SERVICE:
            # only a technician is served while out of service: their card opens maintenance, where
            # the terminal is put back in service; a resident's card changes nothing
            if isinstance(identity, Identity) and identity.role is Role.TECHNICIAN:
                self._technician = True
                self._staff_called = False  # the staff member who was called is here
            # a resident's card: the paused screen asks to take it back (view.card_in_reader)
            self._changed()
            return
        if isinstance(identity, CardError):
            self._error = ErrorView.of(identity)
            self._retry = None
            if self._step is Step.ATTRACT:
                self._step = Step.IDENTIFY
            self._changed()
            return
        if identity.role is Role.TECHNICIAN:
            self._technician = True  # maintenance mode is started by the UI, not a resident flow
            self._staff_called = False  # the staff member who was called is here
            self._changed()
            return
        self._identity = identity
        self._technician = False
        self._error = None
        self._end_reason = None
        if self._form is not None and self._step in (Step.FORM, Step.REVIEW):
            self._form.prefill_from_card(identity)
            self._prefill_from_hub()
        elif self._step in (Step.ATTRACT, Step.IDENTIFY):
            pending = self._pending_service_id
            self._pending_service_id = None
            self._step = Step.CHOOSE
            if pending is not None:
                self._open(pending)
        self._changed()

    def card_removed(self) -> None:
        """The card left the reader. Before an outcome: wipe and end. After: drop identity, keep outcome."""
        self._card_in_reader = False
        if self._technician:
            # the technician's visit is over: the next resident gets the terminal's own language and
            # the standard mode, not the English the technician read the panel in
            self._to_defaults()
        self._technician = False
        if self._identity is None:
            if self._step in (Step.ATTRACT, Step.OUT_OF_SERVICE):
                self._to_defaults()  # the last session's holder has their card: the next one's terminal
            if self._step is Step.IDENTIFY and self._error is not None and self._error.message_key in CARD_REFUSED:
                # the refused card is back with its holder: what it said about that card goes with it
                # (walk 8, F7: "这张卡已过期" stayed after the card was out)
                self._error = None
            self._changed()
            return
        if self._step is Step.SUBMITTING:
            self._identity = None  # the form goes as soon as the outbox has the submission
            self._changed()
            return
        if self._step in (Step.RECEIPT, Step.RESULT):
            self._identity = None
            self._prefill.wipe()
            if self._form is not None:
                self._form.wipe()
                self._form = None
            self._changed()
            return
        log.info("card removed: session ends")
        self._end(EndReason.CARD_REMOVED)

    def continue_without_card(self) -> None:
        """IDENTIFY: go on without a card (services that need one stay locked)."""
        self._activity()
        if self._step is not Step.IDENTIFY:
            return
        self._error = None
        pending = self._pending_service_id
        self._pending_service_id = None
        self._step = Step.CHOOSE
        if pending is not None and not self._catalogue_service(pending).needs_card:
            self._open(pending)
        self._changed()

    # --- choosing and filling --------------------------------------------------------------------

    def _catalogue_service(self, service_id: str) -> Service:
        for s in self.available_services():
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    def choose_service(self, service_id: str) -> None:
        """Open a service (from ATTRACT, IDENTIFY, CHOOSE or RESULT). One that needs a card, chosen
        without one, asks for the card first. Raises KeyError for a service this terminal lacks."""
        self._activity()
        if self._busy or self._step in (
            Step.OUT_OF_SERVICE,
            Step.SUBMITTING,
            Step.RECEIPT,
            Step.FORM,
            Step.REVIEW,
        ):
            return
        service = self._catalogue_service(service_id)
        self._end_reason = None
        self._error = None
        if self._refused_for_paper(service):
            return  # before the card is asked for: the way forward is the window, not the card
        self._keep_unsent_rating()
        self._outcome = None
        if service.needs_card and self._identity is None:
            self._pending_service_id = service.id
            self._step = Step.IDENTIFY
        else:
            self._open(service.id)
        self._changed()

    def _open(self, service_id: str) -> None:
        service = self._catalogue_service(service_id)
        if self._form is not None:
            self._form.wipe()
        self._service = service
        self._form = FormState(service)
        if self._identity is not None:
            self._form.prefill_from_card(self._identity)
        if service.kind is ServiceKind.NOTICES:
            # the notices' texts are resolved when rendered, so a language switch translates them
            self._outcome = Outcome(kind=service.kind, service_id=service.id)
            self._step = Step.RESULT
        elif service.kind is ServiceKind.TICKET and not service.fields:
            self._start_ticket(service.id)
        else:
            self._step = Step.FORM
            self._prefill_from_hub()

    def set_field(self, field_id: str, value: str) -> None:
        """The resident entered a value (as text). Card values are locked and stay as they are."""
        self._activity()
        if self._step is not Step.FORM or self._form is None:
            return
        try:
            self._form.set(field_id, value)
        except PermissionError:
            pass  # the screen shows the field read-only; a stray tap changes nothing
        self._changed()

    def next(self) -> None:
        """FORM -> REVIEW (submit/record) or run the service; REVIEW -> submit; RECEIPT/RESULT -> done."""
        self._activity()
        if self._step is Step.FORM:
            if self._form is None or not self._form.validate_all():
                self._changed()
                return
            if self._service is not None and self._service.kind in (ServiceKind.SUBMIT, ServiceKind.RECORD):
                self._error = None
                self._step = Step.REVIEW
                self._changed()
            else:
                self.submit()
        elif self._step is Step.REVIEW:
            self.submit()
        elif self._step in (Step.RECEIPT, Step.RESULT):
            self.done()

    def back(self) -> None:
        """One step back; from IDENTIFY (or CHOOSE with a card) it ends the session."""
        self._activity()
        if self._busy or self._step is Step.SUBMITTING:
            return
        self._error = None
        step = self._step
        if self._held_oos is not None and step is not Step.OUT_OF_SERVICE:
            # paused by a technician: the ticket's session goes back to the paused screen, never
            # to the services (walk 9, F0: "back to services" after a ticket opened them all)
            self._end(EndReason.FINISHED if step is Step.RESULT else EndReason.CANCELLED)
            return
        if step is Step.IDENTIFY and self._pending_service_id is not None:
            self._pending_service_id = None  # the resident picked a card service, then changed their mind
            self._step = Step.CHOOSE
        elif step is Step.IDENTIFY:
            self._end(EndReason.CANCELLED)
            return
        elif step is Step.CHOOSE:
            if self._identity is not None:
                self._end(EndReason.CANCELLED)
                return
            self._step = Step.IDENTIFY
        elif step is Step.RESULT and self._parked is not None:
            # the ticket's page: back to the form it was taken from, as it was left
            self._service, self._form, self._step = self._parked
            self._parked, self._outcome, self._retry = None, None, None
        elif step is Step.FORM or step is Step.RESULT:
            self._keep_unsent_rating()
            if self._form is not None:
                self._form.wipe()
            self._form, self._service, self._outcome, self._retry = None, None, None, None
            self._step = Step.CHOOSE
        elif step is Step.REVIEW:
            self._step = Step.FORM
        self._changed()

    def dismiss_error(self) -> None:
        self._activity()
        self._error = None
        self._changed()

    def retry(self) -> None:
        """Run the operation that failed again."""
        self._activity()
        again, self._retry = self._retry, None
        if again is not None and not self._busy:
            self._error = None
            again()

    def call_staff(self) -> None:
        """The resident asks for help: the screen says staff are called and offers a ticket."""
        self._activity()
        self._staff_called = True
        log.info("resident called staff", extra={"step": self._step.value})
        self._changed()

    def dismiss_staff_called(self) -> None:
        """The resident has read "staff are coming" (its OK): the panel goes, the staff member still
        comes, and "call staff" may be tapped again."""
        self._activity()
        if self._staff_called:
            self._staff_called = False
            self._changed()

    # --- the terminal around the session ---------------------------------------------------------

    def set_online(self, online: bool) -> None:
        """What the sync worker / heartbeat knows about the hub connection."""
        if self._online != online:
            self._online = online
            self._changed()

    def set_paper_out(self, out: bool) -> None:
        """What the printer watch sees: out of paper, or paper again (then a receipt that did not
        print says it can be printed now, without waiting for a tap)."""
        if out != self._paper_out:
            self._paper_out = out
            if not out and self._error is not None and self._error.kind == RecordNeedsPaper.__name__:
                self._error = None  # paper again: the certificate's tile works, nothing to explain
            self._changed()

    def set_places(self, places: tuple) -> None:
        """The community's address list (kiosk/community.py) arrived or changed."""
        if places != self.community_places:
            self.community_places = places
            self._changed()

    def set_catalogue(self, catalogue: Catalogue | None) -> None:
        """A new catalogue from the store. Applied at once when nobody is using the terminal,
        otherwise when the current session ends (services never change under a resident's finger)."""
        self.catalogue_checked = True
        if self._step in (Step.ATTRACT, Step.OUT_OF_SERVICE):
            self._catalogue = catalogue
            self._page = 0
            if self._held_oos is None:
                self._step = Step.ATTRACT if catalogue is not None else Step.OUT_OF_SERVICE
            self._changed()
        else:
            self._next_catalogue = (catalogue,)

    def set_out_of_service(
        self, reason: OutOfServiceReason | None, message: dict[str, str] | None = None
    ) -> None:
        """A technician takes the terminal out of service (or back); a resident's session is ended.

        `message` (language -> text, from a remote command) is shown under the reason; back in
        service clears it."""
        self._held_oos = reason
        self._oos_message = dict(message or {}) if reason is not None else {}
        technician = self._technician  # the technician doing this stays in maintenance
        if reason is not None:
            if self._step not in (Step.ATTRACT, Step.OUT_OF_SERVICE):
                self.wipe()
            self._step = Step.OUT_OF_SERVICE
        else:
            self._step = Step.ATTRACT if self._catalogue is not None else Step.OUT_OF_SERVICE
        self._technician = technician
        self._staff_called = False
        self._changed()

    def paused(self) -> bool:
        """A technician holds the terminal out of service (a resident may be taking a ticket)."""
        return self._held_oos is not None

    def out_of_service_reason(self) -> OutOfServiceReason | None:
        if self._step is not Step.OUT_OF_SERVICE:
            return None
        if self._held_oos is not None:
            return self._held_oos
        return OutOfServiceReason.BACKEND if self.catalogue_checked else OutOfServiceReason.STARTING
