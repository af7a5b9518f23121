"""Fewer taps for free text: quick-phrase chips and the community place picker, above the keyboard.

Both only put text into the keyboard at its cursor; the resident can still edit it. The phrases
are the catalogue's (the same for every resident), never what an earlier resident typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.session_view import PlaceView
from ui.widgets import button, clear_layout, label

Word = Callable[..., str]


def _chip(text: str, on_tap: Callable[[], None], name: str, accessible: str) -> QWidget:
    b = button(text, on_tap, name=name, role="key", accessible=accessible)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard keeps the focus (and its cursor)
    return b


def joined(text: str, addition: str, language: str) -> str:
    """What goes in: English words get a space between them, Chinese none."""
    if language == "en" and text and not text.endswith(" "):
        return " " + addition
    return addition


class QuickPhrases(QWidget):
    """One chip per catalogue phrase: a tap types it."""

    def __init__(self, phrases: tuple[str, ...], word: Word, on_phrase: Callable[[str], None]) -> None:
        super().__init__()
        self.setObjectName("quick_phrases")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label(word("form.quick_phrases"), "muted", wrap=False))
        for i, phrase in enumerate(phrases):
            row.addWidget(
                _chip(phrase, lambda p=phrase: on_phrase(p), f"phrase:{i}", word("form.quick_phrase", text=phrase))
            )
        row.addStretch(1)


class PlacePicker(QWidget):
    """Buildings first; a tap on one with units shows its units; the place goes in with the last tap."""

    def __init__(self, places: tuple[PlaceView, ...], word: Word, language: str, on_place: Callable[[str], None]) -> None:
        super().__init__()
        self.setObjectName("place_picker")
        self._places, self._word, self._on_place = places, word, on_place
        self._sep = ", " if language == "en" else ""
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._row = QHBoxLayout()
        self._box.addLayout(self._row)
        self.show_buildings()

    def show_buildings(self) -> None:
        clear_layout(self._row)
        self._row.addWidget(label(self._word("form.pick_place"), "muted", wrap=False))
        for i, place in enumerate(self._places):
            self._row.addWidget(
                _chip(place.label, lambda i=i: self.pick_building(i), f"place:{i}", self._word("form.place", text=place.label))
            )
        self._row.addStretch(1)

    def pick_building(self, index: int) -> None:
        place = self._places[index]
        if not place.units:
            self._on_place(place.label)
            return
        clear_layout(self._row)
        self._row.addWidget(label(place.label, "muted", wrap=False))
        for j, unit in enumerate(place.units):
            text = f"{place.label}{self._sep}{unit}"
            self._row.addWidget(
                _chip(unit, lambda t=text: self._done(t), f"unit:{j}", self._word("form.place", text=text))
            )
        self._row.addWidget(
            _chip(place.label, lambda: self._done(place.label), "unit:whole", self._word("form.place", text=place.label))
        )
        self._row.addWidget(_chip("↩", self.show_buildings, "place:back", self._word("form.place_back")))
        self._row.addStretch(1)

    def _done(self, text: str) -> None:
        self._on_place(text)
        self.show_buildings()
