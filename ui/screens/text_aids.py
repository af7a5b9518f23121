"""Fewer taps for free text: quick-phrase chips and the community place picker, above the keyboard.

Both only put text into the keyboard at its cursor; the resident can still edit it. The phrases
are the catalogue's (the same for every resident), never what an earlier resident typed.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QScrollArea, QVBoxLayout, QWidget

from kiosk.session_view import PlaceView
from ui.editor_fit import KEY_GAP_PX
from ui.widgets import button, clear_layout, label

Word = Callable[..., str]


def _chip(text: str, on_tap: Callable[[], None], name: str, accessible: str) -> QWidget:
    b = button(text, on_tap, name=name, role="key", accessible=accessible)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard keeps the focus (and its cursor)
    b.setProperty("fit", "row")  # as high as the keys (ui/editor_fit.py)
    return b


def joined(text: str, addition: str, language: str) -> str:
    """What goes in: English words get a space between them, Chinese none."""
    if language == "en" and text and not text.endswith(" "):
        return " " + addition
    return addition


class QuickPhrases(QWidget):
    """One chip per catalogue phrase: a tap types it. The field's hint leads them; they wrap into
    rows of `columns` (long English phrases would be cut in one row)."""

    def __init__(
        self,
        phrases: tuple[str, ...],
        word: Word,
        on_phrase: Callable[[str], None],
        hint: str = "",
        columns: int = 6,
    ) -> None:
        super().__init__()
        self.setObjectName("quick_phrases")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(KEY_GAP_PX)  # the lead line and a whole row of chips show in the strip
        lead = f"{hint}  {word('form.quick_phrases')}" if hint else word("form.quick_phrases")
        box.addWidget(label(lead, "muted", name="field_hint"))
        grid = QGridLayout()
        box.addLayout(grid)
        for i, phrase in enumerate(phrases):
            chip = _chip(phrase, lambda p=phrase: on_phrase(p), f"phrase:{i}", word("form.quick_phrase", text=phrase))
            grid.addWidget(chip, i // columns, i % columns)


class PlacePicker(QWidget):
    """Buildings first; a tap on one with units shows its units; the place goes in with the last tap."""

    def __init__(
        self,
        places: tuple[PlaceView, ...],
        word: Word,
        language: str,
        on_place: Callable[[str], None],
        columns: int = 8,
    ) -> None:
        super().__init__()
        self.setObjectName("place_picker")
        self._places, self._word, self._on_place = places, word, on_place
        self._sep = ", " if language == "en" else ""
        self._columns = columns  # chips wrap into rows: a long list never widens the window
        self.building: int | None = None  # the building whose units are shown (None: the buildings)
        self._chips: list[QWidget] = []
        self._shown_columns = 0
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(KEY_GAP_PX)
        self._lead = label("", "muted", name="place_lead")
        self._box.addWidget(self._lead)
        self._grid = QGridLayout()
        self._box.addLayout(self._grid)
        self.show_buildings()

    def _fill(self, lead: str, chips: list[QWidget]) -> None:
        clear_layout(self._grid)
        self._lead.setText(lead)
        self._chips = chips
        self._shown_columns = 0
        self._reflow()

    def _room_across(self) -> int:
        """The width the chips have: the strip's viewport (the picker itself is as wide as its
        chips ask), else the picker's own."""
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        return parent.viewport().width() if parent is not None else self.width()

    def _reflow(self) -> None:
        """As many chips a row as fit whole across, up to `columns`: a building's units with the
        worded way back ("← All buildings") are wider than five to a row of a portrait display."""
        chips = self._chips
        if not chips:
            return
        for chip in chips:
            chip.ensurePolished()
        widest = max(chip.sizeHint().width() for chip in chips)
        gap = max(0, self._grid.horizontalSpacing())
        room = self._room_across()
        columns = max(1, min(self._columns, (room + gap) // (widest + gap))) if room > 1 else self._columns
        if columns == self._shown_columns:
            return
        self._shown_columns = columns
        for chip in chips:
            self._grid.removeWidget(chip)
        for n, chip in enumerate(chips):
            self._grid.addWidget(chip, n // columns, n % columns)

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)
        self._reflow()

    def show_buildings(self) -> None:
        self.building = None
        self._fill(
            self._word("form.pick_place"),
            [
                _chip(p.label, lambda i=i: self.pick_building(i), f"place:{i}", self._word("form.place", text=p.label))
                for i, p in enumerate(self._places)
            ],
        )

    def pick_building(self, index: int) -> None:
        place = self._places[index]
        if not place.units:
            self._on_place(place.label)
            return
        chips = []
        for j, unit in enumerate(place.units):
            text = f"{place.label}{self._sep}{unit}"
            chips.append(_chip(unit, lambda t=text: self._done(t), f"unit:{j}", self._word("form.place", text=text)))
        whole = self._word("form.place_whole")
        chips.append(_chip(whole, lambda: self._done(place.label), "unit:whole", self._word("form.place", text=place.label)))
        # in words: an unlabeled "↩" said nothing to a resident (walk 3 finding 4)
        back = self._word("form.place_back.chip")
        chips.append(_chip(back, self.show_buildings, "place:back", self._word("form.place_back")))
        self._fill(place.label, chips)
        self.building = index

    def reopen(self, index: int) -> None:
        """Show the units of building `index` again (a picker built anew in place of this one)."""
        if 0 <= index < len(self._places) and self._places[index].units:
            self.pick_building(index)

    def _done(self, text: str) -> None:
        self._on_place(text)
        self.show_buildings()
