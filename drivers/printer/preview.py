"""ReceiptDocument -> a PIL image of the printed receipt, for the screen and the simulated printer.

Drawn on the printer's dot grid (576 dots for 48 columns) from the same layout as the ESC/POS
bytes, so what the resident sees wraps and aligns like the paper: text with the CJK font
(raster_text), the QR code with `qrcode` at the module size the printer gets, the CODE128 bars
with `python-barcode`'s encoder, and a dashed line where the printer cuts. No Qt here: the screen
turns the image into a pixmap.
"""

from __future__ import annotations

import qrcode
from barcode import Code128
from PIL import Image, ImageDraw

from drivers.printer.config import PrinterConfig
from drivers.printer.model import ReceiptDocument
from drivers.printer.raster_text import LINE_DOTS, draw_row, row_height
from drivers.printer.receipt_layout import (
    BARCODE_HEIGHT,
    BARCODE_MODULE,
    BarcodeRow,
    QrRow,
    Row,
    TextRow,
    lay_out,
    paper_dots,
)

MARGIN = 16  # white paper around the printable width
FEED_BEFORE_CUT = 3  # lines of blank paper shown before the cut mark (the printer feeds more)


def _qr_image(row: QrRow) -> Image.Image:
    code = qrcode.QRCode(
        version=row.version, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=row.module, border=0
    )
    code.add_data(row.data)
    code.make(fit=True)  # fit: qrcode may pick a more compact mode than byte mode and a smaller version
    return code.make_image().get_image().convert("L")


def _barcode_image(row: BarcodeRow) -> Image.Image:
    modules = Code128(row.data).build()[0]
    bars = Image.new("L", (len(modules) * BARCODE_MODULE, BARCODE_HEIGHT), 255)
    draw = ImageDraw.Draw(bars)
    for i, module in enumerate(modules):
        if module == "1":
            x = i * BARCODE_MODULE
            draw.rectangle((x, 0, x + BARCODE_MODULE - 1, BARCODE_HEIGHT - 1), fill=0)
    return bars


def _height(row: Row, symbol: Image.Image | None) -> int:
    if isinstance(row, TextRow):
        return row_height(row)
    assert symbol is not None
    if isinstance(row, BarcodeRow):
        return symbol.height + LINE_DOTS + LINE_DOTS // 2  # bars, the readable text, a gap
    return symbol.height + LINE_DOTS // 2


def render_preview(document: ReceiptDocument, config: PrinterConfig | None = None) -> Image.Image:
    """The receipt as a greyscale image (white paper, black print). Raises ReceiptContentError for a
    document that cannot be printed (see receipt_layout) and FontMissing without the CJK font."""
    config = config or PrinterConfig()
    dots = paper_dots(config.width_chars)
    rows = lay_out(document, config.width_chars)
    symbols: list[Image.Image | None] = [
        _qr_image(r) if isinstance(r, QrRow) else _barcode_image(r) if isinstance(r, BarcodeRow) else None
        for r in rows
    ]
    body = sum(_height(r, s) for r, s in zip(rows, symbols, strict=True))
    image = Image.new("L", (dots + 2 * MARGIN, MARGIN + body + FEED_BEFORE_CUT * LINE_DOTS + 2), 255)
    draw = ImageDraw.Draw(image)
    top = MARGIN
    for row, symbol in zip(rows, symbols, strict=True):
        if isinstance(row, TextRow):
            draw_row(draw, row, top, MARGIN, dots, 0)
        else:
            assert symbol is not None
            image.paste(symbol, (MARGIN + (dots - symbol.width) // 2, top))
            if isinstance(row, BarcodeRow):
                draw_row(draw, TextRow(row.data, "center"), top + symbol.height, MARGIN, dots, 0)
        top += _height(row, symbol)
    cut_y = image.height - 2
    for x in range(0, image.width, 12):
        draw.line((x, cut_y, x + 6, cut_y), fill=0, width=1)
    return image
