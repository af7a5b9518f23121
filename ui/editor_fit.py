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

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics

from ui.theme import FONT_FAMILIES, Theme

KEY_GAP_PX = 4  # between key rows, and between the editor's parts: the height goes to the keys
BOX_MARGIN_PX = 4  # inside the typed-text box
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
class EditorFit:
    row_px: int  # outer height of a key row: keys, candidates and chips
    fold_header: bool  # the field's name goes to the top bar instead of its own line

    def typed_box_px(self, theme: Theme) -> int:
        """The typed-text box: one line of typed text or the candidates, whichever is taller; fixed,
        so candidates appearing or going never move the keys under it."""
        inner = max(line_px(theme.title_px, bold=True), self.row_px)
        return inner + 2 * BOX_MARGIN_PX + 2 * theme.border_px

    def aids_px(self, theme: Theme) -> int:
        """The chips' scroll strip shows at least their lead line and one whole row of chips."""
        return line_px(theme.small_px) + KEY_GAP_PX + self.row_px


def full_row_px(theme: Theme) -> int:
    """The theme's key with its border: the row height on a display with room."""
    return theme.key_px + 2 * theme.border_px


def editor_px(fit: EditorFit, theme: Theme, *, aids: bool) -> int:
    """The height the docked editor needs: name line (unless folded), chips, typed text, keys."""
    need = fit.typed_box_px(theme) + KEY_GAP_PX + ROWS * fit.row_px + (ROWS - 1) * KEY_GAP_PX
    if aids:
        need += fit.aids_px(theme) + KEY_GAP_PX
    if not fit.fold_header:
        need += line_px(theme.button_px, bold=True) + theme.spacing_px // 2
    return need


def fit_editor(room_px: int, theme: Theme, *, aids: bool) -> EditorFit:
    """The largest rows that fit `room_px` (the height the screen has for its dock), the name on its
    own line if that still leaves full rows, else folded; at worst the floor, folded."""
    floor = min(theme.key_floor_px, full_row_px(theme))
    for fold in (False, True):
        for row in range(full_row_px(theme), floor - 1, -1):
            fit = EditorFit(row, fold)
            if editor_px(fit, theme, aids=aids) <= room_px and (fold or row == full_row_px(theme)):
                return fit
    return EditorFit(floor, True)


def rows_sheet(fit: EditorFit, theme: Theme) -> str:
    """The style sheet an editor sets on itself: every key, candidate and chip one row high."""
    inner = fit.row_px - 2 * theme.border_px  # a key's min-height is inside its border
    return (
        'QPushButton[fit="row"], QPushButton[fit="candidate"]'
        f" {{ min-height: {inner}px; max-height: {inner}px; }}"
    )
