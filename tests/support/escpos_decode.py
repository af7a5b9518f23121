"""What a printer would print from a stream of ESC/POS bytes: an independent decoder for the tests.

Written from the ESC/POS command reference (Epson's "ESC/POS Application Programming Guide" command
descriptions), not from our renderer or python-escpos, so tests can assert on the printout instead
of on bytes our own code produced. It is strict: an unknown command or a stray control byte is a
DecodeError, so a control character smuggled into a receipt's text shows up as a failure.

Modelled: text lines (alignment, emphasis, GS ! character size, ESC ! sizes for single-byte
characters), Chinese mode (FS & / FS .) with GB18030 multi-byte characters, otherwise code page 437
for bytes >= 0x80; QR codes (GS ( k, cn 49); barcodes (GS k, functions A and B); raster bit images
(GS v 0); feeds; cuts (GS V); real-time status queries (DLE EOT n) and the printer's settings
commands that print nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DecodeError(ValueError):
    """Bytes that are not a valid ESC/POS stream."""


@dataclass(frozen=True)
class TextLine:
    text: str
    align: str  # left, center, right
    bold: bool
    width: int  # GS ! horizontal multiplier (applies to every character)
    height: int
    columns: int  # printed width in half-width columns, size multipliers included
    chinese_mode: bool


@dataclass(frozen=True)
class QrSymbol:
    payload: bytes
    module: int
    error_correction: str  # L M Q H
    model: int

    @property
    def text(self) -> str:
        return self.payload.decode("utf-8")


@dataclass(frozen=True)
class BarcodeSymbol:
    system: str  # e.g. CODE128
    data: bytes

    @property
    def text(self) -> str:
        """The encoded characters; a CODE128 code-set selector ({A {B {C) is not printed."""
        raw = self.data.decode("ascii")
        if self.system == "CODE128" and raw[:1] == "{" and raw[1:2] in "ABC":
            return raw[2:]
        return raw


@dataclass(frozen=True)
class RasterImage:
    width: int  # dots
    height: int
    data: bytes  # rows of width/8 bytes, MSB = leftmost dot, 1 = black

    def ink(self) -> int:
        return sum(bin(b).count("1") for b in self.data)


@dataclass(frozen=True)
class Feed:
    lines: int = 0
    dots: int = 0


@dataclass(frozen=True)
class Cut:
    partial: bool


@dataclass(frozen=True)
class StatusQuery:
    n: int


Item = TextLine | QrSymbol | BarcodeSymbol | RasterImage | Feed | Cut | StatusQuery


@dataclass
class Printout:
    items: list[Item] = field(default_factory=list)
    truncated: bool = False  # the stream ended inside a command or a multi-byte character

    @property
    def lines(self) -> list[TextLine]:
        return [i for i in self.items if isinstance(i, TextLine)]

    @property
    def texts(self) -> list[str]:
        return [i.text for i in self.lines]

    @property
    def qr_codes(self) -> list[QrSymbol]:
        return [i for i in self.items if isinstance(i, QrSymbol)]

    @property
    def barcodes(self) -> list[BarcodeSymbol]:
        return [i for i in self.items if isinstance(i, BarcodeSymbol)]

    @property
    def rasters(self) -> list[RasterImage]:
        return [i for i in self.items if isinstance(i, RasterImage)]

    @property
    def cuts(self) -> list[Cut]:
        return [i for i in self.items if isinstance(i, Cut)]

    @property
    def printed(self) -> list[Item]:
        """Everything that puts ink on paper or cuts it (no feeds, no status queries)."""
        return [i for i in self.items if not isinstance(i, Feed | StatusQuery)]


_BARCODE_A = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF", 6: "CODABAR"}
_BARCODE_B = {65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39", 70: "ITF",
              71: "CODABAR", 72: "CODE93", 73: "CODE128", 74: "GS1-128"}  # fmt: skip
_EC_LEVELS = {48: "L", 49: "M", 50: "Q", 51: "H"}
_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# ESC/GS/FS commands that only change settings, with the number of parameter bytes they take
_ESC_SETTINGS = {b"-": 1, b"2": 0, b"3": 1, b"G": 1, b"M": 1, b"V": 1, b"{": 1, b"t": 1, b" ": 1, b"R": 1}
_GS_SETTINGS = {b"B": 1, b"L": 2, b"W": 2, b"b": 1, b"h": 1, b"w": 1, b"H": 1, b"f": 1}
_FS_SETTINGS = {b"!": 1, b"-": 1, b"C": 1, b"S": 2, b"W": 1}


class _Truncated(Exception):
    pass


class _Decoder:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.out = Printout()
        self._reset()
        self.chars: list[tuple[str, int]] = []  # pending text: (character, columns)
        self.qr: dict[str, object] = {}

    def _reset(self) -> None:
        self.align = "left"
        self.bold = False
        self.esc_double_width = False
        self.gs_width = self.gs_height = 1
        self.chinese = False  # ESC @ restores the power-on state; we do not assume a Chinese default

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _Truncated
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def end_line(self, *, forced: bool = True) -> None:
        if self.chars or forced:
            text = "".join(c for c, _ in self.chars)
            columns = sum(w for _, w in self.chars)
            self.out.items.append(
                TextLine(text, self.align, self.bold, self.gs_width, self.gs_height, columns, self.chinese)
            )
        self.chars = []

    def text_byte(self, b: int) -> None:
        if self.chinese and 0x81 <= b <= 0xFE:
            second = self.byte()
            raw = bytes((b, second))
            if 0x30 <= second <= 0x39:
                raw += self.take(2)
            try:
                ch = raw.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise DecodeError(f"invalid GB18030 sequence {raw.hex()} at {self.pos}") from exc
            self.chars.append((ch, 2 * self.gs_width))
            return
        ch = bytes((b,)).decode("cp437")
        self.chars.append((ch, self.gs_width * (2 if self.esc_double_width else 1)))

    def run(self) -> Printout:
        try:
            while self.pos < len(self.data):
                start = self.pos
                b = self.byte()
                if b == 0x0A:
                    self.end_line()
                elif b == 0x0D:
                    continue
                elif b == 0x10:
                    self.dle()
                elif b == 0x1B:
                    self.esc()
                elif b == 0x1D:
                    self.gs()
                elif b == 0x1C:
                    self.fs()
                elif b < 0x20 or b == 0x7F:
                    raise DecodeError(f"stray control byte 0x{b:02x} at {start}")
                else:
                    self.text_byte(b)
        except _Truncated:
            self.out.truncated = True
            return self.out
        if self.chars:
            self.out.truncated = True  # text in the buffer that no LF ever printed
        return self.out

    def dle(self) -> None:
        cmd = self.byte()
        if cmd == 0x04:
            n = self.byte()
            if n not in (1, 2, 3, 4):
                raise DecodeError(f"DLE EOT {n}")
            self.out.items.append(StatusQuery(n))
        elif cmd == 0x05:
            self.byte()  # DLE ENQ n: real-time request, prints nothing
        else:
            raise DecodeError(f"unknown DLE command 0x{cmd:02x}")

    def esc(self) -> None:
        cmd = self.take(1)
        if cmd == b"@":
            self.chars = []  # initialising clears the print buffer
            self._reset()
        elif cmd == b"!":
            n = self.byte()
            self.bold = bool(n & 0x08)
            self.esc_double_width = bool(n & 0x20)
        elif cmd == b"E":
            self.bold = bool(self.byte() & 1)
        elif cmd == b"a":
            n = self.byte()
            if n not in _ALIGN:
                raise DecodeError(f"ESC a {n}")
            self.align = _ALIGN[n]
        elif cmd == b"d":
            n = self.byte()
            self.end_line(forced=False)
            self.out.items.append(Feed(lines=n))
        elif cmd == b"J":
            n = self.byte()
            self.end_line(forced=False)
            self.out.items.append(Feed(dots=n))
        elif cmd in _ESC_SETTINGS:
            self.take(_ESC_SETTINGS[cmd])
        else:
            raise DecodeError(f"unknown command ESC {cmd!r}")

    def fs(self) -> None:
        cmd = self.take(1)
        if cmd == b"&":
            self.chinese = True
        elif cmd == b".":
            self.chinese = False
        elif cmd in _FS_SETTINGS:
            self.take(_FS_SETTINGS[cmd])
        else:
            raise DecodeError(f"unknown command FS {cmd!r}")

    def gs(self) -> None:
        cmd = self.take(1)
        if cmd == b"!":
            n = self.byte()
            self.gs_width, self.gs_height = (n >> 4) + 1, (n & 0x0F) + 1
            if self.gs_width > 8 or self.gs_height > 8:
                raise DecodeError(f"GS ! 0x{n:02x}")
        elif cmd == b"V":
            m = self.byte()
            if m in (65, 66, 97, 98, 103, 104):
                self.byte()  # feed amount before the cut
            elif m not in (0, 1, 48, 49):
                raise DecodeError(f"GS V {m}")
            self.end_line(forced=False)
            self.out.items.append(Cut(partial=m in (1, 49, 66, 98, 104)))
        elif cmd == b"k":
            self.barcode()
        elif cmd == b"(":
            self.gs_paren()
        elif cmd == b"v":
            if self.take(1) != b"0":
                raise DecodeError("GS v other than GS v 0")
            self.byte()  # density mode
            width_bytes = int.from_bytes(self.take(2), "little")
            height = int.from_bytes(self.take(2), "little")
            data = self.take(width_bytes * height)
            self.end_line(forced=False)
            self.out.items.append(RasterImage(width_bytes * 8, height, data))
        elif cmd in _GS_SETTINGS:
            self.take(_GS_SETTINGS[cmd])
        else:
            raise DecodeError(f"unknown command GS {cmd!r}")

    def barcode(self) -> None:
        m = self.byte()
        if m in _BARCODE_A:
            end = self.data.find(b"\x00", self.pos)
            if end < 0:
                raise _Truncated
            data = self.take(end - self.pos)
            self.take(1)
            system = _BARCODE_A[m]
        elif m in _BARCODE_B:
            n = self.byte()
            data = self.take(n)
            system = _BARCODE_B[m]
        else:
            raise DecodeError(f"GS k {m}")
        self.end_line(forced=False)
        self.out.items.append(BarcodeSymbol(system, data))

    def gs_paren(self) -> None:
        fn_group = self.take(1)
        length = int.from_bytes(self.take(2), "little")
        body = self.take(length)
        if fn_group != b"k":
            raise DecodeError(f"GS ( {fn_group!r} is not modelled")
        if length < 2:
            raise DecodeError("GS ( k without cn and fn")
        cn, fn, params = body[0], body[1], body[2:]
        if cn != 49:
            raise DecodeError(f"GS ( k symbol cn={cn} is not modelled (only QR)")
        if fn == 65:  # select the model: n1 = 49 model 1, 50 model 2, 51 micro
            self.qr["model"] = params[0] - 48
        elif fn == 67:
            self.qr["module"] = params[0]
        elif fn == 69:
            if params[0] not in _EC_LEVELS:
                raise DecodeError(f"QR error correction {params[0]}")
            self.qr["ec"] = _EC_LEVELS[params[0]]
        elif fn == 80:  # store data: m = 48, then the data
            if params[:1] != b"0":
                raise DecodeError("QR store data with m != 48")
            self.qr["data"] = bytes(params[1:])
        elif fn == 81:  # print the stored symbol
            if "data" not in self.qr:
                raise DecodeError("QR print without stored data")
            self.end_line(forced=False)
            self.out.items.append(
                QrSymbol(
                    self.qr["data"],  # type: ignore[arg-type]
                    int(self.qr.get("module", 3)),  # type: ignore[call-overload]
                    str(self.qr.get("ec", "L")),
                    int(self.qr.get("model", 2)),  # type: ignore[call-overload]
                )
            )
        elif fn not in (66, 82):
            raise DecodeError(f"QR function {fn}")


def decode(data: bytes, *, allow_truncated: bool = False) -> Printout:
    """The printout for `data`. Raises DecodeError for an invalid stream, and for one that stops in
    the middle of a command unless `allow_truncated` (a job cut off by a fault)."""
    printout = _Decoder(bytes(data)).run()
    if printout.truncated and not allow_truncated:
        raise DecodeError("the stream ends inside a command, a character or an unprinted line")
    return printout


def printed_by_driver(document, printer_config, test_printer) -> list[TextLine]:
    """`document` printed by the real ESC/POS driver to the test printer (tests/fixtures/
    test_printer.py), read back from the bytes it received: its text lines."""
    from drivers.printer.escpos_printer import EscposPrinter

    driver = EscposPrinter(printer_config)
    try:
        driver.print_document(document)
    finally:
        driver.close()
    return decode(bytes(test_printer.complete_jobs[-1].printed)).lines
