"""Receipts: what the resident leaves with, masked, with the reference large and in a QR code."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from drivers.printer.model import Footer, KeyValue, QrCode, Title
from kiosk.forms import FormState
from kiosk.hub_api import Ticket
from kiosk.receipts import record_receipt, submission_receipt, ticket_receipt
from tests.fixtures.session_kit import RESIDENT, FakeHub, demo_catalogue

AT = datetime(2026, 11, 23, 1, 30, tzinfo=UTC)


def meal_form() -> FormState:
    form = FormState(demo_catalogue().service("meal.elder_signup"))
    form.prefill_from_card(RESIDENT)
    for fid, raw in {
        "meals_per_week": "5",
        "start_date": "2026-12-01",
        "phone": "13812345678",
        "diet": "low_salt",
    }.items():
        form.set(fid, raw)
    return form


def test_submission_receipt_lists_catalogue_fields_masked_with_reference_and_qr():
    form = meal_form()
    doc = submission_receipt(
        form.service, form, "T0003-000042", language="zh", terminal_id="T0003", issued_at=AT
    )
    assert doc.blocks[0] == Title("长者助餐登记凭条")
    rows = {b.key: b.value for b in doc.blocks if isinstance(b, KeyValue)}
    assert rows["姓名"] == "张*伟"
    assert rows["联系电话"] == "138****5678"
    assert rows["每周用餐天数"] == "5" and rows["开始日期"] == "2026-12-01"
    assert "身份证号" not in rows and "饮食需求" not in rows  # only what the catalogue lists
    assert Title("T0003-000042") in doc.blocks  # the reference at title size
    assert QrCode("https://hub.example.gov.cn/track/T0003-000042") in doc.blocks
    text = repr(doc)
    for secret in (RESIDENT.name, RESIDENT.id_number, "13812345678"):
        assert secret not in text


def test_submission_receipt_in_english_uses_choice_labels():
    form = FormState(demo_catalogue().service("repair.public_area"))
    for fid, raw in {
        "category": "lift",
        "location": "Bldg 8",
        "detail": "Lift stuck on floor 3",
        "urgency": "urgent",
        "phone": "13812345678",
    }.items():
        form.set(fid, raw)
    doc = submission_receipt(
        form.service, form, "T0001-000001", language="en", terminal_id="T0001", issued_at=AT
    )
    assert doc.language == "en"
    assert KeyValue("What is broken", "Lift") in doc.blocks
    assert KeyValue("How urgent", "Urgent (safety or access at risk)") in doc.blocks
    # the urgent repair's own footer (walk 13, M4), not the normal one's "2 working days"
    assert isinstance(doc.blocks[-1], Footer) and "within 4 hours" in doc.blocks[-1].text
    assert "2 working days" not in doc.blocks[-1].text


def test_local_ticket_says_it_is_local_and_hides_the_unknown_queue():
    ticket = Ticket("L007", "", -1, "2026-11-23T09:30:00+08:00")
    doc = ticket_receipt(ticket, is_local=True, language="en", terminal_id="T0001")
    assert Title("L007") in doc.blocks
    assert not any(isinstance(b, KeyValue) and b.key == "Waiting ahead" for b in doc.blocks)
    assert "local ticket" in doc.blocks[-1].text
    hub_doc = ticket_receipt(
        Ticket("A023", "3", 4, "2026-11-23T09:30:00+08:00"),
        is_local=False,
        language="zh",
        terminal_id="T0001",
    )
    assert KeyValue("窗口", "3") in hub_doc.blocks and KeyValue("前面等候", "4") in hub_doc.blocks


def test_record_receipt_prints_the_hub_rows_and_a_verification_qr():
    record = FakeHub().issue_record("certificate.residence", {})
    doc = record_receipt(record, language="zh")
    assert doc.blocks[0] == Title("居住证明")
    assert KeyValue("身份证号", "1101**********002X") in doc.blocks
    assert QrCode(record.verify_url) in doc.blocks


def test_the_printer_driver_prints_the_submission_receipt_in_chinese_with_its_qr():
    """Rendered to ESC/POS by the real driver and read back by decoding the bytes."""
    from drivers.printer.escpos_render import render_escpos
    from tests.support.escpos_decode import decode

    form = meal_form()
    doc = submission_receipt(
        form.service, form, "T0003-1-000042-K", language="zh", terminal_id="T0003", issued_at=AT
    )
    printout = decode(render_escpos(doc))
    text = "\n".join(printout.texts)
    assert "长者助餐登记凭条" in text and "138****5678" in text and "T0003-1-000042-K" in text
    assert "13812345678" not in text and RESIDENT.id_number not in text
    assert [q.text for q in printout.qr_codes] == ["https://hub.example.gov.cn/track/T0003-1-000042-K"]
    assert len(printout.cuts) == 1


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_ticket_number_is_the_biggest_thing_on_the_printed_slip(
    escpos_test_printer, network_printer_config, language
):
    """Printed by the real driver to the test printer and read back from the bytes it received:
    the number A001 at double width and height or larger, and nothing on the slip as big (walk
    finding 13: the heading was large and the number body size)."""
    from tests.support.escpos_decode import printed_by_driver

    doc = ticket_receipt(
        Ticket("A001", "2", 3, "2026-12-01T07:09:14+00:00"),
        is_local=False,
        language=language,
        terminal_id="T0001",
    )
    lines = printed_by_driver(doc, network_printer_config, escpos_test_printer)
    number = next(line for line in lines if line.text == "A001")
    assert number.width >= 2 and number.height >= 2
    others = [line for line in lines if line is not number]
    assert others and all((line.width, line.height) < (number.width, number.height) for line in others), [
        (line.text, line.width, line.height) for line in others if line.width >= number.width
    ]


@pytest.fixture
def shanghai(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_ticket_time_is_printed_in_local_time_and_a_human_format(shanghai):
    doc = ticket_receipt(
        Ticket("A023", "3", 4, "2026-12-01T07:09:14+00:00"),
        is_local=False,
        language="zh",
        terminal_id="T0001",
    )
    assert KeyValue("时间", "2026-12-01 15:09") in doc.blocks


def test_maintenance_times_read_as_local_time(shanghai):
    from kiosk.local_time import human_time

    assert human_time("2026-12-01T07:09:14+00:00") == "2026-12-01 15:09"
    assert human_time("2026-12-01T07:09:14") == "2026-12-01 15:09"  # naive: the queue's UTC
    assert human_time(None) is None and human_time("never") == "never"


def test_the_urgent_repair_hint_and_receipt_give_a_duty_phone_number():
    import re

    repair = demo_catalogue().service("repair.public_area")
    phone = re.compile(r"\d{3}-\d{4} ?\d{4}")
    urgency = repair.field("urgency")
    for language in ("zh", "en"):
        assert phone.search(urgency.alert.get(language)), language  # not "call the duty phone"
        assert phone.search(repair.receipt.footer.get(language)), language


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_urgent_repair_is_not_promised_the_normal_repairs_days(language):
    """Walk 13, M4: the urgent repair's slip said "within 2 working days", as the normal one's."""
    repair = demo_catalogue().service("repair.public_area")

    def footer(urgency: str) -> str:
        form = FormState(repair)
        for fid, raw in {"category": "lift", "location": "8号楼", "detail": "电梯坏了", "urgency": urgency}.items():
            form.set(fid, raw)
        doc = submission_receipt(repair, form, "T0001-000001", language=language, terminal_id="T0001", issued_at=AT)
        return next(b.text for b in doc.blocks if isinstance(b, Footer))

    normal, urgent = footer("normal"), footer("urgent")
    assert normal == repair.receipt.footer.get(language)
    assert urgent != normal and "2" not in urgent.split("010")[0]  # no "2 working days" before the number
    assert "010-6512 3456" in urgent  # the duty phone still on it
