"""The maintenance desk's enrolment by one-time code against the real hub (a subprocess): the
credentials land in keyring and work, a refusal is named, and each attempt is audited without the code."""

from __future__ import annotations

import time

import pytest

from drivers.health import HealthBoard
from hub.testing import issue_enrolment_code
from kiosk.audit import AuditLog
from kiosk.enrolment import EnrolmentRefused
from kiosk.hub_api import HubUnavailable
from kiosk.maintenance import MaintenanceDesk
from kiosk.secrets import card_hash_salt, load_hub_credentials


@pytest.fixture
def desk(tmp_path):
    audit = AuditLog.open(tmp_path / "audit.sqlite")
    yield MaintenanceDesk(HealthBoard(), lambda: None, lambda: None, lambda: None, audit=audit.append), audit
    audit.close()


def _enrolments(audit: AuditLog) -> list[str]:
    return [e["entry"] for e in audit.entries_after(0) if '"kind":"enrolment"' in e["entry"]]


def test_enrol_stores_working_credentials_and_each_attempt_is_audited(hub_server, desk):
    desk, audit = desk
    code = issue_enrolment_code(hub_server.db_path, "T0002", "district-3")
    enrolled = desk.enrol(hub_server.url, code, "T0002")
    assert (enrolled.terminal_id, enrolled.group) == ("T0002", "district-3")
    assert load_hub_credentials("T0002") == enrolled.credentials
    assert card_hash_salt("T0002") == enrolled.card_hash_salt
    with pytest.raises(EnrolmentRefused) as used:
        desk.enrol(hub_server.url, code, "T0002")
    assert used.value.error == "code_used"
    with pytest.raises(EnrolmentRefused) as bad:
        desk.enrol(hub_server.url, "AAAAA-AAAAA", "T0002")
    assert bad.value.error == "bad_code"
    expiring = issue_enrolment_code(hub_server.db_path, "T0003", ttl_s=1)
    time.sleep(2.1)
    with pytest.raises(EnrolmentRefused) as expired:
        desk.enrol(hub_server.url, expiring, "T0003")
    assert expired.value.error == "code_expired"
    entries = _enrolments(audit)
    results = [e.split('"result":"')[1].split('"')[0] for e in entries]
    assert results == ["ok", "code_used", "bad_code", "code_expired"]
    assert not any(code.replace("-", "") in e.replace("-", "") for e in entries)  # never the code
    assert audit.verify().ok


def test_enrol_with_no_hub_says_unavailable_and_is_audited(desk, file_keyring):
    desk, audit = desk
    with pytest.raises(HubUnavailable):
        desk.enrol("http://127.0.0.1:9", "7KQ2M-XW4PD", "T0002")
    assert '"result":"hub_unavailable"' in _enrolments(audit)[0]


def test_an_untrusted_hub_certificate_and_an_unusable_address_are_named_apart_from_no_answer(
    tmp_path, desk, file_keyring
):
    from hub.testing import start_hub
    from kiosk.enrolment import EnrolmentBadAddress, EnrolmentTlsProblem, enrolment_problem
    from tests.support.tls import self_signed_certificate

    desk, audit = desk
    cert, key = self_signed_certificate(tmp_path)
    hub = start_hub(tmp_path / "hub.sqlite", store_in_keyring=False, tls=(cert, key))
    try:
        assert hub.url.startswith("https://")
        code = issue_enrolment_code(hub.db_path, "T0002", "g")
        with pytest.raises(EnrolmentTlsProblem) as untrusted:
            desk.enrol(hub.url, code, "T0002")  # the system's CAs do not know this certificate
        assert enrolment_problem(untrusted.value) == "tls"
        with pytest.raises(EnrolmentBadAddress) as bad:
            desk.enrol("hub.example:8765", code, "T0002")  # no https://
        assert enrolment_problem(bad.value) == "bad_address"
        enrolled = desk.enrol(hub.url, code, "T0002", ca_bundle=str(cert))  # trusted: the code still works
        assert enrolled.terminal_id == "T0002"
    finally:
        hub.stop()
    results = [e.split('"result":"')[1].split('"')[0] for e in _enrolments(audit)]
    assert results == ["hub_unavailable", "hub_unavailable", "ok"]
