"""The receipt and the panels over it (walk findings 10, 12, 15): the elder reference at the theme's
huge size on the short displays, "staff are coming" and the inactivity warning covering nothing a
resident reads, and "take your card" on the receipt while the card is still in (said, too)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.session_view import Mode
from scripts.render_screens import open_scene
from tests.support.scenes import scene_index, window_rect
from ui.line_breaks import WORD_JOINER
from ui.theme import ELDER

SHORT = ((1280, 800), (1366, 768))


def _visible_rect(window: QWidget, widget: QWidget) -> QRect:
    """The part of `widget` inside the screen's scroll viewport (what the resident sees of it)."""
    screen = window.current_screen()
    return window_rect(window, widget).intersected(window_rect(window, screen.area.viewport()))


def _screen_labels(window) -> list[QLabel]:
    screen = window.current_screen()
    return [
        lab
        for lab in screen.content.findChildren(QLabel)
        if lab.isVisibleTo(window) and lab.text().strip() and not _visible_rect(window, lab).isEmpty()
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", SHORT, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_elder_reference_is_the_huge_size_and_fits(qapp, tmp_path, words, size, language):
    shown = open_scene(scene_index("receipt-printed"), size, language, Mode.ELDER, tmp_path, words)
    try:
        window = shown.window
        ref = window.findChild(QLabel, "reference")
        assert ref.font().pixelSize() >= ELDER.huge_px
        seen = _visible_rect(window, ref)
        assert seen == window_rect(window, ref), "the reference is not all in view"
        assert ref.fontMetrics().horizontalAdvance(ref.text()) <= ref.contentsRect().width()
    finally:
        shown.close()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", [*SHORT, (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_staff_called_on_the_receipt_covers_nothing(qapp, tmp_path, words, size, mode):
    shown = open_scene(scene_index("receipt-staff-called"), size, "zh", mode, tmp_path, words)
    try:
        window = shown.window
        text = window.findChild(QLabel, "staff_called_text")
        assert text is not None and not _visible_rect(window, text).isEmpty(), "staff called not shown"
        if window.banner_layer.isVisible():
            layer = window_rect(window, window.banner_layer)
            covered = [
                lab.text() for lab in _screen_labels(window) if layer.intersects(_visible_rect(window, lab))
            ]
            assert not covered, f"the banner covers {covered}"
        for name in ("reference", "reference_heading"):
            lab = window.findChild(QLabel, name)
            assert _visible_rect(window, lab) == window_rect(window, lab), f"{name} not all in view"
    finally:
        shown.close()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("scene", ["inactivity-warning", "receipt-printed"])
def test_the_inactivity_warning_covers_no_words_of_the_screen(qapp, tmp_path, words, scene, mode):
    """It lies over the bottom bar (whose buttons a tap cannot reach while it shows): the title and
    whatever the resident was reading stay in view (walk finding 10: the title and the hotline)."""
    shown = open_scene(scene_index(scene), (1280, 800), "zh", mode, tmp_path, words)
    try:
        if shown.kit.session.view.warning is None:
            shown.kit.clock.advance(1000)
            shown.kit.session.tick()
            for _ in range(3):
                qapp.processEvents()
        window = shown.window
        warning = window.findChild(QWidget, "inactivity_warning")
        assert warning is not None and warning.isVisible()
        layer = window_rect(window, warning)
        covered = [
            lab.text() for lab in _screen_labels(window) if layer.intersects(_visible_rect(window, lab))
        ]
        assert not covered, f"the warning covers {covered}"
        assert window.in_banner(window.findChild(QWidget, "warning.extend"))
    finally:
        shown.close()


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", [*SHORT, (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_receipt_asks_to_take_the_card_while_it_is_in(qapp, tmp_path, words, size, mode, language):
    shown = open_scene(scene_index("receipt-card-in"), size, language, mode, tmp_path, words)
    try:
        window = shown.window
        view = shown.kit.session.view
        elder = mode is Mode.ELDER
        expected = words.text(language, "receipt.take_card", elder=elder)
        text = window.findChild(QLabel, "receipt_take_card_text")
        assert text is not None and text.text().replace(WORD_JOINER, "") == expected
        assert _visible_rect(window, text) == window_rect(window, text), "take your card is not in view"
        assert expected in window.current_screen().spoken(view)
        shown.kit.session.card_removed()
        for _ in range(3):
            qapp.processEvents()
        assert window.findChild(QLabel, "receipt_take_card_text") is None
    finally:
        shown.close()


def test_one_person_ahead_is_singular_in_english(words):
    # walk 5, L7: "1 people ahead of you"
    from ui.screens.outcome import ahead_key

    assert words.text("en", ahead_key(1), n=1) == "1 person ahead of you"
    assert words.text("en", ahead_key(2), n=2) == "2 people ahead of you"
    assert words.text("zh", ahead_key(1), n=1) == "前面还有 1 人"
