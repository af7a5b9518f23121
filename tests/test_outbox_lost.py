"""An emptied or missing outbox file where one existed is a loss to report, not a fresh start: the
open raises OutboxLost (the file is left as it is, no generation is used up), the technician's
maintenance desk shows it, and only the technician's action starts a new outbox."""

from __future__ import annotations

import os

import keyring
import pytest

from drivers.health import HealthBoard
from kiosk.maintenance import MaintenanceDesk, MaintenanceUnavailable
from kiosk.secrets import SERVICE
from kiosk.terminal_outbox import outbox_at
from offline_queue.errors import ForeignQueueFile, OutboxLost, QueueFileUnusable
from offline_queue.generation import allocate_generation
from offline_queue.outbox_file import start_new_outbox
from ui.deferred import Deferred

CLASSES = {"category": "public"}


def _outbox_with_pending(path, n: int = 100):
    outbox = outbox_at(path, "T0001")
    for i in range(n):
        outbox.enqueue("repair.public_area", {"category": f"c{i}"}, CLASSES, "v1")
    generation = outbox.generation
    outbox.close()
    return generation


def _generation_mark() -> int:
    return int(keyring.get_password(SERVICE, "queue-generation/T0001"))


def truncate(path) -> None:
    with open(path, "r+b") as f:
        f.truncate(0)
    for suffix in ("-wal", "-shm"):  # what a failing disk or a careless clean-up leaves
        if os.path.exists(f"{path}{suffix}"):
            os.truncate(f"{path}{suffix}", 0)


def delete(path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.unlink(f"{path}{suffix}")


@pytest.mark.parametrize("lose", [truncate, delete], ids=["truncated_to_0_bytes", "deleted"])
def test_a_lost_outbox_file_is_reported_and_not_replaced(file_keyring, tmp_path, lose):
    path = tmp_path / "outbox.sqlite"
    generation = _outbox_with_pending(path)
    lose(path)
    size_before = path.stat().st_size if path.exists() else None
    mark_before = _generation_mark()

    with pytest.raises(OutboxLost) as lost:
        outbox_at(path, "T0001")
    assert isinstance(lost.value, QueueFileUnusable) and lost.value.message_key == "error.queue_lost"
    assert lost.value.path == path and lost.value.generation == generation
    assert (path.stat().st_size if path.exists() else None) == size_before  # left as it was
    assert _generation_mark() == mark_before  # no generation used up
    with pytest.raises(OutboxLost):  # and it stays a loss on every later start
        outbox_at(path, "T0001")


def test_a_technician_starts_a_new_outbox_on_purpose(file_keyring, tmp_path):
    path = tmp_path / "outbox.sqlite"
    generation = _outbox_with_pending(path)
    truncate(path)
    new_generation = start_new_outbox(path, "T0001")
    assert new_generation > generation
    assert list(tmp_path.glob("outbox.sqlite.lost-*"))  # the emptied file is kept aside as evidence
    reopened = outbox_at(path, "T0001")
    assert reopened.generation == new_generation and reopened.stats().depth == 0
    reopened.close()


def test_a_new_outbox_is_never_started_over_a_file_that_holds_something(file_keyring, tmp_path):
    path = tmp_path / "outbox.sqlite"
    _outbox_with_pending(path, 3)
    with pytest.raises(ForeignQueueFile):
        start_new_outbox(path, "T0001")
    reopened = outbox_at(path, "T0001")
    assert reopened.stats().depth == 3
    reopened.close()


def test_a_first_start_and_a_crash_while_creating_are_no_loss(file_keyring, tmp_path):
    first = outbox_at(tmp_path / "first.sqlite", "T0001")  # nothing was ever made here
    first.close()
    allocate_generation("T0001")  # a crash after the generation was taken, before the file was made
    (tmp_path / "second.sqlite").write_bytes(b"")
    second = outbox_at(tmp_path / "second.sqlite", "T0001")
    assert second.stats().depth == 0
    second.close()


def test_the_maintenance_desk_shows_the_loss_and_its_action_starts_a_new_outbox(file_keyring, tmp_path):
    path = tmp_path / "outbox.sqlite"
    _outbox_with_pending(path)
    truncate(path)
    outbox = Deferred("outbox", lambda: outbox_at(path, "T0001"))
    with pytest.raises(OutboxLost):
        outbox.load()  # the warm-up's try, as ui.app makes it
    desk = MaintenanceDesk(
        HealthBoard(), lambda: None, lambda: outbox, lambda: None, lambda: start_new_outbox(path, "T0001")
    )

    report = desk.report()
    assert report.outbox_problem.startswith("OutboxLost: ") and str(path) in report.outbox_problem
    assert report.depth is None

    generation = desk.start_new_outbox()
    assert outbox.load().generation == generation
    assert desk.report().outbox_problem is None and desk.report().depth == 0
    with pytest.raises(MaintenanceUnavailable):  # nothing lost now: the action refuses
        desk.start_new_outbox()
    outbox.load().close()


def test_the_heartbeat_tells_the_hub_the_outbox_is_lost(hub_server, tmp_path):
    from kiosk.background import heartbeat_without_outbox
    from kiosk.config import KioskConfig

    path = tmp_path / "outbox.sqlite"
    outbox = outbox_at(path, hub_server.terminal_id)
    outbox.close()
    truncate(path)
    with pytest.raises(OutboxLost) as lost:
        outbox_at(path, hub_server.terminal_id)
    config = KioskConfig(terminal_id=hub_server.terminal_id, hub=hub_server.hub_config())
    beat = heartbeat_without_outbox(config, hub_server.client(), HealthBoard(), lost.value, lambda: "v1")
    report = beat.compose()
    assert report["queue"] == {"error": "OutboxLost"}
    assert str(path) not in str(report)  # the type only: paths and details stay on the terminal
    assert beat.send_now()  # the real hub takes the report
