"""Where a banner (an error with its ways forward, "staff are coming", a wait) lies over a screen.

A banner never enters a screen's layout: appearing, it would push the controls down under the
resident's finger. It lies over the screen instead, and where it lies decides what it hides. Over
the top (how it was) it hid the title, the field's name and half of the reference being typed,
even on a portrait display with 1,300 px empty below (render review findings 14, 15, 31). So: in the
room the content leaves under itself, just below what the resident is reading; where there is not
room enough, at the bottom of the screen's area, over the last of the content rather than its title,
and a content that scrolls gets room at its end to scroll what lies under the banner into view. Where
the area has no room at all (an editor's keys take the screen), over the last of the keys: never over
the title, the field's name or the value being typed.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QScrollBar, QSizePolicy, QWidget

# the content's bottom margin a screen had before a banner reserved room at its end
_RESERVED = "banner_room_reserved"


def _drawn_bottom(widget: QWidget, window: QWidget) -> int:
    """The window y just below what `widget` draws: a label stretched taller than its text (an
    expanding picture or caption) draws its text at the top unless aligned lower."""
    top = widget.mapTo(window, QPoint(0, 0)).y()
    height = widget.height()
    if isinstance(widget, QLabel) and widget.sizePolicy().verticalPolicy() != QSizePolicy.Policy.Fixed:
        if widget.alignment() & Qt.AlignmentFlag.AlignTop:
            needed = widget.heightForWidth(widget.width())
            height = min(height, needed if needed > 0 else widget.sizeHint().height())
    return top + height


def content_bottom(screen: QWidget, window: QWidget) -> int:
    """The window y below the last thing the screen's content shows (its leaves: labels, buttons,
    pictures, fields, and the boxes buttons and panels draw; a bare container stretched to the
    area's height is not what is shown)."""
    content = screen.content
    bottom = None
    for widget in content.findChildren(QWidget):
        if not widget.isVisibleTo(content) or widget.height() <= 0 or isinstance(widget, QScrollBar):
            continue
        drawn_box = isinstance(widget, QAbstractButton) or widget.property("role") is not None
        if not drawn_box and any(c.isWidgetType() and c.isVisibleTo(content) for c in widget.children()):
            continue  # a bare container: its leaves say where it ends (a button or a panel draws its box)
        if (
            isinstance(widget.parent(), QAbstractScrollArea)
            or widget.objectName() == "qt_scrollarea_viewport"
        ):
            continue
        below = _drawn_bottom(widget, window)
        bottom = below if bottom is None else max(bottom, below)
    if bottom is None:
        return screen.area.viewport().mapTo(window, QPoint(0, 0)).y()
    return bottom


def place(screen: QWidget, window: QWidget, height: int, gap: int) -> int:
    """The window y at which a banner `height` tall lies over `screen` (see the module's words)."""
    viewport = screen.area.viewport()
    area_top = viewport.mapTo(window, QPoint(0, 0)).y()
    area_bottom = area_top + viewport.height()
    if getattr(screen, "one_page", False):
        return _on_one_page(screen, window, height, gap, area_top, area_bottom)
    top = max(content_bottom(screen, window) + gap, area_top)
    if top + height <= area_bottom:
        release(screen)
        return top
    scrolls = screen.area.verticalScrollBar().maximum() > 0
    if scrolls:  # already scrolling: more room at its end moves nothing and narrows nothing
        _reserve(screen, height + gap)
    # the bottom of what the screen shows, its docked keys included: an editor's area above its
    # keys is a few pixels tall, and a banner at its end lay over the title, the field's name and
    # the value being typed (final review, last point); over the last of the keys instead
    over_end = max(area_top, area_bottom - height)
    kept = kept_in_view(screen, window) + gap
    if over_end >= kept or screen.dock.count() == 0:
        return over_end
    dock = screen.dock.geometry()
    bottom = max(area_bottom, screen.mapTo(window, QPoint(0, dock.y() + dock.height())).y())
    return max(area_top, kept, bottom - height)


# what a resident must still read with a banner up: the screen's title, an editor's field name, the
# value being typed
KEPT = ("title", "digits_text", "date_text", "keyboard_text")


def kept_in_view(screen: QWidget, window: QWidget) -> int:
    """The window y below the screen's title and, in an editor, its field's name and typed value
    (0 when the screen shows none of them)."""
    bottom = 0
    for widget in screen.findChildren(QWidget):
        if widget.objectName() in KEPT and widget.isVisibleTo(screen) and widget.height() > 0:
            bottom = max(bottom, widget.mapTo(window, QPoint(0, widget.height())).y())
    return bottom


def _on_one_page(screen: QWidget, window: QWidget, height: int, gap: int, area_top: int, area_bottom: int) -> int:
    """A page that never scrolls (the welcome, "put your card in"): under its content as built when
    there is room; else its picture gives the banner the room (Screen.lend_room), so the banner
    covers no words."""
    screen.lend_room(0)
    top = max(content_bottom(screen, window) + gap, area_top)
    if top + height > area_bottom and screen.lend_room(height + gap):
        top = max(content_bottom(screen, window) + gap, area_top)
    return min(top, max(area_top, area_bottom - height))


def _reserve(screen: QWidget, room: int) -> None:
    margins = screen.root.contentsMargins()
    kept = screen.property(_RESERVED)
    if kept is None:
        screen.setProperty(_RESERVED, margins.bottom())
        kept = margins.bottom()
    if margins.bottom() != kept + room:
        screen.root.setContentsMargins(margins.left(), margins.top(), margins.right(), kept + room)


def release(screen: QWidget) -> None:
    """No banner over `screen` any more: its content's end is as the screen made it."""
    if getattr(screen, "one_page", False):
        screen.lend_room(0)
    kept = screen.property(_RESERVED)
    if kept is None:
        return
    screen.setProperty(_RESERVED, None)
    margins = screen.root.contentsMargins()
    screen.root.setContentsMargins(margins.left(), margins.top(), margins.right(), int(kept))
