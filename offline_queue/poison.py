"""Finding the one item a hub cannot take, so it does not block every item behind it.

A hub that answers 500, cuts the connection or answers garbage for every batch holding some item
(a value its parser chokes on) looks, from here, like a hub that is down. The difference shows only
by sending other things: so a batch that fails is split in halves (bisection, immediately, no
backoff) until one item fails alone; then a batch without that item is sent. If that one goes
through, the hub is up and the item counts a strike; if it fails too, the hub is down and nothing
is counted (ordinary backoff). An item with `strikes_to_dead` strikes becomes a dead letter with a
reason a technician can read. Between strikes the others keep flowing.

Worst case for one poison item in a batch of n: about log2(n) split requests, then 2 per strike.
The hunt lives in memory: a restart starts it again, so the bound is per process start.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class ClaimPlan:
    """What the next claim should take: at most `max_items`, never the seqs in `skip`; or exactly
    the item `only` (a suspect tried alone again)."""

    max_items: int
    skip: frozenset[int] = frozenset()
    only: int | None = None


class PoisonHunt:
    """The state of the search. Not thread-safe: the sync worker calls it under its cycle lock."""

    def __init__(self, strikes_to_dead: int) -> None:
        self.strikes_to_dead = max(1, strikes_to_dead)
        self._span: list[int] | None = None  # seqs of the failed batch not yet proven good
        self._suspect: int | None = None  # failed alone; verdict waits for a batch without it
        self._held: set[int] = set()  # suspects kept out of batches
        self._retry_alone: int | None = None  # a suspect with a strike, to be tried alone next
        self._strikes: dict[int, int] = {}
        self._last_error: dict[int, str] = {}
        # the hub answered a batch since this hunt began: then a liveness probe may stand in for a
        # batch without the suspect (a hub that takes no batch at all is down, not poisoned)
        self.hub_took_batches = False

    @property
    def active(self) -> bool:
        return bool(self._span or self._suspect is not None or self._held or self._retry_alone is not None)

    def plan(self, max_items: int) -> ClaimPlan:
        if self._retry_alone is not None:
            return ClaimPlan(1, only=self._retry_alone)
        size = max(1, len(self._span) // 2) if self._span else max_items
        return ClaimPlan(min(size, max_items), frozenset(self._held))

    @property
    def suspect(self) -> int | None:
        return self._suspect

    def nothing_to_probe(self) -> None:
        """No other item to send past the suspect: no verdict possible, so it goes back among the
        others (the caller backs off, then sends it again with whatever arrived meanwhile)."""
        self._suspect, self._retry_alone = None, None
        self._held.clear()

    def failed(self, seqs: Iterable[int], error: str, *, suspicious: bool) -> bool:
        """A batch failed as a whole. True: send the next (smaller) batch now, without backoff.

        `suspicious`: the failure could come from the batch's content (5xx, a cut connection,
        garbage); False for failures that say nothing about it (401, a Retry-After from a busy hub).
        """
        seqs = tuple(seqs)
        if self._suspect is not None and self._suspect not in seqs:
            # the batch without the suspect failed too: the hub is down, not choking on the item
            self._held.discard(self._suspect)
            self._suspect, self._span = None, None
            self.hub_took_batches = False
            return False
        if not suspicious or not seqs:
            return False
        if len(seqs) > 1:
            self._span = list(seqs)
            return True
        (seq,) = seqs
        if self._retry_alone == seq:
            self._retry_alone = None
        self._suspect, self._span = seq, None
        self._held.add(seq)
        self._last_error[seq] = error
        return True

    def answered(self, seqs: Iterable[int]) -> list[tuple[int, str]]:
        """The hub answered a batch (or, with nothing else to send, its liveness probe: `seqs` empty):
        returns the items now proven poison, (seq, reason) each."""
        seqs = set(seqs)
        self.hub_took_batches = True
        dead: list[tuple[int, str]] = []
        if self._suspect is not None and self._suspect not in seqs:
            seq, self._suspect = self._suspect, None
            self._strikes[seq] = strikes = self._strikes.get(seq, 0) + 1
            self._held.discard(seq)
            if strikes >= self.strikes_to_dead:
                dead.append((seq, self._reason(seq, strikes)))
                self._forget(seq)
            else:
                self._retry_alone = seq
        if self._retry_alone is not None and self._retry_alone in seqs:
            self._forget(self._retry_alone)  # it went through alone: it was never poison
            self._retry_alone = None
        if self._span:
            self._span = [s for s in self._span if s not in seqs] or None
        return dead

    def _reason(self, seq: int, strikes: int) -> str:
        return (
            f"poison: the hub failed this item alone {strikes} times while other items went through"
            f" (last: {self._last_error.get(seq, 'unknown')}); check the hub's log for this reference"
        )

    def _forget(self, seq: int) -> None:
        self._strikes.pop(seq, None)
        self._last_error.pop(seq, None)
