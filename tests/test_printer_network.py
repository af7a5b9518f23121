"""The real printer driver against a test printer listening on 127.0.0.1: status before and after a
job, faults in the middle of a job, reconnecting, and reprinting the same document in full."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from drivers.health import HealthBoard
from drivers.printer.escpos_printer import EscposPrinter
from drivers.printer.model import (
    KeyValue,
    Line,
    PaperOut,
    PrinterError,
    PrinterOffline,
    PrinterState,
    QrCode,
    ReceiptContentError,
    ReceiptDocument,
    Rule,
    Title,
)
from tests.support.escpos_decode import Cut, decode

VERIFY_URL = "https://hub.example.gov.cn/verify/T0001-000042"
RECEIPT = ReceiptDocument(
    blocks=(
        Title("居住证明申请受理凭条"),
        Rule(),
        KeyValue("申请人", "张*伟"),
        KeyValue("身份证号", "1101**********1234"),
        Rule(),
        Line("T0001-000042", bold=True, align="center"),
        QrCode(VERIFY_URL),
        Line("请妥善保管本凭条，凭受理编号查询办理进度。"),
    )
)


def assert_complete_receipt(job_bytes: bytes) -> None:
    printout = decode(job_bytes)
    assert printout.texts[0] == "居住证明申请受理凭条"
    assert "身份证号  1101**********1234" in printout.texts
    assert printout.qr_codes[0].text == VERIFY_URL
    assert printout.printed[-1] == Cut(partial=False)


@pytest.fixture
def printer(network_printer_config):
    board = HealthBoard()
    driver = EscposPrinter(network_printer_config, health=board)
    driver.board = board  # for the assertions
    yield driver
    driver.close()


def test_prints_receipt_with_status_before_and_after(printer, escpos_test_printer):
    result = printer.print_document(RECEIPT)

    assert result.state_after is PrinterState.ONLINE
    [job] = escpos_test_printer.jobs
    assert not job.cut_short and result.bytes_sent == len(job.printed)
    assert_complete_receipt(bytes(job.printed))
    assert escpos_test_printer.status_queries == [1, 2, 4, 1, 2, 4]


@pytest.mark.parametrize(
    ("condition", "state"),
    [
        ({}, PrinterState.ONLINE),
        ({"paper_near_end": True}, PrinterState.PAPER_LOW),
        ({"paper_out": True}, PrinterState.PAPER_OUT),
        ({"cover_open": True}, PrinterState.COVER_OPEN),
        ({"hardware_error": True}, PrinterState.HWERROR),
    ],
)
def test_state_reports_what_the_printer_answers(printer, escpos_test_printer, condition, state):
    for name, value in condition.items():
        setattr(escpos_test_printer, name, value)
    assert printer.state() is state
    assert printer.board.snapshot()["printer"].state == state.value


def test_paper_near_end_still_prints_and_says_so(printer, escpos_test_printer):
    escpos_test_printer.paper_near_end = True
    result = printer.print_document(RECEIPT)
    assert result.state_after is PrinterState.PAPER_LOW
    assert_complete_receipt(bytes(escpos_test_printer.jobs[0].printed))


@pytest.mark.printer_fault
def test_out_of_paper_before_the_job_sends_nothing(printer, escpos_test_printer):
    escpos_test_printer.paper_out = True
    with pytest.raises(PaperOut) as raised:
        printer.print_document(RECEIPT)
    assert raised.value.state is PrinterState.PAPER_OUT
    assert escpos_test_printer.jobs == []
    assert raised.value.nothing_printed  # printing it again is the first receipt, not a reprint


@pytest.mark.printer_fault
def test_cover_open_refuses_the_job(printer, escpos_test_printer):
    escpos_test_printer.cover_open = True
    with pytest.raises(PrinterError) as raised:
        printer.print_document(RECEIPT)
    assert raised.value.state is PrinterState.COVER_OPEN and escpos_test_printer.jobs == []


@pytest.mark.printer_fault
def test_paper_runs_out_mid_job_then_the_same_document_reprints_in_full(printer, escpos_test_printer):
    escpos_test_printer.run_out_of_paper_after(120)

    with pytest.raises(PaperOut) as raised:
        printer.print_document(RECEIPT)
    assert not raised.value.nothing_printed  # half a receipt is in the tray

    half = escpos_test_printer.jobs[0]
    assert half.cut_short and len(half.printed) == 120
    assert decode(bytes(half.printed), allow_truncated=True).cuts == []  # the receipt was not finished
    escpos_test_printer.refill_paper()
    printer.print_document(RECEIPT)
    assert_complete_receipt(bytes(escpos_test_printer.jobs[-1].printed))
    counters = printer.board.snapshot()["printer"].counters
    assert counters["receipts_printed"] == 1 and counters["print_errors"] == 1


@pytest.mark.printer_fault
def test_connection_dropped_mid_job_then_the_same_document_reprints_in_full(printer, escpos_test_printer):
    escpos_test_printer.drop_connection_after(150)

    with pytest.raises(PrinterOffline) as raised:
        printer.print_document(RECEIPT)

    assert raised.value.state is PrinterState.OFFLINE
    assert escpos_test_printer.jobs[0].cut_short
    printer.print_document(RECEIPT)
    assert_complete_receipt(bytes(escpos_test_printer.jobs[-1].printed))
    assert escpos_test_printer.connections_accepted == 2


@pytest.mark.printer_fault
def test_reconnects_after_the_printer_was_power_cycled(printer, escpos_test_printer):
    printer.print_document(RECEIPT)
    escpos_test_printer.power_cycle()  # the open connection is now stale

    printer.print_document(RECEIPT)

    assert len(escpos_test_printer.complete_jobs) == 2
    assert escpos_test_printer.connections_accepted == 2


@pytest.mark.printer_fault
def test_offline_printer_is_reported_and_printing_resumes_when_it_returns(printer, escpos_test_printer):
    escpos_test_printer.go_offline()
    assert printer.state() is PrinterState.OFFLINE
    with pytest.raises(PrinterOffline):
        printer.print_document(RECEIPT)

    escpos_test_printer.come_online()
    printer.print_document(RECEIPT)
    assert_complete_receipt(bytes(escpos_test_printer.jobs[-1].printed))
    health = printer.board.snapshot()["printer"]
    assert health.state == "online" and health.last_error.startswith("PrinterOffline")


@pytest.mark.printer_fault
def test_printer_that_stops_answering_is_offline_after_the_timeout(printer, escpos_test_printer):
    printer.print_document(RECEIPT)
    escpos_test_printer.stop_answering()
    started = time.monotonic()

    with pytest.raises(PrinterOffline, match="no status answer"):
        printer.print_document(RECEIPT)

    assert time.monotonic() - started < 10  # bounded by the timeout (1 s here), not forever
    assert escpos_test_printer.connections_accepted == 1  # a hung printer is not reconnected to
    assert len(escpos_test_printer.jobs) == 1


@pytest.mark.printer_fault
def test_garbled_status_answer_is_a_printer_error(printer, escpos_test_printer):
    escpos_test_printer.garble_status()
    with pytest.raises(PrinterError, match="fixed bits") as raised:
        printer.print_document(RECEIPT)
    assert raised.value.state is PrinterState.HWERROR and escpos_test_printer.jobs == []
    assert printer.state() is PrinterState.HWERROR


@pytest.mark.printer_fault
def test_unprintable_document_sends_nothing(printer, escpos_test_printer):
    with pytest.raises(ReceiptContentError):
        printer.print_document(ReceiptDocument(blocks=(QrCode("x" * 5000),)))
    assert escpos_test_printer.connections_accepted == 0
    assert printer.board.snapshot()["printer"].counters["print_errors"] == 1


def test_raster_printer_gets_chinese_as_images(network_printer_config, escpos_test_printer):
    driver = EscposPrinter(replace(network_printer_config, chinese="raster"))
    driver.print_document(RECEIPT)
    printout = decode(bytes(escpos_test_printer.jobs[0].printed))
    assert all(text.isascii() for text in printout.texts) and printout.rasters
    assert printout.qr_codes[0].text == VERIFY_URL


def test_jobs_from_two_threads_never_interleave(printer, escpos_test_printer):
    other = ReceiptDocument(blocks=(Title("窗口取号"), Line("A001", bold=True, align="center")))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(printer.print_document, [RECEIPT, other, RECEIPT, other]))

    assert len(results) == 4 and len(escpos_test_printer.complete_jobs) == 4
    for job in escpos_test_printer.jobs:
        title = decode(bytes(job.printed)).texts[0]  # each job decodes whole: nothing interleaved
        assert title in ("居住证明申请受理凭条", "窗口取号")
