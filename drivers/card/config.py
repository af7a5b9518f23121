"""The card reader's configuration section ([card_reader] in the kiosk's TOML; kiosk/config.py builds
it and re-exports the name)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardReaderConfig:
    kind: str = "simulated"  # "pcsc" or "simulated"
    reader_name: str = ""  # substring of the PC/SC reader name; empty = first reader
    profiles: tuple[str, ...] = ("community-resident-v1", "community-technician-v1")
    # the most one read may take before CardUnreadable (slow cards, long records: raise it)
    read_timeout_s: float = 5.0
