"""The layout check: every scene of scripts/render_screens.py at every display the terminal runs on
(1280x800, 1366x768, 1920x1080, 1080x1920 portrait), in both modes and both languages, with no text
cut and every actionable control on the display or reachable by scrolling (tests/support/
layout_check.py says what is measured). One test per size and mode, so pytest-xdist splits them.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.session_view import Mode
from scripts.render_screens import LANGUAGES, SCENES, open_scene
from tests.support.layout_check import layout_problems
from ui.theme import ELDER

SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
CHECKED: list[int] = []
# the elder free-text editors needed 851-887 px before their key rows were sized from the display
# and the field's name folded into the top bar (ui/editor_fit.py): checked on their own as well
TEXT_EDITORS = ("editor-pinyin", "editor-place-picker", "editor-handwriting")
SHORT_DISPLAYS = ((1280, 800), (1366, 768))


def _size_problem(window, size: tuple[int, int]) -> list[str]:
    """The window must keep the display's size: one that grows (a layout's minimum taller than the
    display) pushes its bottom rows off the screen, where no scroll area can bring them back."""
    if (window.width(), window.height()) == size:
        return []
    return [f"window grew to {window.width()}x{window.height()} past the display {size[0]}x{size[1]}"]


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_nothing_is_cut_and_every_control_is_reachable(qapp, tmp_path, words, size, mode):
    found: list[str] = []
    checked = 0
    for language in LANGUAGES:
        for n, (name, _scene) in enumerate(SCENES):
            shown = open_scene(n, size, language, mode, tmp_path / f"{language}-{n}", words)
            try:
                problems = layout_problems(shown.window) + _size_problem(shown.window, size)
                found += [f"{name} {language}: {p}" for p in problems]
            finally:
                shown.close()
            checked += 1
    print(f"layout check: {checked} scenes at {size[0]}x{size[1]} {mode.value}")
    assert checked == len(SCENES) * len(LANGUAGES)
    assert not found, f"{len(found)} layout problems:\n" + "\n".join(found)


@pytest.mark.parametrize("size", SHORT_DISPLAYS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_elder_text_editor_fits_a_short_display(qapp, tmp_path, words, size):
    """The window keeps the display's size, nothing is cut, and every key is at least the floor
    (72 px) high: the fit shrinks rows, never below what a finger needs."""
    names = [name for name, _scene in SCENES]
    found: list[str] = []
    for language in LANGUAGES:
        for name in TEXT_EDITORS:
            shown = open_scene(names.index(name), size, language, Mode.ELDER, tmp_path / f"{language}-{name}", words)
            try:
                problems = _size_problem(shown.window, size) + layout_problems(shown.window)
                keys = [b for b in shown.window.findChildren(QPushButton) if b.objectName().startswith("key:")]
                assert keys, f"{name} {language}: no keys shown"
                problems += [
                    f"key {b.objectName()} {b.height()} px high"
                    for b in keys
                    if b.isVisibleTo(shown.window) and b.height() < ELDER.key_floor_px
                ]
                found += [f"{name} {language}: {p}" for p in problems]
            finally:
                shown.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("size", SHORT_DISPLAYS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_one_page_screen_gives_a_banner_the_room_of_its_picture_and_takes_it_back(qapp, tmp_path, words, size):
    """English elder words on a short display (final review 2, 3): "put your card in" scrolled under
    the chosen service's line and its instruction was cut under "staff have been called"; the
    picture gives the room, the words stay whole, and it is the picture's again once the banner goes."""
    from ui.pictures import SlotPicture

    names = [name for name, _scene in SCENES]
    found: list[str] = []
    for name in ("identify-needs-card", "staff-called", "attract-card-left-in"):
        shown = open_scene(names.index(name), size, "en", Mode.ELDER, tmp_path / name, words)
        try:
            window = shown.window
            found += [f"{name}: {p}" for p in layout_problems(window)]
            picture = window.current_screen().content.findChild(SlotPicture)
            if name == "staff-called":
                lent = picture.width()
                assert window.banner_layer.isVisible() and lent < ELDER.picture_px, "no room was lent"
                shown.kit.session.dismiss_staff_called()
                QApplication.processEvents()
                assert not window.banner_layer.isVisible()
                assert picture.width() > lent, "the picture kept the banner's room"
                found += [f"{name} after the banner: {p}" for p in layout_problems(window)]
        finally:
            shown.close()
    assert not found, "\n".join(found)


def _choice_opened(refused: bool):
    """The repair form's first field (a choice) opened: by a tap on its row, or by "next" on the
    empty form, which opens it with its "must be filled in" message."""

    def scene(kit, window) -> None:
        kit.session.start()
        kit.session.continue_without_card()
        kit.session.choose_service("repair.public_area")
        screen = window.current_screen()
        if refused:
            screen._next()
        else:
            screen.open_editor("category")

    return scene


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_required_message_moves_no_choice(qapp, tmp_path, words, size, mode):
    """Fresh-eyes walk N3: the required-field message over the choices put every choice 43-86 px
    lower than where the same field opened without it (elder portrait: ~60 px), so a finger that
    knew where its choice stood landed on the one above. It stands under the choices, on view."""
    from PySide6.QtWidgets import QWidget

    from scripts.render_screens import open_played

    for language in LANGUAGES:
        places = []
        for refused in (False, True):
            folder = tmp_path / f"{language}-{refused}"
            shown = open_played("choice", _choice_opened(refused), size, language, mode, folder, words)
            try:
                window = shown.window
                choices = [
                    b for b in window.findChildren(QPushButton) if b.objectName().startswith("choice:category:")
                ]
                assert choices, f"{language}: no choice on show: the test shows nothing"
                places.append({b.objectName(): b.mapTo(window, b.rect().topLeft()).toTuple() for b in choices})
                if refused:
                    error = window.findChild(QWidget, "error:category")
                    assert error is not None and error.isVisibleTo(window), f"{language}: no message"
                    viewport = window.current_screen().area.viewport()
                    top = error.mapTo(viewport, error.rect().topLeft()).y()
                    assert 0 <= top and top + error.height() <= viewport.height(), f"{language}: message out of view"
                    assert not layout_problems(window), layout_problems(window)
            finally:
                shown.close()
        assert places[0] == places[1], f"{language}: the choices moved with the message"
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_print_outs_tile_says_all_of_it_with_no_paper_and_no_card(qapp, tmp_path, words, size, mode):
    """Both device problems at once (no card read, no paper): "Card needed" and "No paper: use the
    window" side by side on a print-out's tile cut each other ("Card neede", "No paper") on the elder
    tiles at 1280x800 and 1366x768, and the standard ones at 1280x800 and 1920x1080. The tile says
    the one that decides: no paper, the staffed window (card or not); every word shown."""
    names = [s[0] for s in SCENES]
    found = []
    for language in LANGUAGES:
        shown = open_scene(names.index("choose-no-paper"), size, language, mode, tmp_path / language, words)
        try:
            tiles = [b for b in shown.window.findChildren(QPushButton) if b.objectName() == "service:certificate.residence"]
            assert tiles and tiles[0].isVisibleTo(shown.window), "the residence certificate is not on the first page"
            found += [f"{language}: {p}" for p in layout_problems(shown.window)]
        finally:
            shown.close()
    assert not found, "\n".join(found)
