"""Docked keys leave the scroll area over them a few pixels: it showed the cut top of a hint and a
scrollbar squashed to a stray bar under the top bar (final review, finding 8; walk shots 28, 29:
the elder reference editor at 1366x768). Less than a line shows nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, _error, open_played, open_scene

NAMES = [s[0] for s in SCENES]


def _reference_editor(kit, window) -> None:
    """The query by reference without a card, its one field's keys open (a hint over them)."""
    _error(kit, window)
    window.current_screen().open_editor("reference")


def _slivers(window) -> list[str]:
    screen = window.current_screen()
    area = screen.area
    found = []
    bar = area.verticalScrollBar()
    if bar.isVisible() and bar.height() < bar.width() * 2:
        found.append(f"a scrollbar {bar.width()}x{bar.height()}")
    viewport = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
    for lab in screen.content.findChildren(QLabel):
        if not lab.isVisibleTo(window) or not lab.text().strip():
            continue
        rect = QRect(lab.mapTo(window, QPoint(0, 0)), lab.size())
        seen = rect.intersected(viewport)
        if not seen.isEmpty() and seen.height() < min(rect.height(), lab.fontMetrics().height()):
            found.append(f"{lab.objectName() or lab.text()[:20]!r} cut to {seen.height()} px")
    return found


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_cut_hint_and_no_squashed_scrollbar_over_docked_keys(qapp, tmp_path, size):
    from ui.i18n import Words

    words = Words()
    found = []
    for language, mode in (("zh", Mode.ELDER), ("en", Mode.ELDER), ("zh", Mode.STANDARD)):
        for name in ("reference", "editor-digits"):
            folder = tmp_path / f"{name}-{language}-{mode.value}"
            if name == "reference":
                shown = open_played(name, _reference_editor, size, language, mode, folder, words)
            else:
                shown = open_scene(NAMES.index(name), size, language, mode, folder, words)
            try:
                for _ in range(3):
                    QApplication.processEvents()
                found += [f"{name} {language} {mode.value}: {s}" for s in _slivers(shown.window)]
            finally:
                shown.close()
    assert not found, "\n".join(found)
