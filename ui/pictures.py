"""Pictures that show a resident where things are on the terminal: the card slot (insert / take
your card) and the receipt slot (take your receipt), from the SVG files in ui/assets/.

`SlotPicture(kind, px, accessible)` is a widget of `px`x`px`; while shown it loops a short
animation (the card going in, the card or the slip coming out) with an arrow the way to move.
Renders and tests set `SlotPicture.animate = False` to get the same still frame every time.
The picture never stands alone: the screen puts words beside it, and it has an accessible name.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil, floor
from pathlib import Path

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap
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
        still = self._frame >= FRAMES
        self._frame = (self._frame + 1) % (FRAMES + PAUSE_FRAMES)
        if not (still and self._frame >= FRAMES):  # the loop's pause holds the still frame: nothing to paint
            self.update()

    def offset(self) -> float:
        """How far the moving layer is from its place in the file, at this frame."""
        m = self.motion
        t = min(self._frame, FRAMES) / FRAMES
        eased = t * t * (3 - 2 * t)  # slow in, slow out
        return m.start + (m.end - m.start) * eased

    def paintEvent(self, _event: object) -> None:
        layers = self._layers()
        if layers is None:
            # the picture did not load (a package without ui/assets): an empty panel, not an error
            # raised at every frame of the animation
            return
        painter = QPainter(self)
        m = self.motion
        scale = layers.scale
        for layer in layers.order:
            if layer != m.moving:
                painter.drawPixmap(0, 0, layers.static[layer])
                continue
            # the still frame's place, moved by whole pixels: the layer was drawn there once
            dy = round((self.offset() - m.end) * scale)
            painter.save()
            clip_top = layers.top + m.clip_top * scale
            painter.setClipRect(QRectF(0, clip_top, self.width(), self.height() - clip_top))
            painter.drawPixmap(layers.moving_at.x(), layers.moving_at.y() + dy, layers.moving)
            painter.restore()
        painter.end()

    def _layers(self) -> _Layers | None:
        """This picture's layers drawn from the SVG once for its size (kept for every picture of the
        kind and size): the animation and each new screen's picture paint pixmaps, not the SVG's
        paths again (the attract screen's loop drew the SVG 14 times a second, all day)."""
        ratio = self.devicePixelRatioF()
        key = (self.kind, self.width(), self.height(), ratio)
        found = _drawn.get(key)
        if found is None:
            box = self._renderer.viewBoxF()
            if box.isEmpty() or self.width() <= 0 or self.height() <= 0:
                return None
            found = _draw_layers(self._renderer, self.motion, self.width(), self.height(), ratio)
            if len(_drawn) >= _DRAWN_KEPT:
                _drawn.pop(next(iter(_drawn)))
            _drawn[key] = found
        return found


@dataclass(frozen=True)
class _Layers:
    order: tuple[str, ...]  # the motion's layers, runs of still ones merged (drawn in this order)
    static: dict[str, QPixmap]  # a run of still layers, by its first layer: the whole picture's size
    moving: QPixmap  # the moving layer at its still frame's place, its own bounds' size
    moving_at: QPoint  # where that pixmap goes at the still frame
    scale: float  # device-independent pixels per SVG unit
    top: float  # the SVG's top edge in the widget


_drawn: dict[tuple, _Layers] = {}
_DRAWN_KEPT = 12  # kinds x sizes on show: three kinds, a few sizes per theme and display


def _pixmap(width: int, height: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(max(1, ceil(width * ratio)), max(1, ceil(height * ratio)))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


def _draw_layers(renderer: QSvgRenderer, m: Motion, width: int, height: int, ratio: float) -> _Layers:
    box = renderer.viewBoxF()
    scale = min(width / box.width(), height / box.height())
    left = (width - box.width() * scale) / 2
    top = (height - box.height() * scale) / 2

    def target(layer: str, dy: float = 0.0) -> QRectF:
        b = renderer.boundsOnElement(layer)
        return QRectF(left + b.x() * scale, top + (b.y() + dy) * scale, b.width() * scale, b.height() * scale)

    order: list[str] = []
    static: dict[str, QPixmap] = {}
    painter: QPainter | None = None
    for layer in m.layers:
        if layer == m.moving:
            if painter is not None:
                painter.end()
                painter = None
            order.append(layer)
            continue
        if painter is None:  # a new run of still layers: one pixmap for the run
            order.append(layer)
            static[layer] = _pixmap(width, height, ratio)
            painter = QPainter(static[layer])
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, layer, target(layer))
    if painter is not None:
        painter.end()
    # the moving layer in a pixmap of its own bounds (at its still frame's fraction of a pixel), so
    # no part of it is cut off where the animation takes it past the still frame's edges
    still = target(m.moving, m.end)
    at = QPoint(floor(still.x()), floor(still.y()))
    moving = _pixmap(ceil(still.width()) + 2, ceil(still.height()) + 2, ratio)
    painter = QPainter(moving)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, m.moving, still.translated(-at.x(), -at.y()))
    painter.end()
    return _Layers(tuple(order), static, moving, at, scale, top)


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
