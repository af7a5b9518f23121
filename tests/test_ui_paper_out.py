"""Paper out before and after (walk 3, findings 23 and 25): print-out services say on their card
that they cannot print now and where to go; the review warns before Submit; "print again" that
fails again says it tried; the printer watch that sees paper again turns the red box into "it can
print now" without a tap."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from kiosk.executor import SynchronousExecutor
from kiosk.session_view import Mode
from scripts.render_screens import REPAIR, open_played
from tests.fixtures.session_kit import RESIDENT
from tests.support.layout_check import layout_problems
from ui.line_breaks import WORD_JOINER
from ui.printer_watch import PrinterWatch


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _settle(qapp) -> None:
    for _ in range(3):
        qapp.processEvents()


def _watch(kit) -> PrinterWatch:
    """The terminal's printer watch over the kit's printer (asked at once, no timer)."""
    return PrinterWatch(kit.printer, SynchronousExecutor(), kit.session)


def _list(kit, _window) -> None:
    kit.printer.paper_out = True
    _watch(kit).check()
    kit.session.start()
    kit.session.card_inserted(RESIDENT)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_print_out_services_say_they_cannot_print_now(qapp, tmp_path, words, mode, language):
    shown = open_played("choose-no-paper", _list, (1366, 768), language, mode, tmp_path, words)
    try:
        window, session = shown.window, shown.kit.session
        assert session.view.paper_out
        badge = words.text(language, "choose.no_paper", elder=mode is Mode.ELDER)
        tiles = {s.id: window.findChild(QPushButton, f"service:{s.id}") for s in session.view.services}
        marked = {sid for sid, tile in tiles.items() if tile is not None and badge in tile.accessibleName()}
        assert "certificate.residence" in marked
        assert "repair.public_area" not in marked  # its reference is on screen: no slip needed
        assert not layout_problems(window)
        shown.kit.printer.paper_out = False
        _watch(shown.kit).check()
        _settle(qapp)
        tile = window.findChild(QPushButton, "service:certificate.residence")
        assert badge not in tile.accessibleName()
    finally:
        shown.close()


def _review(kit, _window) -> None:
    kit.printer.paper_out = True
    _watch(kit).check()
    kit.session.start()
    kit.session.continue_without_card()
    kit.session.choose_service("repair.public_area")
    for field, value in REPAIR:
        kit.session.set_field(field, value)
    kit.session.set_field("phone", "13800138000")
    kit.session.next()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_the_review_warns_that_no_receipt_will_print(qapp, tmp_path, words, mode, language):
    shown = open_played("review-no-paper", _review, (1280, 800), language, mode, tmp_path, words)
    try:
        text = shown.window.findChild(QLabel, "review_no_paper_text")
        assert text is not None and text.isVisibleTo(shown.window)
        assert text.text() == words.text(language, "review.no_paper", elder=mode is Mode.ELDER)
        assert not layout_problems(shown.window)
    finally:
        shown.close()


def _read(window) -> str:
    """The print state as read (the joiners that steer its line breaks left out)."""
    return window.findChild(QLabel, "print_text").text().replace(WORD_JOINER, "")


def test_print_again_reacts_and_the_watch_sees_the_paper_back(qapp, tmp_path, words):
    def scene(kit, window) -> None:
        _review(kit, window)
        kit.session.next()  # submit: the receipt does not print

    shown = open_played("receipt-no-paper", scene, (1366, 768), "zh", Mode.ELDER, tmp_path, words)
    try:
        window, kit = shown.window, shown.kit
        first = _read(window)
        assert "刚才又试了一次" not in first
        window.findChild(QPushButton, "receipt.reprint").click()  # still no paper
        _settle(qapp)
        again = _read(window)
        assert again != first and again.startswith(words.text("zh", "receipt.still_not_printed"))
        kit.printer.paper_out = False  # refilled; nobody taps
        _watch(kit).check()
        _settle(qapp)
        assert _read(window) == words.text("zh", "receipt.paper_back")
        assert window.current_screen().area.verticalScrollBar().maximum() == 0
        window.findChild(QPushButton, "receipt.reprint").click()
        _settle(qapp)
        assert kit.printer.printed, "nothing printed after the refill"
        assert _read(window) == words.text(
            "zh", "receipt.printed", elder=True
        )
    finally:
        shown.close()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_a_print_out_tapped_without_paper_explains_and_offers_the_window(qapp, tmp_path, words, mode, language):
    """Walk 6, finding M5: the tile carried "no paper: use the window" and the tap went on to issue
    the certificate. Now the tap says it cannot be issued here now, offers a ticket and staff, and
    asks nothing of the hub."""
    shown = open_played("choose-no-paper", _list, (1280, 800), language, mode, tmp_path, words)
    try:
        window, kit = shown.window, shown.kit
        window.findChild(QPushButton, "service:certificate.residence").click()
        _settle(qapp)
        assert kit.session.view.step.value == "choose" and kit.hub.record_requests == []
        text = window.findChild(QLabel, "error_text")
        assert text is not None and text.isVisibleTo(window)
        if mode is Mode.ELDER:
            # elder mode's bars hold the ticket and call staff: one line of words names those two
            # buttons, no second pair in the banner (kiosk issue 9: it lay over the row of tiles)
            ways = ("bar.ticket", "bar.help")
            named = [window.findChild(QPushButton, way).text() for way in ways]
            read = text.text().replace(WORD_JOINER, "").replace("\u00a0", " ")  # as it reads
            assert read == words.text(
                language, "error.record_no_paper.bars", elder=True, ticket=named[0], staff=named[1]
            )
            assert all(name in read for name in named)
            assert all(window.findChild(QPushButton, w) is None for w in ("way.ticket", "way.call_staff"))
        else:
            ways = ("way.ticket", "way.call_staff")
            assert text.text() == words.text(language, "error.record_no_paper")
        for way in ways:
            tap = window.findChild(QPushButton, way)
            assert tap is not None and tap.isVisibleTo(window) and tap.isEnabled()
        assert not layout_problems(window)
        window.findChild(QPushButton, ways[0]).click()  # the way forward works: a ticket
        _settle(qapp)
        assert kit.session.view.outcome is not None and kit.session.view.outcome.ticket is not None
    finally:
        shown.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_paper_out_words_send_the_resident_to_staff_never_to_load_paper(words, language):
    window = {"zh": "人工窗口", "en": "staffed window"}[language]
    for key in ("receipt.not_printed_record", "review.no_paper_record", "error.record_no_paper"):
        for elder in (False, True):
            text = words.text(language, key, elder=elder)
            assert window in text, (key, text)
            assert not any(w in text.lower() for w in ("装好纸后", "装纸", "once there is paper", "load paper")), text


SIZES = [(1280, 800), (1366, 768), (1920, 1080), (1080, 1920)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_the_list_says_the_paper_is_out_and_where_to_go_before_any_tap(qapp, tmp_path, words, mode, language, size):
    """Walk 10, M2: with the paper out, the room kept under the tiles for the banner stood empty —
    one row of tiles over a blank band, nothing said until a print-out was tapped, and the window's
    ticket on another page. The band says it now, with its ways forward, under the tiles, whole."""
    shown = open_played("choose-no-paper", _list, size, language, mode, tmp_path, words)
    try:
        window, kit = shown.window, shown.kit
        band = window.findChild(QWidget, "paper_band")
        notice = window.findChild(QWidget, "paper_notice")
        assert band is not None and notice is not None and notice.isVisibleTo(window)
        top = notice.mapTo(window, notice.rect().topLeft()).y()
        bottom = notice.mapTo(window, notice.rect().bottomLeft()).y()
        band_bottom = band.mapTo(window, band.rect().bottomLeft()).y()
        assert bottom <= band_bottom, "the notice is cut by its band"
        tiles = [t for t in window.findChildren(QPushButton) if t.objectName().startswith("service:") and t.isVisible()]
        assert tiles and all(t.mapTo(window, t.rect().bottomLeft()).y() < top for t in tiles)
        assert not layout_problems(window), layout_problems(window)
        if mode is Mode.ELDER:  # the bars hold the ticket and call staff: the words name them
            assert "bar.ticket" in {b.objectName() for b in window.findChildren(QPushButton) if b.isVisible()}
        else:
            # said as well as shown, for a resident who listens
            assert words.text(language, "choose.paper_notice") in window.current_screen().spoken(kit.session.view)
            window.findChild(QPushButton, "paper_notice.ticket").click()  # its way forward works
            _settle(qapp)
            assert kit.session.view.outcome is not None and kit.session.view.outcome.ticket is not None
    finally:
        shown.close()


def _rect(widget, window) -> tuple[int, int, int, int]:
    at = widget.mapTo(window, widget.rect().topLeft())
    return at.x(), at.y(), widget.width(), widget.height()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_a_print_out_tapped_turns_the_notice_into_the_refusal_in_its_place(qapp, tmp_path, words, mode, language, size):
    """Walk 12: the tap laid a red banner over the yellow notice's place, 8 px higher, so its ways
    moved under the finger and it looked as if nothing had happened. The refusal stands where the
    notice stood, as tall, the ways where they were; one of the two, never both."""
    shown = open_played("choose-no-paper", _list, size, language, mode, tmp_path, words)
    try:
        window = shown.window
        notice = window.findChild(QWidget, "paper_notice")
        # every size the terminal ships for keeps the room (the list's pages are sized with it taken)
        assert notice is not None and notice.isVisibleTo(window), "no paper notice under the tiles"
        before = _rect(notice, window)
        ways_before = sorted(
            _rect(b, window)[:2] for b in notice.findChildren(QPushButton) if b.isVisibleTo(window)
        )
        assert window.findChild(QLabel, "paper_notice_text").text() != words.text(language, "error.record_no_paper")
        window.findChild(QPushButton, "service:certificate.residence").click()
        _settle(qapp)
        text = window.findChild(QLabel, "error_text")
        assert text is not None and text.isVisibleTo(window)
        panel = text.parentWidget()
        assert _rect(panel, window) == before
        ways_after = sorted(_rect(b, window)[:2] for b in panel.findChildren(QPushButton) if b.isVisibleTo(window))
        assert ways_after == ways_before
        shown_notice = window.findChild(QWidget, "paper_notice")
        assert shown_notice is None or not shown_notice.isVisibleTo(window)  # the same place, once
        banners = window.findChild(QWidget, "banner_layer")
        assert not banners.isVisible() or not banners.findChildren(QLabel, "error_text")
        assert not layout_problems(window), layout_problems(window)
    finally:
        shown.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_elder_paper_words_never_break_a_buttons_name(qapp, tmp_path, words, language):
    """Walk 10, M2: in elder portrait the words read '"Call' over 'staff"'."""
    from tests.test_ui_portrait import _lines

    shown = open_played("choose-no-paper", _list, (1080, 1920), language, Mode.ELDER, tmp_path, words)
    try:
        window = shown.window
        text = window.findChild(QLabel, "paper_notice_text")
        assert text is not None and text.isVisibleTo(window)
        lines = [line.replace("\u00a0", " ") for line in _lines(text)]
        for name in (window.findChild(QPushButton, b).text() for b in ("bar.ticket", "bar.help")):
            assert any(name in line for line in lines), (name, lines)
    finally:
        shown.close()


def test_elder_tiles_a_page_with_the_paper_out_at_the_demo_size(qapp, tmp_path, words):
    """Walk 10, M2: elder mode at 1280x800 showed two tiles a page over four pages while the paper
    was out (four with paper): the elder "no paper" badge was wider than a third of the row."""

    def with_paper(kit, _window) -> None:
        kit.session.start()
        kit.session.card_inserted(RESIDENT)

    counts = []
    for scene in (with_paper, _list):
        shown = open_played("choose", scene, (1280, 800), "zh", Mode.ELDER, tmp_path, words)
        try:
            counts.append(len(shown.kit.session.view.services))
            assert not layout_problems(shown.window), layout_problems(shown.window)
        finally:
            shown.close()
    assert counts[1] >= counts[0] - 1 and counts[1] >= 3, counts
