"""Each tap on the place picker shows in the box as it is made, and in elder mode on a short display
(the common places share the picker's row) a unit is followed by the common places, not by the list
of buildings again (final review, finding 12: 8栋 alone wrote nothing visible, a unit silently
returned to the buildings, and 楼道 / 电梯间 had to be spelt by pinyin)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene

NAMES = [name for name, _scene in SCENES]


def _visible(window, name: str) -> QPushButton | None:
    return next((b for b in window.findChildren(QPushButton, name) if b.isVisible()), None)


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_building_unit_and_a_common_place_each_show_as_tapped(qapp, tmp_path, size):
    from ui.i18n import Words

    words = Words()
    for language, mode in (("zh", Mode.ELDER), ("en", Mode.ELDER), ("zh", Mode.STANDARD)):
        folder = tmp_path / f"{language}-{mode.value}"
        shown = open_scene(NAMES.index("editor-place-picker"), size, language, mode, folder, words)
        try:
            window = shown.window
            keyboard = window.current_screen().editor.keyboard
            view = shown.kit.session.view
            building = next(p for p in view.places if "8" in p.label)
            where = f"{language} {mode.value}"
            assert keyboard.text() == building.label, f"{where}: the building tapped is not in the box"
            _visible(window, "unit:1").click()
            QApplication.processEvents()
            sep = ", " if language == "en" else ""
            assert keyboard.text() == f"{building.label}{sep}{building.units[1]}", where
            common = _visible(window, "phrase:0")
            assert common is not None, f"{where}: no common place offered after the unit"
            field = next(f for f in view.fields if f.id == "location")
            assert common.text() == field.quick_phrases[0]
            common.click()
            QApplication.processEvents()
            assert keyboard.text().endswith(field.quick_phrases[0]), where
            back = _visible(window, "place:back")  # the common places in the picker's row: back
            if back is not None:  # to the buildings (what was put in stays); else they are shown
                back.click()
                QApplication.processEvents()
            assert _visible(window, "place:0") is not None and field.quick_phrases[0] in keyboard.text()
            lead = next(w for w in window.findChildren(QLabel, "place_lead") if w.isVisible())
            assert lead.text() == words.text(language, "form.pick_place", elder=mode is Mode.ELDER)
        finally:
            shown.close()


def test_back_to_the_buildings_takes_the_building_out_of_the_box(qapp, tmp_path):
    from ui.i18n import Words

    shown = open_scene(NAMES.index("editor-place-picker"), (1366, 768), "zh", Mode.ELDER, tmp_path, Words())
    try:
        keyboard = shown.window.current_screen().editor.keyboard
        assert keyboard.text()  # the building tapped
        _visible(shown.window, "place:back").click()
        QApplication.processEvents()
        assert keyboard.text() == ""
    finally:
        shown.close()
