"""The session's outcomes and end reasons reach the audit trail through a subscriber, by ids and
references only: the resident's phone number and address never land in the audit file."""

from __future__ import annotations

import json

from kiosk.audit import AuditLog
from kiosk.audit_watch import SessionAuditWatch
from kiosk.terminal_outbox import outbox_at
from tests.fixtures.session_kit import TECHNICIAN, make_kit
from tests.test_session_flows import fill_repair, open_service


def _entries(audit: AuditLog) -> list[dict]:
    return [json.loads(e["entry"]) for e in audit.entries_after(0, 1000)]


def test_a_submission_and_a_timeout_are_audited_without_personal_values(tmp_path, file_keyring):
    audit = AuditLog.open(tmp_path / "audit.sqlite")
    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001")
    kit = make_kit(tmp_path, outbox=outbox)
    kit.session.subscribe(SessionAuditWatch(audit.append))
    kit.session.set_online(True)
    open_service(kit, "repair.public_area")
    fill_repair(kit.session)
    kit.session.next()
    kit.session.submit()
    ref = kit.session.view.outcome.local_ref
    kit.session.done()
    kit.session.start()
    kit.clock.advance(10_000)
    kit.session.tick()
    kit.clock.advance(10_000)
    kit.session.tick()

    entries = _entries(audit)
    transactions = [e for e in entries if e["kind"] == "transaction"]
    assert [(t["service_id"], t["local_ref"], t["outcome"], t["printed"]) for t in transactions] == [
        ("repair.public_area", ref, "submitted", True)
    ]
    assert [e["reason"] for e in entries if e["kind"] == "session_end"] == ["finished", "timeout"]
    raw = (tmp_path / "audit.sqlite").read_bytes() + b"".join(
        p.read_bytes() for p in tmp_path.glob("audit.sqlite-wal")
    )
    assert b"13812345678" not in raw and "8号楼".encode() not in raw
    assert audit.verify().ok
    outbox.close()
    audit.close()


def test_technician_card_and_out_of_service_are_audited(tmp_path):
    audit = AuditLog.open(tmp_path / "audit.sqlite")
    kit = make_kit(tmp_path)
    kit.session.subscribe(SessionAuditWatch(audit.append))
    kit.session.card_inserted(TECHNICIAN)
    from kiosk.session_view import OutOfServiceReason

    kit.session.set_out_of_service(OutOfServiceReason.INTERNAL)
    kit.session.set_out_of_service(None)
    kit.session.card_removed()
    technician = [(e["action"], e.get("reason")) for e in _entries(audit) if e["kind"] == "technician"]
    assert technician == [
        ("card_in", None),
        ("out_of_service", "internal"),
        ("back_in_service", None),
        ("card_out", None),
    ]
    kit.session.set_out_of_service(OutOfServiceReason.BACKEND)  # e.g. the hub revoked the terminal
    assert _entries(audit)[-1] == {
        "kind": "terminal",
        "at": _entries(audit)[-1]["at"],
        "action": "out_of_service",
        "reason": "backend",
    }
    assert "李工".encode() not in (tmp_path / "audit.sqlite").read_bytes()
    audit.close()


def test_each_of_two_ratings_on_one_page_is_its_own_transaction(tmp_path):
    from tests.test_session_rating import two_finished_cases

    audit = AuditLog.open(tmp_path / "audit.sqlite")
    kit = make_kit(tmp_path)
    kit.session.subscribe(SessionAuditWatch(audit.append))
    two_finished_cases(kit, ("C1001", "C1002"))
    s = kit.session
    for case_id, stars in (("C1001", 5), ("C1002", 3)):
        s.choose_case_to_rate(case_id)
        s.choose_stars(stars)
        s.rate(stars)
    rated = [e for e in _entries(audit) if e["kind"] == "transaction" and e["outcome"] == "rated"]
    assert [e["case_id"] for e in rated] == ["C1001", "C1002"]
    audit.close()
