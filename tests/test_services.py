"""The service kinds' actions against the outbox, the hub and the printer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from drivers.printer.model import KeyValue
from kiosk.errors import WayForward
from kiosk.hub_api import HubNotFound
from kiosk.services import LocalTicketBook, ServiceActions, ServiceOffline, card_hash
from kiosk.session import Step
from tests.fixtures.session_kit import (
    CARD_SALT,
    RESIDENT,
    FakeHub,
    FakeOutbox,
    FakePrinter,
    demo_catalogue,
    finished_case,
    make_kit,
)

DAY1 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def actions(tmp_path, hub=None, outbox=None, profiles=None, now=lambda: DAY1):
    return ServiceActions(
        outbox=outbox or FakeOutbox(),
        hub=hub or FakeHub(),
        printer=FakePrinter(),
        tickets=LocalTicketBook(tmp_path / "tickets.json"),
        card_salt=CARD_SALT,
        profiles=profiles,
        now=now,
    )


def test_submission_by_a_card_holder_carries_the_card_hash_not_the_number(tmp_path):
    outbox = FakeOutbox()
    service = demo_catalogue().service("repair.public_area")
    ref = actions(tmp_path, outbox=outbox).submit(
        service, {"detail": "x"}, {"detail": "public"}, "v1", RESIDENT
    )
    assert ref == "T0001-000001"
    item = outbox.items[0]
    assert item["payload"]["card_hash"] == card_hash(RESIDENT.card_number, CARD_SALT)
    assert item["classes"]["card_hash"] == "internal"
    assert RESIDENT.card_number not in repr(item)


def test_query_by_reference_by_card_and_not_found(tmp_path):
    hub = FakeHub()
    hub.cases["C-1"] = finished_case(case_id="C-1")
    hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [finished_case(case_id="C-1")]
    a = actions(tmp_path, hub=hub)
    assert a.query("T0001-000007", None)[0].case_id == "C-1"
    assert a.query(None, RESIDENT)[0].case_id == "C-1"
    with pytest.raises(HubNotFound):
        a.query("T0001-999999", None)
    hub.card_cases.clear()
    with pytest.raises(HubNotFound):
        a.query(None, RESIDENT)


def test_hub_kinds_say_offline_and_offer_a_ticket(tmp_path):
    a = actions(tmp_path, hub=FakeHub(down=True))
    for call in (
        lambda: a.query("T0001-000001", None),
        lambda: a.rate("C-1", 4),
        lambda: a.issue_record(demo_catalogue().service("certificate.residence"), RESIDENT, {}),
    ):
        with pytest.raises(ServiceOffline) as caught:
            call()
        assert caught.value.ways_forward[0] is WayForward.TICKET


def test_rating_must_be_one_to_five_stars(tmp_path):
    with pytest.raises(ValueError):
        actions(tmp_path).rate("C-1", 6)


def test_local_tickets_are_numbered_per_day_across_restarts(tmp_path):
    hub = FakeHub(down=True)
    assert actions(tmp_path, hub=hub).take_ticket("ticket.window").ticket.number == "L001"
    second = actions(tmp_path, hub=hub).take_ticket("ticket.window")  # a restart: a new book on the same file
    assert (second.ticket.number, second.is_local) == ("L002", True)
    next_day = actions(tmp_path, hub=hub, now=lambda: datetime(2026, 11, 24, 1, 0, tzinfo=UTC))
    assert next_day.take_ticket("ticket.window").ticket.number == "L001"
    hub.down = False
    assert actions(tmp_path, hub=hub).take_ticket("ticket.window").is_local is False


def test_hub_profile_prefills_what_the_hub_knows_and_the_resident_may_correct_it(tmp_path):
    class Profiles:
        def resident_profile(self, hashed):
            assert hashed == card_hash(RESIDENT.card_number, CARD_SALT)
            return {"hub.phone": "13812345678", "salary": "secret"}

    kit = make_kit(tmp_path, profiles=Profiles())
    s = kit.session
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("repair.public_area")
    assert s.view.profile_offer == (("联系电话", "138****5678"),)  # asked first (kiosk/prefill.py)
    s.use_profile(True)
    phone = next(f for f in s.view.fields if f.id == "phone")
    assert (phone.display, phone.prefilled_from, phone.locked) == ("138****5678", "hub", False)
    s.set_field("phone", "13900000000")
    assert next(f for f in s.view.fields if f.id == "phone").prefilled_from is None
    assert s.view.step is Step.FORM


def test_service_kinds_against_the_reference_hub(tmp_path, hub_server):
    """Record, query and ticket through the real hub client; then the hub goes away."""
    kit = make_kit(tmp_path, hub=hub_server.client())
    a, s = kit.actions, kit.session
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("certificate.residence")
    s.set_field("purpose", "school")
    s.next()
    s.submit()
    view = s.view
    assert view.step is Step.RESULT, view.error
    record = view.outcome.record
    rows = {label["zh"]: value for label, value in record.rows}
    assert rows["姓名"] == "张*伟" and rows["身份证号"] == "1101**********002X"
    # a choice's words in the resident's language only, on screen and paper (walk 5, M9: "证明用途:
    # 子女入学 / School enrolment"); `value` keeps both for a terminal that reads only it
    assert rows["证明用途"] == "子女入学 / School enrolment"
    assert dict(record.lines("zh"))["证明用途"] == "子女入学"
    assert dict(record.lines("en"))["Purpose"] == "School enrolment"
    printed = {b.key: b.value for b in kit.printer.printed[-1].blocks if isinstance(b, KeyValue)}
    assert printed["证明用途"] == "子女入学" and printed["姓名"] == "张*伟"

    with pytest.raises(HubNotFound):
        a.query("T0001-424242", None)
    assert a.take_ticket("ticket.window").is_local is False

    hub_server.stop()
    with pytest.raises(ServiceOffline):
        a.query("T0001-424242", None)
    fallback = a.take_ticket("ticket.window")
    assert fallback.is_local and fallback.ticket.number == "L001"


def fill_repair_and_submit(session) -> None:
    session.start()
    session.card_inserted(RESIDENT)
    session.choose_service("repair.public_area")
    for field_id, value in {
        "category": "water",
        "location": "5号楼地下室",
        "detail": "水管漏水，地面积水",
        "urgency": "urgent",
        "phone": "13812345678",
    }.items():
        session.set_field(field_id, value)
    session.next()
    session.submit()


def test_submission_into_the_real_outbox_is_on_disk_encrypted_before_the_reference_shows(
    tmp_path, file_keyring
):
    from kiosk.terminal_outbox import outbox_at
    from offline_queue.local_ref import LocalRef

    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001")
    try:
        kit = make_kit(tmp_path, outbox=outbox)
        fill_repair_and_submit(kit.session)
        view = kit.session.view
        assert view.step is Step.RECEIPT, view.error
        assert LocalRef.is_valid(view.outcome.local_ref)
        assert outbox.stats().depth == 1
        raw = b"".join(p.read_bytes() for p in tmp_path.glob("outbox.sqlite*"))
        for secret in ("13812345678", RESIDENT.name):
            assert secret.encode("utf-8") not in raw
        assert "5号楼地下室".encode() in raw  # public fields stay readable for technicians

        # the reference as printed finds its way back; one typo is refused before the hub is asked
        kit.session.done()
        kit.session.start()
        kit.session.continue_without_card()
        kit.session.choose_service("query.progress")
        typo = view.outcome.local_ref[:-1] + ("A" if view.outcome.local_ref[-1] != "A" else "B")
        kit.session.set_field("reference", typo)
        kit.session.next()
        assert kit.session.view.fields[0].error_key == "field.bad_reference"
    finally:
        outbox.close()


def test_full_disk_loses_nothing_and_offers_the_staffed_window(tmp_path, file_keyring):
    from kiosk.terminal_outbox import outbox_at
    from offline_queue.errors import QueueFull

    outbox = outbox_at(tmp_path / "outbox.sqlite", "T0001", max_db_bytes=64 * 1024)
    try:
        kit = make_kit(tmp_path, outbox=outbox)
        stored = 0
        for size in (2000, 400, 50, 5):  # fill every last page, down to rows smaller than ours
            while True:
                try:
                    outbox.enqueue("repair.public_area", {"detail": "x" * size}, {"detail": "public"}, "v1")
                    stored += 1
                except QueueFull:
                    break
        fill_repair_and_submit(kit.session)
        view = kit.session.view
        assert view.step is Step.REVIEW
        assert view.error.message_key == "error.queue_full"
        assert WayForward.TICKET in view.error.ways_forward
        assert outbox.stats().depth == stored  # nothing older lost
    finally:
        outbox.close()
