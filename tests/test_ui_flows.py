"""The resident's flows through the real terminal offscreen: reference hub, real outbox, simulated
card reader and printer. Each test taps buttons the way a resident does and waits on what the screen
shows (qtbot.waitUntil), never on fixed sleeps."""

from __future__ import annotations

from kiosk.session_view import Mode, Step
from tests.fixtures.kiosk_ui import KioskDriver
from tests.fixtures.walking import on_display, say, to_form


def fill_repair_form(k: KioskDriver) -> None:
    """Attract -> without card -> repair -> every field by touch (pinyin for the free texts)."""
    to_form(k)
    k.open_field("category")
    k.tap("choice:category:lighting")
    k.open_field("location")
    k.type_keys("louti")
    k.tap("candidate:0")  # 楼梯
    k.tap("key:digits")
    k.type_keys("3")
    k.tap("form.ok")
    k.open_field("detail")
    k.type_keys("diandeng")
    k.tap("candidate:0")  # 电灯
    k.type_keys("huaile")
    k.tap("candidate:0")  # 坏了
    k.tap("form.ok")
    k.open_field("urgency")
    k.tap(f"choice:urgency:{k.view.fields[3].choices[0].value}")
    k.open_field("phone")
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
    k.wait(lambda: k.terminal.outbox.states([ref])[ref] == "acked")  # the sync worker sent it
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
    assert k.terminal.outbox.states([ref])[ref] in ("pending", "in_flight")  # waits for the hub


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
    """A reference field opens on its own layer: capitals, digits and the dash, no switching."""
    k.open_field("reference")
    for ch in reference:
        k.tap(f"key:{ch.lower()}")
    k.tap("form.ok")


def test_progress_query_shows_the_case_timeline(kiosk_ui):
    k = kiosk_ui
    seed_cases(k)
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:query.progress")
    k.wait_step(Step.FORM)
    enter_reference(k, "C9000002")  # the one field: OK goes on, no "next" (walk 3, finding 16)
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
    k.wait_step(Step.FORM)
    assert k.view.service.title == "满意度评价"
    enter_reference(k, "C9000003")
    k.wait_step(Step.RESULT)
    assert k.text_of("title") == "满意度评价"  # the rating's own title, not the progress query's
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    k.wait(lambda: k.text_of("title") == "Satisfaction rating")
    k.tap("rate:5")
    k.wait(lambda: k.view.outcome.chosen_stars == 5)
    k.tap("rate_send")  # a star only picks: sent on confirm
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


def _repair_with_a_category(k: KioskDriver) -> None:
    """From the welcome screen, without a card: the repair form with its first field picked."""
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:repair.public_area")
    k.wait_step(Step.FORM)
    k.open_field("category")
    k.tap("choice:category:lift")


def test_a_ticket_from_a_half_filled_form_keeps_it_and_its_page_goes_back_to_it(kiosk_ui):
    """Walk 13, M1: the bar's ticket beside 确定 printed a ticket and the filled form was gone."""
    k = kiosk_ui
    k.session.set_mode(Mode.ELDER)  # the bar's ticket is elder mode's (standard: under help)
    _repair_with_a_category(k)
    k.open_field("phone")
    k.type_keys("13812345678")
    k.tap("form.ok")
    k.wait(lambda: k.view.fields[-1].has_value)
    k.tap("bar.ticket")  # the next field's editor open: what it holds is not the form's yet
    k.wait_step(Step.RESULT)
    assert k.view.outcome.ticket is not None
    assert "公共区域报修" in k.text_of("ticket_form_kept")
    assert k.text_of("ticket_form_kept") in k.window.current_screen().spoken(k.view)  # said too
    assert k.button("nav.back").text() == say(k, "nav.back_to_form")
    k.tap("nav.back")
    k.wait_step(Step.FORM)
    shown = {f.id: f.display for f in k.view.fields}
    assert shown["phone"] == "13812345678" and shown["category"] == "电梯"


def test_the_staff_panels_ticket_back_on_the_kept_form_is_the_same_ticket(kiosk_ui):
    """Walk 14 (high): help, its ticket, back to the kept form, and the staff panel still offered a
    ticket there: B002 came out, "1 ahead" being the resident's own B001."""
    k = kiosk_ui
    _repair_with_a_category(k)
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    k.tap("staff.ticket")
    k.wait_step(Step.RESULT)
    first = k.view.outcome.ticket.number
    k.tap("nav.back")
    k.wait_step(Step.FORM)
    if k.has_button("staff.ticket"):
        k.tap("staff.ticket")
    else:
        k.tap("bar.help")
        k.wait(lambda: k.has_button("staff.ticket"))
        k.tap("staff.ticket")
    k.wait_step(Step.RESULT)
    assert k.view.outcome.ticket.number == first
    assert k.text_of("ticket_again") == say(k, "result.ticket.again")


def test_a_sent_submission_can_be_followed_by_its_reference(kiosk_ui):
    k = kiosk_ui
    ref = submit_repair(k)
    k.wait(lambda: k.terminal.outbox.states([ref])[ref] == "acked")
    k.tap("nav.done")
    k.wait_step(Step.ATTRACT)
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:query.progress")
    enter_reference(k, ref)
    k.wait_step(Step.RESULT)
    case = k.view.outcome.cases[0]
    assert case.local_ref == ref
    assert k.text_of(f"case_status:{case.case_id}") == "已受理"


def test_a_certificate_with_the_card_is_issued_by_the_hub_and_printed(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait(lambda: k.view.identity is not None)
    k.tap("service:certificate.residence")
    k.wait_step(Step.FORM)
    purpose = next(f for f in k.view.fields if f.id == "purpose")
    k.open_field("purpose")
    k.tap(f"choice:purpose:{purpose.choices[0].value}")  # the one field left: on to the check
    k.wait_step(Step.REVIEW)
    assert "*" in k.text_of("review:id_number")  # masked on screen
    k.tap("nav.submit")
    k.wait_step(Step.RESULT)
    record = k.view.outcome.record
    assert k.text_of("title") == record.title["zh"]  # the certificate's name is the page's title
    shown = [k.text_of(f"record_row:{n}") for n in range(len(record.rows))]
    assert "证明用途：子女入学" in shown, shown  # not "… / School enrolment" (walk 5, M9)
    k.wait(lambda: k.view.outcome.printed is True)
    k.terminal.card_reader.remove()  # taking the card back keeps the result on screen
    k.wait(lambda: k.view.identity is None)
    assert k.view.step is Step.RESULT


def test_progress_by_card_lists_the_card_holders_cases(kiosk_ui):
    from hub.__main__ import seed_demo_cases
    from hub.store import HubStore
    from kiosk.secrets import card_hash_salt
    from kiosk.services import card_hash

    k = kiosk_ui
    store = HubStore(k.hub.db_path)
    try:  # the hub knows the demo resident card by the terminal's salted hash, never its number
        seed_demo_cases(store, card_hash("6200000000001234", card_hash_salt("T0001")))
    finally:
        store.close()
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait(lambda: k.view.identity is not None)
    k.tap("service:query.progress")
    k.wait_step(Step.FORM)
    # the form says so before the resident types a reference they need not (walk 10, L1)
    assert on_display(k, "query_card_text")
    assert k.text_of("query_card_text") == say(k, "form.query_by_card")
    k.tap("nav.next")  # no reference: the card says whose cases
    k.wait_step(Step.RESULT)
    assert {c.case_id for c in k.view.outcome.cases} >= {"C9000001", "C9000002", "C9000003"}
    assert k.text_of("case_status:C9000001") == "已受理"


def test_failed_sending_tells_the_screen_it_is_offline_and_recovery_too(kiosk_ui):
    k = kiosk_ui
    k.wait(lambda: k.terminal.background is not None)
    k.hub.stop()
    ref = submit_repair(k)  # the outbox has it; the sync worker's batch then fails
    k.wait(lambda: k.view.online is False)
    assert k.has_button("bar.help")
    k.hub.start()
    k.wait(lambda: k.terminal.outbox.states([ref])[ref] == "acked", timeout=60_000)
    k.wait(lambda: k.view.online is True)


def test_a_field_error_goes_away_as_the_resident_corrects_it(kiosk_ui):
    k = kiosk_ui
    to_form(k)
    k.open_field("phone")
    k.type_keys("138")
    k.tap("form.ok")
    k.wait(lambda: next(f for f in k.view.fields if f.id == "phone").error_key is not None)
    k.open_field("phone")
    assert k.text_of("error:phone")  # reopened: the message about the short number is shown
    k.tap("key:backspace")  # any edit: the message was about the value before it
    k.wait(lambda: not _label_visible(k, "error:phone"))
    for _ in range(3):
        k.tap("key:backspace")
    k.type_keys("13800138000")
    k.tap("form.ok")
    k.wait(lambda: next(f for f in k.view.fields if f.id == "phone").error_key is None)


def _label_visible(k: KioskDriver, name: str) -> bool:
    from PySide6.QtWidgets import QLabel

    return any(w.isVisible() for w in k.window.findChildren(QLabel, name))


def test_next_on_an_empty_form_opens_the_first_field_that_needs_a_value(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:repair.public_area")
    k.wait_step(Step.FORM)
    assert k.window.current_screen().editing is None  # several fields to fill: the list first
    k.tap("nav.next")
    first = next(f for f in k.view.fields if f.required and not f.has_value)
    k.wait(lambda: k.window.current_screen().editing == first.id)
    assert first.error_key is not None and k.view.step is Step.FORM
    assert k.text_of(f"error:{first.id}")  # its editor says what is missing


def test_a_ticket_that_did_not_print_says_to_give_the_number_and_prints_later_without_reprint(kiosk_ui):
    from tests.support.escpos_decode import decode

    k = kiosk_ui
    k.terminal.printer.paper_out = True  # refused at the check before the job: nothing came out
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    k.tap("staff.ticket")
    k.wait_step(Step.RESULT)
    k.wait(lambda: k.view.outcome.printed is False)
    words = k.text_of("print_text")
    assert "窗口" in words and "申请" not in words  # a ticket is not a request that is "not lost"
    k.terminal.printer.paper_out = False
    k.tap("receipt.reprint")
    k.wait(lambda: k.view.outcome.printed is True)
    slips = sorted(k.terminal.printer.folder.glob("*.bin"), key=lambda p: int(p.stem))
    texts = decode(slips[-1].read_bytes()).texts
    assert k.view.outcome.ticket.number in " ".join(texts)
    assert not any("REPRINT" in t or "补打" in t for t in texts)


def test_with_the_form_kept_the_ticket_page_asks_for_the_card_only_for_the_way_to_the_window(kiosk_ui):
    """Found walking the kept form (elder, card in, speech on): "please take your card" under the
    ticket would end the visit and wipe the form the page offers to go back to."""
    k = kiosk_ui
    k.wait(lambda: k.terminal.background is not None)
    k.session.set_mode(Mode.ELDER)
    k.terminal.card_reader.insert("resident")
    k.wait(lambda: k.view.step is Step.CHOOSE)
    k.tap("service:repair.public_area")
    k.wait_step(Step.FORM)
    k.open_field("category")
    k.tap("choice:category:lift")
    k.tap("bar.ticket")
    k.wait_step(Step.RESULT)
    words = say(k, "receipt.take_card.before_window")
    assert k.text_of("receipt_take_card_text").replace("\u2060", "") == words.replace("\u2060", "")
    assert words in k.window.current_screen().spoken(k.view)
    k.tap("nav.back")
    k.wait_step(Step.FORM)
    k.tap("bar.ticket")  # the same ticket again, the form still kept
    k.wait_step(Step.RESULT)
    k.tap("nav.done")  # leaving: the plain "take your card" on the way out
    k.wait_step(Step.ATTRACT)
    assert say(k, "receipt.take_card") in k.text_of("end_reason_text")
