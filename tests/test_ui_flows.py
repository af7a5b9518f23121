"""The resident's flows through the real terminal offscreen: reference hub, real outbox, simulated
card reader and printer. Each test taps buttons the way a resident does and waits on what the screen
shows (qtbot.waitUntil), never on fixed sleeps."""

from __future__ import annotations

from kiosk.session_view import Step
from tests.fixtures.kiosk_ui import KioskDriver


def fill_repair_form(k: KioskDriver) -> None:
    """Attract -> without card -> repair -> every field by touch (pinyin for the free texts)."""
    k.tap("attract.start")
    k.wait_step(Step.IDENTIFY)
    k.tap("identify.without_card")
    k.wait_step(Step.CHOOSE)
    k.tap("service:repair.public_area")
    k.wait_step(Step.FORM)
    k.tap("field:category")
    k.tap("choice:category:lighting")
    k.tap("field:location")
    k.type_keys("louti")
    k.tap("candidate:0")  # 楼梯
    k.tap("key:digits")
    k.type_keys("3")
    k.tap("form.ok")
    k.tap("field:detail")
    k.type_keys("diandeng")
    k.tap("candidate:0")  # 电灯
    k.type_keys("huaile")
    k.tap("candidate:0")  # 坏了
    k.tap("form.ok")
    k.tap("field:urgency")
    k.tap(f"choice:urgency:{k.view.fields[3].choices[0].value}")
    k.tap("field:phone")
    k.type_keys("13800138000")
    k.tap("form.ok")


def test_submission_online_shows_reference_qr_and_printed_receipt(kiosk_ui):
    k = kiosk_ui
    fill_repair_form(k)
    values = {f.id: f.display for f in k.view.fields}
    assert values["location"] == "楼梯3"
    assert values["detail"] == "电灯坏了"
    assert all(f.error_key is None for f in k.view.fields)
    k.tap("nav.next")
    k.wait_step(Step.REVIEW)
    k.tap("nav.submit")
    k.wait_step(Step.RECEIPT)
    ref = k.view.outcome.local_ref
    assert k.text_of("reference") == ref
    assert ref.startswith("T0001-")
    k.wait(lambda: k.view.outcome.printed is True)
    assert "打印" in k.text_of("print_text")
    assert k.view.outcome.queued_offline is False
    assert list((k.terminal.config.data_dir / "printed").glob("*.png"))
    assert k.terminal.outbox.states([ref])[ref]
    k.tap("nav.done")
    k.wait_step(Step.ATTRACT)


def submit_repair(k: KioskDriver) -> str:
    fill_repair_form(k)
    k.tap("nav.next")
    k.wait_step(Step.REVIEW)
    k.tap("nav.submit")
    k.wait_step(Step.RECEIPT)
    return k.view.outcome.local_ref


def test_submission_offline_is_queued_and_says_so(kiosk_ui):
    k = kiosk_ui
    k.hub.stop()
    k.terminal.refresh_catalogue()  # what the terminal learns when the hub stops answering
    k.wait(lambda: k.view.online is False)
    assert k.has_button("bar.help")
    ref = submit_repair(k)
    assert k.view.outcome.queued_offline is True
    assert "网络暂时中断" in k.text_of("queue_note")
    assert k.text_of("reference") == ref
    assert k.terminal.outbox.states([ref])[ref] == "pending"


def test_printer_out_of_paper_still_shows_reference_and_keeps_submission(kiosk_ui):
    k = kiosk_ui
    k.terminal.printer.paper_out = True
    ref = submit_repair(k)
    k.wait(lambda: k.view.outcome.printed is False)
    assert k.text_of("reference") == ref
    assert "没能打印" in k.text_of("print_text")
    assert k.terminal.outbox.states([ref])[ref]
    k.terminal.printer.paper_out = False
    k.tap("receipt.reprint")
    k.wait(lambda: k.view.outcome.printed is True)


def seed_cases(k: KioskDriver) -> None:
    from hub.__main__ import seed_demo_cases
    from hub.store import HubStore

    store = HubStore(k.hub.db_path)
    try:
        seed_demo_cases(store)
    finally:
        store.close()


def enter_reference(k: KioskDriver, reference: str) -> None:
    k.tap("field:reference")
    k.tap("key:latin")
    k.tap("key:shift")
    for ch in reference:
        if ch.isdigit() and k.lacks_button(f"key:{ch}"):
            k.tap("key:digits")
        if ch.isalpha() and k.lacks_button(f"key:{ch.lower()}"):
            k.tap("key:latin")
        k.tap(f"key:{ch.lower()}")
    k.tap("form.ok")


def test_progress_query_shows_the_case_timeline(kiosk_ui):
    k = kiosk_ui
    seed_cases(k)
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:query.progress")
    k.wait_step(Step.FORM)
    enter_reference(k, "C9000002")
    assert k.view.fields[0].value == "C9000002"
    k.tap("nav.next")
    k.wait_step(Step.RESULT)
    assert k.text_of("case_status:C9000002") == "处理中"
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    assert k.text_of("case_status:C9000002") == "In progress"


def test_rating_a_finished_case(kiosk_ui):
    k = kiosk_ui
    seed_cases(k)
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:rating.satisfaction")
    enter_reference(k, "C9000003")
    k.tap("nav.next")
    k.wait_step(Step.RESULT)
    k.tap("rate:5")
    k.wait(lambda: k.view.outcome.rated_stars == 5)
    assert k.has_button("nav.done")
    assert k.lacks_button("rate:1")  # rated once: the stars are gone


def test_ticket_from_the_help_button(kiosk_ui):
    k = kiosk_ui
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    k.tap("staff.ticket")
    k.wait_step(Step.RESULT)
    number = k.view.outcome.ticket.number
    assert k.text_of("ticket_number") == number
    assert k.view.outcome.ticket_is_local is False
