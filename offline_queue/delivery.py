"""What the sync worker needs of the hub: one call, its answers and the ways it can fail.

The queue takes its sender as an argument (any object with `submit_batch`); the kiosk's hub client
is one. A sender raises these failure kinds (kiosk.hub_api's errors derive from them), so the sync
worker decides retry, split or dead letter without importing the kiosk:

- DeliveryUnavailable: transport failure, timeout, 5xx, 429, 503; `retry_after_s` when the hub said
- DeliveryRefused: the hub refused the whole request (`status`: 401, 403, 413 ...; `error`: its code)
- DeliveryGarbled: the answer does not follow the contract (garbage, a wrong shape)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from contract.wire import SubmissionItem


class DeliveryFailed(Exception):
    """Base of the ways a batch can fail as a whole. No __init__ of its own: subclasses (the hub
    client's errors) keep theirs; the worker reads `status`, `error`, `retry_after_s` if present."""


class DeliveryUnavailable(DeliveryFailed):
    """The hub could not be reached or answered 5xx/429/503: try again later."""


class DeliveryRefused(DeliveryFailed):
    """The hub refused the request as a whole (401, 403, 413 ...)."""


class DeliveryGarbled(DeliveryFailed):
    """The hub answered something that does not follow the contract."""


class ItemAnswer(Protocol):
    """The hub's answer for one item (kiosk.hub_api.SubmissionResult is one)."""

    @property
    def idempotency_key(self) -> str: ...
    @property
    def status(self) -> str: ...  # accepted, duplicate, rejected
    @property
    def case_id(self) -> str | None: ...
    @property
    def reason(self) -> str | None: ...


class BatchSender(Protocol):
    def submit_batch(self, items: list[SubmissionItem]) -> Sequence[ItemAnswer]:
        """One answer per item. Raises a DeliveryFailed kind when the batch as a whole failed."""
        ...


# A sender may also offer `hub_is_up() -> bool` (a liveness probe). Without it, an item that fails
# alone with nothing else left to send waits, backing off, until other items arrive to tell a down
# hub from one that chokes on that item (offline_queue/poison.py).
