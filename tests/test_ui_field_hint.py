"""A number pad's hint stands under the field's name, not apart from it over the name (walk: on
the phone step 维修人员会与您联系 stood above 联系电话, with the screen's empty space between)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QLabel

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


# elder mode on a short display keeps the hint over the name: its larger pad leaves no line to spare
CASES = [((1280, 800), Mode.STANDARD), ((1080, 1920), Mode.STANDARD), ((1080, 1920), Mode.ELDER)]


@pytest.mark.parametrize(("size", "mode"), CASES, ids=lambda c: f"{c[0]}x{c[1]}" if isinstance(c, tuple) else c.value)
def test_the_number_pads_hint_is_right_under_the_fields_name(qapp, tmp_path, words, size, mode):
    scene = [s[0] for s in SCENES].index("editor-digits")
    shown = open_scene(scene, size, "zh", mode, tmp_path, words)
    try:
        window = shown.window
        qapp.processEvents()
        labels = [lab for lab in window.findChildren(QLabel) if lab.isVisibleTo(window)]
        title = next(lab for lab in labels if lab.objectName() == "title" and lab.text() == "联系电话")
        hint = next(lab for lab in labels if lab.text() == "维修人员会与您联系")
        title_y = title.mapTo(window, QPoint(0, 0)).y()
        hint_y = hint.mapTo(window, QPoint(0, 0)).y()
        assert title_y + title.height() <= hint_y <= title_y + title.height() + 40
    finally:
        shown.close()
