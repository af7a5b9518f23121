"""The place picker's way back to the buildings says so in words (walk 3 finding 4: after a
building, "back to buildings" was an unlabeled "↩" among the units), whole, at every display."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QPushButton

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
