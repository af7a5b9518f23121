"""The local reference a resident gets on the receipt, valid before the hub has ever seen the case.

Format: ``T0001-93-000042-17`` — terminal id, generation, sequence, two check digits.

- **Sequence**: the outbox row number (AUTOINCREMENT, so never reused within one database file,
  not even after acked rows are purged). Zero-padded to six digits, it grows beyond when needed.
- **Generation** (base 36): names the terminal's outbox database file. How it is allocated (a
  high-water mark in keyring, so a new file never repeats an old reference) is the terminal's
  business: offline_queue/generation.py. Here it is only a number in the format.
- **Check digits**: ISO 7064 MOD 97-10 (as in IBAN; letters count as 10..35) over terminal id,
  generation and sequence. Digits only, so nothing to confuse (O/0, I/1) when read aloud or typed.
  They catch every mistyped digit and every swap of neighbouring digits, and all but about 1 in 97
  of other mistakes, so a progress query with a typo is refused at the terminal instead of finding
  someone else's case.
- **Demo generation** ``DEMO`` (base 36, `DEMO_GENERATION`) is reserved for the reference hub's
  seeded demo cases (``T0001-DEMO-000001-xx``). A terminal never reaches it: generations start at
  the day number since 2026-01-01 and grow by one per new outbox file (it is ~1,700 years away).

This is the format the terminal and the hub share (contract/): the terminal prints and parses it,
the hub seeds demo cases with it. offline_queue.local_ref re-exports it with the queue's own error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class InvalidLocalRef(ValueError):
    """The text is not a local reference, or its check digits do not match (a typo)."""


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUE = {ch: i for i, ch in enumerate(_ALPHABET)}
DEMO_GENERATION = int("DEMO", 36)
"""Reserved for demo data (the hub's seeded cases); never allocated to a terminal's outbox."""
_PATTERN = re.compile(r"^([A-Z0-9]{2,12})-([0-9A-Z]{1,8})-([0-9]{6,12})-([0-9]{2})$")


_LOOKALIKES = str.maketrans({"O": "0", "I": "1"})


def _digits_after_first(terminal_id: str) -> str:
    """A terminal id is a letter and digits (T0001): O and I after its letter read as 0 and 1."""
    return terminal_id[:1] + terminal_id[1:].translate(_LOOKALIKES)


def _as_number(text: str) -> int:
    return int("".join(str(_VALUE[ch]) for ch in text))


def check_digits(text: str) -> str:
    """ISO 7064 MOD 97-10 check digits of `text` (digits and upper-case letters only)."""
    return f"{98 - (_as_number(text) * 100) % 97:02d}"


def to_base36(number: int) -> str:
    if number < 0:
        raise ValueError("negative")
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _ALPHABET[rest] + digits
        if number == 0:
            return digits


@dataclass(frozen=True, order=True)
class LocalRef:
    """Terminal id + generation + sequence; ``str()`` is the printable form with its check digits."""

    terminal_id: str
    generation: int
    sequence: int

    def __str__(self) -> str:
        body = f"{self.terminal_id}-{to_base36(self.generation)}-{self.sequence:06d}"
        return f"{body}-{check_digits(body.replace('-', ''))}"

    @classmethod
    def parse(cls, text: str) -> LocalRef:
        """Read a reference as typed by a person (case and surrounding/inner spaces forgiven).

        Raises InvalidLocalRef when it is malformed or the check digits do not match.
        """
        cleaned = "".join(text.split()).upper()
        parts = cleaned.split("-")
        if len(parts) == 4:
            # the sequence and the check digits are digits only: a letter O or I typed there is the
            # 0 or 1 it looks like (found walking: "TOOO1-9B-OOOOO1-72" was refused)
            parts[2], parts[3] = parts[2].translate(_LOOKALIKES), parts[3].translate(_LOOKALIKES)
            cleaned = "-".join(parts)
        match = _PATTERN.match(cleaned)
        if match is None:
            raise InvalidLocalRef("not a local reference (expected e.g. T0001-93-000042-17)")
        terminal, generation, sequence, check = match.groups()
        # terminal id and generation may hold letters: as typed first, then with O/I read as 0/1;
        # the check digits decide, so a lookalike never turns a reference into another one unseen
        for t, g in dict.fromkeys(
            [
                (terminal, generation),
                (_digits_after_first(terminal), generation),
                (terminal, generation.translate(_LOOKALIKES)),
                (_digits_after_first(terminal), generation.translate(_LOOKALIKES)),
            ]
        ):
            if check_digits(t + g + sequence) == check:
                return cls(t, int(g, 36), int(sequence))
        raise InvalidLocalRef("check digits do not match: probably a typo")

    @staticmethod
    def is_valid(text: str) -> bool:
        try:
            LocalRef.parse(text)
        except InvalidLocalRef:
            return False
        return True
