"""The local reference as the queue hands it out and reads it back: the format itself (check digits,
parsing, the demo generation) is the contract's (contract/local_ref.py), shared with the hub; here a
malformed reference raises the queue's own typed error (offline_queue.errors.InvalidLocalRef), with
its resident-facing message and way forward. How generations are allocated: generation.py.
"""

from __future__ import annotations

from contract import local_ref as _format
from contract.local_ref import DEMO_GENERATION, check_digits, to_base36
from offline_queue.errors import InvalidLocalRef

__all__ = ["DEMO_GENERATION", "InvalidLocalRef", "LocalRef", "check_digits", "to_base36"]


class LocalRef(_format.LocalRef):
    """The contract's LocalRef; `parse` raises offline_queue.errors.InvalidLocalRef."""

    @classmethod
    def parse(cls, text: str) -> LocalRef:
        try:
            ref = _format.LocalRef.parse(text)
        except _format.InvalidLocalRef as exc:
            raise InvalidLocalRef(str(exc)) from exc
        return cls(ref.terminal_id, ref.generation, ref.sequence)

    @staticmethod
    def is_valid(text: str) -> bool:
        return _format.LocalRef.is_valid(text)
