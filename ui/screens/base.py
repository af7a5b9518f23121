"""What every screen shares: it renders a SessionView with a theme and forwards taps to the session.

A screen decides nothing: which step comes next, what is valid and what is masked are the
session's business. A screen may keep only presentation state (which field's editor is open).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.session_view import Mode, SessionView, Step
from ui.i18n import Words
from ui.theme import Theme
from ui.widgets import button, clear_layout, label


@dataclass
class ScreenContext:
    """What a screen is given: the session to forward taps to, the words, and an activity hook."""

    session: Any  # kiosk.session.Session: the inputs listed in its docstring
    words: Words
    touch: Callable[[], None]
    on_screen_changed: Callable[[Any], None] = lambda _screen: None  # a screen re-rendered itself (speech)


class Screen(QWidget):
    """Base of the screen kinds. Subclasses implement `build(view)`."""

    step: ClassVar[Step]

    def __init__(self, ctx: ScreenContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(f"screen:{self.step.value}")
        self.view: SessionView | None = None
        self.theme: Theme | None = None
        self.root = QVBoxLayout(self)
        self.root.setContentsMargins(0, 0, 0, 0)

    @property
    def session(self) -> Any:
        return self.ctx.session

    @property
    def elder(self) -> bool:
        return self.view is not None and self.view.mode is Mode.ELDER

    def t(self, key: str, **values: object) -> str:
        assert self.view is not None
        return self.ctx.words.text(self.view.language, key, elder=self.elder, **values)

    def render(self, view: SessionView, theme: Theme) -> None:
        self.view, self.theme = view, theme
        self.setUpdatesEnabled(False)
        clear_layout(self.root)
        self.root.setSpacing(theme.spacing_px)
        self.build(view)
        self.setUpdatesEnabled(True)

    def build(self, view: SessionView) -> None:
        raise NotImplementedError

    def spoken(self, view: SessionView) -> str:
        """What speech says when this screen appears (elder mode)."""
        return self.t(f"speak.{self.step.value}")

    # --- helpers for subclasses ------------------------------------------------------------------

    def title(self, text: str) -> None:
        self.root.addWidget(label(text, "title", name="title"))

    def row(self, *widgets: QWidget, stretch_first: bool = False) -> QHBoxLayout:
        box = QHBoxLayout()
        box.setSpacing(self.theme.spacing_px if self.theme else 8)
        if not stretch_first:
            for w in widgets:
                box.addWidget(w)
            box.addStretch(1)
        else:
            box.addStretch(1)
            for w in widgets:
                box.addWidget(w)
        self.root.addLayout(box)
        return box

    def primary(self, text: str, on_tap: Callable[[], None], name: str, enabled: bool = True) -> QPushButton:
        return button(text, on_tap, name=name, role="primary", enabled=enabled)

    def scroll(self, content: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setWidget(content)
        self.root.addWidget(area, 1)
        return area
