"""The keys stand in one place from one text field of a form to the next (walk 10, M3 and L2): the
chips over some fields' keys (the place picker, quick phrases) took rows from the keys, which came
out smaller and higher — 164 px between 具体位置 and 问题描述 in English elder portrait, 15-35 px
in Chinese — so a finger that had learnt where the letters were missed them on the next field."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from hub.profiles import load_addresses
from kiosk.community import parse_addresses
from kiosk.session_view import Mode
from scripts.render_screens import RESIDENT, open_played
from tests.support.layout_check import layout_problems

SIZES = [(1080, 1920), (1280, 800), (1366, 768), (1920, 1080)]
TEXT_FIELDS = ("location", "detail")  # the repair's two text fields: the picker's chips, the phrases


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _keys(field: str, size, language, mode, folder, words) -> dict[str, tuple[int, int, int]]:
    """Each letter key's (x, y, height) on the display, the field's editor open."""

    def scene(kit, window) -> None:
        kit.session.start()
        kit.session.card_inserted(RESIDENT)
        kit.session.choose_service("repair.public_area")
        kit.session.set_places(parse_addresses(load_addresses()))
        window.current_screen().open_editor(field)

    shown = open_played("editor", scene, size, language, mode, folder, words)
    try:
        for _ in range(3):
            QApplication.processEvents()
        window = shown.window
        assert not layout_problems(window), layout_problems(window)
        places = {}
        for key in window.findChildren(QPushButton):
            if key.isVisible() and key.objectName() in {f"key:{c}" for c in "qazmp"}:
                at = key.mapTo(window, key.rect().topLeft())
                places[key.objectName()] = (at.x(), at.y(), key.height())
        assert len(places) == 5, places
        return places
    finally:
        shown.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_the_letter_keys_stand_in_one_place_from_field_to_field(qapp, tmp_path, words, mode, language, size):
    found = {f: _keys(f, size, language, mode, tmp_path / f, words) for f in TEXT_FIELDS}
    assert found["location"] == found["detail"], found
