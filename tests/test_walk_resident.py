"""Walking the whole terminal as a resident (the real composition: ui.app.build_terminal, the
reference hub, a real outbox, the simulated card reader and printer) at 1280x800 and 1920x1080, in
Chinese and English. Every step checks that no screen shows a raw message key."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.session_view import Step
from offline_queue.local_ref import LocalRef
from tests.fixtures.kiosk_ui import KioskDriver
from tests.fixtures.walking import MATRIX, choose, enter_reference, fill_repair, on_display, say, step


def seed_card_cases(k: KioskDriver) -> None:
    from hub.__main__ import seed_demo_cases
    from hub.store import HubStore
    from kiosk.secrets import card_hash_salt
    from kiosk.services import card_hash

    store = HubStore(k.hub.db_path)
    try:  # the demo resident card's cases, by the fleet's salted hash
        seed_demo_cases(store, card_hash("6200000000001234", card_hash_salt("T0001")))
    finally:
        store.close()


def walk_repair_report(k: KioskDriver, label: str, capsys) -> None:
    k.tap("attract.start")
    step(k, Step.IDENTIFY)
    k.tap("identify.without_card")
    step(k, Step.CHOOSE)
    fill_repair(k, phone="13800138000")
    k.tap("nav.next")
    step(k, Step.REVIEW)
    # the phone number the resident just typed, in full, so they can check it (item 9)
    assert k.text_of("review:phone") == "13800138000"
    k.tap("nav.submit")
    step(k, Step.RECEIPT)
    ref = k.view.outcome.local_ref
    assert k.text_of("reference") == ref
    # the note follows the outbox: once the hub has the case, the screen says so (item 6)
    k.wait(lambda: k.text_of("queue_note") == say(k, "receipt.delivered"))
    assert k.terminal.outbox.states([ref])[ref] == "acked"
    k.wait(lambda: k.view.outcome.printed is True)
    taps = k.taps
    k.tap("nav.done")
    step(k, Step.ATTRACT)
    with capsys.disabled():
        print(f"\n[walk] repair report without a card, {label}: {taps} taps")


def walk_residence_certificate(k: KioskDriver, label: str, capsys) -> None:
    before = k.taps
    k.tap("attract.start")
    step(k, Step.IDENTIFY)
    k.terminal.card_reader.insert("resident")
    step(k, Step.CHOOSE)
    choose(k, "certificate.residence")
    step(k, Step.FORM)
    purpose = next(f for f in k.view.fields if f.id == "purpose")
    k.open_field("purpose")
    k.tap(f"choice:purpose:{purpose.choices[0].value}")  # the one field left: on to the check
    step(k, Step.REVIEW)
    assert "*" in k.text_of("review:id_number")  # from the card: masked
    k.tap("nav.submit")
    step(k, Step.RESULT)
    k.wait(lambda: k.view.outcome.printed is True)
    # the number on the screen is the one on the slip and in its QR (walk 6, finding M6)
    number = k.view.outcome.record.record_id
    assert re.fullmatch(r"R\d{8}-T0001-\d{4}", number)
    k.wait(lambda: any(w.text() == number for w in k.window.findChildren(QLabel) if w.isVisible()))
    slip = max(k.terminal.printer.folder.glob("*.bin"), key=lambda p: int(p.stem)).read_bytes()
    assert number.encode("ascii") in slip and slip.count(number.encode("ascii")) >= 2  # footer + QR
    taps = k.taps - before
    k.tap("nav.done")
    step(k, Step.ATTRACT)
    # the card is still in: the last step says take it (item 6)
    assert k.text_of("take_card") == say(k, "attract.take_card")
    with capsys.disabled():
        print(f"\n[walk] residence certificate with the card, {label}: {taps} taps (card inserted once)")
    # the next start with the card still in goes straight on, without asking for a card
    k.tap("attract.start")
    step(k, Step.CHOOSE)
    assert k.view.identity is not None
    k.tap("nav.cancel")
    step(k, Step.ATTRACT)
    k.terminal.card_reader.remove()
    k.wait(lambda: k.view.card_in_reader is False)
    assert k.lacks_button("take_card")


def walk_query_by_reference(k: KioskDriver) -> None:
    from hub.__main__ import DEMO_CASES

    seed_card_cases(k)
    case_id, ref = DEMO_CASES[1][0], DEMO_CASES[1][1]
    typo = ref[:-1] + ("0" if ref[-1] != "0" else "1")  # a wrong check digit
    k.tap("attract.start")
    k.tap("identify.without_card")
    step(k, Step.CHOOSE)
    choose(k, "query.progress")
    step(k, Step.FORM)
    reference = k.view.fields[0]
    assert reference.input == "reference"
    shown = re.search(r"T\d{4}-[\w-]+", reference.hint).group(0).rstrip(";；")
    assert str(LocalRef.parse(shown)) == shown  # the hint shows the real format
    enter_reference(k, typo.lower())  # the one field: OK asks at once (no "next")
    k.wait(lambda: k.view.fields[0].error_key == "field.bad_reference")
    assert k.text_of("error:reference") == say(k, "field.bad_reference")
    k.open_field("reference")
    for _ in typo:
        k.tap("key:backspace")
    for ch in ref.lower():
        k.tap(f"key:{ch}")
    k.tap("form.ok")
    step(k, Step.RESULT)
    assert k.text_of(f"case_status:{case_id}") == say(k, "status.in_progress")
    k.tap("nav.done")
    step(k, Step.ATTRACT)


@pytest.mark.parametrize(("size", "language"), MATRIX)
def test_walk_repair_report_certificate_and_query_by_reference(walk, size, language, capsys):
    """The main flows, full matrix: one terminal, one resident after the other."""
    k = walk(size, language)
    label = f"{size[0]}x{size[1]} {language}"
    walk_repair_report(k, label, capsys)
    walk_residence_certificate(k, label, capsys)
    walk_query_by_reference(k)


@pytest.mark.parametrize(("size", "language"), MATRIX[1:3])
def test_walk_rating_a_named_case_then_a_ticket_from_help(walk, size, language):
    k = walk(size, language)
    seed_card_cases(k)
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    step(k, Step.CHOOSE)
    choose(k, "rating.satisfaction")
    step(k, Step.FORM)
    k.tap("nav.next")
    step(k, Step.RESULT)
    rateable = [c for c in k.view.outcome.cases if c.can_rate]
    assert len(rateable) >= 2  # a repair here and another terminal's meal sign-up
    assert k.text_of("rate_pick") == say(k, "result.rate.pick")
    assert on_display(k, "rate_pick")  # not under the list of cases, out of sight
    assert k.lacks_button("rate:5")  # nothing is rated before the resident says which
    repair = next(c for c in rateable if c.service_id == "repair.public_area")
    k.tap(f"rate_case:{repair.case_id}")
    title = k.terminal.session.catalogue.service("repair.public_area").title.get(language)
    heading = say(k, "result.rate.which", service=title, ref=repair.local_ref)
    k.wait(lambda: k.text_of("rate_heading") == heading)
    k.wait(lambda: on_display(k, "rate:5") and on_display(k, "rate_send"))  # the stars in the tapped case's card, "send" in the bottom bar
    k.tap("rate:4")
    k.wait(lambda: k.view.outcome.chosen_stars == 4)
    k.tap("rate_send")  # a star only picks: "send rating" sends (item 14)
    k.wait(lambda: k.view.outcome.rated_stars == 4)
    assert k.view.outcome.rated_case_id == repair.case_id
    thanks = say(k, "result.rated_case", service=title, ref=repair.local_ref, n=4, words=say(k, "result.rate.words.4"))
    k.wait(lambda: k.text_of("rated_text") == thanks)
    k.tap("nav.done")
    step(k, Step.ATTRACT)
    k.terminal.card_reader.remove()
    # a ticket from the help button; its time printed in local time, human format
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    k.tap("staff.ticket")
    step(k, Step.RESULT)
    assert k.text_of("ticket_number") == k.view.outcome.ticket.number
    k.wait(lambda: k.view.outcome.printed is True)
    time_row = next(b for b in k.view.outcome.receipt.blocks if getattr(b, "key", "") in ("时间", "Time"))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", time_row.value)


def walk_query_offline(k: KioskDriver) -> None:
    """A query the network is needed for, asked offline (final review, finding 1): the field's name
    and the reference stay in view beside what happened and its ways forward, with no "next" that
    would only fail again; going to change the reference gives the keys the screen whole."""
    from PySide6.QtCore import QPoint, QRect

    def rect(name: str) -> QRect:
        widget = next(w for w in k.window.findChildren(QWidget, name) if w.isVisible())
        return QRect(widget.mapTo(k.window, QPoint(0, 0)), widget.size())

    reference = str(LocalRef("T0001", 9, 7))
    choose(k, "query.progress")
    step(k, Step.FORM)
    enter_reference(k, reference)
    k.wait(lambda: k.view.error is not None)
    assert k.text_of("error_text") == say(k, k.view.error.message_key)  # what happened, in words
    for way in ("way.ticket", "way.retry", "way.call_staff"):
        assert on_display(k, way), way
    assert k.lacks_button("nav.next")
    # once the banner has its place (it is placed after the bars, at the next turn of the loop)
    k.wait(lambda: on_display(k, "field:reference") and not rect("field:reference").intersects(rect("banner_layer")))
    assert reference in " ".join(lab.text() for lab in k.window.findChildren(QLabel) if lab.isVisible())
    k.tap("field:reference")
    k.wait(lambda: k.view.error is None)
    k.wait(lambda: on_display(k, "title") and on_display(k, "keyboard_text"))  # once laid out again
    k.tap("form.keep")  # the editor's one way back: to the form's list (walk 5, L12)
    k.tap("nav.back")  # the service list again: the repair is what this resident came for
    step(k, Step.CHOOSE)


@pytest.mark.parametrize(("size", "language"), MATRIX[::3])
def test_walk_offline_submit_with_paper_out_reprint_and_later_delivery(walk, size, language):
    k = walk(size, language)
    k.wait(lambda: k.terminal.background is not None)
    k.hub.stop()
    k.terminal.refresh_catalogue()
    k.wait(lambda: k.view.online is False)
    k.terminal.printer.paper_out = True
    k.tap("attract.start")
    k.tap("identify.without_card")
    step(k, Step.CHOOSE)
    walk_query_offline(k)
    fill_repair(k)
    k.tap("nav.next")
    step(k, Step.REVIEW)
    k.tap("nav.submit")
    step(k, Step.RECEIPT)
    ref = k.view.outcome.local_ref
    assert k.text_of("queue_note") == say(k, "receipt.queued_offline")
    k.wait(lambda: k.view.outcome.printed is False)
    assert k.text_of("reference") == ref  # the reference stays on screen
    k.terminal.printer.paper_out = False
    k.tap("receipt.reprint")
    k.wait(lambda: k.view.outcome.printed is True)
    assert k.text_of("print_text") == say(k, "receipt.printed")
    k.hub.start()
    k.wait(lambda: k.terminal.outbox.states([ref])[ref] == "acked", timeout=60_000)
    k.wait(lambda: k.text_of("queue_note") == say(k, "receipt.delivered"))


@pytest.mark.parametrize(("size", "language"), MATRIX[1:3])
def test_walk_card_removed_mid_form_then_an_expired_card(walk, size, language):
    k = walk(size, language)
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    step(k, Step.CHOOSE)
    choose(k, "repair.public_area")
    step(k, Step.FORM)
    k.open_field("category")
    k.tap("choice:category:lighting")
    k.terminal.card_reader.remove()
    step(k, Step.ATTRACT)
    assert k.text_of("end_reason_text") == say(k, "attract.ended.card_removed")
    k.tap("attract.start")
    step(k, Step.IDENTIFY)
    k.terminal.card_reader.insert("expired")
    k.wait(lambda: k.view.error is not None)
    assert k.text_of("error_text") == say(k, k.view.error.message_key)
    k.terminal.card_reader.remove()
    k.tap("identify.without_card")
    step(k, Step.CHOOSE)
