"""The simulated printer for demo runs: same interface, receipts written to a folder as the bytes a
real printer would get and the preview image, out of paper on request."""

from __future__ import annotations

import pytest
from PIL import Image

from drivers.health import HealthBoard
from drivers.printer.model import (
    KeyValue,
    Line,
    PaperOut,
    PrinterError,
    PrinterState,
    QrCode,
    ReceiptContentError,
    ReceiptDocument,
    ReceiptPrinter,
    Title,
)
from drivers.printer.simulated import SimulatedPrinter
from kiosk.config import PrinterConfig
from tests.support.escpos_decode import decode

RECEIPT = ReceiptDocument(
    blocks=(
        Title("窗口取号"),
        Line("A001", bold=True, align="center"),
        KeyValue("窗口", "3号"),
        QrCode("A001"),
    )
)


def receipt_files(folder):
    return sorted(p.name for p in folder.iterdir())


def test_writes_the_bytes_and_the_preview_numbered_from_one(tmp_path):
    printer: ReceiptPrinter = SimulatedPrinter(tmp_path)

    result = printer.print_document(RECEIPT)

    assert receipt_files(tmp_path) == ["1.bin", "1.png"]
    job = (tmp_path / "1.bin").read_bytes()
    assert result.bytes_sent == len(job) and result.state_after is PrinterState.ONLINE
    printout = decode(job)
    assert printout.texts[:3] == ["窗口取号", "A001", "窗口  3号"] and printout.qr_codes[0].text == "A001"
    with Image.open(tmp_path / "1.png") as preview:
        assert preview.width == 576 + 32 and preview.height > 200
        assert preview.convert("L").getextrema() == (0, 255)


def test_numbering_continues_after_the_receipts_already_in_the_folder(tmp_path):
    SimulatedPrinter(tmp_path).print_document(RECEIPT)
    SimulatedPrinter(tmp_path).print_document(RECEIPT)
    assert receipt_files(tmp_path) == ["1.bin", "1.png", "2.bin", "2.png"]


def test_raster_configuration_writes_raster_bytes(tmp_path):
    SimulatedPrinter(tmp_path, PrinterConfig(chinese="raster")).print_document(RECEIPT)
    printout = decode((tmp_path / "1.bin").read_bytes())
    assert printout.rasters and all(text.isascii() for text in printout.texts)


@pytest.mark.printer_fault
def test_out_of_paper_for_a_demo_refuses_and_writes_nothing(tmp_path):
    board = HealthBoard()
    printer = SimulatedPrinter(tmp_path, health=board)
    printer.paper_out = True

    with pytest.raises(PaperOut) as raised:
        printer.print_document(RECEIPT)

    assert printer.state() is PrinterState.PAPER_OUT and receipt_files(tmp_path) == []
    assert raised.value.nothing_printed
    printer.paper_out = False
    printer.print_document(RECEIPT)
    health = board.snapshot()["printer"]
    assert health.state == "online" and health.last_error.startswith("PaperOut")
    assert health.counters == {"receipts_printed": 1, "print_errors": 1, "errors": 1}


@pytest.mark.printer_fault
@pytest.mark.parametrize("state", [PrinterState.COVER_OPEN, PrinterState.OFFLINE, PrinterState.HWERROR])
def test_other_demo_states_refuse_like_a_real_printer(tmp_path, state):
    printer = SimulatedPrinter(tmp_path)
    printer.set_state(state)
    with pytest.raises(PrinterError) as raised:
        printer.print_document(RECEIPT)
    assert raised.value.state is state and receipt_files(tmp_path) == []


@pytest.mark.printer_fault
def test_unprintable_document_writes_nothing(tmp_path):
    printer = SimulatedPrinter(tmp_path)
    with pytest.raises(ReceiptContentError):
        printer.print_document(ReceiptDocument())
    assert receipt_files(tmp_path) == []
