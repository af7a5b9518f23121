"""Masking of personal and sensitive values for screens and receipts, by field type and data class.

The masks of single values (id number, name, phone, card number, free text) are the contract's
(contract/masking.py), shared with the hub; here they are chosen by the catalogue's field type and
data class. Sensitive free text is hidden completely.
"""

from __future__ import annotations

from contract.masking import (
    FIXED_WIDTH,
    MASK,
    mask_card_number,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
)
from kiosk.catalogue import DataClass, FieldType

__all__ = ["mask_card_number", "mask_id_number", "mask_name", "mask_phone", "mask_text", "mask_value"]


def mask_value(value: str, field_type: FieldType, data_class: DataClass, *, hint: str = "") -> str:
    """What a screen or receipt may show of a field value.

    Public and internal values are shown as they are. Personal values are masked by their type
    (`hint` "name" masks as a name, e.g. for a text field prefilled from ``card.name``). Sensitive
    values keep only what identifies nothing on its own (id number and phone heads/tails) and are
    otherwise hidden completely.
    """
    if not data_class.is_protected or not value:
        return value
    if field_type is FieldType.ID_NUMBER:
        return mask_id_number(value)
    if field_type is FieldType.PHONE:
        return mask_phone(value)
    if data_class is DataClass.SENSITIVE:
        return MASK * FIXED_WIDTH
    if hint == "name":
        return mask_name(value)
    if hint == "card_number":
        return mask_card_number(value)
    if field_type in (FieldType.DATE, FieldType.NUMBER, FieldType.CHOICE):
        return MASK * FIXED_WIDTH
    return mask_text(value)
