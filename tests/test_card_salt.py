"""The fleet-wide card-hash salt: issued by the hub at enrolment, the same on every terminal, so a
resident's cases are found by card whichever terminal they use."""

from __future__ import annotations

import pytest

from hub.store import HubStore
from kiosk.errors import ConfigError
from kiosk.hub_client import HubClient
from kiosk.secrets import card_hash_salt, load_hub_credentials
from kiosk.services import LocalTicketBook, ServiceActions
from kiosk.terminal_outbox import outbox_at
from offline_queue.sync_worker import SyncWorker
from tests.fixtures.session_kit import RESIDENT, FakePrinter, demo_catalogue


def terminal_actions(tmp_path, terminal_id: str, hub: HubClient, outbox=None) -> ServiceActions:
    return ServiceActions(
        outbox=outbox,
        hub=hub,
        printer=FakePrinter(),
        tickets=LocalTicketBook(tmp_path / f"tickets-{terminal_id}.json"),
        card_salt=card_hash_salt(terminal_id),
    )


def test_every_terminal_gets_the_same_salt_made_once_by_the_hub(hub_server):
    hub_server.enrol("T0002")
    first = card_hash_salt("T0001")
    assert len(first) == 32
    assert card_hash_salt("T0002") == first
    hub_server.enrol("T0001")  # re-enrolment: new credentials, same salt
    assert card_hash_salt("T0001") == first
    store = HubStore(hub_server.db_path)
    try:
        assert store.fleet_card_salt() == first
    finally:
        store.close()


def test_a_terminal_that_was_never_enrolled_has_no_salt(file_keyring):
    with pytest.raises(ConfigError):
        card_hash_salt("T0009")


def test_a_case_submitted_with_a_card_on_terminal_a_is_found_by_card_on_terminal_b(hub_server, tmp_path):
    hub_server.enrol("T0002")
    client_a = hub_server.client()
    client_b = HubClient(hub_server.hub_config(), load_hub_credentials("T0002"))
    outbox_a = outbox_at(tmp_path / "outbox-a.sqlite", "T0001")
    try:
        service = demo_catalogue().service("repair.public_area")
        a = terminal_actions(tmp_path, "T0001", client_a, outbox_a)
        ref = a.submit(service, {"detail": "lift broken"}, {"detail": "public"}, "v1", RESIDENT)
        report = SyncWorker(outbox_a, client_a).sync_now()
        assert report.acked == 1 and report.error is None

        found = terminal_actions(tmp_path, "T0002", client_b).query(None, RESIDENT)
        assert [case.local_ref for case in found] == [ref]
    finally:
        outbox_a.close()
        client_a.close()
        client_b.close()
