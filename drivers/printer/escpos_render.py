"""ReceiptDocument -> ESC/POS bytes, built with python-escpos's command layer (its Dummy printer).

Chinese goes out in one of two ways, chosen by `PrinterConfig.chinese` (python-escpos's capability
profiles do not record whether a printer has a Chinese font, so the configuration says it):

- "gb18030": the printer is put in Chinese mode (FS &) and text is sent GB18030-encoded. We encode
  ourselves: python-escpos's automatic code-page encoding knows no Chinese code page, which is what
  upstream #269, #491 and #678 run into.
- "raster": rows holding any non-ASCII character are drawn with the CJK font and sent as a raster
  bit image (GS v 0), which every printer prints; ASCII rows stay text.

QR codes are the printer's own (GS ( k, model 2, level M), barcodes CODE128 (GS k, code set B), and
the job ends with a feed and a full cut.
"""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy

from drivers.errors import DriverConfigError
from drivers.printer.config import PrinterConfig
from drivers.printer.model import ReceiptContentError, ReceiptDocument
from drivers.printer.raster_text import rows_image
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

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INITIALISE = ESC + b"@"
CHINESE_MODE_ON, CHINESE_MODE_OFF = FS + b"&", FS + b"."
CHINESE_MODES = ("gb18030", "raster")


RASTER_ROWS_PER_IMAGE = 32  # 960 dots: GS v 0 images stay well inside every model's height limit
_REALTIME = [b"\x10\x04" + bytes((n,)) for n in (1, 2, 3, 4)]


def without_realtime_commands(data: bytes) -> bytes:
    """Image bytes in which no DLE EOT n appears: a printer acts on that sequence wherever it sees
    it, image data included. Dropping the one dot that makes 0x04 costs nothing visible."""
    for sequence in _REALTIME:
        while sequence in data:
            data = data.replace(sequence, b"\x10\x00" + sequence[2:])
    return data


def _raster_commands(rows: list[TextRow], dots: int) -> bytes:
    chunks = []
    for start in range(0, len(rows), RASTER_ROWS_PER_IMAGE):
        image = rows_image(rows[start : start + RASTER_ROWS_PER_IMAGE], dots)
        width_bytes = (image.width + 7) // 8
        header = GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + image.height.to_bytes(2, "little")
        # mode "1" packs 8 dots a byte, MSB first, 1 = black: the raster format as it is
        chunks.append(header + without_realtime_commands(image.tobytes()))
    return b"".join(chunks)


class EscposRenderer:
    """Renders documents for one printer configuration. Raises DriverConfigError for an unknown profile
    or Chinese mode. Thread-safe: each render uses its own python-escpos Dummy."""

    def __init__(self, config: PrinterConfig) -> None:
        if config.chinese not in CHINESE_MODES:
            raise DriverConfigError(f"printer.chinese must be one of {CHINESE_MODES}, got {config.chinese!r}")
        if config.width_chars < 16:
            raise DriverConfigError("printer.width_chars below 16 cannot hold a receipt")
        self.config = config
        self.columns = config.width_chars
        self.dots = paper_dots(config.width_chars)
        try:
            Dummy(profile=config.profile)
        except (EscposError, KeyError, ValueError) as exc:  # capabilities raises these for a bad name
            raise DriverConfigError(f"printer.profile {config.profile!r} is not a python-escpos profile") from exc

    def render(self, document: ReceiptDocument) -> bytes:
        """The whole job for `document`, from initialise to cut. Raises ReceiptContentError."""
        rows = lay_out(document, self.columns)
        out = Dummy(profile=self.config.profile)
        out._raw(INITIALISE)
        gb18030 = self.config.chinese == "gb18030"
        if gb18030:
            out._raw(CHINESE_MODE_ON)
        pending_raster: list[TextRow] = []
        for row in rows:
            if isinstance(row, TextRow) and not gb18030 and not row.text.isascii():
                pending_raster.append(row)
                continue
            if pending_raster:
                out.set(align="left", custom_size=True, width=1, height=1, bold=False)
                out._raw(_raster_commands(pending_raster, self.dots))
                pending_raster = []
            self._row(out, row)
        if pending_raster:
            out.set(align="left", custom_size=True, width=1, height=1, bold=False)
            out._raw(_raster_commands(pending_raster, self.dots))
        if gb18030:
            out._raw(CHINESE_MODE_OFF)
        out.cut()
        return out.output

    def _row(self, out: Dummy, row: Row) -> None:
        if isinstance(row, TextRow):
            # GS ! (custom_size) and not ESC !: in Chinese mode ESC ! sizes only the ASCII characters
            size = 2 if row.double else 1
            out.set(align=row.align, bold=row.bold, custom_size=True, width=size, height=size)
            # the text is printable (text_layout): ASCII plus GBK, so GB18030 always encodes it
            out._raw(row.text.encode("gb18030") + b"\n")
        elif isinstance(row, QrRow):
            out.set(align="center", custom_size=True, width=1, height=1, bold=False)
            out.qr(row.data.decode("utf-8"), ec=QR_ECLEVEL_M, size=row.module, native=True)
            out._raw(b"\n")
        elif isinstance(row, BarcodeRow):
            out.set(custom_size=True, width=1, height=1, bold=False)
            try:
                # _hw_barcode: the public barcode() prints its renderer choice to stdout on every call
                out._hw_barcode(
                    "{B" + row.data,
                    "CODE128",
                    height=BARCODE_HEIGHT,
                    width=BARCODE_MODULE,
                    pos="BELOW",
                    align_ct=True,
                    function_type="B",
                )
            except EscposError as exc:
                raise ReceiptContentError(f"barcode refused: {exc}") from exc
            out._raw(b"\n")


def render_escpos(document: ReceiptDocument, config: PrinterConfig | None = None) -> bytes:
    """Convenience: `EscposRenderer(config or PrinterConfig()).render(document)`."""
    return EscposRenderer(config or PrinterConfig()).render(document)
