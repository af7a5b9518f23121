"""Time from card insertion to identity available, on the real virtual stack (pcscd + vpcd).

Side by side in the same run (these machines are noisy; compare ratios, not seconds):
- baseline: bare pyscard (smartcard.scard) waiting for pcscd to report the card present, then one
  SELECT; this is the floor the platform sets (pcscd polls vpcd's slot about every 400 ms);
- driver: PcscCardReader's INSERTED event, then read_identity() (SELECT + chunked READ BINARY + TLV
  parsing + validation), i.e. what the kiosk waits for;
- simulated reader: insert() to identity, for scale.

Usage: .venv/bin/python bench/card_bench.py [--runs 50]   (needs root or a running pcscd)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from smartcard import scard  # noqa: E402

from drivers.card import profile as profiles  # noqa: E402
from drivers.card.model import CardEvent, CardEventKind  # noqa: E402
from drivers.card.pcsc import PcscCardReader  # noqa: E402
from drivers.card.simulated import SimulatedCardReader  # noqa: E402
from tests.support.pcsc_stack import PcscStack, card_present  # noqa: E402
from tests.support.virtual_card import RESIDENT_AID, VirtualCard, resident_card  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _line(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{label:<44} p50 {_pct(ms, 0.5):8.1f} ms   p95 {_pct(ms, 0.95):8.1f} ms   (n={len(ms)})"


def _wait_absent(reader: str) -> None:
    deadline = time.monotonic() + 10
    while card_present(reader):
        if time.monotonic() > deadline:
            raise RuntimeError("card never left the reader")
        time.sleep(0.01)


def bench_baseline(stack: PcscStack, runs: int) -> tuple[list[float], list[float]]:
    present, select = [], []
    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    apdu = list(bytes([0, 0xA4, 4, 0, len(RESIDENT_AID)]) + RESIDENT_AID + b"\x00")
    try:
        for _ in range(runs):
            _, states = scard.SCardGetStatusChange(ctx, 0, [(stack.reader, scard.SCARD_STATE_UNAWARE)])
            current = states[0][1] & ~scard.SCARD_STATE_CHANGED
            card = VirtualCard(stack.port, resident_card())
            t0 = time.perf_counter()
            card.insert()
            while not current & scard.SCARD_STATE_PRESENT:
                hresult, states = scard.SCardGetStatusChange(ctx, 5000, [(stack.reader, current)])
                assert hresult == scard.SCARD_S_SUCCESS, hex(hresult)
                current = states[0][1] & ~scard.SCARD_STATE_CHANGED
            t1 = time.perf_counter()
            hresult, hcard, _proto = scard.SCardConnect(
                ctx, stack.reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T1
            )
            assert hresult == scard.SCARD_S_SUCCESS
            hresult, response = scard.SCardTransmit(hcard, scard.SCARD_PCI_T1, apdu)
            assert hresult == scard.SCARD_S_SUCCESS and response[-2:] == [0x90, 0]
            scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)
            t2 = time.perf_counter()
            present.append(t1 - t0)
            select.append(t2 - t0)
            card.remove()
            _wait_absent(stack.reader)
    finally:
        scard.SCardReleaseContext(ctx)
    return present, select


def bench_driver(stack: PcscStack, runs: int) -> tuple[list[float], list[float], list[float]]:
    inserted_at: list[float] = []
    got = threading.Event()

    def on_event(event: CardEvent) -> None:
        if event.kind is CardEventKind.INSERTED:
            inserted_at.append(time.perf_counter())
            got.set()

    reader = PcscCardReader(
        [profiles.COMMUNITY_RESIDENT_V1, profiles.COMMUNITY_TECHNICIAN_V1], reader_name=stack.reader
    )
    reader.add_listener(on_event)
    reader.start()
    event_s, read_s, total_s = [], [], []
    try:
        for _ in range(runs):
            got.clear()
            card = VirtualCard(stack.port, resident_card())
            t0 = time.perf_counter()
            card.insert()
            if not got.wait(10):
                raise RuntimeError("no INSERTED event")
            t1 = inserted_at[-1]
            reader.read_identity()
            t2 = time.perf_counter()
            event_s.append(t1 - t0)
            read_s.append(t2 - t1)
            total_s.append(t2 - t0)
            card.remove()
            _wait_absent(stack.reader)
    finally:
        reader.stop()
    return event_s, read_s, total_s


def bench_simulated(runs: int) -> list[float]:
    sim = SimulatedCardReader()
    sim.start()
    out = []
    try:
        for _ in range(runs):
            t0 = time.perf_counter()
            sim.insert_resident()
            sim.read_identity()
            out.append(time.perf_counter() - t0)
            sim.remove()
    finally:
        sim.stop()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="insertions per measurement (default 50)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        stack = PcscStack(Path(workdir)).up()
        try:
            present, select = bench_baseline(stack, args.runs)
            event_s, read_s, total_s = bench_driver(stack, args.runs)
        finally:
            stack.down()
    sim = bench_simulated(args.runs)
    print(
        f"card insertion to identity, virtual PC/SC stack ({'own' if stack.owned else 'running'} pcscd + vpcd)"
    )
    print(_line("baseline: pcscd reports card present", present))
    print(_line("baseline: present + bare SELECT", select))
    print(_line("driver: INSERTED event", event_s))
    print(_line("driver: read_identity() after the event", read_s))
    print(_line("driver: insertion to identity (total)", total_s))
    print(_line("simulated reader: insert to identity", sim))
    ratio = statistics.median(total_s) / statistics.median(select)
    print(f"median total / median baseline (present + SELECT): {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
