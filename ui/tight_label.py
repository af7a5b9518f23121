"""A label as tall as its glyphs: a reference or a ticket number (capitals, digits, dashes) at the
huge size.

A QLabel reserves the font's whole line for its text: with the CJK fonts the terminal uses that is
about 1.45 em, room for accents and CJK glyphs a reference never has. At the elder theme's 110 px
the reference's line took 160 px for 80 px of ink, and on a 1366x768 display that height was what
pushed "receipt printed" and the QR caption off the screen (walk 3, finding 12). This label sizes
itself to the ink (the tight bounding box of its text) with a small margin and paints the ink
centred in it: nothing is cut, the height goes to the panels the resident must read.

The property "tight" tells tests/support/layout_check.py to measure the ink, not the line.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel

INK_MARGIN_PX = 6  # above and below the ink: a little air, and rounding of the bounding box


class TightLabel(QLabel):
    """One line of text, no wrapping; as tall as its ink and as wide as its advance."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(False)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setProperty("tight", True)
        self.setAccessibleName(text)

    def _ink(self):
        return QFontMetrics(self.font()).tightBoundingRect(self.text())

    def sizeHint(self) -> QSize:
        self.ensurePolished()
        ink = self._ink()
        metrics = QFontMetrics(self.font())
        return QSize(metrics.horizontalAdvance(self.text()) + 2, ink.height() + 2 * INK_MARGIN_PX)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setFont(self.font())
        painter.setPen(self.palette().color(self.foregroundRole()))
        ink = self._ink()
        room = self.contentsRect()
        # the ink's top at the margin (centred when the label is taller than it needs)
        top = room.top() + max(0, (room.height() - ink.height()) // 2)
        baseline = top - ink.top()  # ink.top() is negative: how far the ink rises over the baseline
        painter.drawText(room.left() - ink.left() if ink.left() < 0 else room.left(), baseline, self.text())
        painter.end()
