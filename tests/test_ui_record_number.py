"""A certificate's number is named and large (walk 7, N5: after a residence certificate was issued
the screen showed `R<day>-<terminal>-<n>` with nothing saying what it was, in the smallest type on
the screen, and the slip printed it as an unnamed footer; it is what staff ask for)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from drivers.printer.model import Line, Title
from kiosk.receipts import record_receipt
from kiosk.session_view import Mode
from scripts.render_screens import open_scene
from tests.fixtures.session_kit import FakeHub
from tests.support.scenes import scene_index, window_rect

SIZES = ((1920, 1080), (1080, 1920), (1280, 800), (1366, 768))


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_certificate_number_is_named_and_the_largest_text_under_the_title(
    qapp, tmp_path, words, size, mode, language
):
    shown = open_scene(scene_index("result-record"), size, language, mode, tmp_path, words)
    try:
        window = shown.window
        screen = window.current_screen()
        record = shown.kit.session.view.outcome.record
        title = record.title[language]
        number = window.findChild(QLabel, "record_id")
        heading = window.findChild(QLabel, "record_id_heading")
        assert number is not None and number.text() == record.record_id
        assert heading is not None and heading.isVisibleTo(window), "the number has no name"
        assert heading.text() == words.text(language, "result.record.number", title=title)
        # next to the number: on its left on the same line, or over it
        at, named = window_rect(window, number), window_rect(window, heading)
        left_of = named.right() < at.left() and named.top() < at.bottom() and at.top() < named.bottom()
        over = named.bottom() <= at.top() + 2 and at.top() - named.bottom() < screen.theme.spacing_px * 2
        assert left_of or over, (named, at)
        # all of it in view and large: at least the title's size, bold, over every row of the record
        viewport = window_rect(window, screen.area.viewport())
        assert viewport.contains(at), "the number is not all in view"
        assert number.fontMetrics().horizontalAdvance(number.text()) <= number.contentsRect().width()
        assert number.font().bold() and number.font().pixelSize() >= screen.theme.title_px
        rows = [lab for lab in screen.content.findChildren(QLabel) if lab.objectName().startswith("record_row:")]
        assert rows and all(number.font().pixelSize() > lab.font().pixelSize() for lab in rows)
        # and said: "居住证明编号是 R 2 0 2 6 …"
        assert " ".join(record.record_id) in screen.spoken(shown.kit.session.view)
    finally:
        shown.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_printed_certificate_names_its_number_at_title_size(
    escpos_test_printer, network_printer_config, language
):
    """Printed by the real driver to the test printer and read back from the bytes it received."""
    from tests.support.escpos_decode import printed_by_driver

    record = FakeHub().issue_record("certificate.residence", {})
    document = record_receipt(record, language=language)
    named = {"zh": "居住证明编号", "en": "Residence certificate number"}[language]
    at = document.blocks.index(Title(record.record_id))
    assert document.blocks[at - 1] == Line(named, align="center")
    lines = printed_by_driver(document, network_printer_config, escpos_test_printer)
    texts = [line.text for line in lines]
    printed = next(line for line in lines if line.text == record.record_id)
    assert texts[texts.index(record.record_id) - 1] == named
    assert printed.width >= 2 and printed.height >= 2
