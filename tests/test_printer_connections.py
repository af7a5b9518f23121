"""The printer's other connections, chosen by configuration: serial (through pyserial, against the
test printer on a pseudo-terminal) and file; and the factory's checks of the settings."""

from __future__ import annotations

import pytest

from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.factory import build_printer
from drivers.printer.model import Line, PaperOut, PrinterOffline, PrinterState, QrCode, ReceiptDocument, Title
from drivers.printer.simulated import SimulatedPrinter
from kiosk.config import PrinterConfig
from kiosk.errors import ConfigError
from tests.support.escpos_decode import Cut, decode

RECEIPT = ReceiptDocument(blocks=(Title("窗口取号"), Line("A001", bold=True, align="center"), QrCode("A001")))


def test_serial_printer_prints_and_reports_status(escpos_test_printer):
    config = PrinterConfig(kind="serial", serial_device=escpos_test_printer.serial_device(), timeout_s=1.0)
    printer = build_printer(config)
    assert isinstance(printer, EscposPrinter)

    result = printer.print_document(RECEIPT)

    printout = decode(bytes(escpos_test_printer.jobs[0].printed))
    assert printout.texts[:2] == ["窗口取号", "A001"] and printout.qr_codes[0].text == "A001"
    assert result.state_after is PrinterState.ONLINE
    escpos_test_printer.paper_out = True
    assert printer.state() is PrinterState.PAPER_OUT
    with pytest.raises(PaperOut):
        printer.print_document(RECEIPT)
    printer.close()


@pytest.mark.printer_fault
def test_missing_serial_device_is_offline(tmp_path):
    printer = build_printer(
        PrinterConfig(kind="serial", serial_device=str(tmp_path / "ttyUSB9"), timeout_s=0.5)
    )
    assert printer.state() is PrinterState.OFFLINE
    with pytest.raises(PrinterOffline):
        printer.print_document(RECEIPT)


def test_file_printer_appends_each_job_to_the_file(tmp_path):
    target = tmp_path / "lp0"
    printer = build_printer(PrinterConfig(kind="file", file_path=str(target)))

    printer.print_document(RECEIPT)
    printer.print_document(RECEIPT)

    printout = decode(target.read_bytes())
    assert printout.cuts == [Cut(partial=False)] * 2 and printout.texts.count("窗口取号") == 2
    assert printer.state() is PrinterState.ONLINE  # a file cannot say more


@pytest.mark.printer_fault
def test_unwritable_file_printer_is_offline(tmp_path):
    printer = build_printer(PrinterConfig(kind="file", file_path=str(tmp_path / "missing" / "lp0")))
    with pytest.raises(PrinterOffline):
        printer.print_document(RECEIPT)


@pytest.mark.printer_fault
@pytest.mark.parametrize(
    "config",
    [
        PrinterConfig(kind="usb"),  # no vendor/product id
        PrinterConfig(kind="file"),  # no path
        PrinterConfig(kind="network", chinese="big5"),
        PrinterConfig(kind="simulated"),  # no folder given
    ],
)
def test_factory_refuses_settings_no_printer_works_with(config):
    with pytest.raises(ConfigError):
        build_printer(config)


def test_factory_builds_the_simulated_printer_into_the_folder(tmp_path):
    printer = build_printer(PrinterConfig(kind="simulated"), demo_folder=tmp_path)
    assert isinstance(printer, SimulatedPrinter) and printer.folder == tmp_path
