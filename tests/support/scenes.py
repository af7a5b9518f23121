"""What the tests measuring a scene of scripts/render_screens.py on its window share: the scene's
number by its name, and where a widget lies on the window."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from scripts.render_screens import SCENES


def scene_index(name: str) -> int:
    """The number `open_scene` takes for the scene called `name`."""
    return [s[0] for s in SCENES].index(name)


def window_rect(window: QWidget, widget: QWidget) -> QRect:
    """`widget`'s rectangle in `window`'s coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
