"""Rebuilding a screen under a finger: a panel that is laid out again while a button is held down
deletes that button between press and release, and the tap is lost (found walking the maintenance
screen, whose figures now refresh by themselves). `RenderGuard` holds a rebuild back until the
press is over and puts the enclosing scroll area back where it was afterwards.

    guard = RenderGuard(panel, rebuild)   # rebuild(): lays the panel out again
    guard.request()                       # now, or as soon as no mouse button / finger is down
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QWidget

POLL_MS = 40  # how often a held-back rebuild looks whether the finger is up


def finger_down(owner: QWidget) -> bool:
    """A mouse button is held (a touch screen's finger arrives as the left button), or one of
    `owner`'s buttons is down (pressed and not yet released: also when the press came another way)."""
    if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
        return True
    return any(b.isDown() for b in owner.findChildren(QAbstractButton))


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class RenderGuard:
    def __init__(self, owner: QWidget, rebuild: Callable[[], None]) -> None:
        self._owner = owner
        self._rebuild = rebuild
        self._timer = QTimer(owner)
        self._timer.setSingleShot(True)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.request)
        self.held_back = 0  # rebuilds put off for a press (the tests read it)

    @property
    def waiting(self) -> bool:
        return self._timer.isActive()

    def request(self) -> None:
        """Rebuild now, or once the press is over: the release reaches the button it began on
        (and its click runs) before the rebuild replaces it."""
        if self._owner.isVisible() and finger_down(self._owner):
            self.held_back += 1
            self._timer.start()
            return
        self._timer.stop()
        keep_scroll(self._owner, self._rebuild)


def keep_scroll(owner: QWidget, change: Callable[[], None]) -> None:
    """Run `change` (which replaces some of `owner`'s widgets) and put the scroll area around `owner`
    back where it was: a replaced panel has no size until laid out, the scroll range shrank to
    nothing meanwhile and the technician was thrown back to the top."""
    area = scroll_area_of(owner)
    at = area.verticalScrollBar().value() if area is not None else 0
    change()
    if area is None or not at:
        return
    bar = area.verticalScrollBar()
    # the new content's layout now, so the scroll range is its height again, then the place it was at
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    bar.setValue(at)
    QTimer.singleShot(0, bar, lambda: bar.setValue(at))  # and once more after any later layout
