"""One item the hub cannot take must not hold back the others: a batch that keeps failing is split
until the item fails alone, the others flow, and the item becomes a dead letter with a readable reason.

Real parts: the reference hub (subprocess), the hub client, and a proxy on loopback that gives every
request holding the poison item's marker the same fault — a 500, a cut connection, garbage — as a
hub choking on one value would."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter

import pytest

from hub.store import HubStore
from kiosk.config import QueueConfig
from kiosk.hub_client import HubClient
from kiosk.terminal_outbox import outbox_at
from offline_queue.sync_worker import SyncWorker
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.waiting import wait_for

CLASSES = {"category": "public", "detail": "public", "contact_phone": "personal"}
MARKER = "poison-7f3a9c"
GOOD = 1000
CONFIG = QueueConfig(batch_max_items=200, backoff_base_s=0.05, backoff_cap_s=0.5, idle_poll_s=0.2)

FAULTS = {
    "status_500": Fault.answer(500, b'{"error": "internal"}'),
    "connection_cut": Fault.drop(),
    "garbage": Fault.answer(200, b"<html>not json</html>", content_type="text/html"),
}


def _enqueue(outbox, detail: str) -> str:
    payload = {"category": "lift", "detail": detail, "contact_phone": "13912345678"}
    return str(outbox.enqueue("repair.public_area", payload, CLASSES, "2026.11-demo.1"))


@pytest.mark.slow
@pytest.mark.parametrize("position", [0, 437, GOOD], ids=["first", "middle", "last"])
@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_a_poison_item_among_a_thousand_is_isolated_and_the_rest_delivered(
    hub_server, tmp_path, fault, position
):
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id, config=CONFIG)
    refs = [_enqueue(outbox, f"item {i}") for i in range(position)]
    poison = _enqueue(outbox, MARKER)
    refs += [_enqueue(outbox, f"item {i}") for i in range(position, GOOD)]
    with FaultProxy(upstream_port=hub_server.port, only_path="/v1/submissions:batch") as proxy:
        proxy.poison(MARKER.encode(), fault)
        client = HubClient(
            dataclasses.replace(hub_server.hub_config(), url=proxy.url, read_timeout_s=2.0),
            hub_server.credentials,
        )
        worker = SyncWorker(outbox, client, CONFIG)
        started = time.monotonic()
        worker.start()
        try:
            wait_for(lambda: outbox.stats().dead_letters == 1, timeout_s=60)
            isolated_s = time.monotonic() - started
            wait_for(lambda: outbox.stats().acked == GOOD, timeout_s=60)
            delivered_s = time.monotonic() - started
        finally:
            assert worker.stop()
        batches = len(proxy.log)
    print(f"\npoison isolated in {isolated_s:.2f} s, all {GOOD} good delivered in {delivered_s:.2f} s,"
          f" {batches} batch requests ({proxy.poisoned} held the poison item)")

    states = outbox.states()
    assert states[poison] == "dead_letter"
    assert Counter(states[r] for r in refs) == {"acked": GOOD}
    (letter,) = outbox.dead_letters()
    assert letter.local_ref == poison
    assert letter.reason.startswith("poison:") and "3 times" in letter.reason
    cases = Counter(c["idempotency_key"] for c in HubStore(hub_server.db_path).list_cases())
    assert len(cases) == GOOD and set(cases.values()) == {1}  # each good one exactly once
    # "a few cycles": the thousand need 5 full batches; the search adds ~log2(200) splits and two
    # requests per strike, plus the batches regrowing from one item
    assert batches <= 5 + 8 + 2 * CONFIG.poison_attempts + 20
    outbox.close()


@pytest.mark.slow
def test_a_hub_that_is_down_makes_no_dead_letters(hub_server, tmp_path):
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id, config=CONFIG)
    refs = [_enqueue(outbox, f"item {i}") for i in range(50)]
    hub_server.stop()
    worker = SyncWorker(outbox, hub_server.client(read_timeout_s=1.0), CONFIG)
    worker.start()
    try:
        wait_for(lambda: worker.failures >= 6, timeout_s=60)  # many rounds of splitting and probing
        assert outbox.stats().dead_letters == 0
        hub_server.start()
        wait_for(lambda: outbox.stats().acked == len(refs), timeout_s=60)
    finally:
        assert worker.stop()
    assert outbox.stats().dead_letters == 0
    outbox.close()


@pytest.mark.slow
def test_a_lone_poison_item_backs_off_and_is_judged_once_other_items_arrive(hub_server, tmp_path):
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id, config=CONFIG)
    poison = _enqueue(outbox, MARKER)
    with FaultProxy(upstream_port=hub_server.port, only_path="/v1/submissions:batch") as proxy:
        proxy.poison(MARKER.encode(), Fault.answer(500))
        client = HubClient(dataclasses.replace(hub_server.hub_config(), url=proxy.url), hub_server.credentials)
        worker = SyncWorker(outbox, client, CONFIG)
        worker.start()
        try:
            wait_for(lambda: worker.failures >= 3)  # alone, it cannot be told from a down hub
            assert outbox.stats().dead_letters == 0
            later = [_enqueue(outbox, f"item {i}") for i in range(5)]
            wait_for(lambda: outbox.stats().dead_letters == 1, timeout_s=60)
            wait_for(lambda: outbox.stats().acked == len(later), timeout_s=30)
        finally:
            assert worker.stop()
    assert outbox.states()[poison] == "dead_letter"
    outbox.close()
