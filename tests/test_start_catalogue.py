"""The first catalogue fetch of a start (no copy on disk yet) decides when residents stop seeing
"getting ready": it must not wait behind the warm-up's part builds, and it has a deadline of its own.

Found in the full test run: a cold worker's first terminal stayed on "getting ready" past 45 s with
one job pending. The fetch was only submitted once the warm-up had built the hub client, the outbox
and the printer, and the printer's first build imports python-escpos (2 s of CPU to parse its
capability file here; many times that on a loaded machine or a slow terminal)."""

from __future__ import annotations

import threading

from drivers.printer.config import PrinterConfig
from drivers.printer.factory import build_printer
from kiosk.session_view import OutOfServiceReason, Step
from tests.fixtures.kiosk_ui import START_WAIT_MS, start_kiosk, stop_kiosk
from ui.deferred import Deferred

HELD_S = 60  # a bound for a part held back by the test; it is always let go before that


def held_back(build, released: threading.Event):
    """A part whose build waits until the test lets it go (a slow import, a slow device)."""

    def factory():
        released.wait(HELD_S)
        return build()

    return factory


def test_the_first_catalogue_does_not_wait_for_a_slow_printer_build(
    qtbot, tmp_path, hub_server, file_keyring, input_engines
):
    released = threading.Event()
    slow = held_back(lambda: build_printer(PrinterConfig(), demo_folder=tmp_path / "printed"), released)
    printer = Deferred("printer", slow)
    k = start_kiosk(qtbot, tmp_path, hub_server, file_keyring, printer=printer)
    try:
        # the catalogue arrived while the printer is still being built (a start: its bound)
        k.wait_step(Step.ATTRACT, START_WAIT_MS)
        assert not printer.loaded
    finally:
        released.set()
        stop_kiosk(k)


def test_a_first_fetch_that_does_not_come_back_gives_way_to_the_hub_trouble_at_its_deadline(
    qtbot, tmp_path, hub_server, file_keyring, input_engines
):
    released = threading.Event()
    hub = Deferred("hub", held_back(hub_server.client, released))  # the fetch cannot start
    k = start_kiosk(
        qtbot, tmp_path, hub_server, file_keyring, hub=hub, first_catalogue_deadline_ms=1_000
    )
    try:
        k.wait(lambda: k.view is not None and k.view.out_of_service is OutOfServiceReason.BACKEND)
        assert not hub.loaded  # the deadline, not an answer, ended "getting ready"
        released.set()
        k.wait_step(Step.ATTRACT, START_WAIT_MS)  # the late answer still brings the terminal into service
    finally:
        released.set()
        stop_kiosk(k)
