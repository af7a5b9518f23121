"""The end of an elder session on the short displays (walk 3, findings 12, 14, 25, 26, 28; walk 5,
M5): the receipt, the ticket and the certificate fit one screen in every combination of their
panels (card still in, printed or not, staff called), in both languages; "staff are coming" never
covers the number and can be put away; the ticket says what it is for, on screen and on the slip,
and reminds to take the card."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from drivers.printer.model import KeyValue
from kiosk.session_view import Mode
from scripts.render_screens import REPAIR, open_played
from tests.fixtures.session_kit import RESIDENT
from tests.support.layout_check import actionable_places, layout_problems

SHORT = ((1280, 800), (1366, 768))
COMBINATIONS = list(itertools.product((False, True), repeat=3))  # card in, paper, staff called


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _receipt(card: bool, paper: bool, staff: bool):
    def scene(kit, _window) -> None:
        kit.printer.paper_out = not paper
        kit.session.set_online(True)
        kit.session.start()
        if card:
            kit.session.card_inserted(RESIDENT)
        else:
            kit.session.continue_without_card()
        kit.session.choose_service("repair.public_area")
        for field, value in REPAIR:
            kit.session.set_field(field, value)
        kit.session.set_field("phone", "13800138000")
        kit.session.next()
        kit.session.next()
        if staff:
            kit.session.call_staff()

    return scene


def _ticket(card: bool, paper: bool, staff: bool):
    def scene(kit, _window) -> None:
        kit.printer.paper_out = not paper
        kit.session.start()
        if card:
            kit.session.card_inserted(RESIDENT)
        kit.session.take_ticket()
        if staff:
            kit.session.call_staff()

    return scene


def _record(card: bool, paper: bool, staff: bool):
    """The residence certificate (a record: it needs the card, which may be taken out after)."""

    def scene(kit, _window) -> None:
        kit.printer.paper_out = not paper
        kit.session.start()
        kit.session.card_inserted(RESIDENT)
        kit.session.choose_service("certificate.residence")
        kit.session.set_field("purpose", "social_insurance")
        kit.session.next()
        kit.session.next()
        if not card:
            kit.session.card_removed()
        if staff:
            kit.session.call_staff()

    return scene


SCENES = {"receipt": _receipt, "ticket": _ticket, "record": _record}
# the certificate needs the card: taken out after, "take your card" goes, and with it the pair of
# panels; of those only the tallest (not printed, staff called) is walked (the suite's time)
WALKED = {
    "record": [c for c in COMBINATIONS if c[0] or c == (False, False, True)],
}


def _rect(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _settle(qapp) -> None:
    for _ in range(3):
        qapp.processEvents()


@pytest.mark.parametrize("kind", sorted(SCENES))
@pytest.mark.parametrize("size", SHORT, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_elder_outcome_fits_one_screen_in_every_combination(qapp, tmp_path, words, size, kind):
    found = []
    for language in ("zh", "en"):
        for card, paper, staff in WALKED.get(kind, COMBINATIONS):
            name = f"{kind}-card{int(card)}-paper{int(paper)}-staff{int(staff)}"
            scene = SCENES[kind](card, paper, staff)
            shown = open_played(
                name, scene, size, language, Mode.ELDER, tmp_path / f"{language}-{name}", words
            )
            try:
                window = shown.window
                view = shown.kit.session.view
                assert view.outcome is not None and view.outcome.printed is paper, name
                assert view.staff_called is staff and view.card_in_reader is card, name
                scrolls = window.current_screen().area.verticalScrollBar().maximum()
                if scrolls:
                    found.append(f"{name} {language}: scrolls {scrolls} px")
                found += [f"{name} {language}: {p}" for p in layout_problems(window)]
                assert not window.banner_layer.isVisible(), f"{name}: a banner lies over the outcome"
                shown_names = ["staff_called_text", "receipt_take_card_text", "print_text"]
                if kind == "record":  # the certificate's number and its name too (walk 5, M5: cut
                    # at the bottom edge; walk 7, N5: unnamed, in the smallest type)
                    shown_names += ["record_id", "record_id_heading"]
                    number = window.findChild(QLabel, "record_id")
                    assert number.font().pixelSize() >= window.current_screen().theme.title_px, name
                for shown_name in shown_names:
                    lab = window.findChild(QLabel, shown_name)
                    expected = {"staff_called_text": staff, "receipt_take_card_text": card}.get(
                        shown_name, True
                    )
                    assert (lab is not None and lab.isVisibleTo(window)) is expected, f"{name}: {shown_name}"
                assert (window.findChild(QPushButton, "receipt.reprint") is not None) is (not paper)
                if card:  # said as well as shown (the certificate never said it: walk 5, M5)
                    take = words.text(language, "receipt.take_card", elder=True)
                    assert take in window.current_screen().spoken(view), name
            finally:
                shown.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", [*SHORT, (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_staff_called_on_the_ticket_covers_no_number_moves_nothing_and_can_be_put_away(
    qapp, tmp_path, words, size, mode
):
    """Walk 3, finding 28: the banner over the ticket screen hid the number, had no close, stayed."""
    shown = open_played("ticket", _ticket(True, True, False), size, "zh", mode, tmp_path, words)
    try:
        window, session = shown.window, shown.kit.session
        before = actionable_places(window)
        number_at = _rect(window, window.findChild(QLabel, "ticket_number"))
        session.call_staff()
        _settle(qapp)
        text = window.findChild(QLabel, "staff_called_text")
        assert text is not None and text.isVisibleTo(window)
        assert not window.banner_layer.isVisible()
        number = window.findChild(QLabel, "ticket_number")
        assert _rect(window, number) == number_at, "the number moved"
        assert not _rect(window, text.parentWidget()).intersects(number_at)
        after = actionable_places(window)
        moved = [n for n, at in before.items() if n in after and after[n] != at]
        assert not moved, f"moved under the finger: {moved}"
        assert window.current_screen().area.verticalScrollBar().maximum() == 0
        window.findChild(QPushButton, "staff.dismiss").click()
        _settle(qapp)
        assert not session.view.staff_called
        assert window.findChild(QLabel, "staff_called_text") is None
    finally:
        shown.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_ticket_names_its_queue_on_screen_and_slip_and_asks_for_the_card(qapp, tmp_path, words, language):
    """Walk 3, findings 14 and 26: B001 from a repair receipt and A001 from the list, and nothing
    said which queue; the ticket screen no longer said the card was still in."""
    from_receipt = _receipt(True, True, False)

    def scene(kit, window) -> None:
        from_receipt(kit, window)
        kit.session.take_ticket()  # the elder bottom bar's 取号排队, on the repair receipt

    shown = open_played("receipt-then-ticket", scene, (1366, 768), language, Mode.ELDER, tmp_path, words)
    try:
        window = shown.window
        view = shown.kit.session.view
        repair = words.text(language, "result.ticket.for", service=view_title(shown, language))
        assert window.findChild(QLabel, "ticket_queue").text() == repair
        assert repair in window.current_screen().spoken(view)
        take = window.findChild(QLabel, "receipt_take_card_text")
        assert take is not None and take.isVisibleTo(window)
        assert words.text(language, "receipt.take_card", elder=True) in window.current_screen().spoken(view)
        slip = shown.kit.printer.printed[-1]
        rows = {b.key: b.value for b in slip.blocks if isinstance(b, KeyValue)}
        assert rows[{"zh": "办理事项", "en": "For"}[language]] == view_title(shown, language)
    finally:
        shown.close()
    window_ticket = open_played(
        "ticket", _ticket(False, True, False), (1366, 768), language, Mode.ELDER, tmp_path / "w", words
    )
    try:
        queue = window_ticket.window.findChild(QLabel, "ticket_queue").text()
        assert queue == words.text(language, "result.ticket.for_window")
        assert window_ticket.window.findChild(QLabel, "receipt_take_card_text") is None
    finally:
        window_ticket.close()


def view_title(shown, language: str) -> str:
    service = next(s for s in shown.kit.session.available_services() if s.id == "repair.public_area")
    return service.title.get(language)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_certificate_issued_offers_the_services_not_a_step_back(qapp, tmp_path, words, language):
    """Walk 5, L11: the certificate's result offered "返回上一步" as if into the finished form; it
    says where it goes, the list of services, and goes there without issuing it again."""
    shown = open_played("record", _record(True, True, False), (1280, 800), language, Mode.ELDER, tmp_path, words)
    try:
        session = shown.kit.session
        back = shown.window.findChild(QPushButton, "nav.back")
        assert back.text() == words.text(language, "nav.back_to_services", elder=True)
        back.click()
        _settle(qapp)
        assert session.view.step.value == "choose" and session.view.outcome is None
        assert len(shown.kit.hub.record_requests) == 1 and len(shown.kit.printer.printed) == 1
    finally:
        shown.close()
