"""The hub client against the real reference hub (a subprocess on loopback): every call of the Hub
protocol, typed answers, typed failures, and the hub_server fixture's promises (keyring, restart)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from hub.testing import popen_launcher
from kiosk.hub_api import HubNotFound, HubRefused, HubUnavailable, SubmissionItem
from kiosk.hub_client import HubClient, parse_retry_after
from kiosk.secrets import load_hub_credentials
from tests.support.tls import self_signed_certificate

ITEM = SubmissionItem(
    idempotency_key="T0001-000001-k",
    local_ref="T0001-000001",
    service_id="repair.public_area",
    catalog_version="2026.11-demo.1",
    created_at="2026-11-23T08:00:00+00:00",
    payload={"category": "lift", "location": "3号楼", "card_hash": "ab" * 32},
)


def _items(n: int, prefix: str = "k") -> list[SubmissionItem]:
    return [
        dataclasses.replace(ITEM, idempotency_key=f"{prefix}{i}", local_ref=f"T0001-{i:06d}")
        for i in range(n)
    ]


def _advance(hub_server, ref: str, status: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "hub", "advance", ref, status, "--db", str(hub_server.db_path)],
        check=True,
        capture_output=True,
    )


def test_fixture_enrols_in_keyring_and_restarts_on_the_same_database(hub_server):
    assert load_hub_credentials("T0001") == hub_server.credentials
    client = HubClient(hub_server.hub_config(), load_hub_credentials("T0001"))
    [first] = client.submit_batch([ITEM])
    assert first.status == "accepted"

    hub_server.stop()
    with pytest.raises(HubUnavailable):
        client.case_status(first.case_id)
    hub_server.start()

    assert client.case_status(first.case_id).local_ref == ITEM.local_ref
    [again] = client.submit_batch([ITEM])
    assert (again.status, again.case_id) == ("duplicate", first.case_id)


def test_hub_start_costs_little_more_than_importing_its_framework(hub_server):
    # measured side by side with a bare interpreter importing FastAPI and uvicorn (the floor), so
    # the comparison holds on a loaded machine; on an idle 2-core machine the start takes ~0.5 s
    began = time.monotonic()
    subprocess.run([sys.executable, "-c", "import fastapi, uvicorn, sqlite_utils"], check=True)
    floor_s = time.monotonic() - began
    hub_server.stop()
    hub_server.launcher = popen_launcher  # a new interpreter, every import paid (not the zygote's fork)
    hub_server.start()
    assert hub_server.startup_s < 3 * floor_s + 0.5


def test_batch_results_come_back_in_item_order_with_case_ids(hub_server):
    client = hub_server.client()
    items = _items(30)
    results = client.submit_batch(items)
    assert [r.idempotency_key for r in results] == [i.idempotency_key for i in items]
    assert all(r.status == "accepted" and r.case_id for r in results)
    assert len({r.case_id for r in results}) == 30
    assert client.submit_batch([]) == []


def test_catalogue_is_fetched_once_then_not_modified(hub_server):
    client = hub_server.client()
    first = client.fetch_catalog()
    assert first.document["version"] and first.etag
    again = client.fetch_catalog(first.etag)
    assert again.document is None and again.etag == first.etag


def test_case_status_by_case_id_or_local_reference_and_unknown_is_not_found(hub_server):
    client = hub_server.client()
    [result] = client.submit_batch([ITEM])
    by_id = client.case_status(result.case_id)
    by_ref = client.case_status(ITEM.local_ref)
    assert by_id == by_ref
    assert by_id.status == "received" and by_id.timeline[0].note["en"]
    with pytest.raises(HubNotFound):
        client.case_status("T0001-999999")
    with pytest.raises(HubNotFound):
        client.case_status("")


def test_cases_for_a_card_are_found_by_its_hash(hub_server):
    client = hub_server.client()
    client.submit_batch([ITEM])
    cases = client.cases_for_card("ab" * 32)
    assert [c.local_ref for c in cases] == [ITEM.local_ref]
    assert client.cases_for_card("cd" * 32) == []


def test_a_case_is_rated_once_and_only_when_finished(hub_server):
    client = hub_server.client()
    [result] = client.submit_batch([ITEM])
    with pytest.raises(HubRefused) as refused:
        client.rate_case(result.case_id, 5)
    assert (refused.value.status, refused.value.error) == (409, "not_finished")

    _advance(hub_server, result.case_id, "resolved")
    assert client.case_status(ITEM.local_ref).can_rate
    client.rate_case(ITEM.local_ref, 4, "快")
    case = client.case_status(result.case_id)
    assert (case.rating, case.can_rate) == (4, False)
    assert [e.status for e in case.timeline] == ["received", "resolved"]
    with pytest.raises(HubRefused) as again:
        client.rate_case(result.case_id, 5)
    assert again.value.error == "already_rated"


def test_tickets_are_numbered_per_service_prefix_with_the_queue_ahead(hub_server):
    client = hub_server.client()
    first, second = client.take_ticket("ticket.window"), client.take_ticket("ticket.window")
    assert (first.number, second.number) == ("A001", "A002")
    assert (first.waiting_ahead, second.waiting_ahead) == (0, 1)
    other = client.take_ticket("repair.public_area")
    assert other.number[0] != "A" and other.number.endswith("001")
    with pytest.raises(HubNotFound):
        client.take_ticket("no.such.service")


def test_records_are_masked_and_numbered_apart(hub_server):
    client = hub_server.client()
    subject = {"id_number": "110101199003071234", "name": "张三伟", "purpose": "school"}
    record = client.issue_record("certificate.residence", subject)
    again = client.issue_record("certificate.residence", subject)
    values = [value for _, value in record.rows]
    assert values == [value for _, value in again.rows]
    assert "1101**********1234" in values and "张*伟" in values
    assert not any("110101199003071234" in v or "张三伟" in v for v in values)
    assert record.verify_url.endswith(record.record_id)
    assert again.record_id != record.record_id  # the same figures, another document (walk 6, M6)
    with pytest.raises(HubRefused) as incomplete:
        client.issue_record("certificate.residence", {"name": "张三伟"})
    assert incomplete.value.status == 422


def test_every_certificate_has_its_own_number_after_a_restart_and_a_power_cut_too(hub_server):
    """Walk 6, finding M6: four certificates of one resident on one day (other purposes, other
    times) all carried R20261202F7E9D4, a digest of the resident and the service; whoever scanned
    one could not tell which it was, and the hub's register kept only the last. Each has its own
    number now, in the register before the slip shows it, also across a restart and a SIGKILL."""
    from hub.store import HubStore

    subject = {"id_number": "110101199003071234", "name": "张三伟"}
    client = hub_server.client()
    issued = [client.issue_record("certificate.residence", {**subject, "purpose": p}) for p in ("school", "other")]
    hub_server.stop()
    hub_server.start(60)
    issued.append(hub_server.client().issue_record("certificate.residence", {**subject, "purpose": "school"}))
    hub_server.kill()  # a power cut at the hub
    hub_server.start(60)
    issued.append(hub_server.client().issue_record("record.social_insurance", subject))
    numbers = [r.record_id for r in issued]
    assert len(set(numbers)) == 4, numbers
    by_day: dict[str, list[str]] = {}  # a run across midnight (UTC) counts the new day from 0001
    for r in issued:
        by_day.setdefault(r.issued_at[:10].replace("-", ""), []).append(r.record_id)
    for day, ids in by_day.items():
        assert ids == [f"R{day}-T0001-{n:04d}" for n in range(1, len(ids) + 1)]
    assert all(r.verify_url.endswith("/" + r.record_id) for r in issued)  # the QR names the document
    store = HubStore(hub_server.db_path)
    try:  # the register names each one: what was issued, where, when
        with store.reading() as db:
            register = db.execute("SELECT record_id, service_id, terminal_id, issued_at FROM records").fetchall()
    finally:
        store.close()
    assert sorted(register) == sorted((r.record_id, r.service_id, "T0001", r.issued_at) for r in issued)


def test_heartbeat_is_stored_for_the_terminal(hub_server):
    from hub.store import HubStore

    hub_server.client().heartbeat({"queue_depth": 3, "oldest_pending_s": 12.5})
    beat = HubStore(hub_server.db_path).last_heartbeat("T0001")
    assert beat["health"] == {"queue_depth": 3, "oldest_pending_s": 12.5}


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert (
        parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now.timestamp()) == 30.0
    )
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now.timestamp()) == 0.0
    )
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_tls_is_verified_and_a_configured_ca_bundle_is_trusted(tmp_path):
    import requests

    from hub.testing import start_hub

    hub = start_hub(tmp_path / "hub.sqlite", store_in_keyring=False, tls=self_signed_certificate(tmp_path))
    try:
        trusting = hub.client()
        assert trusting.fetch_catalog().document is not None
        untrusting = HubClient(hub.hub_config(ca_bundle=""), hub.credentials)
        with pytest.raises(HubUnavailable) as refused:
            untrusting.fetch_catalog()
        assert isinstance(refused.value.__cause__, requests.exceptions.SSLError)
    finally:
        hub.stop()
