"""The size cap recovers: acked items (the hub has them) make room for new submissions before their
retention ends, the newest row stays so no reference is reused, and pending items are never touched."""

from __future__ import annotations

import pytest

from kiosk.config import QueueConfig
from kiosk.terminal_outbox import outbox_at
from offline_queue.errors import QueueFull
from offline_queue.outbox import Settlement

REPAIR, VERSION = "repair.public_area", "2026.11-demo.1"
CLASSES = {"category": "public", "contact_name": "personal"}
MIB = 1024 * 1024


def _payload(n: int) -> dict:
    return {"category": f"lift-{n}-" + "x" * 300, "contact_name": "王秀英"}


def _fill_until_full(outbox, start: int = 0) -> list[str]:
    refs = []
    with pytest.raises(QueueFull):
        for n in range(start, start + 100_000):
            refs.append(str(outbox.enqueue(REPAIR, _payload(n), CLASSES, VERSION)))
    return refs


def _ack_all(outbox) -> None:
    while batch := outbox.claim_batch(500, 8 * MIB):
        outbox.settle(Settlement(acked=tuple((c.seq, f"C{c.seq}") for c in batch), hub_answered=True))


@pytest.mark.slow
@pytest.mark.parametrize("cap", [MIB], ids=["1MiB"])
def test_acked_items_make_room_when_the_cap_is_reached(file_keyring, tmp_path, cap):
    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001", config=QueueConfig(max_db_bytes=cap))
    first = _fill_until_full(outbox)
    assert len(first) > 1000  # thousands of items fit under the cap
    _ack_all(outbox)
    # a drained queue takes residents again: as many as the first time, less the newest row kept
    second = [str(outbox.enqueue(REPAIR, _payload(n), CLASSES, VERSION)) for n in range(len(first) - 50)]
    assert not set(second) & set(first)  # no reference is reused
    assert outbox.stats().depth == len(second)
    assert outbox.states()[first[-1]] == "acked"  # the newest row of the old ones stayed until needed
    outbox.close()


@pytest.mark.slow
def test_pending_items_are_never_purged_to_make_room(file_keyring, tmp_path):
    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001", config=QueueConfig(max_db_bytes=MIB))
    first = _fill_until_full(outbox)
    half = len(first) // 2
    batch = outbox.claim_batch(half, 8 * MIB)
    outbox.settle(Settlement(acked=tuple((c.seq, f"C{c.seq}") for c in batch), hub_answered=True))
    more = _fill_until_full(outbox, start=len(first))  # room for about the acked half, then full again
    assert half * 0.8 < len(more) <= half
    states = outbox.states()
    assert all(states[r] == "pending" for r in first[half:] + more)
    outbox.close()


def test_pressure_counts_the_pages_purged_acked_items_leave_as_room(file_keyring, tmp_path):
    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001", config=QueueConfig(max_db_bytes=MIB // 4))
    refs = []
    while not outbox.under_pressure():
        refs.append(str(outbox.enqueue(REPAIR, _payload(len(refs)), CLASSES, VERSION)))
    _ack_all(outbox)
    assert outbox.under_pressure()  # acked rows still fill the file
    assert outbox.purge_acked(older_than_s=0) == len(refs) - 1
    assert not outbox.under_pressure()  # freed pages count as room
    outbox.close()
