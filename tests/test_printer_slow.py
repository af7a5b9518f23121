"""A slow printer never leads to a duplicate receipt: the wait for its status after a job grows with
the job, an unknown outcome ("may have printed: check the tray") is told apart from a failure, and a
receipt printed again says REPRINT / 补打.

The test printer (tests/support/test_printer.py) reads and prints only 4-8 kB/s, as a slow link or a
printer printing raster images does; the receipt is a ~39 kB raster job."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.model import (
    Line,
    PrinterError,
    PrinterOffline,
    PrintOutcomeUnknown,
    QrCode,
    ReceiptDocument,
    Title,
)
from kiosk.receipts import REPRINT_MARK, reprinted
from tests.support.escpos_decode import decode


def raster_receipt(lines: int) -> ReceiptDocument:
    body = tuple(Line(f"第{i}行 居住证明申请受理凭条 受理编号 T0001-93-000042") for i in range(lines))
    return ReceiptDocument(blocks=(Title("居住证明申请受理凭条"), *body, QrCode("https://hub.example/v/42")))


@pytest.fixture
def raster_config(network_printer_config):
    return replace(network_printer_config, chinese="raster", timeout_s=2.0)


def job_bytes(config, document) -> int:
    from drivers.printer.escpos_render import EscposRenderer

    return len(EscposRenderer(config).render(document))


@pytest.fixture
def receipt_39k(raster_config):
    for lines in range(4, 200):
        document = raster_receipt(lines)
        if job_bytes(raster_config, document) >= 38_000:
            return document
    raise AssertionError("no receipt of ~39 kB")


@pytest.mark.slow
@pytest.mark.printer_fault
@pytest.mark.parametrize("rate", [4000, 8000], ids=["4kB/s", "8kB/s"])
def test_a_slow_printer_prints_one_receipt_and_says_so(raster_config, escpos_test_printer, receipt_39k, rate):
    size = job_bytes(raster_config, receipt_39k)
    assert 38_000 <= size <= 45_000
    escpos_test_printer.throttle(rate)
    driver = EscposPrinter(raster_config)
    started = time.monotonic()
    result = driver.print_document(receipt_39k)  # before the fix: PrinterOffline after 5 s
    took = time.monotonic() - started
    print(f"\n{size} B at {rate} B/s: printed and confirmed in {took:.1f} s")
    assert result.bytes_sent == size
    assert took >= size / rate * 0.8  # it really waited for the slow printer
    assert len(escpos_test_printer.complete_jobs) == 1
    driver.close()


@pytest.mark.printer_fault
def test_no_status_after_a_whole_job_is_an_unknown_outcome_not_a_failure(
    network_printer_config, escpos_test_printer
):
    driver = EscposPrinter(network_printer_config)
    escpos_test_printer.hang_after_next_job()
    with pytest.raises(PrintOutcomeUnknown) as unknown:
        driver.print_document(raster_receipt(3))
    assert unknown.value.message_key == "error.printer_unknown"
    assert not isinstance(unknown.value, PrinterOffline)  # "may have printed", not "did not print"
    assert isinstance(unknown.value, PrinterError)  # callers that catch printer errors still do
    assert len(escpos_test_printer.jobs) == 1 and escpos_test_printer.jobs[0].received > 0
    driver.close()


@pytest.mark.printer_fault
def test_a_printer_that_never_got_the_job_is_still_a_failure(network_printer_config, escpos_test_printer):
    driver = EscposPrinter(network_printer_config)
    escpos_test_printer.go_offline()
    with pytest.raises(PrinterOffline):
        driver.print_document(raster_receipt(3))
    driver.close()


def test_the_wait_grows_with_the_job_and_the_link(network_printer_config):
    fast = EscposPrinter(replace(network_printer_config, timeout_s=1.0, slowest_bytes_per_s=4000))
    assert fast._wait_after(40_000) == pytest.approx(11.0)
    serial = EscposPrinter(
        replace(network_printer_config, kind="file", file_path="/dev/null", timeout_s=1.0)
    )  # a file link: no status, no wait needed, but the arithmetic is the same
    assert serial._wait_after(0) == pytest.approx(1.0)
    slow_serial = replace(network_printer_config, kind="serial", serial_baudrate=9600, slowest_bytes_per_s=4000)
    from drivers.printer.escpos_printer import EscposPrinter as Printer

    printer = Printer.__new__(Printer)
    printer._config = slow_serial
    assert printer._wait_after(9600) == pytest.approx(slow_serial.timeout_s + 10.0)  # 960 B/s at 9600 baud


def test_a_reprinted_receipt_says_reprint_in_both_languages(network_printer_config, escpos_test_printer):
    driver = EscposPrinter(network_printer_config)
    document = ReceiptDocument(blocks=(Title("居住证明申请受理凭条"), Line("T0001-93-000042")))
    driver.print_document(document)
    driver.print_document(reprinted(reprinted(document)))
    first, second = (decode(bytes(job.printed)).texts for job in escpos_test_printer.complete_jobs)
    assert REPRINT_MARK not in first
    assert second[0] == REPRINT_MARK == "REPRINT / 补打" and second.count(REPRINT_MARK) == 1
    assert second[1:] == first
    driver.close()
