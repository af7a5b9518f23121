"""A larger display is a larger screen, not a denser one (final findings 14, 16, 17): at 1920x1080
text, controls and tiles are drawn larger (ui/theme.py theme_for decides it from the display's
size, in one place), the form's fields use the width instead of scrolling, the receipt shows one QR
code, and on a portrait display the QR code's caption stands under the code. The reference
displays (1366x768, 1280x800 and portrait 1080x1920) keep their sizes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene
from ui.theme import ELDER, STANDARD, display_scale, theme_for
from ui.widgets import QrCodeWidget

NAMES = [name for name, _scene in SCENES]
FULL_HD = (1920, 1080)


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _shown(scene: str, size, mode: Mode, language: str, tmp_path, words):
    return open_scene(NAMES.index(scene), size, language, mode, tmp_path / f"{scene}-{language}", words)


def _left(widget, window) -> int:
    return widget.mapTo(window, widget.rect().topLeft()).x()


def test_the_display_decides_the_sizes_in_one_place():
    assert display_scale(1280, 800) == display_scale(1366, 768) == display_scale(1080, 1920) == 1.0
    assert display_scale(1920, 1080) == 1.4
    assert display_scale(2560, 1440) == pytest.approx(1.85)  # 1440 / 768, in steps of 0.05
    for base in (STANDARD, ELDER):
        assert theme_for(base.mode, (1366, 768)) is base  # the reference look, the same object
        large = theme_for(base.mode, FULL_HD)
        assert large is theme_for(base.mode, FULL_HD)  # cached: a window sees no change of theme
        assert (large.body_px, large.target_px, large.key_floor_px) == (
            round(base.body_px * 1.4),
            round(base.target_px * 1.4),
            round(base.key_floor_px * 1.4),
        )
        assert (large.items_per_page, large.palette) == (base.items_per_page, base.palette)
        assert large.on_reference(1080) == pytest.approx(1080 / 1.4)


def test_full_hd_draws_the_service_tiles_larger_and_pages_them_whole(qapp, tmp_path, words):
    """Before: the 1366x768 pixel sizes at 1920x1080 (small text in the top half, 300 px free)."""
    shown = _shown("choose", FULL_HD, Mode.STANDARD, "zh", tmp_path, words)
    try:
        window = shown.window
        assert window.theme.scale == 1.4
        tiles = [b for b in window.findChildren(QPushButton) if b.objectName().startswith("service:")]
        tiles = [b for b in tiles if b.isVisibleTo(window)]
        assert len(tiles) == len(shown.kit.session.view.services) == 6
        titles = [lab for t in tiles for lab in t.findChildren(QLabel) if lab.property("role") == "tile_title"]
        assert titles and min(lab.font().pixelSize() for lab in titles) >= round(STANDARD.button_px * 1.4)
    finally:
        shown.close()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_full_hd_shows_the_whole_form_without_scrolling(qapp, tmp_path, words, mode):
    """Before: the form scrolled at 1920x1080 ("Contact name" cut) beside half a screen of width."""
    shown = _shown("form", FULL_HD, mode, "en", tmp_path, words)
    try:
        window = shown.window
        screen = window.current_screen()
        qapp.processEvents()
        assert screen.area.verticalScrollBar().maximum() == 0
        rows = [b for b in window.findChildren(QPushButton) if b.objectName().startswith("field:")]
        assert len(rows) == len(shown.kit.session.view.fields) >= 6
        viewport = screen.area.viewport()
        for row in rows:
            top = row.mapTo(viewport, row.rect().topLeft()).y()
            assert 0 <= top and top + row.height() <= viewport.height(), row.objectName()
            assert row.height() >= theme_for(mode, FULL_HD).target_px
        assert len({_left(row, window) for row in rows}) == 2  # two columns of fields
    finally:
        shown.close()


def test_full_hd_receipt_shows_one_qr_code(qapp, tmp_path, words):
    """Before: the screen's QR code and the slip preview's side by side at 1920x1080."""
    shown = _shown("receipt-printed", FULL_HD, Mode.STANDARD, "zh", tmp_path, words)
    try:
        codes = [w for w in shown.window.findChildren(QrCodeWidget) if w.isVisibleTo(shown.window)]
        assert len(codes) == 1
    finally:
        shown.close()


@pytest.mark.parametrize("scene", ["receipt-printed", "receipt-offline-no-paper"])
def test_portrait_qr_caption_stands_under_its_code(qapp, tmp_path, words, scene):
    """Before: "Scan to follow progress" at the far left, under a QR code in the middle."""
    shown = _shown(scene, (1080, 1920), Mode.STANDARD, "en", tmp_path, words)
    try:
        window = shown.window
        codes = [w for w in window.findChildren(QrCodeWidget) if w.isVisibleTo(window)]
        caption = window.findChild(QLabel, "qr_caption")
        assert len(codes) == 1 and caption is not None and caption.isVisibleTo(window)
        code_middle = _left(codes[0], window) + codes[0].width() / 2
        words_px = caption.fontMetrics().horizontalAdvance(caption.text())
        if caption.alignment() & Qt.AlignmentFlag.AlignHCenter:
            words_middle = _left(caption, window) + caption.width() / 2
        else:
            words_middle = _left(caption, window) + words_px / 2
        assert abs(words_middle - code_middle) <= 8, (words_middle, code_middle)
    finally:
        shown.close()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_portrait_number_pad_and_date_use_the_height(qapp, tmp_path, words, mode):
    """Before: the pad's keys and the date's +/- at their landscape floor (72 px) under ~800 px of
    empty screen on a 1080x1920 display."""
    base = theme_for(mode)
    for scene, prefix in (("editor-digits", "key:"), ("editor-date", "date:")):
        shown = _shown(scene, (1080, 1920), mode, "zh", tmp_path, words)
        try:
            window = shown.window
            keys = [b for b in window.findChildren(QPushButton) if b.objectName().startswith(prefix)]
            keys = [b for b in keys if b.isVisibleTo(window)]
            assert len(keys) >= 6, scene
            assert min(b.height() for b in keys) >= 2 * base.key_px, scene
        finally:
            shown.close()


def test_portrait_elder_review_keeps_its_bar_in_one_row(qapp, tmp_path, words):
    """Before: 确认提交 alone on a second row at the very bottom of a 1080x1920 display."""
    shown = _shown("review", (1080, 1920), Mode.ELDER, "zh", tmp_path, words)
    try:
        window = shown.window
        bar = [b for b in window.bottom_bar.findChildren(QPushButton) if b.isVisibleTo(window)]
        names = {b.objectName() for b in bar}
        assert {"nav.back", "nav.cancel", "bar.ticket", "nav.submit"} <= names
        tops = {b.mapTo(window, b.rect().topLeft()).y() for b in bar}
        assert len(tops) == 1, tops
        submit = window.findChild(QPushButton, "nav.submit")
        assert max(_left(b, window) for b in bar) == _left(submit, window)  # the main action last
    finally:
        shown.close()
