"""Issuing a record or certificate survives a lost answer (issue 12): the terminal sends a request id
of its own with POST /v1/records, and sends it again when it asks again; the hub gives the same
terminal and id the document it issued, one number, never a second one. Without an id (terminals
before it) every request is a new document, as before. On both stores, over HTTP on the real hub,
across the schema step v7 -> v8, and on the terminal through a proxy that loses the hub's answer
after the hub committed."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading

import pytest

from hub.records import issue_record
from hub.store import StoreError
from hub.stores import open_store
from kiosk.hub_api import HubRefused
from kiosk.hub_client import HubClient
from kiosk.session_view import Step
from tests.fixtures.session_kit import RESIDENT, make_kit
from tests.support.fault_proxy import Fault, FaultProxy

SERVICE = {"id": "certificate.residence", "kind": "record", "title": {"zh": "居住证明", "en": "Residence certificate"}}
OTHER = {**SERVICE, "id": "record.social_insurance"}
SUBJECT = {"id_number": "110101199003071234", "name": "张三伟", "purpose": "school"}


@pytest.fixture
def store(hub_store):
    return hub_store  # both stores (tests/fixtures/postgres.py)


def _issue(store, request_id, *, terminal="T0001", service=SERVICE):
    return store.issue_record(terminal, service["id"], request_id, lambda number: issue_record(service, SUBJECT, number))


def _register(store) -> list[tuple]:
    with store.reading() as db:
        return sorted(db.execute("SELECT record_id, terminal_id, request_id FROM records").fetchall())


def test_the_same_request_id_gives_the_same_document_and_another_id_a_new_one(store):
    first = _issue(store, "a" * 32)
    again = _issue(store, "a" * 32)
    assert again == first  # the document as answered: number, time, rows
    other = _issue(store, "b" * 32)
    assert other["record_id"] != first["record_id"]
    elsewhere = _issue(store, "a" * 32, terminal="T0002")  # an id is the terminal's own
    assert elsewhere["record_id"].split("-")[1] == "T0002"
    with pytest.raises(StoreError) as reused:
        _issue(store, "a" * 32, service=OTHER)
    assert (reused.value.error, reused.value.status) == ("request_id_reused", 409)
    assert len(_register(store)) == 3


def test_the_hub_keeps_no_resident_value_and_refuses_the_id_for_another_resident(store):
    """The review (finding 3): the kept document held a resident's contribution base and totals in
    the clear; now a digest. Finding 2: the same id about another resident was answered with the
    first one's document; now refused."""
    first = store.issue_record("T0001", OTHER["id"], "c" * 32, lambda number: issue_record(OTHER, SUBJECT, number))
    values = [r["value"] for r in first["rows"]]
    with store.reading() as db:
        kept = db.execute("SELECT * FROM records WHERE request_id = ?", ["c" * 32]).fetchall()
    assert kept and not any(v in str(row) for row in kept for v in values if len(v) > 3), kept
    again = store.issue_record("T0001", OTHER["id"], "c" * 32, lambda number: issue_record(OTHER, SUBJECT, number))
    assert again == first
    someone_else = {**SUBJECT, "id_number": "110101198812120021", "name": "李四"}
    with pytest.raises(StoreError) as reused:
        store.issue_record("T0001", OTHER["id"], "c" * 32, lambda number: issue_record(OTHER, someone_else, number))
    assert (reused.value.error, reused.value.status) == ("request_id_reused", 409)


def test_without_a_request_id_every_request_is_a_new_document(store):
    numbers = {_issue(store, None)["record_id"] for _ in range(3)}
    assert len(numbers) == 3
    assert [r[2] for r in _register(store)] == [None, None, None]


def test_one_request_id_sent_at_once_many_times_makes_one_document(store):
    answers: list[str] = []

    def ask() -> None:
        answers.append(_issue(store, "race" * 8)["record_id"])

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 8 and len(set(answers)) == 1
    assert len(_register(store)) == 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_v7_hub_takes_request_ids_after_the_step_and_keeps_its_register(request, tmp_path, backend):
    db = str(tmp_path / "hub.sqlite") if backend == "sqlite" else request.getfixturevalue("pg_url")
    store = open_store(db, key_path=tmp_path / "field.key")
    old = _issue(store, None)["record_id"]
    with store.transaction() as tx:  # back to v7: without v8's index and columns
        tx.execute("DROP INDEX records_terminal_id_request_id")
        tx.execute("ALTER TABLE records DROP COLUMN request_id")
        tx.execute("ALTER TABLE records DROP COLUMN document")
        if backend == "postgresql":
            tx.execute("DELETE FROM hub_schema WHERE version >= 8")
    store.close()
    if backend == "sqlite":
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA user_version=7")
        conn.commit()
        conn.close()
    store = open_store(db, key_path=tmp_path / "field.key")
    try:
        assert _register(store) == [(old, "T0001", None)]
        first, again = _issue(store, "c" * 32), _issue(store, "c" * 32)
        assert first == again and first["record_id"] != old
        assert _issue(store, None)["record_id"] not in (old, first["record_id"])
    finally:
        store.close()


def test_over_http_the_same_request_id_gives_one_record_and_one_number(hub_server):
    client = hub_server.client()
    first = client.issue_record("certificate.residence", SUBJECT, request_id="d" * 32)
    again = hub_server.client().issue_record("certificate.residence", SUBJECT, request_id="d" * 32)
    assert again == first
    other = client.issue_record("certificate.residence", SUBJECT, request_id="e" * 32)
    plain = [client.issue_record("certificate.residence", SUBJECT) for _ in range(2)]  # an old terminal
    numbers = [first.record_id, other.record_id, *(r.record_id for r in plain)]
    assert len(set(numbers)) == 4, numbers
    with pytest.raises(HubRefused) as reused:
        client.issue_record("record.social_insurance", SUBJECT, request_id="d" * 32)
    assert (reused.value.status, reused.value.error) == (409, "request_id_reused")
    with pytest.raises(HubRefused) as malformed:
        client.issue_record("certificate.residence", SUBJECT, request_id="no spaces, please")
    assert malformed.value.status == 422
    store = open_store(hub_server.db_path)
    try:
        assert len(_register(store)) == 4
    finally:
        store.close()


def _certificate(kit, *, start: bool = True) -> None:
    session = kit.session
    if start:
        session.start()
        session.card_inserted(RESIDENT)
    session.choose_service("certificate.residence")
    session.set_field("purpose", "school")
    session.next()
    session.submit()


def test_the_terminal_asking_again_after_a_lost_answer_gets_the_same_number(hub_server, tmp_path):
    """The hub issues the certificate and commits, the proxy then drops the connection: the
    resident sees the error, taps "try again", and gets the number the hub gave the first time."""
    with FaultProxy(upstream_port=hub_server.port, only_path="/v1/records") as proxy:
        config = dataclasses.replace(hub_server.hub_config(), url=proxy.url, read_timeout_s=5.0)
        client = HubClient(config, hub_server.credentials)
        try:
            kit = make_kit(tmp_path, hub=client)
            proxy.schedule(Fault.cut_after_commit())
            _certificate(kit)
            view = kit.session.view
            assert view.outcome is None and view.error is not None, "the lost answer was not an error"
            kit.session.retry()
            view = kit.session.view
            assert view.step is Step.RESULT and view.outcome.record is not None
            shown = view.outcome.record.record_id
        finally:
            client.close()
    assert [(e.path, e.fault, e.hub_status) for e in proxy.log] == [
        ("/v1/records", "cut_after_commit", 200),
        ("/v1/records", "forward", 200),
    ]
    store = open_store(hub_server.db_path)
    try:
        register = _register(store)
    finally:
        store.close()
    assert [r[0] for r in register] == [shown], "the hub issued a second document"
    assert register[0][2] is not None  # kept with the terminal's request id
    assert kit.printer.printed and shown in str(kit.printer.printed[-1].blocks)


def test_a_new_request_after_the_document_arrived_is_a_new_document(hub_server, tmp_path):
    """The id is for one request: once its answer arrived, the same certificate asked for again
    (返回业务列表, the same details) is another document, as a second copy is."""
    client = hub_server.client()
    try:
        kit = make_kit(tmp_path, hub=client)
        _certificate(kit)
        first = kit.session.view.outcome.record.record_id
        kit.session.back()  # at the result: back to the list of services
        assert kit.session.view.step is Step.CHOOSE
        _certificate(kit, start=False)
        second = kit.session.view.outcome.record.record_id
    finally:
        client.close()
    assert first != second


def test_a_hub_from_before_request_ids_is_asked_again_without_one(hub_server):
    """A terminal updated before its hub: the old hub refuses the field it does not know (422), and
    the terminal asks as terminals did before it, once."""
    refused = b'{"error":"invalid_request","message":"body.request_id: Extra inputs are not permitted"}'
    with FaultProxy(upstream_port=hub_server.port, only_path="/v1/records") as proxy:
        client = HubClient(dataclasses.replace(hub_server.hub_config(), url=proxy.url), hub_server.credentials)
        try:
            proxy.schedule(Fault.answer(422, refused))
            record = client.issue_record("certificate.residence", SUBJECT, request_id="g" * 32)
            proxy.schedule(Fault.answer(422, b'{"error":"invalid_request","message":"subject: required"}'))
            with pytest.raises(HubRefused):  # refused for anything else: refused
                client.issue_record("certificate.residence", SUBJECT, request_id="h" * 32)
        finally:
            client.close()
    assert record.record_id.startswith("R")
    assert [(e.fault, e.hub_status) for e in proxy.log] == [("answer", None), ("forward", 200), ("answer", None)]
