"""Banners lie where they hide the least (render review findings 14, 15, 31): the offline error on
the query form and "staff are coming" on the card screen lay over the top of the screen and hid the
title, the field's name and half of the reference being typed — in portrait with 1,300 px empty
below them. A banner lies under the content where the content leaves room, covering nothing; where
it does not, over the bottom of the screen's area, never over the title."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene

SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _rect(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _shown(window: QWidget) -> list[tuple[str, QRect]]:
    """What the screen shows a resident: its texts and buttons, the part inside its area."""
    screen = window.current_screen()
    area = _rect(window, screen.area.viewport())
    shown = []
    for widget in screen.content.findChildren(QWidget):
        if not isinstance(widget, (QLabel, QPushButton)) or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel) and not widget.text().strip() and widget.pixmap().isNull():
            continue
        seen = _rect(window, widget).intersected(area)
        if not seen.isEmpty():
            shown.append((widget.objectName() or widget.text(), seen))
    return shown


def _open(n: int, size, language: str, mode: Mode, tmp_path, words, call_staff: bool):
    shown = open_scene(n, size, language, mode, tmp_path, words)
    if call_staff:
        shown.kit.session.call_staff()
        for _ in range(3):
            QApplication.processEvents()
    return shown


CASES = [("error-offline", False), ("staff-called", False), ("choose", True), ("form", True)]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_banner_never_hides_the_title_and_hides_nothing_where_there_is_room(
    qapp, tmp_path, words, size, mode, language
):
    names = [s[0] for s in SCENES]
    for scene, call_staff in CASES:
        shown = _open(names.index(scene), size, language, mode, tmp_path / scene, words, call_staff)
        try:
            window = shown.window
            layer = window.banner_layer
            assert layer.isVisible(), f"{scene}: no banner"
            banner = _rect(window, layer)
            screen = window.current_screen()
            area = _rect(window, screen.area.viewport())
            on_area = area.top() <= banner.top() and banner.bottom() <= area.bottom()
            assert on_area, (
                f"{scene}: the banner {banner.getRect()} is not on the screen's area {area.getRect()}"
            )
            parts = _shown(window)
            covered = [name for name, seen in parts if seen.intersects(banner)]
            title = [seen for name, seen in parts if name == "title"]
            assert title and not title[0].intersects(banner), f"{scene}: the banner hides the title"
            if scene == "staff-called" and mode is Mode.ELDER:  # one ticket, the bottom bar's
                ticket = window.findChild(QPushButton, "staff.ticket")
                assert ticket is None or not ticket.isVisibleTo(window), "a second ticket in the banner"
                assert window.findChild(QPushButton, "bar.ticket").isVisibleTo(window)
            bottom = max(seen.bottom() for _name, seen in parts)
            if bottom + banner.height() < area.bottom():
                assert not covered, f"{scene}: room under the content, yet the banner hides {covered}"
        finally:
            shown.close()


@pytest.mark.parametrize("size", [(1366, 768), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_reference_typed_stays_whole_under_the_offline_error(qapp, tmp_path, words, size):
    names = [s[0] for s in SCENES]
    shown = _open(names.index("error-offline"), size, "zh", Mode.STANDARD, tmp_path, words, False)
    try:
        window = shown.window
        banner = _rect(window, window.banner_layer)
        typed = [
            _rect(window, lab)
            for lab in window.current_screen().content.findChildren(QLabel)
            if lab.isVisibleTo(window) and "T0001" in lab.text()
        ]
        assert typed, "the reference typed is not shown"
        assert not any(r.intersects(banner) for r in typed), "the banner lies over the reference typed"
        # the banner stands just under it: where the eye already is, not at the far end of the screen
        assert banner.top() - max(r.bottom() for r in typed) < 80
    finally:
        shown.close()


KEPT = ("title", "keyboard_text", "digits_text")


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_with_no_room_left_a_banner_leaves_the_title_the_fields_name_and_the_typed_value(
    qapp, tmp_path, words, size
):
    """An editor's keys take the screen: the area above them has no room for a banner, which then
    lay over the field's name and the value being typed (final review, last point)."""
    names = [s[0] for s in SCENES]
    for language, mode in (("zh", Mode.STANDARD), ("en", Mode.ELDER)):
        for scene in ("editor-pinyin", "editor-digits"):
            shown = _open(names.index(scene), size, language, mode, tmp_path / scene / language, words, True)
            try:
                window = shown.window
                assert window.banner_layer.isVisible(), f"{scene}: no banner"
                banner = _rect(window, window.banner_layer)
                kept = [
                    (w.objectName(), _rect(window, w))
                    for w in window.current_screen().findChildren(QWidget)
                    if w.objectName() in KEPT and w.isVisibleTo(window)
                ]
                assert kept, f"{scene}: neither a title nor a typed value shown"
                hidden = [name for name, rect in kept if rect.intersects(banner)]
                assert not hidden, f"{scene} {language} {mode.value}: the banner lies over {hidden}"
            finally:
                shown.close()


def _tiles(window: QWidget) -> dict[str, QRect]:
    return {
        b.objectName(): _rect(window, b)
        for b in window.findChildren(QPushButton)
        if b.objectName().startswith("service:") and b.isVisibleTo(window)
    }


PAPER_CASES = [
    *(pytest.param(s, Mode.STANDARD, id=f"{s[0]}x{s[1]}-standard") for s in SIZES),
    pytest.param((1080, 1920), Mode.ELDER, id="1080x1920-elder"),
    *(pytest.param(s, Mode.ELDER, id=f"{s[0]}x{s[1]}-elder") for s in SIZES[:3]),
]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize(("size", "mode"), PAPER_CASES)
def test_the_paper_out_banner_covers_no_tile_and_moves_none(qapp, tmp_path, words, size, mode, language):
    """Walk finding N4: with the printer out of paper, a tap on a print-out's tile brought the
    banner that sends the resident to the staffed window, and it lay over the second row of tiles
    at 1280x800. While the paper is out the list keeps the banner's room under its tiles: the banner
    covers no tile and no page button, and no tile moves when it comes."""
    names = [s[0] for s in SCENES]
    before = open_scene(names.index("choose-no-paper"), size, language, mode, tmp_path / "before", words)
    try:
        tiles_before = _tiles(before.window)
        assert tiles_before, "no tile on show: the test shows nothing"
    finally:
        before.close()
    shown = open_scene(names.index("choose-no-paper-refused"), size, language, mode, tmp_path / "after", words)
    try:
        window = shown.window
        # the refusal stands in the room the list keeps under its tiles (walk 12), or where no room
        # is kept, in the banner over the list: either way, over no tile and no page button
        texts = [t for t in window.findChildren(QLabel, "error_text") if t.isVisibleTo(window)]
        assert len(texts) == 1, "no refusal (or two) for the print-out refused for paper"
        in_band = window.findChild(QWidget, "paper_band")
        holder = texts[0].parentWidget() if in_band is not None and in_band.isAncestorOf(texts[0]) else window.banner_layer
        assert holder.isVisible(), "the refusal is not on show"
        banner = _rect(window, holder)
        tiles = _tiles(window)
        pages = [
            _rect(window, b)
            for b in window.findChildren(QPushButton)
            if b.objectName().startswith("page.") and b.isVisibleTo(window)
        ]
        covered = [name for name, rect in tiles.items() if rect.intersects(banner)]
        assert not covered, f"the paper banner {banner.getRect()} lies over {covered}"
        assert not any(r.intersects(banner) for r in pages), "the paper banner lies over the page buttons"
        assert tiles == tiles_before, "the tiles moved when the banner came"
    finally:
        shown.close()
