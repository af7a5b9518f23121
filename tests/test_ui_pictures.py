"""The slot pictures draw their SVG layers once per size and paint pixmaps after that: the still
frame is the SVG's own drawing, the animation moves the moving layer, and the loop's pause paints
nothing (the attract screen shows the card slot all day)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtWidgets import QWidget

from ui import pictures
from ui.pictures import FRAMES, KINDS, MOTIONS, PAUSE_FRAMES, SlotPicture

PX = 240


def _svg_drawn(kind: str, px: int) -> QImage:
    """The still frame drawn straight from the SVG, layer by layer (what the picture showed before
    it kept pixmaps)."""
    m = MOTIONS[kind]
    renderer = pictures._renderer(m.file)
    image = QImage(px, px, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    box = renderer.viewBoxF()
    scale = min(px / box.width(), px / box.height())
    left, top = (px - box.width() * scale) / 2, (px - box.height() * scale) / 2
    for layer in m.layers:
        b = renderer.boundsOnElement(layer)
        dy = m.end if layer == m.moving else 0.0
        target = QRectF(left + b.x() * scale, top + (b.y() + dy) * scale, b.width() * scale, b.height() * scale)
        renderer.render(painter, layer, target)
    painter.end()
    return image


def _grab(picture: SlotPicture) -> QImage:
    """What the picture paints, without the window's background under it."""
    image = QImage(picture.size(), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    picture.render(image, QPoint(), QRegion(), QWidget.RenderFlag.DrawChildren)
    return image


def _differing(a: QImage, b: QImage, tolerance: int = 8) -> int:
    count = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixel(x, y), b.pixel(x, y)
            if max(abs(((pa >> s) & 255) - ((pb >> s) & 255)) for s in (0, 8, 16, 24)) > tolerance:
                count += 1
    return count


@pytest.fixture
def still(monkeypatch):
    monkeypatch.setattr(SlotPicture, "animate", False)
    pictures._drawn.clear()


@pytest.mark.parametrize("kind", KINDS)
def test_the_still_frame_is_the_svgs_own_drawing(qtbot, still, kind):
    picture = SlotPicture(kind, PX, "words")
    qtbot.addWidget(picture)

    shown = _grab(picture)

    # antialiased edges may differ by a shade where the layers meet: not the picture
    assert _differing(shown, _svg_drawn(kind, PX)) <= 8
    blank = QImage(shown.size(), shown.format())
    blank.fill(Qt.GlobalColor.transparent)
    assert _differing(shown, blank) > 1000, "nothing drawn"


def test_the_moving_layer_moves_and_comes_back(qtbot, still):
    picture = SlotPicture("insert_card", PX, "words")
    qtbot.addWidget(picture)
    end = _grab(picture)

    picture._frame = 0
    start = _grab(picture)
    picture._frame = FRAMES
    again = _grab(picture)

    assert _differing(start, end) > 100, "the card does not move"
    assert _differing(again, end) == 0
    assert len(pictures._drawn) == 1, "the layers were drawn again for the same picture"


def test_the_loops_pause_paints_nothing(qtbot, still):
    picture = SlotPicture("take_receipt", PX, "words")
    qtbot.addWidget(picture)
    updates = []
    picture.update = lambda: updates.append(picture._frame)
    picture._frame = 0

    for _ in range(FRAMES + PAUSE_FRAMES):  # one whole loop
        picture._next_frame()

    assert picture._frame == 0
    # each moving frame, the still one it ends on, and the loop's new start; none in the pause
    assert updates == [*range(1, FRAMES + 1), 0]
