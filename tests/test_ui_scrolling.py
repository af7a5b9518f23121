"""On the 1280x800 demo window (the smallest display the terminal runs on) each step's main action
is on the display without scrolling, in both looks; what does scroll, a finger drags."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QScroller

from kiosk.session_view import Mode
from tests.test_ui_chrome import walk_to_every_screen

PRIMARY = {
    "choose": "page.next",
    "form": "nav.next",
    "editor": "form.ok",
    "review": "nav.submit",
    "receipt": "nav.done",
}


def fully_on_display(window, b: QPushButton) -> bool:
    """Shown, not clipped by a scroll area's viewport (nor anything else), and inside the window."""
    if not b.isVisible():
        return False
    if b.visibleRegion().boundingRect() != b.rect():
        return False
    top_left = b.mapTo(window, b.rect().topLeft())
    bottom_right = b.mapTo(window, b.rect().bottomRight())
    return window.rect().contains(top_left) and window.rect().contains(bottom_right)


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER])
def test_the_main_action_is_on_the_display_without_scrolling_at_1280x800(kiosk_ui, mode):
    k = kiosk_ui
    k.window.resize(1280, 800)
    k.session.set_mode(mode)
    checked = []
    for where in walk_to_every_screen(k):
        name = PRIMARY.get(where)
        if name is None:
            continue
        b = k.button(name)  # waits until it is shown (a queued call)
        assert fully_on_display(k.window, b), f"{name} is off the display on {where} ({mode})"
        checked.append(where)
    assert checked == ["choose", "form", "editor", "review", "receipt"]


def test_every_scroll_area_on_the_screens_scrolls_with_a_finger_drag(kiosk_ui):
    k = kiosk_ui
    for where in walk_to_every_screen(k):
        QApplication.processEvents()
        areas = [a for a in k.window.findChildren(QScrollArea) if a.isVisible()]
        assert areas, f"{where}: no scroll area on show"
        # side by side is fine (the screen's content, and an open editor's chip strip in the dock
        # that never scrolls); one inside another is not: a drag could not tell which one it moves
        nested = [a.objectName() for a in areas if any(o is not a and o.isAncestorOf(a) for o in areas)]
        assert nested == [], f"{where}: scroll areas inside another: {nested}"
        for area in areas:
            assert QScroller.hasScroller(area.viewport()), (where, area.objectName())
            assert QScroller.grabbedGesture(area.viewport()) != 0, (where, area.objectName())
            bar = area.verticalScrollBar()
            assert bar.width() >= 40 or not bar.isVisible(), f"{where}: scroll bar {bar.width()} px wide"
