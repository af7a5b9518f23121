"""The service catalogue's model: frozen objects for services, fields, receipts and notices.

Built only by `contract.catalogue.parse_catalogue`, which validates the hub's document first; the
terminal imports the names from `kiosk.catalogue`, the hub from `contract.catalogue`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum

SCHEMA = 1
LANGUAGES = ("zh", "en")


class CatalogueInvalid(ValueError):
    """The catalogue document breaks the rules; `where` names the place, `reason` says what is wrong.
    (The terminal raises kiosk.catalogue.CatalogueInvalid, a subclass that is also a KioskError.)"""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where or 'catalogue'}: {reason}")
        self.where = where
        self.reason = reason


class ServiceKind(Enum):
    SUBMIT = "submit"  # a request or report, queued in the outbox; works offline
    QUERY = "query"  # progress of a case by reference or by card; needs the hub
    RECORD = "record"  # a record/certificate the hub issues, printed here; needs the hub
    TICKET = "ticket"  # a ticket for the staffed window; local fallback ticket when the hub is down
    RATING = "rating"  # rate a finished case; needs the hub
    NOTICES = "notices"  # community notices carried in the catalogue; works offline


class FieldType(Enum):
    TEXT = "text"  # one line
    TEXTAREA = "textarea"  # free text, several lines
    NUMBER = "number"
    CHOICE = "choice"
    DATE = "date"  # ISO yyyy-mm-dd
    PHONE = "phone"  # mainland mobile or landline
    ID_NUMBER = "id_number"  # 18-character resident identity number (GB 11643), checksum checked


class DataClass(Enum):
    PUBLIC = "public"
    INTERNAL = "internal"
    PERSONAL = "personal"  # masked on screen and receipt, encrypted at rest, wiped at session end
    SENSITIVE = "sensitive"  # as personal, and masked harder

    @property
    def is_protected(self) -> bool:
        return self in (DataClass.PERSONAL, DataClass.SENSITIVE)


# Where a field's value may come from, so the resident is never asked what the terminal knows.
CARD_PREFILL = ("card.name", "card.id_number", "card.card_number")
HUB_PREFILL = ("hub.phone", "hub.address", "hub.household_id", "hub.community")
PICKERS = ("address",)  # "address": building and unit from GET /v1/community/addresses
MAX_QUICK_PHRASES = 8


@dataclass(frozen=True)
class LocalText:
    """A text in every language the terminal speaks."""

    zh: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.zh


@dataclass(frozen=True)
class Choice:
    value: str
    label: LocalText


@dataclass(frozen=True)
class FormField:
    id: str
    type: FieldType
    label: LocalText
    data_class: DataClass
    required: bool = False
    hint: LocalText | None = None
    prefill: str | None = None  # one of CARD_PREFILL / HUB_PREFILL
    min: float | date | None = None  # number: value bounds; date: earliest/latest day
    max: float | date | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None  # full-match regular expression for text-like fields
    choices: tuple[Choice, ...] = ()
    # text fields: one-tap phrases shown above the keyboard (same phrases for every resident: the
    # terminal never keeps what one resident typed for the next)
    quick_phrases: tuple[LocalText, ...] = ()
    picker: str | None = None  # one of PICKERS: a place in the community, picked from the hub's list
    # what must not be missed with the field, shown large and coloured over its editor (an
    # emergency number: as grey hint text it was overlooked)
    alert: LocalText | None = None

    @property
    def prefill_source(self) -> str | None:
        """ "card" or "hub" (or None when the resident enters the value)."""
        return self.prefill.split(".", 1)[0] if self.prefill else None


@dataclass(frozen=True)
class ChoiceFooter:
    """The receipt's footer when the form picked `value` in its choice field `field` (an urgent
    repair is not promised the normal one's "within 2 working days": walk 13, M4)."""

    field: str
    value: str
    text: LocalText


@dataclass(frozen=True)
class ReceiptSpec:
    title: LocalText
    fields: tuple[str, ...] = ()  # which form fields appear on the receipt (masked by data class)
    footer: LocalText | None = None
    qr: str = "{ref}"  # QR content; "{ref}" is replaced by the reference
    footer_if: tuple[ChoiceFooter, ...] = ()  # the first whose choice the form picked, over `footer`

    def footer_for(self, values: Mapping[str, str]) -> LocalText | None:
        """The footer for a form with these values (field id -> value as entered)."""
        return next((f.text for f in self.footer_if if values.get(f.field) == f.value), self.footer)


@dataclass(frozen=True)
class Notice:
    id: str
    title: LocalText
    body: LocalText
    published: date


@dataclass(frozen=True)
class Enablement:
    terminals: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    @property
    def everywhere(self) -> bool:
        return not self.terminals and not self.groups


@dataclass(frozen=True)
class Service:
    id: str
    kind: ServiceKind
    title: LocalText
    description: LocalText
    fields: tuple[FormField, ...] = ()
    needs_card: bool = False
    offline_ok: bool = False
    receipt: ReceiptSpec | None = None
    enabled_for: Enablement = Enablement()
    icon: str = ""
    ticket_prefix: str = ""  # letter(s) the hub puts before this service's ticket numbers
    notices: tuple[Notice, ...] = ()

    def field(self, field_id: str) -> FormField:
        """The field with this id. Raises KeyError."""
        for f in self.fields:
            if f.id == field_id:
                return f
        raise KeyError(field_id)


@dataclass(frozen=True)
class Catalogue:
    version: str
    services: tuple[Service, ...]
    terminal_groups: Mapping[str, tuple[str, ...]]

    def service(self, service_id: str) -> Service:
        """The service with this id. Raises KeyError."""
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    def is_enabled(self, service: Service, terminal_id: str) -> bool:
        en = service.enabled_for
        if en.everywhere:
            return True
        if terminal_id in en.terminals:
            return True
        return any(terminal_id in self.terminal_groups.get(g, ()) for g in en.groups)

    def services_for(self, terminal_id: str) -> tuple[Service, ...]:
        """The services this terminal offers, in catalogue order."""
        return tuple(s for s in self.services if self.is_enabled(s, terminal_id))

    def first_of_kind(self, kind: ServiceKind, terminal_id: str) -> Service | None:
        return next((s for s in self.services_for(terminal_id) if s.kind is kind), None)
