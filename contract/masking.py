"""Masking of personal values, the same on the terminal's screens and receipts and on what the hub
issues for printing (records and certificates, masked before they leave the hub).

The rules follow common practice on Chinese government and bank terminals: an identity number keeps
its first 4 and last 4 characters (``1101**********1234``), a name keeps its first and last character
(``张*伟``, two-character names keep the first: ``张*``), a mobile number keeps 3 + 4 (``138****5678``),
a card number keeps its last 4. Free personal text keeps a short head and a fixed-width mask. The mask
keeps the value's length where that length says nothing (ids, phones), and uses a fixed width where
it might (free text), so a receipt never hints at a value's size.
"""

from __future__ import annotations

MASK = "*"
FIXED_WIDTH = 6  # width of the mask for free text, whatever the value's length


def mask_id_number(value: str) -> str:
    """``110101199003071234`` -> ``1101**********1234``. Short values are hidden completely."""
    v = value.strip()
    if len(v) <= 8:
        return MASK * len(v)
    return v[:4] + MASK * (len(v) - 8) + v[-4:]


def mask_name(value: str) -> str:
    """``张三伟`` -> ``张*伟``, ``张三`` -> ``张*``, ``欧阳娜娜`` -> ``欧**娜``, ``Li Wei`` -> ``L****i``."""
    v = value.strip()
    if len(v) <= 1:
        return MASK * len(v)
    if len(v) == 2:
        return v[0] + MASK
    return v[0] + MASK * (len(v) - 2) + v[-1]


def mask_phone(value: str) -> str:
    """``13812345678`` -> ``138****5678``; a landline ``010-87654321`` -> ``010-****4321``."""
    v = value.strip()
    if len(v) <= 7:
        return MASK * len(v)
    head = 4 if "-" in v[:5] else 3
    return v[:head] + MASK * (len(v) - head - 4) + v[-4:]


def mask_card_number(value: str) -> str:
    """Only the last 4 characters stay: ``6222 0212 3456 7890`` -> ``****7890``."""
    v = value.replace(" ", "").strip()
    return MASK * 4 + v[-4:] if len(v) > 4 else MASK * len(v)


def mask_text(value: str, *, keep: int = 2) -> str:
    """Free personal text keeps a short head and a fixed-width mask: ``朝阳区幸福路12号`` -> ``朝阳******``."""
    v = value.strip()
    if not v:
        return ""
    head = v[: min(keep, max(0, len(v) - 2))]
    return head + MASK * FIXED_WIDTH
