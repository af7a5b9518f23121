"""Two hub processes on one PostgreSQL serve the same fleet: a terminal's outbox drains through a
proxy that sends each request to the other process in turn, with answers lost after the hub
committed, drops, 503s and timeouts, and every item becomes exactly one case; a request replayed to
the other process is refused there."""

from __future__ import annotations

import dataclasses
import json

import pytest
import requests

from contract import signing
from hub.stores import open_store
from hub.testing import RunningHub, start_hub
from kiosk.config import QueueConfig
from kiosk.enrolment import rotate_credentials
from kiosk.hub_client import HubClient, HubRefused
from kiosk.terminal_outbox import outbox_at
from offline_queue import SyncWorker
from tests.support.fault_proxy import Fault, FaultProxy
from tests.support.waiting import wait_for


def _two_hubs(pg_url: str, tmp_path) -> tuple[RunningHub, RunningHub]:
    shared_key = ("--key-file", str(tmp_path / "fleet-field.key"))  # every process of a fleet: one key
    first = start_hub(tmp_path / "a" / "hub", store_in_keyring=False, db_url=pg_url, extra_args=shared_key)
    second = RunningHub(db_path=tmp_path / "b" / "hub", terminal_id=first.terminal_id,
                        credentials=first.credentials, db_url=pg_url, extra_args=shared_key)  # fmt: skip
    (tmp_path / "b").mkdir()
    second.start()
    return first, second


def test_retries_landing_on_alternating_processes_make_each_item_once(file_keyring, pg_url, tmp_path):
    first, second = _two_hubs(pg_url, tmp_path)
    config = QueueConfig(batch_max_items=4, backoff_base_s=0.02, backoff_cap_s=0.2, idle_poll_s=0.1)
    outbox = outbox_at(tmp_path / "outbox.sqlite", first.terminal_id, config=config)  # key from the file keyring
    classes = {"category": "public", "location": "personal"}
    refs = [
        str(outbox.enqueue("repair.public_area", {"category": "lift", "location": f"{n}号楼"}, classes, "v1"))
        for n in range(30)
    ]
    try:
        with FaultProxy(upstream_port=first.port, also_upstream=(second.port,),
                        only_path="/v1/submissions:batch") as proxy:  # fmt: skip
            proxy.schedule(
                Fault.cut_after_commit(),  # committed by one process, retried on the other
                Fault.forward(),
                Fault.cut_after_commit(),
                Fault.drop(),
                Fault.answer(503, retry_after="1"),
                Fault.delay(1.5),  # beyond the client's timeout: committed, the client gave up
                Fault.cut_after_commit(),
            )
            client_config = dataclasses.replace(first.hub_config(), url=proxy.url, read_timeout_s=1.0)
            worker = SyncWorker(outbox, HubClient(client_config, first.credentials), config)
            worker.start()
            try:
                wait_for(lambda: proxy.pending_faults == 0, "every fault used", timeout_s=60)
                wait_for(lambda: outbox.stats().depth == 0 and outbox.stats().in_flight == 0, timeout_s=60)
            finally:
                assert worker.stop()
    finally:
        first.stop()
        second.stop()

    store = open_store(pg_url)
    cases = store.list_cases()
    store.close()
    assert sorted(c["local_ref"] for c in cases) == sorted(refs)  # each item once, none missing
    assert set(outbox.states().values()) == {"acked"} and outbox.stats().dead_letters == 0
    batches = [r for r in proxy.log if r.path == "/v1/submissions:batch" and r.upstream is not None]
    assert {r.upstream for r in batches} == {first.port, second.port}
    cut = [i for i, r in enumerate(batches) if r.fault == "cut_after_commit"]
    assert len(cut) == 3 and all(batches[i].hub_status == 200 for i in cut)
    # the retry after each lost answer went to the other process, which answered from the database
    assert all(batches[i + 1].upstream != batches[i].upstream for i in cut), [(r.fault, r.upstream, r.hub_status) for r in batches]


def test_a_request_replayed_to_the_other_process_is_refused(file_keyring, pg_url, tmp_path):
    first, second = _two_hubs(pg_url, tmp_path)
    try:
        creds = first.credentials
        body = json.dumps({"health": {"queue": {"depth": 0}}}).encode()
        path = f"/v1/terminals/{creds.terminal_id}/heartbeat"
        headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "POST", path, body)
        headers["Content-Type"] = "application/json"
        sent = requests.post(first.url + path, data=body, headers=headers, timeout=10)
        replayed = requests.post(second.url + path, data=body, headers=headers, timeout=10)
        assert sent.status_code == 200
        assert replayed.status_code == 401 and replayed.json()["error"] == "replay"
    finally:
        first.stop()
        second.stop()


def test_credentials_changed_at_one_process_count_at_once_at_the_other(file_keyring, pg_url, tmp_path):
    # the gate keeps terminal rows in memory (hub/auth.py): a rotation confirmed at the first process
    # and a revocation by the CLI must still count at the second, which holds the old row
    first, second = _two_hubs(pg_url, tmp_path)
    try:
        old = first.credentials
        at_second = HubClient(second.hub_config(), old)
        assert at_second.heartbeat({})["ok"] is True  # the second process now holds the old row
        at_first = HubClient(first.hub_config(), old)
        assert rotate_credentials(at_first) == {"rotated": True}
        new = at_first.credentials
        assert HubClient(second.hub_config(), new).heartbeat({})["ok"] is True
        with pytest.raises(HubRefused) as refused:
            at_second.heartbeat({})
        assert (refused.value.status, refused.value.error) == (403, "bad_token")
        store = open_store(pg_url)
        store.revoke_terminal(new.terminal_id)
        store.close()
        with pytest.raises(HubRefused) as refused:
            HubClient(second.hub_config(), new).heartbeat({})
        assert (refused.value.status, refused.value.error) == (403, "terminal_revoked")
    finally:
        first.stop()
        second.stop()
