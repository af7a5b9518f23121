"""A disk that fills up between the hub's answer and writing it down: nothing is lost, the states
recover by themselves once there is room, and the answer is kept, so the items are not sent again —
and when they are (the process ended meanwhile), the hub knows them as duplicates with the same cases.

A real full disk: the outbox lives on a small tmpfs (needs root to mount; without it the test says
why it cannot run), filled with a filler file right after the hub has answered.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections import Counter

import pytest

from kiosk.config import QueueConfig
from kiosk.terminal_outbox import outbox_at
from offline_queue.errors import QueueFull
from offline_queue.sync_worker import SyncWorker

CLASSES = {"category": "public", "contact_phone": "personal"}
CONFIG = QueueConfig(batch_max_items=50, backoff_base_s=0.01, backoff_cap_s=0.05)


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill up needs root")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(disk) -> None:
    """Write a filler file until the disk has no byte left."""
    with open(disk / "filler", "wb", buffering=0) as f:  # unbuffered: close has nothing left to write
        try:
            while True:
                f.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        try:
            while f.write(b"\0"):  # the last bytes of a partly used block
                pass
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


class FillsTheDiskAfterAnswering:
    """The real hub client; once armed, the disk fills up right after the hub has answered."""

    def __init__(self, client, disk) -> None:
        self.client, self.disk = client, disk
        self.armed = False
        self.sent: Counter[str] = Counter()
        self.case_ids: dict[str, str] = {}

    def submit_batch(self, items):
        results = self.client.submit_batch(items)
        self.sent.update(i.idempotency_key for i in items)
        self.case_ids.update((r.idempotency_key, r.case_id) for r in results)
        if self.armed:
            self.armed = False
            fill(self.disk)
        return results


def _enqueue(outbox, n: int) -> list[str]:
    payload = {"category": "lift", "contact_phone": "13912345678"}
    return [str(outbox.enqueue("repair.public_area", payload, CLASSES, "2026.11-demo.1")) for _ in range(n)]


def test_a_full_disk_at_settle_keeps_the_answer_and_recovers_when_room_returns(hub_server, small_disk):
    outbox = outbox_at(small_disk / "outbox.sqlite", hub_server.terminal_id, config=CONFIG)
    refs = _enqueue(outbox, 20)
    hub = FillsTheDiskAfterAnswering(hub_server.client(), small_disk)
    worker = SyncWorker(outbox, hub, CONFIG)
    hub.armed = True
    with pytest.raises(QueueFull):
        worker.run_once()  # the hub took the batch; writing that down failed
    assert outbox.stats().in_flight == 20 and outbox.stats().acked == 0  # nothing lost, nothing claimed twice
    with pytest.raises(QueueFull):
        worker.run_once()  # still full: still nothing sent again
    assert sum(hub.sent.values()) == 20

    (small_disk / "filler").unlink()  # room again
    worker.sync_now()
    assert Counter(outbox.states(refs).values()) == {"acked": 20}
    assert set(hub.sent.values()) == {1}  # the kept answer was written: no item went twice
    assert len(hub_server_cases(hub_server)) == 20
    outbox.close()


def test_a_process_that_ends_while_the_disk_is_full_resends_as_duplicates(hub_server, small_disk):
    outbox = outbox_at(small_disk / "outbox.sqlite", hub_server.terminal_id, config=CONFIG)
    refs = _enqueue(outbox, 20)
    hub = FillsTheDiskAfterAnswering(hub_server.client(), small_disk)
    hub.armed = True
    with pytest.raises(QueueFull):
        SyncWorker(outbox, hub, CONFIG).run_once()
    first_cases = dict(hub.case_ids)
    outbox.close()  # the process ends with the answer unwritten

    (small_disk / "filler").unlink()
    reopened = outbox_at(small_disk / "outbox.sqlite", hub_server.terminal_id, config=CONFIG)
    assert reopened.stats().depth == 20  # recovery: in_flight back to pending
    SyncWorker(reopened, hub, CONFIG).sync_now()
    assert Counter(reopened.states(refs).values()) == {"acked": 20}
    assert set(hub.sent.values()) == {2}  # sent again ...
    assert hub.case_ids == first_cases  # ... and recognised: the same cases
    assert len(hub_server_cases(hub_server)) == 20
    reopened.close()


def hub_server_cases(hub_server) -> list[dict]:
    from hub.store import HubStore

    return HubStore(hub_server.db_path).list_cases()
