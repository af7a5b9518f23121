"""The service catalogue: what the terminal offers, as validated, versioned data.

The rules are the contract's: the terminal (kiosk.catalogue re-exports them) and the hub (which
validates an uploaded version before staging it) apply the same ones. The hub serves the catalogue
as JSON (GET /v1/catalog); `parse_catalogue` turns that document into frozen objects or refuses
it with `CatalogueInvalid`, whose `where` names the offending place (e.g. ``services[2].fields[0].label.en``). Refused are: unknown keys, wrong types, missing
translations (every text needs both ``zh`` and ``en``), duplicate ids, unknown kinds, field types,
data classes and prefill sources. Keeping the last good copy on disk is `kiosk.catalogue_store`'s job.

Document shape (schema 1)::

    {"schema": 1, "version": "2026.11-3",
     "terminal_groups": {"east-gate": ["T0001", "T0002"]},
     "services": [{"id": "repair.public_area", "kind": "submit",
                   "title": {"zh": "...", "en": "..."}, "description": {...}, "icon": "repair",
                   "needs_card": false, "offline_ok": true, "ticket_prefix": "B",
                   "enabled_for": {"terminals": ["T0001"], "groups": ["east-gate"]},
                   "fields": [{"id": "phone", "type": "phone", "label": {...}, "hint": {...},
                               "data_class": "personal", "required": true, "prefill": "hub.phone",
                               "min": .., "max": .., "min_length": .., "max_length": ..,
                               "pattern": "..", "choices": [{"value": "..", "label": {..}}],
                               "quick_phrases": [{"zh": "电梯坏了", "en": "The lift is broken"}],
                               "picker": "address", "alert": {"zh": "...", "en": "..."}}],
                   "receipt": {"title": {...}, "fields": ["phone"], "footer": {...},
                               "footer_if": [{"field": "urgency", "value": "urgent", "text": {...}}],
                               "qr": "https://hub.example/track/{ref}"},
                   "notices": [{"id": "..", "title": {..}, "body": {..}, "published": "2026-11-20"}]}]}

A service without ``enabled_for`` (or with both lists empty) is enabled on every terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from typing import Any

from contract.catalogue_model import (
    CARD_PREFILL,
    HUB_PREFILL,
    LANGUAGES,
    MAX_QUICK_PHRASES,
    PICKERS,
    SCHEMA,
    Catalogue,
    CatalogueInvalid,
    Choice,
    ChoiceFooter,
    DataClass,
    Enablement,
    FieldType,
    FormField,
    LocalText,
    Notice,
    ReceiptSpec,
    Service,
    ServiceKind,
)
from contract.icons import ICON_NAMES, icon_for

__all__ = [
    "CARD_PREFILL",
    "HUB_PREFILL",
    "LANGUAGES",
    "SCHEMA",
    "Catalogue",
    "CatalogueInvalid",
    "Choice",
    "ChoiceFooter",
    "DataClass",
    "Enablement",
    "FieldType",
    "FormField",
    "LocalText",
    "Notice",
    "ReceiptSpec",
    "Service",
    "ServiceKind",
    "parse_catalogue",
]

_ID = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


class _Reader:
    """Reads one JSON object, remembering which keys were used so unknown ones can be refused."""

    def __init__(self, raw: Any, where: str) -> None:
        if not isinstance(raw, dict):
            raise CatalogueInvalid(where, "must be an object")
        self.raw = raw
        self.where = where
        self.allowed: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(
        self, key: str, typ: type | tuple[type, ...], default: Any = ..., *, required: bool = False
    ) -> Any:
        self.allowed.add(key)
        if key not in self.raw:
            if required or default is ...:
                raise CatalogueInvalid(self.at(key), "is missing")
            return default
        value = self.raw[key]
        # bool is an int in Python: never accept true where a number is meant, or 1 for true
        bad_bool = isinstance(value, bool) and bool not in (typ if isinstance(typ, tuple) else (typ,))
        if bad_bool or not isinstance(value, typ):
            names = "/".join(t.__name__ for t in (typ if isinstance(typ, tuple) else (typ,)))
            raise CatalogueInvalid(self.at(key), f"must be {_JSON_NAMES.get(names, names)}")
        return value

    def text(self, key: str) -> LocalText:
        return _text(self.get(key, dict, required=True), self.at(key))

    def optional_text(self, key: str) -> LocalText | None:
        self.allowed.add(key)
        return self.text(key) if key in self.raw else None

    def finish(self) -> None:
        unknown = sorted(set(self.raw) - self.allowed)
        if unknown:
            raise CatalogueInvalid(self.at(unknown[0]), "is not a known key")


_JSON_NAMES = {
    "str": "a string",
    "int": "an integer",
    "bool": "true or false",
    "dict": "an object",
    "list": "a list",
    "int/float": "a number",
}


def _text(raw: Any, where: str) -> LocalText:
    r = _Reader(raw, where)
    values = {}
    for lang in LANGUAGES:
        value = r.get(lang, str, required=True)
        if not value.strip():
            raise CatalogueInvalid(r.at(lang), "translation is empty")
        values[lang] = value
    r.finish()
    return LocalText(**values)


def _enum(enum: type[Enum], value: str, where: str) -> Any:
    try:
        return enum(value)
    except ValueError:
        known = ", ".join(str(m.value) for m in enum)
        raise CatalogueInvalid(where, f"unknown value {value!r} (known: {known})") from None


def _id(value: str, where: str) -> str:
    if not _ID.match(value):
        raise CatalogueInvalid(where, "must be a lower-case id (letters, digits, . _ -)")
    return value


def _iso_date(value: str, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CatalogueInvalid(where, "must be a date yyyy-mm-dd") from None


def _list(r: _Reader, key: str, item: Callable[[Any, str], Any], *, default: Any = ()) -> tuple[Any, ...]:
    raw = r.get(key, list, default=None)
    if raw is None:
        return default
    return tuple(item(v, f"{r.at(key)}[{i}]") for i, v in enumerate(raw))


def _unique(items: tuple[Any, ...], key: Callable[[Any], str], where: str) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        k = key(item)
        if k in seen:
            raise CatalogueInvalid(f"{where}[{i}]", f"duplicate id {k!r}")
        seen.add(k)


def _choice(raw: Any, where: str) -> Choice:
    r = _Reader(raw, where)
    value = r.get("value", str, required=True)
    if not value:
        raise CatalogueInvalid(r.at("value"), "must not be empty")
    c = Choice(value=value, label=r.text("label"))
    r.finish()
    return c


_TEXTLIKE = (FieldType.TEXT, FieldType.TEXTAREA, FieldType.PHONE, FieldType.ID_NUMBER)


def _field(raw: Any, where: str) -> FormField:
    r = _Reader(raw, where)
    fid = _id(r.get("id", str, required=True), r.at("id"))
    ftype = _enum(FieldType, r.get("type", str, required=True), r.at("type"))
    dclass = _enum(DataClass, r.get("data_class", str, required=True), r.at("data_class"))
    prefill = r.get("prefill", str, None)
    if prefill is not None and prefill not in CARD_PREFILL + HUB_PREFILL:
        raise CatalogueInvalid(r.at("prefill"), f"unknown prefill source {prefill!r}")
    lo = hi = None
    if ftype is FieldType.NUMBER:
        lo, hi = r.get("min", (int, float), None), r.get("max", (int, float), None)
    elif ftype is FieldType.DATE:
        lo_raw, hi_raw = r.get("min", str, None), r.get("max", str, None)
        lo = _iso_date(lo_raw, r.at("min")) if lo_raw is not None else None
        hi = _iso_date(hi_raw, r.at("max")) if hi_raw is not None else None
    if lo is not None and hi is not None and lo > hi:
        raise CatalogueInvalid(r.at("min"), "is greater than max")
    min_len = max_len = pattern = None
    if ftype in _TEXTLIKE:
        min_len, max_len = r.get("min_length", int, None), r.get("max_length", int, None)
        for key, v in (("min_length", min_len), ("max_length", max_len)):
            if v is not None and v < 0:
                raise CatalogueInvalid(r.at(key), "must not be negative")
        pattern = r.get("pattern", str, None)
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise CatalogueInvalid(
                    r.at("pattern"), f"is not a valid regular expression ({exc})"
                ) from None
    phrases: tuple[LocalText, ...] = ()
    picker = None
    if ftype in (FieldType.TEXT, FieldType.TEXTAREA):
        phrases = _list(r, "quick_phrases", _text)
        _check_phrases(phrases, r.at("quick_phrases"), min_len, max_len)
        picker = r.get("picker", str, None)
        if picker is not None and picker not in PICKERS:
            raise CatalogueInvalid(r.at("picker"), f"unknown picker {picker!r} (known: {', '.join(PICKERS)})")
    choices: tuple[Choice, ...] = ()
    if ftype is FieldType.CHOICE:
        choices = _list(r, "choices", _choice)
        if not choices:
            raise CatalogueInvalid(r.at("choices"), "a choice field needs at least one choice")
        _unique(choices, lambda c: c.value, r.at("choices"))
    f = FormField(
        id=fid,
        type=ftype,
        label=r.text("label"),
        data_class=dclass,
        required=r.get("required", bool, False),
        hint=r.optional_text("hint"),
        prefill=prefill,
        min=lo,
        max=hi,
        min_length=min_len,
        max_length=max_len,
        pattern=pattern,
        choices=choices,
        quick_phrases=phrases,
        picker=picker,
        alert=r.optional_text("alert"),
    )
    r.finish()  # a key that does not fit the type (e.g. "choices" on a text field) is refused here
    return f


def _check_phrases(
    phrases: tuple[LocalText, ...], where: str, min_length: int | None, max_length: int | None
) -> None:
    """A quick phrase must be a value the field accepts: within its lengths, in both languages."""
    if len(phrases) > MAX_QUICK_PHRASES:
        raise CatalogueInvalid(where, f"at most {MAX_QUICK_PHRASES} quick phrases")
    seen: set[str] = set()
    for i, phrase in enumerate(phrases):
        for lang in LANGUAGES:
            text = phrase.get(lang)
            if max_length is not None and len(text) > max_length:
                raise CatalogueInvalid(f"{where}[{i}].{lang}", f"is longer than the field's max_length {max_length}")
            if min_length is not None and len(text) < min_length:
                raise CatalogueInvalid(f"{where}[{i}].{lang}", f"is shorter than the field's min_length {min_length}")
        if phrase.zh in seen:
            raise CatalogueInvalid(f"{where}[{i}]", f"duplicate quick phrase {phrase.zh!r}")
        seen.add(phrase.zh)


def _receipt(raw: Any, where: str, fields: Mapping[str, FormField]) -> ReceiptSpec:
    r = _Reader(raw, where)
    names = tuple(r.get("fields", list, []))
    for i, name in enumerate(names):
        if not isinstance(name, str) or name not in fields:
            raise CatalogueInvalid(f"{r.at('fields')}[{i}]", f"names no field of this service: {name!r}")
    qr = r.get("qr", str, "{ref}")
    if "{ref}" not in qr:
        raise CatalogueInvalid(r.at("qr"), "must contain {ref}")
    spec = ReceiptSpec(
        title=r.text("title"),
        fields=names,
        footer=r.optional_text("footer"),
        qr=qr,
        footer_if=tuple(_list(r, "footer_if", lambda item, at: _choice_footer(item, at, fields))),
    )
    r.finish()
    return spec


def _choice_footer(raw: Any, where: str, fields: Mapping[str, FormField]) -> ChoiceFooter:
    r = _Reader(raw, where)
    field_id, value = r.get("field", str, required=True), r.get("value", str, required=True)
    f = fields.get(field_id)
    if f is None or not f.choices:
        raise CatalogueInvalid(r.at("field"), f"names no choice field of this service: {field_id!r}")
    if value not in {c.value for c in f.choices}:
        raise CatalogueInvalid(r.at("value"), f"is not a choice of {field_id!r}: {value!r}")
    footer = ChoiceFooter(field=field_id, value=value, text=r.text("text"))
    r.finish()
    return footer


def _notice(raw: Any, where: str) -> Notice:
    r = _Reader(raw, where)
    n = Notice(
        id=_id(r.get("id", str, required=True), r.at("id")),
        title=r.text("title"),
        body=r.text("body"),
        published=_iso_date(
            r.get("published", str, required=True),
            r.at("published"),
        ),
    )
    r.finish()
    return n


def _enablement(raw: Any, where: str, groups: Mapping[str, tuple[str, ...]]) -> Enablement:
    r = _Reader(raw, where)
    terminals = _list(r, "terminals", _terminal_id)
    names = _list(r, "groups", lambda v, w: v if isinstance(v, str) else _bad(w, "must be a string"))
    for i, g in enumerate(names):
        if g not in groups:
            raise CatalogueInvalid(f"{r.at('groups')}[{i}]", f"unknown terminal group {g!r}")
    r.finish()
    return Enablement(terminals=terminals, groups=names)


def _ticket_prefix(value: str, where: str) -> str:
    if value and not re.fullmatch(r"[A-Z]{1,2}", value):
        raise CatalogueInvalid(where, "must be one or two upper-case letters")
    return value


def _bad(where: str, reason: str) -> Any:
    raise CatalogueInvalid(where, reason)


def _terminal_id(value: Any, where: str) -> str:
    if not isinstance(value, str) or not re.match(r"^[A-Z0-9]{2,12}$", value):
        raise CatalogueInvalid(where, "must be a terminal id (2-12 upper-case letters or digits)")
    return value



def _icon(name: str, kind: ServiceKind, where: str) -> str:
    """A known pictogram name (contract/icons.py), or the kind's own when the service names none."""
    if not name:
        return icon_for(kind, "")
    if name not in ICON_NAMES:
        raise CatalogueInvalid(where, f"unknown icon {name!r} (known: {', '.join(sorted(ICON_NAMES))})")
    return name

def _service(raw: Any, where: str, groups: Mapping[str, tuple[str, ...]]) -> Service:
    r = _Reader(raw, where)
    kind = _enum(ServiceKind, r.get("kind", str, required=True), r.at("kind"))
    fields = _list(r, "fields", _field)
    _unique(fields, lambda f: f.id, r.at("fields"))
    receipt_raw = r.get("receipt", dict, None)
    receipt = (
        _receipt(receipt_raw, r.at("receipt"), {f.id: f for f in fields}) if receipt_raw is not None else None
    )
    if kind is ServiceKind.SUBMIT and receipt is None:
        raise CatalogueInvalid(r.at("receipt"), "a submit service needs a receipt")
    notices: tuple[Notice, ...] = ()
    if kind is ServiceKind.NOTICES:
        notices = _list(r, "notices", _notice)
        _unique(notices, lambda n: n.id, r.at("notices"))
    enabled_raw = r.get("enabled_for", dict, None)
    svc = Service(
        id=_id(r.get("id", str, required=True), r.at("id")),
        kind=kind,
        title=r.text("title"),
        description=r.text("description"),
        fields=fields,
        needs_card=r.get("needs_card", bool, False),
        offline_ok=r.get("offline_ok", bool, False),
        receipt=receipt,
        icon=_icon(r.get("icon", str, ""), kind, r.at("icon")),
        ticket_prefix=_ticket_prefix(r.get("ticket_prefix", str, ""), r.at("ticket_prefix")),
        enabled_for=_enablement(enabled_raw, r.at("enabled_for"), groups)
        if enabled_raw is not None
        else Enablement(),
        notices=notices,
    )
    card_fields = [f for f in fields if f.prefill_source == "card"]
    if card_fields and not svc.needs_card:
        # a card prefill on a service usable without a card would leave a required value unknowable
        required = [f for f in card_fields if f.required]
        if required:
            raise CatalogueInvalid(r.at("needs_card"), f"field {required[0].id!r} is prefilled from the card")
    r.finish()
    return svc


def parse_catalogue(document: Any) -> Catalogue:
    """Validate a catalogue document (parsed JSON) and build the Catalogue. Raises CatalogueInvalid."""
    r = _Reader(document, "")
    schema = r.get("schema", int, required=True)
    if schema != SCHEMA:
        raise CatalogueInvalid("schema", f"unsupported schema {schema} (this terminal reads {SCHEMA})")
    version = r.get("version", str, required=True)
    if not version.strip():
        raise CatalogueInvalid("version", "must not be empty")
    groups_raw = r.get("terminal_groups", dict, {})
    groups: dict[str, tuple[str, ...]] = {}
    for name, members in groups_raw.items():
        where = f"terminal_groups.{name}"
        _id(name, where)
        if not isinstance(members, list):
            raise CatalogueInvalid(where, "must be a list of terminal ids")
        groups[name] = tuple(_terminal_id(m, f"{where}[{i}]") for i, m in enumerate(members))
    services = _list(r, "services", lambda v, w: _service(v, w, groups))
    if not services:
        raise CatalogueInvalid("services", "the catalogue offers no service")
    _unique(services, lambda s: s.id, "services")
    r.finish()
    return Catalogue(version=version, services=services, terminal_groups=groups)
