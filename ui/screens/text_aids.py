"""Fewer taps for free text: quick-phrase chips and the community place picker, above the keyboard.

Both only put text into the keyboard at its cursor; the resident can still edit it. The phrases
are the catalogue's (the same for every resident), never what an earlier resident typed.

They are laid out in full, never in a strip of their own to scroll: in one the elder display showed
two of six phrases and a bar, and the place picker's example hint and common places were never
seen (renders 4, 5, 28). `aids_shape` says how many rows they take at a width; the editor's key
rows give up the height (ui/editor_fit.py). Each lead ("常用：", "选位置：") stands left of its
chips, so it never trails the hint as a word with nothing after it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.session_view import PlaceView
from ui.editor_fit import KEY_GAP_PX, AidsShape
from ui.theme import FONT_FAMILIES, Theme
from ui.widgets import button, clear_layout, label

Word = Callable[..., str]


def _chip(text: str, on_tap: Callable[[], None], name: str, accessible: str) -> QWidget:
    b = button(text, on_tap, name=name, role="chip", accessible=accessible)
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard keeps the focus (and its cursor)
    b.setProperty("fit", "row")  # as high as the keys (ui/editor_fit.py)
    return b


def joined(text: str, addition: str, language: str, *, after_place: bool = False) -> str:
    """What goes in: English words get a space between them (a comma and a space after a picked
    place: its parts are listed so), Chinese none."""
    if language == "en" and text and not text.endswith(" "):
        return (", " if after_place and not text.endswith(",") else " ") + addition
    return addition


def _font(px: int) -> QFont:
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPixelSize(px)
    return font


def chip_px(text: str, theme: Theme) -> int:
    """The width a chip needs for `text`: its words, the padding either side and its border
    (the style sheet's role "chip"), so no word touches the chip's edge (renders 6, 24)."""
    advance = QFontMetrics(_font(theme.button_px)).horizontalAdvance(text)
    return advance + 2 * theme.chip_pad_px + 2 * theme.border_px


def chip_widths(texts: list[str], theme: Theme) -> list[int]:
    """Each chip as wide as its words need, and never narrower than a finger's target."""
    return [max(chip_px(t, theme), theme.target_px) for t in texts]


def flow_rows(widths: list[int], room: int) -> list[list[int]]:
    """The chips (by index) row by row, left to right, as many a row as fit across `room`."""
    rows: list[list[int]] = []
    used = room + 1
    for i, w in enumerate(widths):
        if rows and used + KEY_GAP_PX + w <= room:
            rows[-1].append(i)
            used += KEY_GAP_PX + w
        else:
            rows.append([i])
            used = w
    return rows


def flow_pages(widths: list[int], room: int, rows: int, more_px: int, lead_px: int = 0) -> list[list[list[int]]]:
    """The chips in pages of at most `rows` rows: one page when they fit; else each page ends with
    room for the "next page" chip (a page to turn, never a strip to scroll or a half-cut row).
    `lead_px`: a chip that leads every page's first row (the way back) takes that much of it."""
    lead = lead_px + KEY_GAP_PX if lead_px else 0
    if len(flow_rows(widths, room - lead)) <= rows:
        return [flow_rows(widths, room - lead)]
    pages: list[list[list[int]]] = []
    start = 0
    while start < len(widths):
        page: list[list[int]] = []
        for r in range(rows):
            limit = room - (more_px + KEY_GAP_PX if r == rows - 1 else 0) - (lead if r == 0 else 0)
            row = flow_rows(widths[start:], limit)[0] if start < len(widths) else []
            if not row:
                break
            if widths[start] > limit and page:
                break
            page.append([start + i for i in row])
            start += len(row)
        pages.append(page)
    return pages


def lead_px(leads: list[str], theme: Theme, width: int) -> int:
    """The width of the lead column left of the chips: the longest lead, at most a quarter."""
    advance = max(QFontMetrics(_font(theme.small_px)).horizontalAdvance(t) for t in leads)
    return min(advance + 2, width // 4)


def hint_px(hint: str, theme: Theme, width: int) -> int:
    """The height of the hint's wrapped lines at `width`."""
    rect = QFontMetrics(_font(theme.small_px)).boundingRect(
        QRect(0, 0, width, 100000), int(Qt.TextFlag.TextWordWrap), hint
    )
    return rect.height()


def picker_states(places: tuple[PlaceView, ...], word: Word) -> list[list[str]]:
    """The chips the picker shows: the buildings, then each building's units (and "whole", back)."""
    states = [[p.label for p in places]]
    states += [[*p.units, word("form.place_whole"), word("form.place_back.chip")] for p in places if p.units]
    return states


def picker_leads(places: tuple[PlaceView, ...], word: Word) -> list[str]:
    return [word("form.pick_place"), *(p.label for p in places if p.units)]


def aids_shape(
    phrases: tuple[str, ...],
    hint: str,
    places: tuple[PlaceView, ...],
    word: Word,
    theme: Theme,
    width: int,
) -> AidsShape | None:
    """How the chips over the keys lay out at `width`: the hint's lines and the chip rows the
    picker needs (its most, whichever building is open, so a tap never moves the keys) and the
    phrases need. None: no chips."""
    if not phrases and not places:
        return None
    leads = ([word("form.quick_phrases")] if phrases else []) + (picker_leads(places, word) if places else [])
    lead = lead_px(leads, theme, width)
    room = width - lead - 2 * KEY_GAP_PX - theme.spacing_px  # a few px less than the layout gives
    picker = (
        max(len(flow_rows(chip_widths(s, theme), room)) for s in picker_states(places, word)) if places else 0
    )
    quick = len(flow_rows(chip_widths(list(phrases), theme), room)) if phrases else 0
    lines = hint_px(hint, theme, width) + KEY_GAP_PX if hint else 0
    return AidsShape(lines, (picker, quick), lead, room)


def _lead(text: str, width: int) -> QLabel:
    lead = label(text, "muted", name="aids_lead")
    lead.setFixedWidth(width)
    lead.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return lead


class ChipRows(QWidget):
    """Chips in rows as their words need, `rows` rows high whatever they hold (the keys under them
    never move); more than fit go on pages turned by a last chip ("下一页 ›"), back to the first
    after the last."""

    def __init__(self, word: Word, theme: Theme, room: int, rows: int, row_px: int) -> None:
        super().__init__()
        self._word, self._theme, self._room, self._rows = word, theme, room, rows
        self._box = QVBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(KEY_GAP_PX)
        self.setFixedHeight(rows * row_px + (rows - 1) * KEY_GAP_PX)
        self._chips: list[tuple[str, Callable[[], None], str, str]] = []
        self._lead_chip: tuple[str, Callable[[], None], str, str] | None = None
        self._pages: list[list[list[int]]] = []
        self.page = 0

    def show_chips(
        self,
        chips: list[tuple[str, Callable[[], None], str, str]],
        lead: tuple[str, Callable[[], None], str, str] | None = None,
    ) -> None:
        """(text, on_tap, name, accessible) each; from the first page. `lead`: a chip first on every
        page (the way back: on page 2 of the English elder units it was a page away, final review 19)."""
        self._chips, self._lead_chip = chips, lead
        more = self._more_text()
        widths = chip_widths([c[0] for c in chips], self._theme)
        lead_px = chip_widths([lead[0]], self._theme)[0] if lead is not None else 0
        self._pages = flow_pages(widths, self._room, self._rows, chip_widths([more], self._theme)[0], lead_px)
        self.show_page(0)

    def _add_chip(self, line: QHBoxLayout, text: str, on_tap: Callable[[], None], name: str, accessible: str) -> None:
        chip = _chip(text, on_tap, name, accessible)
        # as wide as its words: in its own sheet, which every later polish keeps (the window's
        # min-width for buttons replaced a plain minimum width at the next polish)
        inner = chip_widths([text], self._theme)[0] - 2 * (self._theme.chip_pad_px + self._theme.border_px)
        chip.setStyleSheet(f"min-width: {inner}px;")
        line.addWidget(chip)

    def _more_text(self) -> str:
        return f"{self._word('nav.page_next')} ›"

    def show_page(self, page: int) -> None:
        clear_layout(self._box)
        self.page = page % max(1, len(self._pages))
        rows = self._pages[self.page] if self._pages else []
        for r, indices in enumerate(rows):
            line = QHBoxLayout()
            line.setSpacing(KEY_GAP_PX)
            if r == 0 and self._lead_chip is not None:
                self._add_chip(line, *self._lead_chip)
            for i in indices:
                self._add_chip(line, *self._chips[i])
            if len(self._pages) > 1 and r == len(rows) - 1:
                turn = _chip(
                    self._more_text(), lambda: self.show_page(self.page + 1), "chips:next", self._more_text()
                )
                line.addWidget(turn)
            line.addStretch(1)
            self._box.addLayout(line)
        self._box.addStretch(1)


class QuickPhrases(QWidget):
    """One chip per catalogue phrase: a tap types it. Its lead ("常用：") stands left of them in a
    column `lead_width` wide; the chips take `rows` rows of `row_px` across `room`."""

    def __init__(
        self,
        phrases: tuple[str, ...],
        word: Word,
        on_phrase: Callable[[str], None],
        theme: Theme,
        place: tuple[int, int, int, int],
    ) -> None:
        lead_width, room, rows, row_px = place
        super().__init__()
        self.setObjectName("quick_phrases")
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(KEY_GAP_PX)
        box.addWidget(_lead(word("form.quick_phrases"), lead_width), 0, Qt.AlignmentFlag.AlignTop)
        self.chips = ChipRows(word, theme, room, rows, row_px)
        box.addWidget(self.chips, 1)
        self.chips.show_chips(
            [
                (phrase, lambda p=phrase: on_phrase(p), f"phrase:{i}", word("form.quick_phrase", text=phrase))
                for i, phrase in enumerate(phrases)
            ]
        )


class PlacePicker(QWidget):
    """Buildings first; a tap on one with units shows its units; the place goes in with the last tap.
    Its lead (what to pick, or the building open) stands left of the chips."""

    def __init__(
        self,
        places: tuple[PlaceView, ...],
        word: Word,
        language: str,
        on_place: Callable[[str], str | None],
        theme: Theme,
        place: tuple[int, int, int, int],
        on_unit: Callable[[str], None] | None = None,
        take_back: Callable[[str], None] | None = None,
    ) -> None:
        """`on_place(text)` puts a building's name in (and says what it wrote), `on_unit(text)`
        appends a unit to it as it is, `take_back(written)` takes a building's name out again."""
        lead_width, room, rows, row_px = place
        super().__init__()
        self.setObjectName("place_picker")
        self._places, self._word, self._on_place = places, word, on_place
        self._on_unit = on_unit or on_place
        self._take_back = take_back
        self._written: str | None = None  # the building's name as this picker put it in
        self._sep = ", " if language == "en" else ""
        self.building: int | None = None  # the building whose units are shown (None: the buildings)
        self.extra: list[tuple[str, Callable[[], None], str, str]] = []  # chips after the buildings
        self._box = QHBoxLayout(self)
        self._box.setContentsMargins(0, 0, 0, 0)
        self._box.setSpacing(KEY_GAP_PX)
        self._lead = _lead("", lead_width)
        self._lead.setObjectName("place_lead")
        self._box.addWidget(self._lead, 0, Qt.AlignmentFlag.AlignTop)
        self.chips = ChipRows(word, theme, room, rows, row_px)
        self._box.addWidget(self.chips, 1)
        self.show_buildings()

    def _fill(
        self,
        lead: str,
        chips: list[tuple[str, Callable[[], None], str, str]],
        back: tuple[str, Callable[[], None], str, str] | None = None,
    ) -> None:
        self._lead.setText(lead)
        self._lead.setAccessibleName(lead)
        self.chips.show_chips(chips, back)

    def show_buildings(self) -> None:
        self.building = None
        self._fill(
            self._word("form.pick_place"),
            [
                (
                    p.label,
                    lambda i=i: self.pick_building(i),
                    f"place:{i}",
                    self._word("form.place", text=p.label),
                )
                for i, p in enumerate(self._places)
            ]
            + self.extra,
        )

    def pick_building(self, index: int) -> None:
        """A building tapped: its name goes into the box at once (a tap that showed nothing in the
        box looked as if it did nothing: final review, finding 12), then its units are offered."""
        place = self._places[index]
        self._written = self._on_place(place.label)
        if not place.units:
            self._placed()
            return
        self._show_units(index)

    def _show_units(self, index: int) -> None:
        place = self._places[index]
        chips = []
        for j, unit in enumerate(place.units):
            text = f"{place.label}{self._sep}{unit}"
            chips.append(
                (unit, lambda u=unit: self._done(u), f"unit:{j}", self._word("form.place", text=text))
            )
        whole = self._word("form.place_whole")
        chips.append(
            (whole, lambda: self._done(None), "unit:whole", self._word("form.place", text=place.label))
        )
        # in words: an unlabeled "↩" said nothing to a resident (walk 3 finding 4)
        back = self._word("form.place_back.chip")
        # first on every chip page, where the units run on to more pages (elder English)
        self._fill(place.label, chips, (back, self._another_building, "place:back", self._word("form.place_back")))
        self.building = index

    def reopen(self, index: int) -> None:
        """Show the units of building `index` again (a picker built anew in place of this one; the
        building's name is in the box already)."""
        if 0 <= index < len(self._places) and self._places[index].units:
            self._written = None
            self._show_units(index)

    def _another_building(self) -> None:
        """Back to the buildings: the name this picker just wrote goes out of the box again."""
        if self._written and self._take_back is not None:
            self._take_back(self._written)
        self._written = None
        self.show_buildings()

    def _done(self, unit: str | None) -> None:
        if unit is not None:
            self._on_unit(f"{self._sep}{unit}")
        self._written = None
        self._placed()

    def _placed(self) -> None:
        """The place is in: where the common places (楼道, 电梯间…) share this row (elder mode on a
        short display), they come next, not the buildings again (final review, finding 12)."""
        if not self.extra:
            self.show_buildings()
            return
        self.building = None
        back = (self._word("form.place_back.chip"), self.show_buildings, "place:back", self._word("form.place_back"))
        self._fill(self._word("form.quick_phrases"), [back, *self.extra])
