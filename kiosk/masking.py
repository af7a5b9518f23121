"""Masking of personal and sensitive values for screens and receipts, by field type and data class.

The masks are the contract's (contract/masking.py), shared with the hub's staff console; this module
keeps the names the terminal imported before they moved.
"""

from __future__ import annotations

from contract.masking import (
    mask_card_number,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    mask_value,
)

__all__ = ["mask_card_number", "mask_id_number", "mask_name", "mask_phone", "mask_text", "mask_value"]
