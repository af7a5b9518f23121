"""The hub store's contract, run against both stores: the embedded SQLite one and PostgreSQL (a real
server started by the pg_server fixture). Then the hub over HTTP on PostgreSQL, through the kiosk's
HubClient, and the staff console on it."""

from __future__ import annotations

import json
import threading

import pytest

from hub.catalog import DEFAULT_CATALOG, CatalogFile
from hub.catalogue_rollout import CatalogueRollout
from hub.staff import StaffAccounts, audit_log, record_action
from hub.store import HubStore, StoreError
from hub.stores import open_store
from hub.testing import start_hub
from kiosk.hub_api import SubmissionItem
from tests.support.console_client import StaffAgent


@pytest.fixture
def store(hub_store):
    return hub_store  # both stores (tests/fixtures/postgres.py)


def _item(key: str, **changes) -> dict:
    item = {"idempotency_key": key, "local_ref": f"T0001-{key}", "service_id": "repair.public_area",
            "catalog_version": "v1", "created_at": "2026-12-01T08:00:00+00:00",
            "payload": {"location": "3号楼", "card_hash": "c" * 32}}  # fmt: skip
    item.update(changes)
    return item


def test_the_same_key_never_makes_two_cases_and_another_body_is_refused(store):
    [first] = store.submit("T0001", [(_item("k1"), None)])
    assert first.status == "accepted" and first.case_id.startswith("C")
    again, reused, other_terminal = (
        store.submit("T0001", [(_item("k1"), None)])[0],
        store.submit("T0001", [(_item("k1", local_ref="changed"), None)])[0],
        store.submit("T0002", [(_item("k1"), None)])[0],
    )
    assert (again.status, again.case_id) == ("duplicate", first.case_id)
    assert (reused.status, reused.reason) == ("rejected", "idempotency_key_reused")
    assert other_terminal.status == "accepted" and other_terminal.case_id != first.case_id
    rejected = store.submit("T0001", [(_item("k2"), "unknown_service")])[0]
    assert (rejected.status, rejected.reason) == ("rejected", "unknown_service")
    assert [c["idempotency_key"] for c in store.list_cases()] == ["k1", "k1"]


def test_concurrent_submissions_of_one_key_make_one_case(store):
    answers = []

    def send():
        answers.extend(store.submit("T0001", [(_item("race"), None)]))

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a.status for a in answers) == ["accepted"] + ["duplicate"] * 7
    assert len({a.case_id for a in answers}) == 1 and len(store.list_cases()) == 1


def test_one_batch_answers_each_item_as_item_by_item_would(store):
    """The batch goes to the database together; every item's answer is still its own, in order,
    the same key twice in one batch included."""
    [earlier] = store.submit("T0001", [(_item("known"), None)])
    answers = store.submit(
        "T0001",
        [
            (_item("a"), None),
            (_item("a"), None),  # the same item again: the case the first one makes
            (_item("a", local_ref="other"), None),  # the same key, another body
            (_item("known"), None),
            (_item("known", local_ref="other"), "unknown_service"),  # a known key answers as stored
            (_item("b"), "unknown_service"),
            (_item("b"), None),  # the rejected one stored nothing: this one is new
            (_item("b"), "unknown_service"),  # now the key is stored: as stored, same body
            (_item("c", local_ref="T0001-\ud800"), "invalid_text"),  # not encodable at all
        ],
    )
    got = [(a.idempotency_key, a.status, a.case_id, a.reason) for a in answers]
    a_case, b_case = answers[0].case_id, answers[6].case_id
    assert got == [
        ("a", "accepted", a_case, None),
        ("a", "duplicate", a_case, None),
        ("a", "rejected", None, "idempotency_key_reused"),
        ("known", "duplicate", earlier.case_id, None),
        ("known", "rejected", None, "idempotency_key_reused"),
        ("b", "rejected", None, "unknown_service"),
        ("b", "accepted", b_case, None),
        ("b", "duplicate", b_case, None),
        ("c", "rejected", None, "invalid_text"),
    ]
    assert a_case.startswith("C") and b_case.startswith("C") and a_case != b_case
    cases = {c["idempotency_key"]: c for c in store.list_cases()}
    assert sorted(cases) == ["a", "b", "known"]
    assert store.case(a_case)["timeline"][0]["status"] == "received"
    assert store.case(b_case)["local_ref"] == "T0001-b"


def test_a_value_the_database_refuses_rejects_that_item_alone(store):
    # a NUL: PostgreSQL's text cannot hold it (the batch is then stored item by item), SQLite's can
    answers = store.submit(
        "T0001", [(_item("n1"), None), (_item("n2", local_ref="T0001-\x00"), None), (_item("n3"), None)]
    )
    refused = not isinstance(store, HubStore)
    assert [a.status for a in answers] == ["accepted", "rejected" if refused else "accepted", "accepted"]
    if refused:
        assert answers[1].reason == "unstorable"
    stored = sorted(c["idempotency_key"] for c in store.list_cases())
    assert stored == (["n1", "n3"] if refused else ["n1", "n2", "n3"])
    assert store.submit("T0001", [(_item("n1"), None)])[0].case_id == answers[0].case_id


def test_concurrent_batches_of_the_same_keys_make_one_case_each(store):
    keys = [f"k{n}" for n in range(20)]
    answers: list = []

    def send(order):
        answers.extend(store.submit("T0001", [(_item(k), None) for k in order]))

    # a terminal's retries (through two hub processes) and its next batch overlapping the last: the
    # outbox sends in its own order, so every batch has the keys in the same order
    windows = (keys, keys, keys[:15], keys[5:])
    threads = [threading.Thread(target=send, args=(window,)) for window in windows]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    by_key: dict = {}
    for a in answers:
        assert a.status in ("accepted", "duplicate")
        by_key.setdefault(a.idempotency_key, set()).add(a.case_id)
    assert all(len(ids) == 1 for ids in by_key.values()) and sorted(by_key) == sorted(keys)
    assert sum(a.status == "accepted" for a in answers) == len(keys) == len(store.list_cases())


def test_nonces_refuse_a_replay(store):
    assert store.remember_nonce("T0001", "n1", 300) is True
    assert store.remember_nonce("T0001", "n1", 300) is False
    assert store.remember_nonce("T0002", "n1", 300) is True


def test_terminals_salt_and_heartbeats(store):
    store.register_terminal("T0001", "token", b"k" * 32)
    terminal = store.terminal("T0001")
    assert terminal.token_matches("token") and terminal.hmac_key == b"k" * 32 and not terminal.revoked
    assert store.fleet_card_salt() == store.fleet_card_salt() and len(store.fleet_card_salt()) == 32
    store.revoke_terminal("T0001")
    assert store.terminal("T0001").revoked and store.terminal("T0404") is None
    store.record_heartbeat("T0001", {"queue": {"depth": 1}})
    store.record_heartbeat("T0001", {"queue": {"depth": 2}})
    [row] = store.terminals_overview()
    assert row["health"] == {"queue": {"depth": 2}} and store.last_heartbeat("T0001")["health"]["queue"]["depth"] == 2


def test_case_timeline_notes_rating_and_lookups(store):
    [answer] = store.submit("T0001", [(_item("k1"), None)])
    case = store.advance_case(answer.case_id, "in_progress", notes={"zh": "已派人", "en": "On the way"})
    assert case["timeline"][-1]["note"] == {"zh": "已派人", "en": "On the way"}
    assert store.case("T0001-k1")["case_id"] == answer.case_id  # by local reference
    with pytest.raises(StoreError) as early:
        store.rate_case(answer.case_id, 5, "")
    assert early.value.status == 409
    store.advance_case(answer.case_id, "resolved", "修好了")
    assert store.rate_case(answer.case_id, 4, "ok")["rating"] == 4
    with pytest.raises(StoreError):
        store.rate_case(answer.case_id, 5, "")
    assert [c["case_id"] for c in store.cases_for_card("c" * 32)] == [answer.case_id]
    assert store.case_record(answer.case_id)["payload"]["location"] == "3号楼"
    with pytest.raises(StoreError):
        store.advance_case("C404", "resolved")
    with pytest.raises(StoreError):
        store.advance_case(answer.case_id, "teleported")


def test_tickets_count_per_day_and_prefix_and_demo_cases(store):
    assert store.issue_ticket("A", "ticket.window", "2026-12-01") == (1, 0)
    assert store.issue_ticket("A", "ticket.window", "2026-12-01") == (2, 1)
    assert store.issue_ticket("B", "ticket.window", "2026-12-01") == (1, 0)
    assert store.issue_ticket("A", "ticket.window", "2026-12-02") == (1, 0)
    store.seed_case("C9000001", "T0001-90-000001-00", "repair.public_area", ["received", "assigned"])
    store.seed_case("C9000001", "T0001-90-000001-99", "repair.public_area", ["received", "assigned"])
    assert store.case("C9000001")["local_ref"] == "T0001-90-000001-99"
    assert len(store.case("C9000001")["timeline"]) == 2
    # document numbers: per terminal and day, never handed out twice (walk 6, finding M6)
    at = "2026-12-01T08:00:00+00:00"
    first = store.issue_record_number("T0001", "certificate.residence", at)
    assert first == "R20261201-T0001-0001"
    assert store.issue_record_number("T0001", "certificate.residence", at) == "R20261201-T0001-0002"
    assert store.issue_record_number("T0002", "certificate.residence", at) == "R20261201-T0002-0001"
    assert store.issue_record_number("T0001", "record.social_insurance", "2026-12-02T00:10:00+00:00") == (
        "R20261202-T0001-0001"
    )


def test_staff_accounts_audit_and_catalogue_rollout_on_the_store(store):
    accounts = StaffAccounts(store)
    accounts.add("wang", "case_officer", "a long passphrase")
    assert accounts.check_password("wang", "a long passphrase").role == "case_officer"
    record_action(store, "wang", "case.start", "C1", {"status": "in_progress"})
    assert audit_log(store)[0]["action"] == "case.start"
    rollout = CatalogueRollout(store, CatalogFile(DEFAULT_CATALOG))
    document = json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8"))
    document["version"] = "2026.12-1"
    rollout.upload(document, "li")
    rollout.stage("2026.12-1", "street-east", "li")
    assert rollout.version_for("T0001") == "2026.12-1" and rollout.version_for("T0003") is None
    rollout.promote("li")
    assert rollout.version_for("T0003") == "2026.12-1"
    assert rollout.rollback("li") is None and rollout.state().stable is None


def test_the_hub_on_postgresql_over_http_through_the_kiosk_client(file_keyring, pg_url, tmp_path):
    hub = start_hub(tmp_path / "hub" / "pg-hub", terminal_id="T0001", db_url=pg_url)
    try:
        client = hub.client()
        item = SubmissionItem("k1", "T0001-1", "repair.public_area", "2026.11-demo.1",
                              "2026-12-01T08:00:00+00:00", {"location": "1"})  # fmt: skip
        [first] = client.submit_batch([item])
        [again] = client.submit_batch([item])
        assert first.status == "accepted" and (again.status, again.case_id) == ("duplicate", first.case_id)
        assert client.case_status(first.case_id).status == "received"
        fetched = client.fetch_catalog()
        assert client.fetch_catalog(fetched.etag).document is None
        client.heartbeat({"versions": {"catalogue": fetched.document["version"]}})
        assert client.take_ticket("ticket.window").number.endswith("001")

        staff_store = open_store(pg_url)
        StaffAccounts(staff_store).add("wang", "case_officer", "a long passphrase")
        staff_store.close()
        agent = StaffAgent(hub.url)
        assert agent.sign_in("wang", "a long passphrase").url.endswith("/console/cases")
        page = f"/console/cases/{first.case_id}"
        agent.post(f"{page}/move", {"move": "start", "note_zh": "已派人"}, from_page=page)
        assert client.case_status(first.case_id).timeline[-1].note["zh"] == "已派人"
        assert agent.get("/console/figures").status_code == 200
    finally:
        hub.stop()
