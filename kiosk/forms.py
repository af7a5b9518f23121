"""A service's form while a resident fills it: typed values, validation, prefill, wipe.

Values arrive from the screen as text (the on-screen keyboard, pickers); `validate_value` checks one
against its field and turns it into its type. Errors are message keys (``field.required``,
``field.bad_phone`` ...) that ui/ translates. Prefill fills what the card or the hub already knows, so
the resident is not asked again; card values are locked, hub values may be corrected.
`FormState.wipe()` drops every value the form held.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from drivers.card.model import Identity
from kiosk.catalogue import FieldType, FormField, Service

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# every form gets its own number: what a screen keeps of a half-typed value is valid only while
# the form it was typed into is the one on show (never the next resident's, never a reopened one)
_SERIALS = itertools.count(1)


def id_number_is_valid(value: str) -> bool:
    """An 18-character resident identity number with a valid birth date and GB 11643 check digit."""
    v = value.upper()
    if not _ID18.match(v):
        return False
    try:
        date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return False
    total = sum(int(c) * w for c, w in zip(v[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == v[17]


def validate_value(f: FormField, raw: str) -> tuple[Any, str | None]:
    """Check `raw` (as typed or picked) against the field.

    Returns (typed value, None) when valid — str, int/float for numbers, `date` for dates, None for
    an empty optional field — or (None, message key) when not. Never raises for bad input.
    """
    text = raw.strip()
    if not text:
        return (None, "field.required") if f.required else (None, None)
    if f.type in (FieldType.TEXT, FieldType.TEXTAREA, FieldType.PHONE, FieldType.ID_NUMBER):
        if f.max_length is not None and len(text) > f.max_length:
            return None, "field.too_long"
        if f.min_length is not None and len(text) < f.min_length:
            return None, "field.too_short"
        if f.type is FieldType.PHONE:
            text = text.replace(" ", "")
            if not (_MOBILE.match(text) or _LANDLINE.match(text)):
                return None, "field.bad_phone"
        if f.type is FieldType.ID_NUMBER:
            text = text.upper()
            if not id_number_is_valid(text):
                return None, "field.bad_id_number"
        if f.pattern is not None and not re.fullmatch(f.pattern, text):
            return None, "field.pattern"
        return text, None
    if f.type is FieldType.NUMBER:
        try:
            number: float = int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
        except ValueError:
            return None, "field.not_a_number"
        if number != number or number in (float("inf"), float("-inf")):
            return None, "field.not_a_number"
        if isinstance(f.min, int | float) and number < f.min:
            return None, "field.below_min"
        if isinstance(f.max, int | float) and number > f.max:
            return None, "field.above_max"
        return number, None
    if f.type is FieldType.DATE:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None, "field.bad_date"
        if isinstance(f.min, date) and day < f.min:
            return None, "field.date_too_early"
        if isinstance(f.max, date) and day > f.max:
            return None, "field.date_too_late"
        return day, None
    if f.type is FieldType.CHOICE:
        if text not in {c.value for c in f.choices}:
            return None, "field.not_a_choice"
        return text, None
    raise AssertionError(f"unhandled field type {f.type}")  # the catalogue refuses unknown types


def card_values(identity: Identity) -> dict[str, str]:
    """What a card tells, by prefill key (see kiosk.catalogue.CARD_PREFILL)."""
    return {
        "card.name": identity.name,
        "card.id_number": identity.id_number,
        "card.card_number": identity.card_number,
    }


@dataclass
class FormState:
    """The values a resident entered (or the terminal prefilled) for one service. Mutable; wipe() it."""

    service: Service
    values: dict[str, str] = field(default_factory=dict)  # as typed; validated on set
    errors: dict[str, str] = field(default_factory=dict)  # field id -> message key
    prefilled: dict[str, str] = field(default_factory=dict)  # field id -> "card" | "hub"
    serial: int = field(default_factory=lambda: next(_SERIALS))  # which form this is (SessionView.form_serial)

    def is_locked(self, field_id: str) -> bool:
        return self.prefilled.get(field_id) == "card"

    def set(self, field_id: str, raw: str) -> str | None:
        """Set a field from the screen; returns the error key (also kept in `errors`) or None.

        Raises KeyError for a field the service does not have, PermissionError for a card value.
        """
        f = self.service.field(field_id)
        if self.is_locked(field_id):
            raise PermissionError(f"field {field_id} comes from the card")
        if not raw.strip() and self.prefilled.get(field_id) == "hub":
            # the editor opens empty over a masked value on file: OK on nothing keeps that value
            return self.errors.get(field_id)
        self.values[field_id] = raw
        self.prefilled.pop(field_id, None)
        _, error = validate_value(f, raw)
        if error is None or not raw.strip():
            # an empty required field is only an error once the resident tries to go on
            self.errors.pop(field_id, None)
        else:
            self.errors[field_id] = error
        return self.errors.get(field_id)

    def validate_all(self) -> bool:
        """Check every field; keeps an error key per failing field. True when the form can go on."""
        self.errors.clear()
        for f in self.service.fields:
            _, error = validate_value(f, self.values.get(f.id, ""))
            if error is not None:
                self.errors[f.id] = error
        return not self.errors

    def prefill(self, known: dict[str, str], source: str, *, overwrite: bool) -> list[str]:
        """Fill fields whose prefill key is in `known`; returns the ids filled.

        Hub values never overwrite what the resident typed (`overwrite=False`); card values do.
        """
        filled = []
        for f in self.service.fields:
            if f.prefill is None or f.prefill_source != source or f.prefill not in known:
                continue
            value = known[f.prefill]
            if not value or (not overwrite and self.values.get(f.id)):
                continue
            self.values[f.id] = value
            self.prefilled[f.id] = source
            self.errors.pop(f.id, None)
            filled.append(f.id)
        return filled

    def prefill_from_card(self, identity: Identity) -> list[str]:
        return self.prefill(card_values(identity), "card", overwrite=True)

    def forget_card(self) -> None:
        """The card left: drop what came from it."""
        for fid in [k for k, v in self.prefilled.items() if v == "card"]:
            self.values.pop(fid, None)
            del self.prefilled[fid]

    def typed_value(self, field_id: str) -> Any:
        value, _ = validate_value(self.service.field(field_id), self.values.get(field_id, ""))
        return value

    def payload(self) -> dict[str, Any]:
        """Field id -> typed JSON value (dates as ISO text). Call after validate_all() passed."""
        out: dict[str, Any] = {}
        for f in self.service.fields:
            value = self.typed_value(f.id)
            if value is not None:
                out[f.id] = value.isoformat() if isinstance(value, date) else value
        return out

    def field_classes(self) -> dict[str, str]:
        return {f.id: f.data_class.value for f in self.service.fields}

    def wipe(self) -> None:
        """Forget every value. Python strings cannot be overwritten in place; dropping every reference
        the session holds is what we can promise (the outbox keeps its own encrypted copy)."""
        for key in list(self.values):
            self.values[key] = ""
        self.values.clear()
        self.errors.clear()
        self.prefilled.clear()
