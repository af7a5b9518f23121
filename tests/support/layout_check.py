"""What the layout check looks for in a shown window: text that does not fit its widget, and
actionable controls a finger cannot reach.

- A label's text is measured with its own font against its contents rect (wrapped to that width
  when the label wraps): taller or wider than the rect means the text is cut. A tight label (a
  reference, ui/tight_label.py) needs the height of its ink, not of the font's line.
- A button's text needs its size hint (the style sheet's padding and border around the text's
  font metrics): a button narrower or lower than that shows its text cut ("r it ag").
- A widget is cut by its parent when part of it lies outside an ancestor that clips it, except the
  viewport of a scroll area, which is what scrolling is for.
- An actionable control (button, line edit) must lie on the window; inside a scroll area it may lie
  below the fold only if the scroll area can scroll that far and its viewport is on the window.
- A button's words keep clear of its border: their advance and line height inside the button's
  rect less its border and `CLEARANCE` px either side ("楼道灯不亮", "Whole building" and
  "Very unhappy" filled their buttons edge to edge, descenders on the border).
- The first of a form's error messages must be in view (the form scrolls to it).
- An open editor's keys (keyboard, number pad, date) are never scrolled: all in view.
- A one-page screen (`ONE_PAGE`: the welcome, "put your card in") never scrolls, and a banner
  over it covers none of its words or its picture (final review 2, 3).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QLineEdit, QPushButton, QScrollArea, QWidget

from kiosk.session_view import Step

ONE_PAGE = (Step.ATTRACT, Step.IDENTIFY)  # taken in at a glance: never scrolled
SLACK = 1  # px of rounding a layout may leave
CLEARANCE = 3  # px a button's words keep from its border on each side


def _window_rect(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent if isinstance(parent, QScrollArea) else None
        parent = parent.parentWidget()
    return None


def _describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QPushButton) else ""
    name = widget.objectName() or type(widget).__name__
    return f"{name} {text[:30]!r}" if text else name


def _label_fits(lab: QLabel) -> bool:
    text = lab.text()
    if not text.strip() or lab.pixmap() is not None and not lab.pixmap().isNull():
        return True
    room = lab.contentsRect()
    margin = lab.margin() * 2
    metrics = QFontMetrics(lab.font())
    if lab.property("tight"):  # ui/tight_label.py: as tall as the ink, which is what must fit
        ink = metrics.tightBoundingRect(text)
        width = max(metrics.horizontalAdvance(text), ink.width())
        return width <= room.width() + SLACK and ink.height() <= room.height() + SLACK
    if lab.wordWrap():
        needed = metrics.boundingRect(
            QRect(0, 0, max(1, room.width() - margin), 100000),
            int(Qt.TextFlag.TextWordWrap) | int(lab.alignment()),
            text,
        )
        return needed.height() <= room.height() - margin + SLACK and needed.width() <= room.width() + SLACK
    lines = text.split("\n")
    width = max(metrics.horizontalAdvance(line) for line in lines)
    height = metrics.height() * len(lines)
    return width <= room.width() - margin + SLACK and height <= room.height() - margin + SLACK


def _button_fits(b: QPushButton) -> bool:
    if not b.text().strip():
        return True  # a tile: its labels are measured on their own
    hint = b.sizeHint()
    return b.width() + SLACK >= hint.width() and b.height() + SLACK >= hint.height()


def _border_px(b: QPushButton) -> int:
    """The border the window's style sheet gives the button (heavier in elder mode)."""
    theme = getattr(b.window(), "_theme", None)  # KioskWindow.theme asserts before the first view
    return theme.border_px if theme is not None else 1


def _words_clear_of_edges(b: QPushButton) -> bool:
    """Each line of the button's words fits its rect less the border and CLEARANCE each side."""
    text = b.text()
    if not text.strip():
        return True
    metrics = QFontMetrics(b.font())
    lines = text.split("\n")
    room = 2 * (_border_px(b) + CLEARANCE)
    width = max(metrics.horizontalAdvance(line) for line in lines)
    height = metrics.height() * len(lines)
    return width + room <= b.width() + SLACK and height + room <= b.height() + SLACK


def _cut_by_parent(widget: QWidget, window: QWidget) -> QWidget | None:
    """The first ancestor (below the window) that clips part of `widget`, scroll viewports aside."""
    rect = _window_rect(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        viewport_of = parent.parentWidget()
        if isinstance(viewport_of, QAbstractScrollArea) and viewport_of.viewport() is parent:
            return None  # scrolled content: reachability is checked for the controls
        if not _window_rect(parent, window).adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
            return parent
        parent = parent.parentWidget()
    return None


def _reachable(control: QWidget, window: QWidget) -> bool:
    shown = window.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK)
    rect = _window_rect(control, window)
    area = _scroll_area_of(control)
    if area is None:
        return shown.contains(rect)
    viewport = _window_rect(area.viewport(), window)
    if not shown.contains(viewport) or viewport.height() < 40:
        return False
    content = area.widget()
    inner = QRect(control.mapTo(content, QPoint(0, 0)), control.size())
    bar = area.verticalScrollBar()
    # the deepest the viewport can show: its top at the bar's maximum
    deepest = bar.maximum() + area.viewport().height()
    fits_across = inner.left() >= -SLACK and inner.right() <= area.viewport().width() + SLACK
    return fits_across and inner.top() >= -SLACK and inner.bottom() <= deepest + SLACK


def _in_view(widget: QWidget, window: QWidget) -> bool:
    """Wholly on the display now: inside the window and inside its scroll area's viewport."""
    rect = _window_rect(widget, window)
    if not window.rect().adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect):
        return False
    area = _scroll_area_of(widget)
    if area is None:
        return True
    return _window_rect(area.viewport(), window).adjusted(-SLACK, -SLACK, SLACK, SLACK).contains(rect)


def _one_page_problems(window: QWidget) -> list[str]:
    current = getattr(window, "current_screen", None)
    screen = current() if current is not None else None
    if screen is None or screen.step not in ONE_PAGE or not screen.isVisibleTo(window):
        return []
    problems = []
    bar = screen.area.verticalScrollBar()
    if bar.maximum() > 0:
        problems.append(f"the one-page {screen.objectName()} scrolls by {bar.maximum()} px")
    layer = getattr(window, "banner_layer", None)
    if layer is None or not layer.isVisible():
        return problems
    banner = _window_rect(layer, window)
    for widget in screen.content.findChildren(QWidget):
        shown = isinstance(widget, QLabel | QPushButton) or widget.objectName().startswith("picture:")
        if shown and widget.isVisibleTo(window) and _window_rect(widget, window).intersects(banner):
            problems.append(f"the banner covers {_describe(widget)} on the one-page {screen.objectName()}")
    return problems


def layout_problems(window: QWidget) -> list[str]:
    """Everything wrong with the window's layout as it is shown now, one line each."""
    problems: list[str] = _one_page_problems(window)
    first_errors: dict[int, QWidget] = {}  # per scroll area, the first error down the page
    for widget in window.findChildren(QLabel):
        if widget.property("role") == "field_error" and widget.isVisibleTo(window):
            key = id(_scroll_area_of(widget))
            seen = first_errors.get(key)
            if seen is None or _window_rect(widget, window).top() < _window_rect(seen, window).top():
                first_errors[key] = widget
    for widget in first_errors.values():
        if not _in_view(widget, window):
            problems.append(f"first error not in view: {_describe(widget)}")
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 1:
            continue
        if isinstance(widget, QLabel) and not _label_fits(widget):
            problems.append(f"text cut: {_describe(widget)} in {widget.width()}x{widget.height()}")
        if isinstance(widget, QPushButton) and not _button_fits(widget):
            hint = widget.sizeHint()
            problems.append(
                f"button text cut: {_describe(widget)} {widget.width()}x{widget.height()}"
                f" < {hint.width()}x{hint.height()}"
            )
        elif isinstance(widget, QPushButton) and not _words_clear_of_edges(widget):
            problems.append(f"words touch the button's edge: {_describe(widget)} {widget.width()}x{widget.height()}")
        if isinstance(widget, QLabel | QPushButton):
            clipper = _cut_by_parent(widget, window)
            if clipper is not None:
                problems.append(f"cut by {_describe(clipper)}: {_describe(widget)}")
        if isinstance(widget, QPushButton | QLineEdit) and not _reachable(widget, window):
            problems.append(f"out of reach: {_describe(widget)} at {_window_rect(widget, window).getRect()}")
        name = widget.objectName()
        if isinstance(widget, QPushButton) and (name.startswith(("key:", "date:"))):
            if not _in_view(widget, window):
                problems.append(f"key not in view: {_describe(widget)}")
    return problems


def actionable_places(window: QWidget) -> dict[str, QRect]:
    """Where each visible actionable control is on the window, by its name (and text when unnamed)."""
    places: dict[str, QRect] = {}
    for widget in window.findChildren(QPushButton):
        if widget.isVisibleTo(window):
            places[widget.objectName() or widget.text()] = _window_rect(widget, window)
    return places
