"""The place picker's way back to the buildings says so in words (walk 3 finding 4: after a
building, "back to buildings" was an unlabeled "↩" among the units), whole, at every display."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene
from tests.support.layout_check import layout_problems

NAMES = [name for name, _scene in SCENES]
SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
WORDS = re.compile(r"[A-Za-z\u4e00-\u9fff]{2,}")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_back_to_the_buildings_is_a_labelled_key(qapp, tmp_path, size):
    from ui.i18n import Words

    words = Words()
    for language in ("zh", "en"):
        for mode in (Mode.STANDARD, Mode.ELDER):
            folder = tmp_path / f"{language}-{mode.value}"
            shown = open_scene(NAMES.index("editor-place-picker"), size, language, mode, folder, words)
            try:
                back = shown.window.findChild(QPushButton, "place:back")
                assert back is not None, "the scene shows a building's units"
                assert WORDS.search(back.text()), f"{language} {mode.value}: back key reads {back.text()!r}"
                assert back.accessibleName() == words.text(language, "form.place_back")
                assert not layout_problems(shown.window), layout_problems(shown.window)
                back.click()
                assert shown.window.findChild(QPushButton, "place:back") is None or not back.isVisible()
            finally:
                shown.close()


@pytest.mark.parametrize("size", ((1366, 768), (1280, 800)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_way_back_to_the_buildings_is_on_every_page_of_units(qapp, tmp_path, size):
    """Final review 19: English elder units at 1366x768 ran on to a second page, and "Whole
    building" and "← All buildings" were only there: the way back leads every page."""
    from ui.i18n import Words

    for language in ("en", "zh"):
        shown = open_scene(NAMES.index("editor-place-picker"), size, language, Mode.ELDER, tmp_path / language, Words())
        try:
            window = shown.window
            picker = window.current_screen().editor.picker
            seen: set[str] = set()
            for page in range(len(picker.chips._pages)):
                assert picker.chips.page == page
                shown_now = {b.objectName() for b in picker.findChildren(QPushButton) if b.isVisibleTo(window)}
                assert "place:back" in shown_now, f"{language} page {page + 1}: no way back"
                seen |= shown_now
                turn = picker.findChild(QPushButton, "chips:next")
                if turn is not None:
                    turn.click()
                    QApplication.processEvents()  # the page's chips are shown by a queued call
            assert "unit:whole" in seen, f"{language}: the whole building is on no page"
            assert not layout_problems(window), layout_problems(window)
        finally:
            shown.close()


@pytest.mark.parametrize("size", ((1280, 800), (1080, 1920)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_phrase_after_a_picked_place_is_listed_with_a_comma_in_english(qapp, tmp_path, size):
    """Walk 8, F17: Building 8 → Entrance 2 → stairwell read "Building 8, Entrance 2 stairwell"."""
    from ui.i18n import Words

    for language, want in (("en", ", stairwell"), ("zh", "楼道")):
        shown = open_scene(NAMES.index("editor-place-picker"), size, language, Mode.STANDARD, tmp_path / language, Words())
        try:
            window = shown.window
            editor = window.current_screen().editor
            unit = editor.picker.findChild(QPushButton, "unit:0")
            unit.click()  # the scene has a building's units open
            placed = editor.keyboard.text()
            phrase = next(
                b for b in window.findChildren(QPushButton) if b.objectName().startswith("phrase:") and b.text() in ("stairwell", "楼道")
            )
            phrase.click()
            QApplication.processEvents()
            assert editor.keyboard.text() == placed + want, editor.keyboard.text()
        finally:
            shown.close()
