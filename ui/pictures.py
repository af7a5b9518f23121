"""Pictures that show a resident where things are on the terminal: the card slot (insert / take
your card) and the receipt slot (take your receipt), from the SVG files in ui/assets/.

`SlotPicture(kind, px, accessible)` is a widget of `px`x`px`; while shown it loops a short
animation (the card going in, the card or the slip coming out) with an arrow the way to move.
Renders and tests set `SlotPicture.animate = False` to get the same still frame every time.
The picture never stands alone: the screen puts words beside it, and it has an accessible name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import Theme
from ui.widgets import label, panel

ASSETS = Path(__file__).resolve().parent / "assets"


@dataclass(frozen=True)
class Motion:
    """Which file, the layers in drawing order, the one that moves, and its travel (SVG units)."""

    file: str
    layers: tuple[str, ...]
    moving: str
    start: float  # offset of the moving layer at the start of the loop
    end: float  # ... and at its end (also the still frame)
    clip_top: float = 0.0  # the moving layer shows only below this line (the slip under the slot)


MOTIONS = {
    "insert_card": Motion("card-slot.svg", ("panel", "card", "lip", "arrow_in"), "card", -14.0, 16.0),
    "take_card": Motion("card-slot.svg", ("panel", "card", "lip", "arrow_out"), "card", 34.0, -6.0),
    "take_receipt": Motion("receipt-slot.svg", ("slip", "panel", "arrow_out"), "slip", -110.0, 0.0, 76.0),
}
KINDS = tuple(MOTIONS)
FRAMES = 24  # one loop: 24 frames of 70 ms, the last held a little longer by the loop's pause
PAUSE_FRAMES = 10

_renderers: dict[str, QSvgRenderer] = {}


def _renderer(file: str) -> QSvgRenderer:
    found = _renderers.get(file)
    if found is None:
        found = _renderers[file] = QSvgRenderer(str(ASSETS / file))
        if not found.isValid():
            raise FileNotFoundError(f"picture {file} is missing or not SVG")
    return found


class SlotPicture(QWidget):
    """The card slot or the receipt slot, with what goes in or comes out."""

    animate = True

    def __init__(self, kind: str, px: int, accessible: str) -> None:
        super().__init__()
        self.kind = kind
        self.motion = MOTIONS[kind]
        self._renderer = _renderer(self.motion.file)
        self._px = px
        self._frame = FRAMES  # the still frame: where the card or slip ends up
        self.setObjectName(f"picture:{kind}")
        self.setAccessibleName(accessible)
        self.setFixedSize(px, px)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._timer = QTimer(self)
        self._timer.setInterval(70)
        self._timer.timeout.connect(self._next_frame)

    def sizeHint(self) -> QSize:
        return QSize(self._px, self._px)

    @property
    def px(self) -> int:
        return self._px

    def set_px(self, px: int) -> None:
        """Another size (a one-page screen fits its picture to the room the words leave)."""
        if px != self._px:
            self._px = px
            self.setFixedSize(px, px)

    def showEvent(self, event: object) -> None:
        if self.animate:
            self._frame = 0
            self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: object) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def _next_frame(self) -> None:
        self._frame = (self._frame + 1) % (FRAMES + PAUSE_FRAMES)
        self.update()

    def offset(self) -> float:
        """How far the moving layer is from its place in the file, at this frame."""
        m = self.motion
        t = min(self._frame, FRAMES) / FRAMES
        eased = t * t * (3 - 2 * t)  # slow in, slow out
        return m.start + (m.end - m.start) * eased

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        box = self._renderer.viewBoxF()
        if box.isEmpty() or self.width() <= 0 or self.height() <= 0:
            # the picture did not load (a package without ui/assets): an empty panel, not an error
            # raised at every frame of the animation
            painter.end()
            return
        scale = min(self.width() / box.width(), self.height() / box.height())
        left = (self.width() - box.width() * scale) / 2
        top = (self.height() - box.height() * scale) / 2
        for layer in self.motion.layers:
            b = self._renderer.boundsOnElement(layer)
            dy = self.offset() if layer == self.motion.moving else 0.0
            target = QRectF(
                left + b.x() * scale, top + (b.y() + dy) * scale, b.width() * scale, b.height() * scale
            )
            painter.save()
            if layer == self.motion.moving:
                clip_top = top + self.motion.clip_top * scale
                painter.setClipRect(QRectF(0, clip_top, self.width(), self.height() - clip_top))
            self._renderer.render(painter, layer, target)
            painter.restore()
        painter.end()


def slot_panel(kind: str, words: str, theme: Theme, px: int | None = None) -> QWidget:
    """A picture of the slot with what goes in or comes out, and the words saying it, in a card."""
    frame, box = panel("card", f"slot:{kind}")
    box.setSpacing(theme.spacing_px)
    box.addWidget(SlotPicture(kind, px or theme.picture_px, words), 0, Qt.AlignmentFlag.AlignHCenter)
    caption = label(words, "tile_title", name=f"caption:{kind}")
    caption.setAlignment(Qt.AlignmentFlag.AlignHCenter)
    box.addWidget(caption)
    frame.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    return frame
