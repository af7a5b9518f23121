"""A "more below" cue over the bottom of a screen's scroll area while its content goes on past it.

Where a page does not fit (an elder page on a short display), a part below the fold is easy to
miss: the cue stands in a strip kept under the visible part while the content overflows (it moves
nothing, and hides nothing: as an overlay it lay over half of "Rate this one", walk 8 F9), a tap on
it scrolls down most of a page, and it goes once the end is in view (the strip stays, empty, so the
content does not move as the cue goes). `seen_end` tells whether the end was in view
since the page was built: the review's submit waits for it (renders finding 10).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtWidgets import QPushButton, QScrollArea, QWidget


class ScrollCue(QPushButton):
    def __init__(self, area: QScrollArea, host: QWidget, text: str, on_change: Callable[[], None] | None = None):
        super().__init__(text, host)
        self.setObjectName("scroll_cue")
        self.setProperty("role", "cue")
        self.setAccessibleName(text)
        self.area = area
        self.seen_end = False
        self._overflowed = False
        self._on_change = on_change
        self._striping = False
        bar = area.verticalScrollBar()
        bar.rangeChanged.connect(self._update)
        bar.valueChanged.connect(self._update)
        area.viewport().installEventFilter(self)
        self.clicked.connect(self._page_down)
        self.hide()

    @property
    def overflows(self) -> bool:
        """The content goes on below the visible part (the scroll area can scroll)."""
        return self.area.verticalScrollBar().maximum() > 0

    def _page_down(self) -> None:
        bar = self.area.verticalScrollBar()
        bar.setValue(bar.value() + self.area.viewport().height() * 3 // 4)

    def _keep_strip(self, bar) -> None:
        """The cue's strip under the viewport while the content is taller than the whole area
        (strip included: measured so, the strip's own height never turns it on or off)."""
        margins = self.area.viewportMargins()
        whole = bar.pageStep() + margins.bottom()
        strip = self.sizeHint().height() if bar.maximum() + bar.pageStep() > whole else 0
        if strip != margins.bottom() and not self._striping:
            self._striping = True  # the viewport's resize comes back here before the bar's range is new
            try:
                self.area.setViewportMargins(margins.left(), margins.top(), margins.right(), strip)
            finally:
                self._striping = False

    def _update(self, *_args: object) -> None:
        try:
            bar = self.area.verticalScrollBar()
        except RuntimeError:  # the page was rebuilt: its area is gone
            return
        self._keep_strip(bar)
        overflows = bar.maximum() > 0
        if overflows:
            self._overflowed = True
            if bar.value() >= bar.maximum():
                self.seen_end = True
        # whatever is cut at the bottom edge, the stars too: the cue in its strip covers none of it
        # (it stood aside for the stars as when it lay over the list, and said nothing of them
        # while their row was still cut: issue 9, F12)
        more = overflows and bar.value() < bar.maximum()
        if more:
            self._place()
        self.setVisible(more)
        if self._on_change is not None:
            self._on_change()

    def _place(self) -> None:
        viewport = self.area.viewport()
        at = viewport.mapTo(self.parentWidget(), QPoint(0, 0))
        height = self.sizeHint().height()
        # in the strip under the viewport, where no content is
        self.setGeometry(at.x(), at.y() + viewport.height(), viewport.width(), height)
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.Show):
            self._update()
        return False
