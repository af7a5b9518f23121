"""How long the sync worker waits after a failed batch: full-jitter exponential backoff.

``random(0, min(cap, base * 2**attempt))`` spreads a fleet of terminals over the whole window, so a
hub that comes back is not hit by all of them at once. A Retry-After from the hub is a floor.
"""

from __future__ import annotations

import random

# a Retry-After longer than this is taken as a mistake (or an attack on the fleet): wait this long
MAX_RETRY_AFTER_S = 3600.0


def full_jitter(attempt: int, base_s: float, cap_s: float, rng: random.Random) -> float:
    """A delay in [0, min(cap, base * 2**attempt)]; `attempt` counts from 0."""
    ceiling = min(cap_s, base_s * (2 ** min(attempt, 62)))
    return rng.uniform(0.0, ceiling)


def retry_delay(
    attempt: int, base_s: float, cap_s: float, retry_after_s: float | None, rng: random.Random
) -> float:
    """The wait before the next try: the jittered backoff, but never less than the hub's Retry-After."""
    delay = full_jitter(attempt, base_s, cap_s, rng)
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, MAX_RETRY_AFTER_S))
    return delay
