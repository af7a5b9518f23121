"""The list of services shows whole tiles, a page at a time (walk 3 findings 2 and 19): at 1366x768
the second row of tiles was cut at the bottom edge (a badge half hidden; in English descriptions
cut mid-sentence, "Enter the reference on your receipt to…"), under a scroll bar and the page
buttons both. Every page, at every display, in both modes and both languages: no scrolling, every
tile inside the screen's viewport, its words uncut, and the page buttons the one way on.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_played, open_scene
from tests.support.layout_check import layout_problems

SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
NAMES = [name for name, _scene in SCENES]


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _page_problems(window) -> list[str]:
    screen = window.current_screen()
    area = screen.area
    found = []
    if area.verticalScrollBar().maximum() > 0:
        found.append(f"the list scrolls {area.verticalScrollBar().maximum()} px")
    viewport = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
    tiles = [b for b in screen.findChildren(QPushButton) if b.objectName().startswith("service:")]
    if len(tiles) != len(window.session.view.services):
        found.append(f"{len(tiles)} tiles for {len(window.session.view.services)} services")
    for tile in tiles:
        rect = QRect(tile.mapTo(window, QPoint(0, 0)), tile.size())
        if not viewport.contains(rect):
            found.append(f"{tile.objectName()} at {rect} outside the list's {viewport}")
        for part in tile.findChildren(QLabel):
            if part.height() < part.heightForWidth(part.width()) - 1:
                found.append(f"{tile.objectName()}: {part.text()[:40]!r} cut")
    return found + layout_problems(window)


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_page_of_services_shows_whole_tiles(qapp, tmp_path, words, size, mode):
    found: list[str] = []
    for language in ("zh", "en"):
        for scene in ("choose", "choose-with-card"):
            where = f"{scene} {language}"
            shown = open_scene(NAMES.index(scene), size, language, mode, tmp_path / where.replace(" ", "-"), words)
            try:
                window, session = shown.window, shown.kit.session
                seen = 0
                for page in range(session.view.page_count):
                    assert session.view.page == page
                    found += [f"{where} page {page + 1}: {p}" for p in _page_problems(window)]
                    seen += len(session.view.services)
                    if page + 1 < session.view.page_count:
                        window.findChild(QPushButton, "page.next").click()
                        for _ in range(3):
                            QApplication.processEvents()
                assert seen == len(session.available_services()), f"{where}: {seen} services on the pages"
            finally:
                shown.close()
    assert not found, f"{len(found)} problems:\n" + "\n".join(found)


def test_a_landscape_page_keeps_six_chinese_tiles_on_a_short_display(qapp, tmp_path, words):
    """Whole tiles, but not a page of three where six fit: on a short display the pictogram stands
    beside the words, and two rows of Chinese tiles fit 1366x768."""
    shown = open_scene(NAMES.index("choose"), (1366, 768), "zh", Mode.STANDARD, tmp_path, words)
    try:
        assert len(shown.kit.session.view.services) == 6
        assert not _page_problems(shown.window)
    finally:
        shown.close()


@pytest.mark.parametrize("size", [(1080, 1920), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_page_is_measured_as_it_is_built(qapp, tmp_path, words, size):
    """Walk 5 review, L1 and L2: the page's size came from a title row the screen no longer built
    (on a portrait display 11-12 px taller than the one shown), and from tiles without the "no
    paper" badge a print-out's tile shows while the printer has none (in an elder English tile
    "No paper: use the window" was cut)."""
    from tests.test_ui_paper_out import _list as no_paper
    from ui.screens.choose import title_height
    from ui.theme import theme_for

    found: list[str] = []
    for mode in (Mode.STANDARD, Mode.ELDER):
        for language in ("zh", "en"):
            where = f"{mode.value} {language}"
            shown = open_played("choose-no-paper", no_paper, size, language, mode, tmp_path / where, words)
            try:
                window, session = shown.window, shown.kit.session
                built = window.current_screen().root.itemAt(0).layout().geometry().height()
                measured = title_height(theme_for(mode, size), words, language, *size)
                if built != measured:
                    found.append(f"{where}: title built {built} px, measured {measured} px")
                for page in range(session.view.page_count):
                    found += [f"{where} page {page + 1}: {p}" for p in _page_problems(window)]
                    if page + 1 < session.view.page_count:
                        window.findChild(QPushButton, "page.next").click()
                        for _ in range(3):
                            QApplication.processEvents()
            finally:
                shown.close()
    assert not found, "\n".join(found)
