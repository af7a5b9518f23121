"""A square pad a finger writes on; after each stroke it hands every stroke so far to a callback.

Strokes are kept only while the character is being written (the keyboard clears the pad when a
candidate is taken); nothing is stored anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

Strokes = list[list[tuple[float, float]]]


class HandwritingPad(QWidget):
    def __init__(self, size_px: int, on_strokes: Callable[[Strokes, int, int], None], accessible: str) -> None:
        super().__init__()
        self.setObjectName("handwriting_pad")
        self.setAccessibleName(accessible)
        self.setFixedSize(size_px, size_px)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)  # a touch arrives as mouse events too
        self._on_strokes = on_strokes
        self.strokes: Strokes = []
        self._current: list[tuple[float, float]] | None = None

    def clear(self) -> None:
        self.strokes = []
        self._current = None
        self.update()

    # a test (and the stroke fixtures) write through these, as a finger does through the events
    def begin_stroke(self, x: float, y: float) -> None:
        self._current = [(x, y)]
        self.strokes.append(self._current)

    def extend_stroke(self, x: float, y: float) -> None:
        if self._current is not None:
            self._current.append((x, y))
            self.update()

    def end_stroke(self) -> None:
        if self._current is None:
            return
        self._current = None
        self.update()
        self._on_strokes(self.strokes, self.width(), self.height())

    def write(self, strokes: Strokes, scale: float = 1.0) -> None:
        """Write whole strokes (points in a pad of 1/scale this size), stroke by stroke."""
        for stroke in strokes:
            self.begin_stroke(stroke[0][0] * scale, stroke[0][1] * scale)
            for x, y in stroke[1:]:
                self.extend_stroke(x * scale, y * scale)
            self.end_stroke()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        p = event.position()
        self.begin_stroke(p.x(), p.y())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        p = event.position()
        self.extend_stroke(p.x(), p.y())

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self.end_stroke()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.setPen(_pen("#b0b0b0", 1, Qt.PenStyle.DashLine))  # guides: where a character's parts go
        w, h = self.width(), self.height()
        painter.drawLine(w // 2, 0, w // 2, h)
        painter.drawLine(0, h // 2, w, h // 2)
        painter.setPen(_pen("#555555", 3))
        painter.drawRect(1, 1, w - 3, h - 3)
        painter.setPen(_pen("#000000", max(4, w // 50)))
        for stroke in self.strokes:
            path = QPainterPath(QPointF(*stroke[0]))
            for x, y in stroke[1:]:
                path.lineTo(QPointF(x, y))
            painter.drawPath(path)
        painter.end()


def _pen(color: str, width: int, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(QColor(color))
    pen.setWidth(width)
    pen.setStyle(style)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen
