"""Time from card insertion to identity available, on the real virtual stack (pcscd + vpcd).

Side by side in the same run (these machines are noisy; compare ratios, not seconds):
- baseline: bare pyscard (smartcard.scard) waiting for pcscd to report the card present, then one
  SELECT; this is the floor the platform sets (pcscd polls vpcd's slot about every 400 ms, and each
  insertion lands at a random point of that cycle);
- driver: PcscCardReader's INSERTED event, then read_identity() (SELECT + chunked READ BINARY + TLV
  parsing + validation), i.e. what the kiosk waits for;
- simulated reader: insert() to identity, for scale.

Usage: .venv/bin/python bench/card_bench.py [--runs 50]   (needs root or a running pcscd)
"""

from __future__ import annotations

import argparse
import random
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
from tests.support.pcsc_stack import PcscStack  # noqa: E402
from tests.support.virtual_card import RESIDENT_AID, VirtualCard, resident_card  # noqa: E402


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _line(label: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{label:<46} p50 {_pct(ms, 0.5):8.1f} ms   p95 {_pct(ms, 0.95):8.1f} ms   (n={len(ms)})"


def _random_phase() -> None:
    """Insert at a random point of pcscd's 400 ms slot polling, as a resident would."""
    time.sleep(random.uniform(0, 0.4))


class _BarePresence:
    """The baseline: bare pyscard on its own context, waiting for pcscd to report the card present."""

    def __init__(self, reader: str) -> None:
        self.reader = reader
        hresult, self.ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        assert hresult == scard.SCARD_S_SUCCESS
        _, states = scard.SCardGetStatusChange(self.ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        self.current = states[0][1] & ~scard.SCARD_STATE_CHANGED

    def wait_present(self) -> float:
        while not self.current & scard.SCARD_STATE_PRESENT:
            hresult, states = scard.SCardGetStatusChange(self.ctx, 5000, [(self.reader, self.current)])
            assert hresult == scard.SCARD_S_SUCCESS, hex(hresult)
            self.current = states[0][1] & ~scard.SCARD_STATE_CHANGED
        return time.perf_counter()

    def wait_absent(self) -> None:
        while self.current & scard.SCARD_STATE_PRESENT:
            hresult, states = scard.SCardGetStatusChange(self.ctx, 5000, [(self.reader, self.current)])
            assert hresult == scard.SCARD_S_SUCCESS, hex(hresult)
            self.current = states[0][1] & ~scard.SCARD_STATE_CHANGED

    def select(self) -> float:
        """Seconds for a bare connect + SELECT of the resident application."""
        apdu = list(bytes([0, 0xA4, 4, 0, len(RESIDENT_AID)]) + RESIDENT_AID + b"\x00")
        t0 = time.perf_counter()
        hresult, hcard, _ = scard.SCardConnect(
            self.ctx, self.reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T1
        )
        assert hresult == scard.SCARD_S_SUCCESS
        hresult, response = scard.SCardTransmit(hcard, scard.SCARD_PCI_T1, apdu)
        assert hresult == scard.SCARD_S_SUCCESS and response[-2:] == [0x90, 0]
        scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)
        return time.perf_counter() - t0

    def close(self) -> None:
        scard.SCardReleaseContext(self.ctx)


def bench_stack(stack: PcscStack, runs: int) -> dict[str, list[float]]:
    """Each insertion is watched by the baseline and the driver at once (paired, same phase)."""
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
    bare = _BarePresence(stack.reader)
    out: dict[str, list[float]] = {k: [] for k in ("present", "event", "lag", "read", "total", "select")}
    try:
        for _ in range(runs):
            got.clear()
            card = VirtualCard(stack.port, resident_card())
            _random_phase()
            t0 = time.perf_counter()
            card.insert()
            t_present = bare.wait_present()
            if not got.wait(10):
                raise RuntimeError("no INSERTED event")
            t_event = inserted_at[-1]
            reader.read_identity()
            t_identity = time.perf_counter()
            out["present"].append(t_present - t0)
            out["event"].append(t_event - t0)
            out["lag"].append(t_event - t_present)
            out["read"].append(t_identity - t_event)
            out["total"].append(t_identity - t0)
            out["select"].append(bare.select())
            card.remove()
            bare.wait_absent()
    finally:
        bare.close()
        reader.stop()
    return out


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
            m = bench_stack(stack, args.runs)
        finally:
            stack.down()
    sim = bench_simulated(args.runs)
    print(
        f"card insertion to identity, virtual PC/SC stack ({'own' if stack.owned else 'running'} pcscd + vpcd)"
    )
    print(_line("baseline: pcscd reports the card present", m["present"]))
    print(_line("baseline: bare connect + SELECT", m["select"]))
    print(_line("driver: INSERTED event", m["event"]))
    print(_line("driver: event after baseline (same insertion)", m["lag"]))
    print(_line("driver: read_identity() after the event", m["read"]))
    print(_line("driver: insertion to identity (total)", m["total"]))
    print(_line("simulated reader: insert to identity", sim))
    floor = statistics.median(m["present"]) + statistics.median(m["select"])
    print(
        f"median total / (median present + median bare SELECT): {statistics.median(m['total']) / floor:.2f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
