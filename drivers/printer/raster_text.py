"""Text rows drawn as 1-bit images on the printer's dot grid, with Noto Sans Mono CJK SC from
Debian's fonts-noto-cjk: the raster fallback for printers without a Chinese font and the text of the
on-screen preview.

Each character is drawn in its own cell (12x24 dots for ASCII, 24x24 for a double-byte character;
twice that for titles), the same grid `text_layout` counts on, so key-value rows line up exactly as
they do on a printer printing text.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from drivers.printer.model import PrinterError, PrinterState
from drivers.printer.receipt_layout import DOTS_PER_COLUMN, TextRow
from drivers.printer.text_layout import char_columns, text_columns

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
FONT_FILES = {False: FONT_DIR / "NotoSansCJK-Regular.ttc", True: FONT_DIR / "NotoSansCJK-Bold.ttc"}
FONT_FACE = "Noto Sans Mono CJK SC"
GLYPH_DOTS = 24  # the em of the font, as tall as the printer's 24-dot fonts
LINE_DOTS = 30  # a text line with the printer's default line spacing
_BASELINE = 21  # Noto CJK's ascent at a 24-dot em


class FontMissing(PrinterError):
    """The CJK font for raster printing and the preview is not installed (Debian fonts-noto-cjk)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, state=PrinterState.HWERROR)


# a double-byte glyph's em inside its 24-dot cell: Noto's fills the whole cell, so "4" and "小" in
# "（24小时）" touched (walk 5, L10); a printer's own 24-dot font keeps a dot clear on each side
DOUBLE_GLYPH_DOTS = 22


@lru_cache(maxsize=8)
def font(bold: bool, scale: int, em: int = GLYPH_DOTS) -> ImageFont.FreeTypeFont:
    """The mono CJK face at `scale` times the `em` (the 24-dot em by default). Raises FontMissing."""
    path = FONT_FILES[bold]
    for index in range(10):  # the collection holds JP/KR/SC/TC/HK in proportional and mono faces
        try:
            face = ImageFont.truetype(
                str(path), em * scale, index=index, layout_engine=ImageFont.Layout.BASIC
            )
        except OSError as exc:
            if index == 0:
                raise FontMissing(f"cannot load {path}: {exc}") from exc
            break
        if face.getname()[0] == FONT_FACE:
            return face
    raise FontMissing(f"{path} has no face {FONT_FACE!r}")


def row_height(row: TextRow) -> int:
    return LINE_DOTS * (2 if row.double else 1)


def draw_row(draw: ImageDraw.ImageDraw, row: TextRow, top: int, left: int, width: int, ink: int) -> None:
    """Draw one text row with its top-left corner at (`left`, `top`) on paper `width` dots wide."""
    scale = 2 if row.double else 1
    cell = DOTS_PER_COLUMN * scale
    used = text_columns(row.text) * cell
    x = left + {"left": 0, "center": (width - used) // 2, "right": width - used}[row.align]
    faces = {1: font(row.bold, scale), 2: font(row.bold, scale, DOUBLE_GLYPH_DOTS)}
    baseline = top + _BASELINE * scale
    for ch in row.text:
        columns = char_columns(ch)
        span = columns * cell
        face = faces[columns]
        if ch != " ":
            advance = face.getlength(ch)
            # centre a glyph whose own advance differs from its cell (e.g. a narrow "·" in a full cell)
            draw.text((x + (span - advance) / 2, baseline), ch, font=face, fill=ink, anchor="ls")
        x += span


def rows_image(rows: Sequence[TextRow], width: int) -> Image.Image:
    """Consecutive text rows as one 1-bit image `width` dots wide, ink = 1 (the printer's black)."""
    height = sum(row_height(r) for r in rows)
    image = Image.new("1", (width, height), 0)
    draw = ImageDraw.Draw(image)
    top = 0
    for row in rows:
        draw_row(draw, row, top, 0, width, 1)
        top += row_height(row)
    return image
