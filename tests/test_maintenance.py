"""The technician's maintenance desk (kiosk.maintenance), without a display: the report it gathers
from the real outbox file, the health board and the background work, and its actions against the
real hub — force a sync, print a test page, requeue dead letters."""

from __future__ import annotations

import pytest

from drivers.health import HealthBoard
from drivers.printer.model import PaperOut, PrinterState
from drivers.printer.simulated import SimulatedPrinter
from kiosk.background import TerminalBackground
from kiosk.config import KioskConfig, QueueConfig
from kiosk.maintenance import MaintenanceDesk, MaintenanceUnavailable
from kiosk.terminal_outbox import outbox_at
from offline_queue.outbox import Outbox


@pytest.fixture
def parts(hub_server, tmp_path):
    config = KioskConfig(
        terminal_id=hub_server.terminal_id,
        data_dir=tmp_path / "kiosk",
        hub=hub_server.hub_config(connect_timeout_s=0.5, heartbeat_interval_s=60.0),
        queue=QueueConfig(backoff_base_s=0.05, backoff_cap_s=0.5, idle_poll_s=5.0),
    )
    outbox = outbox_at(tmp_path / "outbox.sqlite", config.terminal_id, config=config.queue)
    board = HealthBoard()
    background = TerminalBackground(config, hub_server.client(), outbox, board, lambda: "v1")
    printer = SimulatedPrinter(tmp_path / "printed", health=board)
    desk = MaintenanceDesk(board, lambda: background, lambda: outbox, lambda: printer)
    yield desk, outbox, printer, board
    outbox.close()


def enqueue(outbox: Outbox, service_id: str, detail: str) -> str:
    return str(outbox.enqueue(service_id, {"detail": detail}, {"detail": "public"}, "v1"))


def test_report_shows_depth_devices_and_force_sync_delivers_to_the_hub(parts):
    desk, outbox, _printer, _board = parts
    enqueue(outbox, "repair.public_area", "lift")
    report = desk.report()
    assert report.depth == 1 and report.oldest_pending_age_s is not None
    assert [d.device for d in report.devices] == ["printer"]
    assert report.devices[0].state == "online"

    sync = desk.force_sync()

    assert (sync.acked, sync.depth_after) == (1, 0)
    after = desk.report()
    assert after.depth == 0 and after.last_success_at is not None


def test_dead_letters_show_no_personal_data_and_can_be_requeued(parts):
    desk, outbox, _printer, _board = parts
    bad = enqueue(outbox, "no.such.service", "Zhang San 13800000000")
    desk.force_sync()

    report = desk.report()
    assert report.dead_letter_count == 1
    assert [(d.local_ref, d.service_id, d.reason) for d in report.dead_letters] == [
        (bad, "no.such.service", "unknown_service")
    ]
    assert "Zhang" not in repr(report)

    assert desk.requeue_dead_letters() == 1
    assert desk.report().depth == 1 and desk.report().dead_letter_count == 0


def test_test_page_prints_or_raises_the_printer_error(parts, tmp_path):
    desk, _outbox, printer, board = parts
    assert desk.print_test_page("zh", "T1").bytes_sent > 0
    assert list((tmp_path / "printed").glob("*.bin"))

    printer.set_state(PrinterState.PAPER_OUT)
    with pytest.raises(PaperOut):
        desk.print_test_page("en")
    assert board.snapshot()["printer"].state == "paper_out"


def test_actions_before_the_background_starts_say_not_ready():
    desk = MaintenanceDesk(HealthBoard(), lambda: None, lambda: None, lambda: None)
    assert desk.report().depth is None
    with pytest.raises(MaintenanceUnavailable):
        desk.force_sync()
    with pytest.raises(MaintenanceUnavailable):
        desk.print_test_page("en")
