"""The service catalogue as the terminal uses it: the contract's rules (contract/catalogue.py), with
the refusal raised as a KioskError so the screens can name it and offer a way forward.

Every name the terminal imported from here before the rules moved to the contract is still here.
"""

from __future__ import annotations

from typing import Any

from contract import catalogue as _rules
from contract.catalogue import (
    CARD_PREFILL,
    HUB_PREFILL,
    LANGUAGES,
    MAX_QUICK_PHRASES,
    PICKERS,
    SCHEMA,
    Catalogue,
    Choice,
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
from kiosk.errors import KioskError, WayForward

__all__ = [
    "CARD_PREFILL",
    "HUB_PREFILL",
    "LANGUAGES",
    "MAX_QUICK_PHRASES",
    "PICKERS",
    "SCHEMA",
    "Catalogue",
    "CatalogueInvalid",
    "Choice",
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


class CatalogueInvalid(KioskError, _rules.CatalogueInvalid):
    """The catalogue document breaks the rules; `where` names the place, `reason` says what is wrong."""

    message_key = "error.catalogue_invalid"
    ways_forward = (WayForward.CALL_STAFF,)

    def __init__(self, where: str, reason: str) -> None:
        # both bases take different arguments: set up the Exception once, as KioskError would
        Exception.__init__(self, f"{where or 'catalogue'}: {reason}")
        self.where = where
        self.reason = reason


def parse_catalogue(document: Any) -> Catalogue:
    """Validate a catalogue document (parsed JSON) and build the Catalogue. Raises CatalogueInvalid."""
    try:
        return _rules.parse_catalogue(document)
    except _rules.CatalogueInvalid as exc:
        raise CatalogueInvalid(exc.where, exc.reason) from None
