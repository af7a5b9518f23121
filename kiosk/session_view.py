"""What a screen may know about the resident's session: immutable snapshots, masked where personal.

`kiosk.session.Session` publishes a `SessionView` after every change; ui/ renders it and forwards taps
back to the session. Nothing here holds an unmasked personal or sensitive value: names, id numbers,
card numbers and personal field values appear only in their masked form (see kiosk.masking).
Texts from the catalogue are already resolved to the session's language; fixed words (buttons,
errors) are message keys that ui/ translates.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from drivers.printer.model import ReceiptDocument
from kiosk.catalogue import DataClass, FieldType, ServiceKind
from kiosk.errors import KioskError, WayForward, ways_forward_of
from kiosk.hub_api import CaseStatus, RecordDocument, Ticket


class Step(Enum):
    ATTRACT = "attract"  # nobody there: says what the terminal can do
    IDENTIFY = "identify"  # insert a card, or continue without one
    CHOOSE = "choose"  # the services on this page
    FORM = "form"  # the current service's fields
    REVIEW = "review"  # check before sending (submit and record services)
    SUBMITTING = "submitting"  # the submission is being made durable; cannot be cancelled
    RECEIPT = "receipt"  # a submission's reference, QR and print state
    RESULT = "result"  # outcome of query / ticket / record / notices / rating
    OUT_OF_SERVICE = "out_of_service"  # no catalogue (and no cached copy) or taken out of service


class Mode(Enum):
    STANDARD = "standard"
    ELDER = "elder"


class EndReason(Enum):
    """Why the last session ended; shown briefly on the attract screen, then cleared by start()."""

    FINISHED = "finished"
    CANCELLED = "cancelled"
    TIMEOUT = "timeout"
    CARD_REMOVED = "card_removed"


class OutOfServiceReason(Enum):
    """After IATA CUSS 2."""

    BACKEND = "backend"  # no catalogue from the hub and no cached copy
    INTERNAL = "internal"  # a technician took the terminal out of service
    HARDWARE = "hardware"
    HOURS = "hours"
    NOT_ENROLLED = "not_enrolled"  # no hub credentials yet: a technician enrols it from maintenance
    # no catalogue on disk and the first fetch has not answered yet (a fresh terminal starting):
    # not a fault, so residents are asked to wait, not sent to the window
    STARTING = "starting"


@dataclass(frozen=True)
class ErrorView:
    """A failure as the screen shows it: a message key and the ways forward to offer."""

    message_key: str
    ways_forward: tuple[WayForward, ...]
    kind: str  # the error's class name, for technicians and tests

    @classmethod
    def of(cls, error: KioskError) -> ErrorView:
        return cls(error.message_key, ways_forward_of(error), type(error).__name__)


# a card read but not taken (expired, unknown, unreadable): while it is in, its holder is asked to
# take it back; once out, what was said about it goes
CARD_REFUSED = ("error.card_expired", "error.card_unknown", "error.card_unreadable")


@dataclass(frozen=True)
class IdentitySummary:
    """The card holder, masked: e.g. name 张*伟, id 1101**********1234, card ****5678."""

    name: str
    id_number: str
    card_number: str
    technician: bool = False


@dataclass(frozen=True)
class ServiceView:
    id: str
    kind: ServiceKind
    title: str
    description: str
    icon: str
    needs_card: bool
    offline_ok: bool
    locked: bool  # needs a card and none is inserted: choosing it asks for the card first
    has_form: bool = True  # it has fields to fill (a window ticket or the notices have none)


@dataclass(frozen=True)
class ChoiceView:
    value: str
    label: str


@dataclass(frozen=True)
class FieldView:
    """One form field. `value` is the raw value for public/internal fields and None for personal or
    sensitive ones (the screen's editor keeps its own buffer while the resident types); `display`
    is what to show, masked for personal/sensitive values."""

    id: str
    type: FieldType
    label: str
    hint: str
    data_class: DataClass
    required: bool
    value: str | None
    display: str
    has_value: bool
    error_key: str | None  # e.g. "field.required", "field.bad_phone"
    prefilled_from: str | None  # "card" or "hub" when the terminal filled it in
    locked: bool  # filled from the card: not asked again, not editable
    choices: tuple[ChoiceView, ...] = ()
    min: str | None = None  # bounds as text (numbers, ISO dates), for the picker
    max: str | None = None
    max_length: int | None = None
    min_length: int | None = None  # said in the editor's hint and in its "too short" message
    quick_phrases: tuple[str, ...] = ()  # from the catalogue, in the session's language: one tap each
    picker: str | None = None  # "address": the community's buildings and units are offered
    # the keyboard layer the field opens on: "reference" (capitals, digits, dash), "phone",
    # "id_number", "number" or "text" (pinyin in Chinese, letters in English)
    input: str = "text"
    alert: str = ""  # what must not be missed (an emergency number): shown large over the editor


@dataclass(frozen=True)
class PlaceView:
    """A building (or a named place) of the community, with its units, for the place picker."""

    label: str
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeView:
    id: str
    title: str
    body: str
    published: str  # ISO date


@dataclass(frozen=True)
class Outcome:
    """What a finished operation produced. Fields that do not apply to the kind stay empty."""

    kind: ServiceKind
    service_id: str
    local_ref: str | None = None  # a submission's reference (valid offline); large on screen
    case_id: str | None = None
    queued_offline: bool = False  # the terminal was offline: the submission waits in the outbox
    delivered: bool = False  # the hub has acknowledged it (the outbox says so)
    receipt: ReceiptDocument | None = None  # for the on-screen preview (masked)
    printing: bool = False  # the receipt is being printed right now
    printed: bool | None = None  # None: not attempted (yet); False: failed, see print_error
    print_error: ErrorView | None = None
    # a receipt, or part of one, may already be in the tray: one printed again then says REPRINT
    paper_may_hold: bool = False
    print_attempts: int = 0  # how often it was sent to the printer: "print again" that fails says so
    ticket: Ticket | None = None
    ticket_is_local: bool = False  # hub unreachable: a local fallback ticket; say so on screen
    ticket_for: str | None = None  # the service the ticket's queue is for (the ticket service: the window)
    ticket_again: bool = False  # asked again in the same visit: the ticket already given, shown again
    cases: tuple[CaseStatus, ...] = ()  # progress query / rating lookup
    can_rate: bool = False  # a finished case that rate(stars) may rate now
    rating_case_id: str | None = None  # the case the stars rate (chosen, or the only one that can be)
    chosen_stars: int | None = None  # picked for rating_case_id, waiting for the resident to confirm
    rated_stars: int | None = None
    rated_case_id: str | None = None
    case_titles: tuple[tuple[str, str], ...] = ()  # (case id, service title) in the session's language
    record: RecordDocument | None = None
    notices: tuple[NoticeView, ...] = ()


@dataclass(frozen=True)
class InactivityWarning:
    seconds_left: int  # whole seconds, rounded up; extend() to carry on


@dataclass(frozen=True)
class SessionView:
    step: Step
    mode: Mode
    language: str  # "zh" or "en"
    identity: IdentitySummary | None
    services: tuple[ServiceView, ...]  # the current page of the choose screen
    page: int  # 0-based
    page_count: int
    service: ServiceView | None  # the service in progress
    fields: tuple[FieldView, ...]
    busy: bool  # an operation is pending: disable its button, show progress
    error: ErrorView | None
    warning: InactivityWarning | None
    outcome: Outcome | None
    online: bool | None  # None: not known yet
    out_of_service: OutOfServiceReason | None
    end_reason: EndReason | None
    staff_called: bool
    catalog_version: str | None
    pending_service_id: str | None = None  # chosen before a card was inserted (IDENTIFY asks for it)
    technician_card: bool = False  # a technician card was inserted (maintenance is not a resident flow)
    # "use the details on file?": (field label, masked value) per field the hub's profile would fill
    profile_offer: tuple[tuple[str, str], ...] = ()
    places: tuple[PlaceView, ...] = ()  # the community's address list (empty until the hub sent it)
    overdue: bool = False  # busy (or submitting) longer than the deadline: offer a ticket / staff
    card_in_reader: bool = False  # a card is in the reader (also after the session that read it ended)
    # out of service: the hub's message for residents, in the resident's language (or the other one)
    out_of_service_message: str | None = None
    # a technician holds the terminal out of service: a resident's session there (the window's
    # ticket) goes nowhere but back to the paused screen (walk 9, F0: 返回业务列表 opened every service)
    paused: bool = False
    # which form is on show (kiosk.forms.FormState.serial); a new one for every form opened, so a
    # screen keeps a half-typed value across a mode or language switch and never past the form
    form_serial: int | None = None
    # the printer says it is out of paper (the printer watch, or a print that failed so): print-out
    # services and the review say so before the resident relies on a slip
    paper_out: bool = False
    # the language of the session that ended: its end message is in it, the rest of the screen in
    # the terminal's own (the one who leaves reads their farewell; the next one finds the default)
    end_language: str = "zh"
    # the title of the service whose form a ticket was taken from: the ticket's page goes back to it
    # (its values kept) instead of to the services
    parked_form: str | None = None
    # the numbers of the tickets this visit was given: the receipt of a request finished after one
    # says the ticket is still theirs, and not needed for it (walk 14)
    tickets_taken: tuple[str, ...] = ()
