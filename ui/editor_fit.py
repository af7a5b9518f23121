"""How an open text editor fits the display: the height of its key rows, and whether the field's
name folds into the top bar (docs/terminal-style.md, "The text editor on a short display").

The keys come first, since a finger must hit them: rows are the theme's full key height where the
display has the room, and shrink a pixel at a time toward `Theme.key_floor_px` (72 px, never under)
on a short one. Before a row shrinks, the field's name leaves its own line over the keys for the top
bar, where the terminal's name stands the rest of the time. Every height is the outer height of the
widget (borders included) at the theme's font sizes, so what is computed here is what the layout
gives; tests/test_layout_check.py fails any display where the window would still grow.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics

from ui.theme import FONT_FAMILIES, Theme

KEY_GAP_PX = 4  # between key rows, and between the editor's parts: the height goes to the keys
BOX_MARGIN_PX = 4  # inside the typed-text box
GROW_SLACK_PX = 4
ROWS = 4  # every layer of the keyboard (and the handwriting pad) is four key rows tall


def line_px(px: int, *, bold: bool = False) -> int:
    """The height of one line of text at `px` pixels in the terminal's fonts (what a QLabel needs)."""
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPixelSize(px)
    font.setBold(bold)
    return QFontMetrics(font).height()


def text_px(text: str, px: int, width: int, *, bold: bool = False) -> int:
    """The height of `text` wrapped to `width` at `px` pixels in the terminal's fonts: a label not
    yet in the window has not its style sheet's font, so its own size hint is the wrong one."""
    font = QFont()
    font.setFamilies(list(FONT_FAMILIES))
    font.setPixelSize(px)
    font.setBold(bold)
    flags = int(Qt.TextFlag.TextWordWrap)
    return QFontMetrics(font).boundingRect(QRect(0, 0, max(1, width), 100000), flags, text).height()


@dataclass(frozen=True)
class AidsShape:
    """The chips over the keys laid out in full for the display's width (no strip of their own to
    scroll: a nested strip with its own bar hid most phrases and the places, renders 4, 5, 28):
    `lines_px` of text lines (the field's hint), `rows` of chips (place picker, quick phrases) in
    `room_px` across, their leads in a column `lead_px` wide left of them. A short display shows
    fewer rows at a time (`shown`): the rest a page away, turned by a chip."""

    lines_px: int
    rows: tuple[int, int]
    lead_px: int
    room_px: int
    hint_in_box: bool = False  # no line to spare: the hint stands in the empty typed-text box
    merged: bool = False  # no row to spare either: the phrases follow the buildings in one row

    def px(self, row_px: int) -> int:
        """Their height with chip rows `row_px` high (a key row's height)."""
        return self.lines_px + sum(self.rows) * (row_px + KEY_GAP_PX)

    def fewer(self) -> AidsShape | None:
        """One row less of the longer of the two (each keeps one); at one row each, the hint into
        the typed-text box (shown there while nothing is typed); then None."""
        picker, quick = self.rows
        if max(picker, quick) <= 1:
            if self.lines_px and not self.hint_in_box:
                return AidsShape(0, self.rows, self.lead_px, self.room_px, hint_in_box=True)
            if picker and quick:
                return AidsShape(0, (1, 0), self.lead_px, self.room_px, self.hint_in_box, merged=True)
            return None
        rows = (picker - 1, quick) if picker >= quick else (picker, quick - 1)
        return AidsShape(self.lines_px, rows, self.lead_px, self.room_px)


@dataclass(frozen=True)
class EditorFit:
    row_px: int  # outer height of a key row: keys, candidates and chips
    fold_header: bool  # the field's name goes to the top bar instead of its own line
    aids: AidsShape | None = None  # the chips over the keys, if the field has any
    width_px: int = 0  # the editor's width (0: not known): the pad leaves the keys beside it room
    spare_px: int = 0  # the dock's height the editor leaves over: the handwriting pad takes it
    narrow: bool = False  # a portrait display: the typed text keeps the width over the pad

    def typed_box_px(self, theme: Theme) -> int:
        """The typed-text box: one line of typed text or the candidates, whichever is taller; fixed,
        so candidates appearing or going never move the keys under it."""
        inner = max(line_px(theme.title_px, bold=True), self.row_px)
        return inner + 2 * BOX_MARGIN_PX + 2 * theme.border_px

    def rows_px(self) -> int:
        """The four key rows."""
        return ROWS * self.row_px + (ROWS - 1) * KEY_GAP_PX

    def pad_px(self, theme: Theme) -> int:
        """The handwriting pad, as large as the room allows (fresh-eyes walk: 522 px on 1080x1920
        under 400 px of empty screen, 326 px at 1280x800 in elder mode, too small for a finger to
        write on). Landscape: as tall as the typed-text box and the four key rows it stands beside,
        and the dock's height to spare, at most half the width (the keys beside it keep their
        words). Portrait: under the full-width box (the candidates keep their room), as tall as
        the four rows and the height to spare, as wide as a column of keys two across leaves."""
        tall = self.rows_px() + self.spare_px
        if not self.narrow:
            tall += self.typed_box_px(theme) + KEY_GAP_PX
        if not self.width_px:
            return tall
        wide = self.width_px - pad_keys_px(self.width_px) - KEY_GAP_PX if self.narrow else self.width_px // 2
        return min(tall, wide)

    def pad_candidate_limit(self, theme: Theme, limit: int) -> int:
        """Handwriting candidates a page where the pad stands beside the typed-text box (landscape):
        the box is narrower by the pad, and its text keeps a third of it."""
        if self.narrow or not self.width_px:
            return limit
        box = self.width_px - self.pad_px(theme) - KEY_GAP_PX
        per = self.row_px * 5 // 4 + KEY_GAP_PX  # a one-character candidate, about a row high and wide
        return max(2, min(limit, (box * 2 // 3) // per - 1))  # and the page key


def pad_keys_px(width_px: int) -> int:
    """The column of keys beside a portrait display's pad: two keys across, long enough for their
    words in the seniors' size."""
    return width_px * 3 // 10


def candidate_limit(theme: Theme, width_px: int) -> int:
    """Pinyin candidates a page: fewer where the box is narrow, so that the letters typed keep a
    line's room beside them (final review 6: five elder candidates in 1,244 px left the text 388 px,
    and "[dian ti huai le]" wrapped to show only "le]")."""
    elder = theme.mode.value == "elder"
    limit = (5 if elder else 8) - (2 if theme.narrow else 0)
    if elder and not theme.narrow and 0 < width_px < 1300:
        limit -= 1
    return limit


def full_row_px(theme: Theme) -> int:
    """The theme's key with its border: the row height on a display with room."""
    return theme.key_px + 2 * theme.border_px


def tallest_row_px(theme: Theme) -> int:
    """The highest a key row grows on a display with room to spare (portrait: the top half stood
    empty over small keys, render 32): half as high again as the theme's key, twice on a portrait
    display (a finger reaches down the whole height; the name and the text stay up where the eye
    starts)."""
    return full_row_px(theme) * 2 if theme.narrow else full_row_px(theme) * 3 // 2


def editor_px(fit: EditorFit, theme: Theme) -> int:
    """The height the docked editor needs: name line (unless folded), chips, typed text, keys."""
    need = fit.typed_box_px(theme) + KEY_GAP_PX + fit.rows_px()
    if fit.aids is not None:
        need += fit.aids.px(fit.row_px)
    if not fit.fold_header:
        need += line_px(theme.button_px, bold=True) + theme.spacing_px // 2
    return need


def fit_editor(room_px: int, theme: Theme, *, aids: AidsShape | None = None, width: int = 0) -> EditorFit:
    """The largest rows that fit `room_px` (the height the screen has for its dock), up to
    `tallest_row_px`, the name on its own line if that still leaves full rows, else folded; at worst
    the floor, folded."""
    floor = min(theme.key_floor_px, full_row_px(theme))
    shown = aids
    while True:  # all the chips if the keys can give the room, else a row less at a time
        for fold in (False, True):
            top = full_row_px(theme) if fold else tallest_row_px(theme)
            for row in range(top, floor - 1, -1):
                fit = EditorFit(row, fold, shown, width)
                # a grown row leaves a pixel or two for the layout's rounding (1920x1080 grew by one)
                slack = GROW_SLACK_PX if row > full_row_px(theme) else 0
                need = editor_px(fit, theme) + slack
                if need <= room_px and (fold or row >= full_row_px(theme)):
                    # what is left over the pad takes, less a few pixels for the layout's rounding
                    return replace(fit, spare_px=max(0, room_px - need - GROW_SLACK_PX), narrow=theme.narrow)
        fewer = shown.fewer() if shown is not None else None
        if fewer is None:
            return EditorFit(floor, True, shown, width, narrow=theme.narrow)
        shown = fewer


def rows_sheet(fit: EditorFit, theme: Theme) -> str:
    """The style sheet an editor sets on itself: every key, candidate and chip one row high."""
    inner = fit.row_px - 2 * theme.border_px  # a key's min-height is inside its border
    return (
        'QPushButton[fit="row"], QPushButton[fit="candidate"]'
        f" {{ min-height: {inner}px; max-height: {inner}px; }}"
    )
