"""Time to render a receipt to ESC/POS bytes (target <= 10 ms including the QR), the preview, and a
whole network job; and the number of printer fault cases the tests cover.

Side by side in the same run (these machines are noisy; compare ratios, not seconds):
- baseline: python-escpos alone (its Dummy printer) sending the same receipt's lines as plain text,
  a native QR code and a cut: no wrapping, no alignment, no Chinese; the floor for the library;
- renderer: EscposRenderer on the same receipt, GB18030 Chinese mode (the default) and raster mode;
- preview: render_preview, the PNG-ready image the screen and the simulated printer show;
- network job: EscposPrinter against the test printer on 127.0.0.1 (status, send, status).

Usage: .venv/bin/python bench/receipt_bench.py [--runs 500]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from escpos.printer import Dummy  # noqa: E402

from drivers.printer.escpos_printer import EscposPrinter  # noqa: E402
from drivers.printer.escpos_render import EscposRenderer  # noqa: E402
from drivers.printer.model import (  # noqa: E402
    Barcode,
    Footer,
    KeyValue,
    Line,
    QrCode,
    ReceiptDocument,
    Rule,
    Title,
)
from drivers.printer.preview import render_preview  # noqa: E402
from kiosk.config import PrinterConfig  # noqa: E402
from tests.support.test_printer import TestPrinter  # noqa: E402

RECEIPT = ReceiptDocument(
    blocks=(
        Title("公共区域报修受理凭条"),
        Rule(),
        KeyValue("报修地点", "3号楼2单元电梯，东侧第二部电梯门无法关闭，按钮失灵"),
        KeyValue("报修类别", "电梯故障"),
        KeyValue("联系人", "张*伟"),
        KeyValue("联系电话", "138****5678"),
        Rule(),
        Line("受理编号", align="center"),
        Line("T0001-000042", bold=True, align="center"),
        QrCode("https://hub.example.gov.cn/verify/T0001-000042"),
        Barcode("T0001-000042"),
        KeyValue("终端", "T0001"),
        KeyValue("时间", "2026-11-23 09:00"),
        Footer("请妥善保管本凭条，凭受理编号查询办理进度。"),
    )
)
BASELINE_LINES = [
    "Public area repair report",
    "-" * 48,
    "Place: Building 3 unit 2 lift, east side",
    "Category: lift",
    "Contact: Z. Wei  138****5678",
    "-" * 48,
    "Reference",
    "T0001-000042",
    "Terminal T0001   2026-11-23 09:00",
    "Keep this receipt: use the reference to follow your case.",
]


def baseline_render() -> bytes:
    out = Dummy()
    for text in BASELINE_LINES:
        out.textln(text)
    out.qr("https://hub.example.gov.cn/verify/T0001-000042", size=6, native=True)
    out.cut()
    return out.output


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm caches (python-escpos capabilities, fonts) outside the measurement
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return times


def line(label: str, values: list[float], baseline: list[float] | None = None) -> str:
    ms = [v * 1000 for v in values]
    text = f"{label:<44} p50 {_pct(ms, 0.5):7.2f} ms   p99 {_pct(ms, 0.99):7.2f} ms   (n={len(ms)})"
    if baseline is not None:
        text += f"   x{statistics.median(values) / statistics.median(baseline):.1f} baseline"
    return text


def fault_cases() -> tuple[int, int]:
    """(fault cases, all printer tests), as pytest collects them."""

    def count(*args: str) -> int:
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return sum(1 for row in out.splitlines() if "::" in row)

    files = [
        "tests/test_receipt_render.py",
        "tests/test_printer_network.py",
        "tests/test_printer_connections.py",
        "tests/test_printer_simulated.py",
    ]
    return count("-m", "printer_fault", *files), count(*files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500, help="renders per measurement (default 500)")
    args = parser.parse_args()
    runs = args.runs

    started = time.perf_counter()
    gb18030 = EscposRenderer(PrinterConfig())
    job = gb18030.render(RECEIPT)
    cold = time.perf_counter() - started
    raster = EscposRenderer(PrinterConfig(chinese="raster"))

    base = measure(baseline_render, runs)
    ours = measure(lambda: gb18030.render(RECEIPT), runs)
    print(f"receipt: {len(RECEIPT.blocks)} blocks, {len(job)} bytes (GB18030), QR + CODE128 + cut")
    print(line("baseline: python-escpos text + QR + cut", base))
    print(line("renderer: GB18030 Chinese mode", ours, base))
    print(line("renderer: raster Chinese", measure(lambda: raster.render(RECEIPT), max(50, runs // 5)), base))
    print(
        line("preview image (render_preview)", measure(lambda: render_preview(RECEIPT), max(50, runs // 5)))
    )
    print(f"{'first render after import (cold caches)':<44} {cold * 1000:7.1f} ms")

    test_printer = TestPrinter().start()
    try:
        printer = EscposPrinter(PrinterConfig(kind="network", host=test_printer.host, port=test_printer.port))
        print(
            line(
                "network job to the test printer (loopback)",
                measure(lambda: printer.print_document(RECEIPT), 100),
            )
        )
        printer.close()
    finally:
        test_printer.stop()

    p50 = statistics.median(ours) * 1000
    verdict = "meets" if _pct([v * 1000 for v in ours], 0.99) <= 10 else "MISSES"
    print(f"target: render <= 10 ms including the QR -> p50 {p50:.2f} ms, p99 {verdict} the target")
    faults, total = fault_cases()
    print(f"printer fault / bad-input cases tested: {faults} (of {total} printer tests)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
