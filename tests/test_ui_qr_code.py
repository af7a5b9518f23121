"""The QR code on the receipt screen and in its paper preview: the modules a reader decodes, drawn
on screen, and encoded once per reference although the screen is built again as the receipt prints
and as the centre acknowledges it (≈ 8 ms of CPU per code, most of it the mask search)."""

from __future__ import annotations

import qrcode
from PySide6.QtGui import QColor

from drivers.printer.model import QrCode, ReceiptDocument, Title
from ui.widgets import QrCodeWidget, ReceiptPreview, qr_matrix


def _encoded(data: str) -> list[list[bool]]:
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def test_the_widget_paints_the_modules_qrcode_encodes(qapp):
    data = "C2026-0001-7"
    matrix = _encoded(data)
    n = len(matrix)
    widget = QrCodeWidget(data, n * 8, "QR")  # 8 px a module: each module's centre is its colour
    image = widget.grab().toImage()
    painted = [[image.pixelColor(x * 8 + 4, y * 8 + 4) == QColor("#000000") for x in range(n)] for y in range(n)]
    assert painted == matrix
    assert not any(matrix[0]) and not any(row[0] for row in matrix)  # the quiet zone stays white


def test_rebuilding_the_receipt_screen_encodes_each_code_once(qapp):
    qr_matrix.cache_clear()
    reference, verify = "C2026-0002-5", "https://hub.example/v/C2026-0002-5"
    document = ReceiptDocument(blocks=(Title("回执"), QrCode(verify)))
    # printing, printed, delivered: the screen's code and the preview's, built three times
    built = [(QrCodeWidget(reference, 220, "QR"), ReceiptPreview(document, 380, 18)) for _ in range(3)]
    info = qr_matrix.cache_info()
    assert (info.misses, info.hits) == (2, 4)
    assert built[0][0]._matrix == tuple(tuple(row) for row in _encoded(reference))
    preview_code = built[2][1].findChild(QrCodeWidget)
    assert preview_code is not None and preview_code.data == verify
    assert preview_code._matrix == tuple(tuple(row) for row in _encoded(verify))


def test_the_cache_holds_a_few_codes_only(qapp):
    qr_matrix.cache_clear()
    for n in range(100):  # a terminal runs for months: one reference per submission
        qr_matrix(f"C2026-{n:04d}")
    assert qr_matrix.cache_info().currsize <= 16
