"""Faults between the terminal and the hub, injected by a TCP/HTTP proxy on loopback
(tests/support/fault_proxy.py): each fault reaches the hub client as the right typed error, and a
submission whose answer was lost is still delivered exactly once when it is sent again.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from hub.store import HubStore
from hub.testing import start_hub
from kiosk.hub_api import HubNotFound, HubProtocolError, HubRefused, HubUnavailable, SubmissionItem
from kiosk.hub_client import HubClient
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.waiting import wait_for

ITEM = SubmissionItem(
    idempotency_key="T0001-000001-k",
    local_ref="T0001-000001",
    service_id="repair.public_area",
    catalog_version="2026.11-demo.1",
    created_at="2026-11-23T08:00:00+00:00",
    payload={"category": "lift"},
)


def _item(n: int) -> SubmissionItem:
    return dataclasses.replace(ITEM, idempotency_key=f"fault-{n}", local_ref=f"T0001-{n:06d}")


def _cases_for(db_path, key: str) -> list[dict]:
    return [c for c in HubStore(db_path).list_cases() if c["idempotency_key"] == key]




@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    running = start_hub(tmp_path_factory.mktemp("hub") / "hub.sqlite", store_in_keyring=False)
    yield running
    running.stop()


@pytest.fixture
def proxy(hub):
    with FaultProxy(upstream_port=hub.port) as running:
        yield running


@pytest.fixture
def client(hub, proxy):
    config = dataclasses.replace(hub.hub_config(), url=proxy.url, read_timeout_s=1.0)
    with_proxy = HubClient(config, hub.credentials)
    yield with_proxy
    with_proxy.close()


# --- each fault, as the hub client sees it -----------------------------------------------------------------


def _http_date_in(seconds: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


@pytest.mark.parametrize(
    ("fault", "error", "status", "retry_after"),
    [
        (Fault.drop(), HubUnavailable, None, None),
        (Fault.truncate(), HubUnavailable, None, None),
        (Fault.answer(500), HubUnavailable, 500, None),
        (Fault.answer(502, b"<html>bad gateway</html>", content_type="text/html"), HubUnavailable, 502, None),
        (Fault.answer(503, retry_after="7"), HubUnavailable, 503, 7.0),
        (Fault.answer(429, retry_after="3"), HubUnavailable, 429, 3.0),
        (Fault.answer(400), HubRefused, 400, None),
        (Fault.answer(404), HubNotFound, 404, None),
        (Fault.answer(413), HubRefused, 413, None),
        (
            Fault.answer(200, b"<html>captive portal</html>", content_type="text/html"),
            HubProtocolError,
            None,
            None,
        ),
        (Fault.answer(200, b"[1, 2, 3]"), HubProtocolError, None, None),
        (Fault.answer(200, b'{"results": []}'), HubProtocolError, None, None),
        (
            Fault.answer(200, b'{"results": [{"idempotency_key": "T0001-000001-k", "status": "accepted"}]}'),
            HubProtocolError,
            None,
            None,
        ),
        (Fault.answer(302, b""), HubProtocolError, None, None),
    ],
    ids=lambda v: v.kind + (str(v.status) if v.status else "") if isinstance(v, Fault) else None,
)
def test_each_fault_maps_to_its_typed_error(client, proxy, fault, error, status, retry_after):
    proxy.schedule(fault)
    with pytest.raises(error) as raised:
        client.submit_batch([ITEM])
    assert type(raised.value) is error
    if status is not None:
        assert raised.value.status == status
    if retry_after is not None:
        assert raised.value.retry_after_s == pytest.approx(retry_after, abs=2)
    assert [r.fault for r in proxy.log] == [fault.kind]


def test_a_connection_reset_at_once_is_unavailable(client, proxy):
    proxy.schedule_connections(Fault.reset())
    with pytest.raises(HubUnavailable):
        client.submit_batch([ITEM])
    assert [r.fault for r in proxy.log] == ["reset"]


def test_a_hub_that_never_answers_times_out_as_unavailable(client, proxy):
    proxy.schedule(Fault.blackhole())
    began = time.monotonic()
    with pytest.raises(HubUnavailable) as raised:
        client.submit_batch([ITEM])
    assert isinstance(raised.value.__cause__, requests.exceptions.Timeout)
    assert time.monotonic() - began < 10  # the client's 1 s read timeout, not forever


def test_retry_after_as_an_http_date_becomes_seconds(client, proxy):
    proxy.schedule(Fault.answer(429, retry_after=_http_date_in(30)))
    with pytest.raises(HubUnavailable) as raised:
        client.submit_batch([ITEM])
    assert raised.value.status == 429
    assert raised.value.retry_after_s == pytest.approx(30, abs=3)


def test_a_slow_network_within_the_timeout_is_no_fault(hub, proxy):
    patient = HubClient(
        dataclasses.replace(hub.hub_config(), url=proxy.url, read_timeout_s=30), hub.credentials
    )
    proxy.schedule(Fault.delay(0.3))
    [result] = patient.submit_batch([_item(1)])
    assert result.status == "accepted"


def test_a_timed_out_post_may_still_commit_and_its_retry_is_a_duplicate(hub, client, proxy):
    item = _item(2)
    proxy.schedule(Fault.delay(2.5))  # longer than the client's 1 s read timeout
    with pytest.raises(HubUnavailable):
        client.submit_batch([item])
    wait_for(lambda: len(_cases_for(hub.db_path, item.idempotency_key)) == 1)
    [again] = client.submit_batch([item])
    assert again.status == "duplicate"
    assert [c["case_id"] for c in _cases_for(hub.db_path, item.idempotency_key)] == [again.case_id]


def test_answer_cut_after_commit_then_resent_gives_one_case(hub, client, proxy):
    item = _item(3)
    proxy.schedule(Fault.cut_after_commit())
    with pytest.raises(HubUnavailable):
        client.submit_batch([item])
    assert proxy.log[-1].hub_status == 200  # the hub did answer: the case exists
    [again] = client.submit_batch([item])
    assert again.status == "duplicate"
    assert [c["case_id"] for c in _cases_for(hub.db_path, item.idempotency_key)] == [again.case_id]


def test_the_client_does_not_retry_a_post_by_itself(client, proxy):
    proxy.schedule(Fault.answer(503, retry_after="1"))
    with pytest.raises(HubUnavailable):
        client.submit_batch([_item(4)])
    assert len(proxy.log) == 1


# --- end to end: outbox + sync worker + proxy + hub ---------------------------------------------------------


def test_every_item_reaches_the_hub_exactly_once_through_mixed_faults(hub_server, tmp_path):
    from kiosk.config import QueueConfig
    from kiosk.terminal_outbox import outbox_at
    from offline_queue import SyncWorker

    config = QueueConfig(batch_max_items=7, backoff_base_s=0.02, backoff_cap_s=0.2, idle_poll_s=0.1)
    outbox = outbox_at(tmp_path / "outbox.sqlite", hub_server.terminal_id, config=config)
    classes = {"category": "public", "location": "personal", "phone": "sensitive"}

    def enqueue(n: int) -> str:
        payload = {"category": "lift", "location": f"{n}号楼", "phone": "13812345678"}
        return str(outbox.enqueue("repair.public_area", payload, classes, "2026.11-demo.1"))

    refs = [enqueue(n) for n in range(40)]
    hub_server.stop()  # the hub is down when the worker starts
    with FaultProxy(upstream_port=hub_server.port, only_path="/v1/submissions:batch") as proxy:
        client_config = dataclasses.replace(hub_server.hub_config(), url=proxy.url, read_timeout_s=1.0)
        worker = SyncWorker(outbox, HubClient(client_config, hub_server.credentials), config)
        worker.start()
        try:
            wait_for(lambda: worker.failures >= 2)
            hub_server.start()
            proxy.schedule(
                Fault.cut_after_commit(),
                Fault.drop(),
                Fault.answer(503, retry_after="1"),
                Fault.forward(),
                Fault.cut_after_commit(),
                Fault.answer(500),
                Fault.delay(1.5),  # beyond the client's read timeout: the hub commits, the client gave up
                Fault.truncate(),
                Fault.answer(429, retry_after="1"),
                Fault.answer(200, b"<html>captive portal</html>", content_type="text/html"),
                Fault.answer(200, b'{"results": []}'),
                Fault.blackhole(),
                Fault.cut_after_commit(),
            )
            proxy.schedule_connections(Fault.reset(), Fault.reset())
            refs += [enqueue(n) for n in range(40, 60)]  # enqueue keeps working while sending
            worker.wake()
            wait_for(lambda: proxy.pending_faults == 0 and outbox.stats().depth == 0, timeout_s=60)
            wait_for(lambda: outbox.stats().in_flight == 0 and outbox.stats().depth == 0, timeout_s=30)

            hub_server.kill()  # the hub dies (SIGKILL) while the terminal keeps taking submissions
            failures_before = worker.failures
            refs += [enqueue(n) for n in range(60, 75)]
            worker.wake()
            wait_for(lambda: worker.failures > failures_before)
            hub_server.start()
            wait_for(lambda: outbox.stats().in_flight == 0 and outbox.stats().depth == 0, timeout_s=30)
        finally:
            assert worker.stop()

    cases = HubStore(hub_server.db_path).list_cases()
    assert sorted(c["local_ref"] for c in cases) == sorted(refs)  # each item once, none missing
    assert len({c["idempotency_key"] for c in cases}) == len(refs)
    assert set(outbox.states().values()) == {"acked"}
    assert outbox.stats().dead_letters == 0
    committed_then_cut = [r for r in proxy.log if r.fault == "cut_after_commit"]
    assert len(committed_then_cut) == 3 and all(r.hub_status == 200 for r in committed_then_cut)
    assert {r.fault for r in proxy.log} >= {
        "reset",
        "drop",
        "answer",
        "delay",
        "truncate",
        "blackhole",
        "cut_after_commit",
    }
