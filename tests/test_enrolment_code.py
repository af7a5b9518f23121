"""Enrolment by one-time code over HTTP (the terminal never opens the hub's database): a code works
once, expires, is bound to its terminal; a revoked terminal is refused and goes out of service;
credential rotation switches both sides and the old credentials stop working."""

from __future__ import annotations

import time

import pytest
import requests

from hub.store import HubStore
from hub.testing import issue_enrolment_code
from kiosk.enrolment import EnrolmentRefused, enrol_with_code, exchange_code, rotate_credentials
from kiosk.hub_api import HubRefused
from kiosk.hub_client import HubClient
from kiosk.secrets import card_hash_salt, load_hub_credentials


def test_a_code_enrols_once_and_stores_token_key_and_salt(hub_server):
    code = issue_enrolment_code(hub_server.db_path, "T0002", "district-3")
    assert len(code) == 11 and code[5] == "-"
    enrolled = enrol_with_code(hub_server.url, code.lower(), "T0002")  # typed in lower case: fine
    assert enrolled.group == "district-3"
    assert load_hub_credentials("T0002") == enrolled.credentials
    assert card_hash_salt("T0002") == card_hash_salt("T0001")  # the fleet's one salt
    client = HubClient(hub_server.hub_config(), load_hub_credentials("T0002"))
    assert client.heartbeat({})["ok"] is True
    with pytest.raises(EnrolmentRefused) as again:
        exchange_code(hub_server.url, code, "T0002")
    assert again.value.error == "code_used"


def test_an_expired_a_wrong_and_another_terminals_code_are_refused(hub_server):
    expiring = issue_enrolment_code(hub_server.db_path, "T0003", "g", ttl_s=1)
    time.sleep(1.2)
    with pytest.raises(EnrolmentRefused) as expired:
        exchange_code(hub_server.url, expiring)
    assert expired.value.error == "code_expired"
    with pytest.raises(EnrolmentRefused) as wrong:
        exchange_code(hub_server.url, "ABCDE-FGHJK")
    assert wrong.value.error == "bad_code"
    other = issue_enrolment_code(hub_server.db_path, "T0004", "g")
    with pytest.raises(EnrolmentRefused) as foreign:
        exchange_code(hub_server.url, other, "T0005")
    assert foreign.value.error == "bad_code"
    assert exchange_code(hub_server.url, other, "T0004").terminal_id == "T0004"  # still unused


def test_enrolment_attempts_are_rate_limited_per_address(hub_server):
    # the fixture's own enrolment was the first attempt from 127.0.0.1 in this minute
    answers = [
        requests.post(hub_server.url + "/v1/enrolment", json={"code": "ZZZZZ-ZZZZZ"}, timeout=10)
        for _ in range(10)
    ]
    assert [a.status_code for a in answers[:9]] == [403] * 9
    assert answers[9].status_code == 429 and int(answers[9].headers["Retry-After"]) >= 1
    assert answers[9].json()["error"] == "rate_limited"


def test_a_revoked_terminal_is_refused_and_shows_out_of_service(fleet_terminal, hub_server):
    pending = issue_enrolment_code(hub_server.db_path, "T0001", "g")  # issued before the revocation
    store = HubStore(hub_server.db_path)
    store.revoke_terminal("T0001")
    store.close()
    assert not fleet_terminal.beat()
    assert fleet_terminal.heartbeat.status().last_error == "HubRefused status=403 error=terminal_revoked"
    assert fleet_terminal.revoked == [True]  # the composition turns this into OUT_OF_SERVICE (BACKEND)
    with pytest.raises(EnrolmentRefused) as refused:
        exchange_code(hub_server.url, pending, "T0001")
    assert refused.value.error == "terminal_revoked"
    with pytest.raises(Exception, match="revoked"):
        issue_enrolment_code(hub_server.db_path, "T0001", "g")


def test_rotation_switches_credentials_and_the_old_ones_stop_working(hub_server):
    client = hub_server.client()
    old = client.credentials
    assert rotate_credentials(client) == {"rotated": True}
    new = load_hub_credentials("T0001")
    assert new == client.credentials and new.token != old.token and new.hmac_key != old.hmac_key
    assert client.heartbeat({})["ok"] is True
    with pytest.raises(HubRefused) as refused:
        HubClient(hub_server.hub_config(), old).heartbeat({})
    assert refused.value.status == 403 and refused.value.error == "bad_token"


def test_rotation_as_a_remote_command(fleet_terminal, hub_server):
    client = fleet_terminal.client
    fleet_terminal.extra_handlers["rotate_credentials"] = lambda _args: rotate_credentials(client)
    fleet_terminal.reopen()
    old = client.credentials
    command_id = fleet_terminal.issue("rotate_credentials")
    assert fleet_terminal.beat()
    assert fleet_terminal.command(command_id)["state"] == "succeeded"  # reported with the new ones
    assert client.credentials != old and load_hub_credentials("T0001") == client.credentials
    with pytest.raises(HubRefused):
        HubClient(hub_server.hub_config(), old).heartbeat({})
    assert fleet_terminal.beat()
