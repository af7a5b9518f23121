"""The sync worker against the real reference hub (a subprocess on loopback): the outbox drains to
cases, each exactly once, also when the hub goes away and comes back."""

from __future__ import annotations

from collections import Counter

import pytest

from hub.store import HubStore
from kiosk.config import QueueConfig
from kiosk.terminal_outbox import outbox_at
from offline_queue.outbox import Outbox
from offline_queue.sync_worker import SyncWorker
from tests.support.waiting import wait_for

CLASSES = {"category": "public", "detail": "public", "contact_phone": "personal"}
CONFIG = QueueConfig(batch_max_items=7, backoff_base_s=0.05, backoff_cap_s=0.3, idle_poll_s=60.0)




@pytest.fixture
def outbox(hub_server, tmp_path):
    opened = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id, config=CONFIG)
    yield opened
    opened.close()


def _fill(outbox: Outbox, n: int, service: str = "repair.public_area") -> list[str]:
    return [
        str(
            outbox.enqueue(
                service,
                {"category": "lift", "detail": f"item {i}", "contact_phone": "13912345678"},
                CLASSES,
                "2026.11-demo.1",
            )
        )
        for i in range(n)
    ]


def _cases_by_ref(hub_server) -> Counter:
    return Counter(c["local_ref"] for c in HubStore(hub_server.db_path).list_cases())


def test_the_worker_drains_the_outbox_into_one_case_per_item(hub_server, outbox):
    refs = _fill(outbox, 30)
    client = hub_server.client()
    worker = SyncWorker(outbox, client, CONFIG)
    worker.start()
    try:
        worker.wake()
        wait_for(lambda: outbox.stats().acked == 30)
    finally:
        assert worker.stop(10)
        client.close()
    assert _cases_by_ref(hub_server) == Counter(refs)
    stats = outbox.stats()
    assert stats.depth == 0 and stats.last_success_at is not None and stats.last_error is None
    status = hub_server.client().case_status(refs[0])  # the resident's reference finds the case
    assert status.local_ref == refs[0]


def test_a_hub_that_goes_away_gets_everything_once_when_it_comes_back(hub_server, outbox):
    hub_server.stop()
    refs = _fill(outbox, 12)
    client = hub_server.client(connect_timeout_s=0.5)
    worker = SyncWorker(outbox, client, CONFIG)
    worker.start()
    try:
        worker.wake()
        wait_for(lambda: worker.failures >= 2)  # refused connections, backing off
        stats = outbox.stats()
        # the worker may hold a claimed batch mid-attempt: nothing is delivered and nothing is lost
        assert stats.acked == 0 and stats.depth + stats.in_flight == 12
        assert stats.last_error == "HubUnavailable"
        hub_server.start()
        wait_for(lambda: outbox.stats().acked == 12)
    finally:
        assert worker.stop(10)
        client.close()
    assert _cases_by_ref(hub_server) == Counter(refs)


def test_a_batch_resent_after_a_lost_answer_is_a_duplicate_not_a_second_case(hub_server, outbox):
    refs = _fill(outbox, 5)
    client = hub_server.client()
    claimed = outbox.claim_batch(10, 1 << 20)
    client.submit_batch([outbox.submission_item(c) for c in claimed])  # the answer is "lost"
    outbox.reset_in_flight()
    report = SyncWorker(outbox, client, CONFIG).sync_now()
    client.close()
    assert report.acked == 5
    assert _cases_by_ref(hub_server) == Counter(refs)


def test_an_item_the_hub_refuses_is_a_dead_letter_and_the_rest_go_through(hub_server, outbox):
    good = _fill(outbox, 2)
    [bad] = _fill(outbox, 1, service="no.such.service")
    client = hub_server.client()
    report = SyncWorker(outbox, client, CONFIG).sync_now()
    client.close()
    assert (report.acked, report.dead_lettered) == (2, 1)
    assert [(d.local_ref, d.reason) for d in outbox.dead_letters()] == [(bad, "unknown_service")]
    assert _cases_by_ref(hub_server) == Counter(good)
