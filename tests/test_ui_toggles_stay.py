"""The top bar's toggles stay under the finger (walk 3 findings 10 and 18): a tap on 长辈模式 put
标准模式 somewhere else, and the spot tapped became the gap between two buttons; in English the
spot of "English" became "Elder mode", so two quick taps on "English" gave English and elder mode.

Each toggle is tapped through the window (the widget under the point is the one tapped), and after
the switch the same point must be the same toggle again (so a second tap undoes the first), with
the same centre across, the same width, and the other toggles where they were, at every display,
in both modes and both languages.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene
from ui.theme import display_scale

SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
NAMES = [name for name, _scene in SCENES]
TOGGLES = ("bar.language", "bar.mode", "bar.help")
# the welcome screen, the services with a card holder's name in the bar, and a form
WHERE = ("attract", "choose-with-card", "form")
# the bars' heights differ between the modes (a 96 px elder target against 72 px): the centre may
# move up or down by half of that, never out of the other mode's button (on a display drawn larger,
# ui/theme.py display_scale, the targets and so the half are that much larger too)
MOST_DOWN_PX = 16


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _rects(window: QWidget) -> dict[str, QRect]:
    found = {}
    for name in TOGGLES:
        b = window.top_bar.findChild(QPushButton, name)
        assert b is not None and b.isVisibleTo(window), f"{name} not shown"
        found[name] = QRect(b.mapTo(window, QPoint(0, 0)), b.size())
    return found


def _settle() -> None:
    for _ in range(4):
        QApplication.processEvents()


def _tap(window: QWidget, point: QPoint, expected: str) -> None:
    """Tap the window at `point` (window coordinates): the widget under it must be `expected`."""
    under = window.childAt(point)
    while under is not None and not isinstance(under, QPushButton):
        under = under.parentWidget()
    name = under.objectName() if under is not None else None
    assert name == expected, f"under {point.x()},{point.y()} is {name}, not {expected}"
    QTest.mouseClick(under, Qt.MouseButton.LeftButton, pos=under.mapFrom(window, point))
    _settle()


def _moved(before: dict[str, QRect], after: dict[str, QRect], scale: float) -> list[str]:
    found = []
    for name, was in before.items():
        now = after[name]
        if abs(now.center().x() - was.center().x()) > 1 or abs(now.width() - was.width()) > 1:
            found.append(f"{name} across {was.left()}..{was.right()} -> {now.left()}..{now.right()}")
        if abs(now.center().y() - was.center().y()) > MOST_DOWN_PX * scale:
            found.append(f"{name} centre y {was.center().y()} -> {now.center().y()}")
        if not (now.contains(was.center()) and was.contains(now.center())):
            found.append(f"{name} {was} and {now} do not hold each other's centre")
    return found


def _state(window) -> tuple[str, Mode]:
    view = window.session.view
    return view.language, view.mode


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_toggle_stays_under_the_finger_and_a_second_tap_undoes_it(qapp, tmp_path, words, size):
    found: list[str] = []
    for scene in WHERE:
        for language in ("zh", "en"):
            for mode in (Mode.STANDARD, Mode.ELDER):
                where = f"{scene} {language} {mode.value}"
                shown = open_scene(NAMES.index(scene), size, language, mode, tmp_path / where.replace(" ", "-"), words)
                try:
                    window = shown.window
                    for toggle in ("bar.language", "bar.mode"):
                        start = _rects(window)
                        point = start[toggle].center()
                        _tap(window, point, toggle)
                        assert _state(window) != (language, mode), f"{where}: {toggle} changed nothing"
                        found += [f"{where} after {toggle}: {m}" for m in _moved(start, _rects(window), display_scale(*size))]
                        _tap(window, point, toggle)  # the same spot again: back as it was
                        assert _state(window) == (language, mode), f"{where}: a second {toggle} did not undo"
                        found += [f"{where} back by {toggle}: {m}" for m in _moved(start, _rects(window), display_scale(*size))]
                finally:
                    shown.close()
    assert not found, f"{len(found)} moves:\n" + "\n".join(found)
