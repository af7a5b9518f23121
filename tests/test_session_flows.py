"""The resident's flows through the session, end to end on the pure state machine."""

from __future__ import annotations

from drivers.card.model import CardExpired
from drivers.printer.model import KeyValue, QrCode, Title
from kiosk.catalogue import ServiceKind
from kiosk.errors import WayForward
from kiosk.executor import ManualExecutor
from kiosk.services import card_hash
from kiosk.session import Mode, Step
from tests.fixtures.session_kit import CARD_SALT, RESIDENT, TECHNICIAN, finished_case, make_kit


def fill_repair(session) -> None:
    session.set_field("category", "lighting")
    session.set_field("location", "8号楼2单元3层")
    session.set_field("detail", "楼道灯不亮已有三天")
    session.set_field("urgency", "normal")
    session.set_field("phone", "13812345678")


def open_service(kit, service_id, *, card=None):
    s = kit.session
    s.start()
    if card is not None:
        s.card_inserted(card)
    else:
        s.continue_without_card()
    s.choose_service(service_id)


def test_submission_online_shows_reference_and_prints_masked_receipt(kit):
    s = kit.session
    kit.session.set_online(True)
    open_service(kit, "repair.public_area")
    assert s.view.step is Step.FORM
    fill_repair(s)
    s.next()
    assert s.view.step is Step.REVIEW
    s.submit()

    view = s.view
    assert view.step is Step.RECEIPT
    assert view.outcome.local_ref == "T0001-000001"
    assert view.outcome.queued_offline is False
    assert view.outcome.printed is True
    item = kit.outbox.items[0]
    assert item["service_id"] == "repair.public_area"
    assert item["payload"]["phone"] == "13812345678"
    assert item["classes"]["phone"] == "personal"
    assert item["catalog_version"] == "2026.11-demo.1"
    printed = kit.printer.printed[0]
    assert KeyValue("联系电话", "138****5678") in printed.blocks
    assert Title("T0001-000001") in printed.blocks  # the reference at title size
    assert QrCode("https://hub.example.gov.cn/track/T0001-000001") in printed.blocks
    assert "13812345678" not in repr(printed)


def test_submission_offline_is_queued_and_says_so(kit):
    s = kit.session
    kit.hub.down = True
    s.set_online(False)
    open_service(kit, "repair.public_area")
    fill_repair(s)
    s.next()
    s.next()  # next on REVIEW submits
    assert s.view.step is Step.RECEIPT
    assert s.view.outcome.local_ref == "T0001-000001"
    assert s.view.outcome.queued_offline is True
    assert len(kit.outbox.items) == 1


def test_form_refuses_to_go_on_with_errors_and_names_them(kit):
    s = kit.session
    open_service(kit, "repair.public_area")
    s.set_field("phone", "12345")
    assert s.view.fields[-1].error_key == "field.bad_phone"
    s.next()
    errors = {f.id: f.error_key for f in s.view.fields if f.error_key}
    assert errors == {
        "category": "field.required",
        "location": "field.required",
        "detail": "field.required",
        "urgency": "field.required",
        "phone": "field.bad_phone",
    }
    assert s.view.step is Step.FORM
    assert kit.outbox.items == []


def test_submitting_is_busy_and_cannot_be_cancelled_until_durable(tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    s = kit.session
    open_service(kit, "repair.public_area")
    fill_repair(s)
    s.next()
    s.submit()
    assert s.view.step is Step.SUBMITTING and s.view.busy
    s.cancel()
    kit.clock.advance(3600)
    s.tick()
    assert s.view.step is Step.SUBMITTING
    executor.run_next()  # the enqueue
    assert s.view.step is Step.RECEIPT and s.view.outcome.printing
    executor.run_next()  # the print job
    assert s.view.outcome.printed is True and not s.view.outcome.printing


def test_printer_out_of_paper_keeps_submission_and_shows_reference(kit):
    s = kit.session
    kit.printer.paper_out = True
    open_service(kit, "repair.public_area")
    fill_repair(s)
    s.next()
    s.submit()
    view = s.view
    assert view.step is Step.RECEIPT
    assert view.outcome.local_ref == "T0001-000001"
    assert view.outcome.printed is False
    assert view.outcome.print_error.message_key == "error.printer_paper_out"
    assert WayForward.CONTINUE in view.outcome.print_error.ways_forward
    assert view.outcome.receipt is not None  # the on-screen preview still shows the receipt
    assert len(kit.outbox.items) == 1
    kit.printer.paper_out = False
    s.reprint()
    assert s.view.outcome.printed is True
    assert kit.printer.printed[-1].blocks[0].text == "REPRINT / 补打"  # never taken for a second request
    assert view.outcome.receipt.blocks[0].text != "REPRINT / 补打"  # the preview is the receipt itself


def test_a_receipt_refused_before_the_job_prints_later_as_the_first_not_as_a_reprint(kit):
    s = kit.session
    kit.printer.nothing_printed = True  # paper out at the status check before the job: nothing came out
    kit.printer.paper_out = True
    open_service(kit, "repair.public_area")
    fill_repair(s)
    s.next()
    s.submit()
    assert s.view.outcome.printed is False
    kit.printer.paper_out = False
    s.reprint()
    assert s.view.outcome.printed is True
    assert kit.printer.printed[-1].blocks[0].text != "REPRINT / 补打"
    assert kit.printer.printed[-1] == s.view.outcome.receipt
    s.reprint()  # a second copy of one that did print is marked
    assert kit.printer.printed[-1].blocks[0].text == "REPRINT / 补打"


def test_failed_enqueue_returns_to_review_with_values_and_retry_works(kit):
    from kiosk.errors import KioskError

    s = kit.session
    kit.outbox.fail_with = KioskError("disk full", message_key="error.queue_full")
    open_service(kit, "repair.public_area")
    fill_repair(s)
    s.next()
    s.submit()
    assert s.view.step is Step.REVIEW
    assert s.view.error.message_key == "error.queue_full"
    kit.outbox.fail_with = None
    s.retry()
    assert s.view.step is Step.RECEIPT
    assert kit.outbox.items[0]["payload"]["detail"] == "楼道灯不亮已有三天"


def test_progress_query_found_by_reference(kit):
    s = kit.session
    kit.hub.cases["C-2026-0042"] = finished_case()
    open_service(kit, "query.progress")
    s.set_field("reference", "T0001-000007")
    s.next()
    view = s.view
    assert view.step is Step.RESULT
    assert view.outcome.cases[0].case_id == "C-2026-0042"
    assert [e.status for e in view.outcome.cases[0].timeline] == ["received", "resolved"]
    assert view.online is True


def test_progress_query_by_card_without_reference(kit):
    s = kit.session
    kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [finished_case()]
    open_service(kit, "query.progress", card=RESIDENT)
    s.submit()
    assert s.view.step is Step.RESULT
    assert len(s.view.outcome.cases) == 1


def test_rating_by_card_lists_the_cases_that_can_be_rated_first(kit):
    """Walk 9, F2: five cases still in progress stood over the one finished case, two screens down
    (four in elder mode). The progress query keeps the hub's order (newest first)."""
    from dataclasses import replace

    s = kit.session
    received = replace(finished_case(case_id="C-NEW", ref="T0001-000009"), status="received", can_rate=False)
    kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [received, finished_case()]
    open_service(kit, "query.progress", card=RESIDENT)
    s.submit()
    assert [c.case_id for c in s.view.outcome.cases] == ["C-NEW", "C-2026-0042"]
    s.back()
    s.choose_service("rating.satisfaction")
    s.submit()
    assert s.view.step is Step.RESULT
    assert [c.case_id for c in s.view.outcome.cases] == ["C-2026-0042", "C-NEW"]


def test_progress_query_not_found_offers_retry_and_ticket(kit):
    s = kit.session
    open_service(kit, "query.progress")
    s.set_field("reference", "T0001-999999")
    s.submit()
    assert s.view.step is Step.FORM
    assert s.view.error.message_key == "error.not_found"
    assert set(s.view.error.ways_forward) >= {WayForward.RETRY, WayForward.TICKET}


def test_progress_query_with_hub_down_says_offline_and_offers_ticket(kit):
    s = kit.session
    kit.hub.down = True
    open_service(kit, "query.progress")
    s.set_field("reference", "T0001-000007")
    s.submit()
    view = s.view
    assert view.step is Step.FORM
    assert view.error.message_key == "error.service_offline"
    assert WayForward.TICKET in view.error.ways_forward
    assert view.online is False
    s.take_ticket()  # the way forward it offered
    assert s.view.step is Step.RESULT
    assert s.view.outcome.ticket.number == "L001"
    assert s.view.outcome.ticket_is_local is True


def test_window_ticket_from_the_hub_is_printed(kit):
    s = kit.session
    open_service(kit, "ticket.window")
    view = s.view
    assert view.step is Step.RESULT
    assert view.outcome.kind is ServiceKind.TICKET
    assert view.outcome.ticket.number == "A001" and view.outcome.ticket_is_local is False
    assert view.outcome.printed is True
    assert Title("A001") in kit.printer.printed[0].blocks  # the number the biggest thing on the slip


def test_take_ticket_from_a_form_puts_the_form_away_and_its_page_goes_back_to_it(kit):
    """Walk 13, M1: the bar's ticket, one tap beside 确定, threw a filled form away."""
    s = kit.session
    open_service(kit, "repair.public_area")
    s.set_field("phone", "13812345678")
    s.set_field("location", "8号楼")
    s.take_ticket()
    assert s.view.step is Step.RESULT
    assert s.view.fields == () and s.view.service.id == "ticket.window"
    assert s.view.outcome.ticket.number == "A001"
    assert s.view.parked_form == "公共区域报修"
    s.back()
    view = s.view
    assert view.step is Step.FORM and view.service.id == "repair.public_area" and view.parked_form is None
    values = {f.id: f.display for f in view.fields}
    assert values["phone"] == "13812345678" and values["location"] == "8号楼"


def test_a_form_put_away_for_a_ticket_is_wiped_when_the_session_ends(kit):
    s = kit.session
    open_service(kit, "repair.public_area")
    s.set_field("phone", "13812345678")
    form = s._form
    s.take_ticket()
    s.done()
    assert s.view.step is Step.ATTRACT and s._parked is None
    assert form.values == {}  # the kept form's own values gone, not only the session's hold on it


def test_a_ticket_from_a_form_with_nothing_typed_keeps_nothing(kit):
    s = kit.session
    open_service(kit, "repair.public_area")
    s.take_ticket()
    assert s.view.step is Step.RESULT and s.view.parked_form is None
    s.back()
    assert s.view.step is Step.CHOOSE


def test_rating_a_finished_case(kit):
    s = kit.session
    kit.hub.cases["C-2026-0042"] = finished_case()
    open_service(kit, "rating.satisfaction")
    s.set_field("reference", "C-2026-0042")
    s.submit()
    assert s.view.outcome.can_rate
    s.rate(5)
    assert kit.hub.ratings == [("C-2026-0042", 5)]
    assert s.view.outcome.rated_stars == 5 and not s.view.outcome.can_rate


def test_record_needs_card_prefills_from_it_and_prints_the_hub_record(kit):
    s = kit.session
    s.start()
    s.continue_without_card()
    s.choose_service("certificate.residence")
    assert s.view.step is Step.IDENTIFY and s.view.pending_service_id == "certificate.residence"
    s.card_inserted(RESIDENT)
    view = s.view
    assert view.step is Step.FORM
    name = next(f for f in view.fields if f.id == "name")
    id_field = next(f for f in view.fields if f.id == "id_number")
    assert (name.display, name.locked, name.value) == ("张*伟", True, None)
    assert id_field.display == "1101**********002X"
    s.set_field("name", "someone else")  # locked: nothing changes
    s.set_field("purpose", "school")
    s.next()
    assert s.view.step is Step.REVIEW
    s.submit()
    view = s.view
    assert view.step is Step.RESULT
    assert view.outcome.record.record_id == "R20261123-T0001-0001"
    assert view.outcome.printed is True
    service_id, subject = kit.hub.record_requests[0]
    assert (service_id, subject["name"], subject["purpose"]) == ("certificate.residence", "张三伟", "school")
    assert QrCode("https://hub.example.gov.cn/verify/R20261123-T0001-0001") in kit.printer.printed[0].blocks


def test_the_ticket_after_no_paper_tells_the_window_what_the_resident_came_for(kit):
    """Review: the ticket a refused print-out offers was a plain window ticket; the staff at the
    window are told it is for the certificate."""
    s = kit.session
    s.set_paper_out(True)
    s.start()
    s.continue_without_card()
    s.choose_service("certificate.residence")
    assert s.view.error.message_key == "error.record_no_paper"
    s.take_ticket()  # the way forward it offers
    assert s.view.step is Step.RESULT and s.view.outcome.ticket_for == "certificate.residence"


def test_a_certificate_is_not_issued_while_the_printer_is_out_of_paper(kit):
    """Walk 6, finding M5: with no paper the tile said "use the window", the certificate was issued
    anyway and the words asked the resident to load paper. Now the tap explains and offers the
    window (ticket, call staff); nothing is asked of the hub; paper again, the tile works."""
    s = kit.session
    s.set_paper_out(True)  # what the printer watch reports
    s.start()
    s.continue_without_card()
    for service_id in ("certificate.residence", "record.social_insurance"):
        s.choose_service(service_id)  # before the card is asked for
        view = s.view
        assert view.step is Step.CHOOSE and view.service is None
        assert view.error.message_key == "error.record_no_paper"
        assert view.error.ways_forward == (WayForward.TICKET, WayForward.CALL_STAFF)
    s.choose_service("repair.public_area")  # a service whose reference is on screen still opens
    assert s.view.step is Step.FORM and s.view.error is None
    s.cancel()
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("certificate.residence")
    assert s.view.error is not None
    s.set_paper_out(False)  # paper again: nothing to explain, the tile opens the form
    assert s.view.error is None
    s.choose_service("certificate.residence")
    s.set_field("purpose", "school")
    s.next()
    assert s.view.step is Step.REVIEW
    s.set_paper_out(True)  # ran out while the resident checked: the confirm does not issue
    s.submit()
    assert s.view.step is Step.REVIEW and s.view.error.message_key == "error.record_no_paper"
    assert kit.hub.record_requests == [] and kit.printer.printed == []
    s.set_paper_out(False)
    s.submit()
    assert s.view.step is Step.RESULT and s.view.outcome.printed is True
    assert len(kit.hub.record_requests) == 1


def test_notices_are_read_from_the_catalogue_without_the_hub(kit):
    kit.hub.down = True
    open_service(kit, "notices.community")
    view = kit.session.view
    assert view.step is Step.RESULT
    assert [n.id for n in view.outcome.notices][0] == "water-outage-1125"
    kit.session.set_language("en")
    assert kit.session.view.outcome.notices[0].title == "Water off on 25 November"


def test_card_error_stays_on_identify_with_a_way_forward(kit):
    s = kit.session
    s.card_inserted(CardExpired("expired"))
    assert s.view.step is Step.IDENTIFY
    assert s.view.error.message_key == "error.card_expired"
    assert WayForward.TICKET in s.view.error.ways_forward


def test_technician_card_is_not_a_resident(kit):
    s = kit.session
    s.start()
    s.card_inserted(TECHNICIAN)
    assert s.view.identity is None and s.view.technician_card is True


def test_elder_mode_from_any_step_shows_fewer_services_per_page(kit):
    s = kit.session
    s.start()
    s.continue_without_card()
    assert len(s.view.services) == 4 and s.view.page_count == 2
    s.page_next()
    s.set_mode(Mode.ELDER)
    view = s.view
    assert view.mode is Mode.ELDER and len(view.services) == 2
    assert view.page == 2 and view.page_count == 4  # the first service shown stays in view
    assert view.services[0].id == "ticket.window"


def test_language_switch_translates_catalogue_texts(kit):
    s = kit.session
    open_service(kit, "repair.public_area")
    s.set_language("en")
    assert s.view.service.title == "Report a repair in a public area"
    assert s.view.fields[0].label == "What is broken"


def test_call_staff_is_shown(kit):
    kit.session.start()
    kit.session.call_staff()
    assert kit.session.view.staff_called is True


def test_done_wipes_and_returns_to_attract(kit):
    s = kit.session
    open_service(kit, "repair.public_area", card=RESIDENT)
    fill_repair(s)
    s.next()
    s.submit()
    s.done()
    view = s.view
    assert view.step is Step.ATTRACT and view.outcome is None and view.identity is None


def test_a_refused_cards_message_goes_with_the_card(kit):
    """Walk 8, F7: "这张卡已过期" stayed on the identify screen after the card was taken out."""
    s = kit.session
    s.start()
    s.card_inserted(CardExpired("expired"))
    assert s.view.card_in_reader and s.view.error.message_key == "error.card_expired"
    s.card_removed()
    assert s.view.step is Step.IDENTIFY and s.view.error is None and not s.view.card_in_reader


def test_out_of_service_a_resident_can_still_take_a_window_ticket_and_it_ends_paused(kit):
    """Walk 8, F13: the paused screen sent residents to the window but offered no ticket."""
    from kiosk.session_view import OutOfServiceReason

    s = kit.session
    s.set_out_of_service(OutOfServiceReason.INTERNAL)
    assert s.ticket_while_paused()
    s.take_ticket()
    assert s.view.step is Step.RESULT and s.view.outcome.ticket is not None
    s.done()
    assert s.view.step is Step.OUT_OF_SERVICE  # still paused for the next one
    # going back from the ticket ends there too, never on the services (walk 9, F0: the paused
    # terminal's whole list, forms and all, one tap past the ticket)
    s.take_ticket()
    assert s.view.step is Step.RESULT and s.view.paused
    s.back()
    assert s.view.step is Step.OUT_OF_SERVICE
    s.set_out_of_service(None)
    assert not s.view.paused


def test_out_of_hours_or_not_enrolled_no_ticket_is_offered(kit):
    from kiosk.session_view import OutOfServiceReason

    s = kit.session
    for reason in (OutOfServiceReason.HOURS, OutOfServiceReason.NOT_ENROLLED):
        s.set_out_of_service(reason)
        assert not s.ticket_while_paused()
        s.take_ticket()
        assert s.view.step is Step.OUT_OF_SERVICE


def test_a_second_ticket_for_the_same_queue_in_one_visit_is_the_first_again(kit):
    """Walk 14 (high): back on the kept form, the staff panel's ticket printed B002, "1 ahead" being
    the resident's own B001."""
    s = kit.session
    open_service(kit, "repair.public_area")
    s.set_field("phone", "13812345678")
    s.take_ticket()
    first = s.view.outcome.ticket.number
    s.back()  # to the kept form
    s.take_ticket()
    view = s.view
    assert view.step is Step.RESULT and view.outcome.ticket.number == first
    assert view.outcome.ticket_again and kit.hub.tickets_issued == 1
    assert len(kit.printer.printed) == 1  # not printed twice either


def test_the_receipt_of_a_request_finished_after_a_ticket_names_the_ticket(kit):
    s = kit.session
    open_service(kit, "repair.public_area")
    s.set_field("phone", "13812345678")
    s.take_ticket()
    number = s.view.outcome.ticket.number
    s.back()
    for field_id, value in (("category", "lift"), ("location", "8号楼"), ("detail", "电梯坏了"), ("urgency", "normal")):
        s.set_field(field_id, value)
    s.next()
    s.submit()
    view = s.view
    assert view.step is Step.RECEIPT and view.tickets_taken == (number,)
    s.done()
    assert s.view.tickets_taken == ()  # the next visit has none
