"""A receipt rendered to ESC/POS prints what the document says: decoded from the bytes by an
independent decoder (tests/support/escpos_decode.py), never compared with bytes our code made."""

from __future__ import annotations

import unicodedata

import pytest

from drivers.printer import raster_text
from drivers.printer.escpos_render import EscposRenderer, render_escpos, without_realtime_commands
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
from drivers.printer.preview import render_preview
from drivers.printer.raster_text import FontMissing
from kiosk.config import PrinterConfig
from kiosk.errors import ConfigError
from tests.support.escpos_decode import BarcodeSymbol, Cut, QrSymbol, TextLine, decode

VERIFY_URL = "https://hub.example.gov.cn/verify/T0001-000042"
REPAIR_RECEIPT = ReceiptDocument(
    blocks=(
        Title("公共区域报修受理凭条"),
        Rule(),
        KeyValue("报修地点", "3号楼2单元电梯"),
        KeyValue("联系人", "张*伟"),
        KeyValue("联系电话", "138****5678"),
        Rule(),
        Line("受理编号", align="center"),
        Line("T0001-000042", bold=True, align="center"),
        QrCode(VERIFY_URL),
        Barcode("T0001-000042"),
        KeyValue("时间", "2026-11-23 09:00"),
        Footer("请妥善保管本凭条，凭受理编号查询办理进度。"),
    )
)


def columns(text: str) -> int:
    """Display width as the test sees it: East Asian wide/full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def printout(document: ReceiptDocument, **config):
    return decode(render_escpos(document, PrinterConfig(**config)))


def test_chinese_text_prints_as_gb18030_in_chinese_mode():
    lines = printout(REPAIR_RECEIPT).lines
    title = lines[0]
    assert title.text == "公共区域报修受理凭条" and title.chinese_mode
    assert (title.align, title.bold, title.width, title.height) == ("center", True, 2, 2)
    texts = [line.text for line in lines]
    assert "联系人    张*伟" in texts
    assert texts[-1] == "请妥善保管本凭条，凭受理编号查询办理进度。"
    assert all(line.chinese_mode for line in lines)


def test_reference_is_centred_and_bold():
    reference = next(line for line in printout(REPAIR_RECEIPT).lines if line.text == "T0001-000042")
    assert reference.align == "center" and reference.bold and reference.width == 1


def test_qr_code_barcode_and_cut_are_native_commands():
    printed = printout(REPAIR_RECEIPT).printed
    qr = next(item for item in printed if isinstance(item, QrSymbol))
    assert qr.text == VERIFY_URL and qr.error_correction == "M" and qr.model == 2 and qr.module == 6
    barcode = next(item for item in printed if isinstance(item, BarcodeSymbol))
    assert (barcode.system, barcode.text) == ("CODE128", "T0001-000042")
    assert printed[-1] == Cut(partial=False)
    assert sum(isinstance(item, Cut) for item in printed) == 1


def test_key_value_values_start_in_one_column():
    document = ReceiptDocument(
        blocks=(KeyValue("终端", "T0001"), KeyValue("联系电话", "138****5678"), KeyValue("Ref", "A-1"))
    )
    starts = set()
    for line, value in zip(printout(document).lines, ("T0001", "138****5678", "A-1"), strict=True):
        assert line.text.endswith(value)
        starts.add(columns(line.text[: -len(value)]))
    assert len(starts) == 1


@pytest.mark.parametrize("width", [48, 32])
def test_long_chinese_line_wraps_at_paper_width_counting_double(width):
    text = "请携带本人身份证件和户口簿原件到社区服务中心二楼三号窗口办理居住证明，" * 4
    lines = printout(ReceiptDocument(blocks=(Line(text),)), width_chars=width).lines
    assert len(lines) > 1
    assert all(line.columns <= width and columns(line.text) <= width for line in lines)
    assert "".join(line.text for line in lines) == text
    # a line is only broken where the paper is full (one double-width character short at most)
    assert all(line.columns >= width - 2 for line in lines[:-1])


def test_long_key_value_wraps_under_its_own_column():
    value = "3号楼2单元电梯，东侧第二部电梯门无法关闭，按钮失灵，已影响老人出行"
    lines = printout(ReceiptDocument(blocks=(KeyValue("报修地点", value),))).lines
    assert len(lines) == 2
    key_part = "报修地点  "  # 8 columns of key and the 2-column gap
    assert lines[0].text.startswith(key_part) and lines[1].text.startswith(" " * columns(key_part))
    assert lines[0].text[len(key_part) :] + lines[1].text[columns(key_part) :] == value


def test_english_words_wrap_at_spaces():
    text = "Keep this receipt: use the reference to follow your case at the service window."
    lines = printout(ReceiptDocument(blocks=(Line(text),), language="en"), width_chars=32).texts
    assert " ".join(lines) == text
    assert all(len(line) <= 32 for line in lines)


def test_raster_mode_prints_chinese_as_images_and_ascii_as_text():
    result = printout(REPAIR_RECEIPT, chinese="raster")
    assert all(line.text.isascii() and not line.chinese_mode for line in result.lines)
    assert "T0001-000042" in result.texts
    rasters = result.rasters
    assert rasters and all(r.width == 576 and r.ink() > 0 for r in rasters)
    # title (double height) + 3 key-value rows + reference label + time + footer, 30 dots a line
    assert sum(r.height for r in rasters) == 30 * (2 + 3 + 1 + 1 + 1)
    assert result.qr_codes[0].text == VERIFY_URL and result.printed[-1] == Cut(partial=False)


@pytest.mark.printer_fault
def test_extremely_long_word_is_cut_at_paper_width():
    word = "https://hub.example.gov.cn/" + "x" * 500
    lines = printout(ReceiptDocument(blocks=(Line(word),))).lines
    assert "".join(line.text for line in lines) == word
    assert all(line.columns <= 48 for line in lines)


@pytest.mark.printer_fault
def test_extremely_long_line_prints_completely():
    text = "长" * 20_000
    lines = printout(ReceiptDocument(blocks=(Line(text),))).lines
    assert len(lines) == 20_000 * 2 // 48 + 1 and "".join(line.text for line in lines) == text


@pytest.mark.printer_fault
def test_unprintable_characters_are_substituted_and_cannot_inject_commands():
    document = ReceiptDocument(
        blocks=(
            Line("表情😀符号"),
            KeyValue("姓名", "张\x1bd\x09伟\x1dV\x00"),  # an escape sequence and a cut in a value
            Line("zero\u200bwidth e\u0301 \U00020000"),  # ZWSP, combining accent, CJK extension B
        )
    )
    result = printout(document)
    assert result.texts == ["表情?符号", "姓名  张?d 伟?V?", "zerowidth é ?"]
    assert result.cuts == [Cut(partial=False)]  # only ours


@pytest.mark.printer_fault
def test_empty_document_is_refused_before_printing():
    with pytest.raises(ReceiptContentError):
        render_escpos(ReceiptDocument())


@pytest.mark.printer_fault
def test_qr_data_too_long_is_refused():
    with pytest.raises(ReceiptContentError, match="QR data"):
        render_escpos(ReceiptDocument(blocks=(QrCode("x" * 2332),)))
    with pytest.raises(ReceiptContentError):
        render_escpos(ReceiptDocument(blocks=(QrCode(""),)))


@pytest.mark.printer_fault
def test_long_qr_data_shrinks_its_modules_to_fit_the_paper():
    data = "https://hub.example.gov.cn/verify?" + "a" * 900
    qr = printout(ReceiptDocument(blocks=(QrCode(data),)), width_chars=32).qr_codes[0]
    assert qr.text == data and 3 <= qr.module < 6


@pytest.mark.printer_fault
@pytest.mark.parametrize("data", ["受理编号", "", "X" * 40])
def test_barcode_that_cannot_print_is_refused(data):
    with pytest.raises(ReceiptContentError):
        render_escpos(ReceiptDocument(blocks=(Barcode(data),)))


@pytest.mark.printer_fault
@pytest.mark.parametrize("setting", [{"chinese": "utf8"}, {"profile": "no-such-printer"}, {"width_chars": 8}])
def test_bad_printer_settings_are_refused(setting):
    with pytest.raises(ConfigError):
        EscposRenderer(PrinterConfig(**setting))


def test_preview_draws_the_receipt_on_the_paper_width():
    image = render_preview(REPAIR_RECEIPT)
    assert image.width == 576 + 2 * 16
    title_band = image.crop((16, 16, 16 + 576, 16 + 60))
    assert title_band.getextrema()[0] == 0  # the Chinese title has ink
    # the same lines as the printout, one after another: taller than the text and the QR together
    assert image.height > 30 * len(printout(REPAIR_RECEIPT).lines) + 49 * 6


def test_line_item_kinds_are_all_covered_by_the_decoder():
    kinds = {type(item) for item in printout(REPAIR_RECEIPT).printed}
    assert kinds == {TextLine, QrSymbol, BarcodeSymbol, Cut}


def test_long_chinese_paragraph_in_raster_mode_is_split_into_printable_images():
    text = "社区服务中心每周一至周五上午九点开放，" * 60  # 1140 characters: 48 lines of 24
    result = printout(ReceiptDocument(blocks=(Line(text),)), chinese="raster")
    heights = [r.height for r in result.rasters]
    assert sum(heights) == 30 * 48 and max(heights) <= 960


@pytest.mark.printer_fault
def test_image_data_never_carries_a_status_query_the_printer_would_act_on():
    data = b"\x00\x10\x04\x01\xff\x10\x04\x04\x10\x04\x05"
    cleaned = without_realtime_commands(data)
    assert all(b"\x10\x04" + bytes((n,)) not in cleaned for n in (1, 2, 3, 4))
    assert len(cleaned) == len(data) and cleaned.endswith(b"\x10\x04\x05")  # DLE EOT 5 is no command


@pytest.mark.printer_fault
def test_preview_without_the_cjk_font_is_a_typed_error(monkeypatch, tmp_path):
    monkeypatch.setattr(
        raster_text, "FONT_FILES", {False: tmp_path / "none.ttc", True: tmp_path / "none.ttc"}
    )
    raster_text.font.cache_clear()
    try:
        with pytest.raises(FontMissing):
            render_preview(REPAIR_RECEIPT)
    finally:
        raster_text.font.cache_clear()


def test_a_digit_and_a_chinese_character_beside_it_do_not_touch():
    """Walk 5, L10: on the slip "（24小时）" had the 4 touching 小 (Noto's glyph fills its 24-dot
    cell): a column of white paper between them, on the preview as on the raster."""
    from drivers.printer.preview import MARGIN

    image = render_preview(ReceiptDocument(blocks=(Line("（24小时）", align="left"),), language="zh"))
    cell = 12  # "（" two columns, "2" and "4" one each: 小 starts at the fifth
    darkest = [min(image.getpixel((MARGIN + x, y)) for y in range(MARGIN, MARGIN + 30)) for x in range(64)]
    assert darkest[3 * cell + 4] < 128 and darkest[4 * cell + 6] < 128, "no 4 or no 小 where expected"
    assert 255 in darkest[3 * cell + 6 : 4 * cell + 4], darkest[3 * cell : 5 * cell]
