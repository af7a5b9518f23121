"""A ReceiptDocument laid out for a paper width: the rows both the ESC/POS renderer and the preview
draw, so the printout and the screen wrap and align the same way.

Checks the document first: nothing to print, a QR code whose data does not fit a QR symbol on the
paper, or a barcode that is not printable CODE128 or wider than the paper raise ReceiptContentError
before any byte is produced.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from drivers.printer.model import (
    Barcode,
    Footer,
    KeyValue,
    Line,
    QrCode,
    ReceiptContentError,
    ReceiptDocument,
    Rule,
    Title,
)
from drivers.printer.text_layout import key_column_width, key_value_lines, printable, wrap

log = logging.getLogger(__name__)

DOTS_PER_COLUMN = 12  # the half-width font is 12 dots wide: 48 columns on 576 dots (80 mm paper)
QR_MIN_MODULE = 3  # smaller modules do not scan reliably from thermal paper
QR_QUIET_MODULES = 4
# bytes a QR symbol holds in byte mode at error correction level M, versions 1..40 (ISO/IEC 18004)
QR_CAPACITY_M = (
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
    711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989,
    2099, 2213, 2331,
)  # fmt: skip
BARCODE_MODULE = 2  # narrowest bar in dots that GS w accepts on every printer
BARCODE_HEIGHT = 64


@dataclass(frozen=True)
class TextRow:
    """One printed line, already wrapped: at most `columns` (or `columns // 2` when double)."""

    text: str
    align: str = "left"
    bold: bool = False
    double: bool = False  # double width and height (titles)


@dataclass(frozen=True)
class QrRow:
    data: bytes  # UTF-8
    module: int  # dots per module, shrunk from the document's size when needed to fit the paper
    version: int  # the smallest QR version that holds the data at level M


@dataclass(frozen=True)
class BarcodeRow:
    data: str  # printable ASCII, CODE128 code set B


Row = TextRow | QrRow | BarcodeRow


def paper_dots(columns: int) -> int:
    return columns * DOTS_PER_COLUMN


def _qr_row(block: QrCode, dots: int) -> QrRow:
    data = block.data.encode("utf-8")
    if not data:
        raise ReceiptContentError("QR code without data")
    version = next((v for v, cap in enumerate(QR_CAPACITY_M, start=1) if len(data) <= cap), None)
    if version is None:
        raise ReceiptContentError(f"QR data of {len(data)} bytes exceeds a QR symbol ({QR_CAPACITY_M[-1]})")
    modules = 17 + 4 * version + 2 * QR_QUIET_MODULES
    module = min(max(block.size, 1), 16, dots // modules)
    if module < QR_MIN_MODULE:
        raise ReceiptContentError(f"QR data of {len(data)} bytes is too long for {dots}-dot paper")
    return QrRow(data, module, version)


def _barcode_row(block: Barcode, dots: int) -> BarcodeRow:
    data = block.data
    if not data or not all(" " <= ch <= "~" for ch in data):
        raise ReceiptContentError("CODE128 barcode data must be printable ASCII and not empty")
    # start + data + check (11 modules each) + stop (13) + quiet zones of 10 on both sides
    modules = 11 * (len(data) + 2) + 13 + 20
    if modules * BARCODE_MODULE > dots:
        raise ReceiptContentError(f"CODE128 barcode of {len(data)} characters is wider than the paper")
    return BarcodeRow(data)


def _align(value: str) -> str:
    if value in ("left", "center", "right"):
        return value
    log.warning("unknown line alignment %r, printing left-aligned", value)
    return "left"


def lay_out(document: ReceiptDocument, columns: int) -> list[Row]:
    """The rows for `document` on paper `columns` wide. Raises ReceiptContentError (see module doc)."""
    if not document.blocks:
        raise ReceiptContentError("the receipt has nothing to print")
    dots = paper_dots(columns)
    keys = [b.key for b in document.blocks if isinstance(b, KeyValue)]
    key_columns = key_column_width(keys, columns)
    rows: list[Row] = []
    for block in document.blocks:
        if isinstance(block, Title):
            rows += [TextRow(t, "center", True, True) for t in wrap(block.text, columns // 2)]
        elif isinstance(block, Line):
            align = _align(block.align)
            rows += [TextRow(t, align, block.bold) for t in wrap(block.text, columns)]
        elif isinstance(block, KeyValue):
            rows += [TextRow(t) for t in key_value_lines(block.key, block.value, key_columns, columns)]
        elif isinstance(block, Rule):
            rows.append(TextRow("-" * columns))
        elif isinstance(block, QrCode):
            rows.append(_qr_row(block, dots))
        elif isinstance(block, Barcode):
            rows.append(_barcode_row(block, dots))
        elif isinstance(block, Footer):
            rows += [TextRow(t, "center") for t in wrap(block.text, columns)]
        else:
            raise ReceiptContentError(f"unknown receipt block {type(block).__name__}")
    return rows


__all__ = ["BarcodeRow", "QrRow", "Row", "TextRow", "lay_out", "paper_dots", "printable"]
