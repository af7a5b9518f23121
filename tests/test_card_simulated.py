"""The simulated (demo) card reader: same interface and same profiles as the PC/SC reader."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest

from drivers.card.model import (
    CardEvent,
    CardEventKind,
    CardExpired,
    CardRemoved,
    CardUnreadable,
    ReaderGone,
    ReaderState,
    Role,
    UnknownCard,
)
from drivers.card.simulated import SIMULATED_READER_NAME, SimulatedCardReader
from drivers.health import HealthBoard

TODAY = date(2026, 11, 23)


class Events:
    def __init__(self) -> None:
        self.seen: list[tuple[CardEventKind, str]] = []
        self.threads: set[str] = set()
        self._cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self._cond:
            self.seen.append((event.kind, event.reader))
            self.threads.add(threading.current_thread().name)
            self._cond.notify_all()

    def wait_count(self, n: int) -> list[CardEventKind]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.seen) >= n, 5), self.seen
            return [kind for kind, _ in self.seen]


@pytest.fixture
def health() -> HealthBoard:
    return HealthBoard()


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def reader(health: HealthBoard, events: Events) -> Iterator[SimulatedCardReader]:
    sim = SimulatedCardReader(health=health, today=lambda: TODAY)
    sim.add_listener(events)
    sim.start()
    yield sim
    sim.stop()


def test_demo_resident_card_reads_zhang_wei_and_events_come_from_a_driver_thread(
    reader: SimulatedCardReader, events: Events, health: HealthBoard
) -> None:
    assert reader.state() is ReaderState.NOTPRESENT and reader.readers() == [SIMULATED_READER_NAME]
    reader.insert_resident()

    identity = reader.read_identity()

    assert (identity.role, identity.name, identity.profile) == (
        Role.RESIDENT,
        "张伟",
        "community-resident-v1",
    )
    assert len(identity.id_number) == 18 and identity.expiry > TODAY
    assert events.wait_count(2) == [CardEventKind.READER_ADDED, CardEventKind.INSERTED]
    assert threading.current_thread().name not in events.threads
    board = health.snapshot()["card_reader"]
    assert board.state == "present" and board.counters == {"cards_read": 1}


def test_demo_technician_card(reader: SimulatedCardReader) -> None:
    reader.insert_technician()
    identity = reader.read_identity()
    assert identity.role is Role.TECHNICIAN and identity.profile == "community-technician-v1"


@pytest.mark.parametrize(
    ("card", "error"),
    [("expired", CardExpired), ("garbage", CardUnreadable), ("unknown", UnknownCard)],
)
def test_demo_fault_cards_fail_like_real_ones(
    reader: SimulatedCardReader, health: HealthBoard, card: str, error: type[Exception]
) -> None:
    reader.insert(card)
    with pytest.raises(error):
        reader.read_identity()
    board = health.snapshot()["card_reader"]
    assert board.counters["read_errors"] == 1 and board.last_error is not None
    assert "王芳" not in board.last_error  # the technician text never carries card data


def test_swapping_cards_reports_removed_then_inserted(reader: SimulatedCardReader, events: Events) -> None:
    reader.insert("resident")
    reader.insert("technician")
    reader.remove()
    assert events.wait_count(5)[1:] == [
        CardEventKind.INSERTED,
        CardEventKind.REMOVED,
        CardEventKind.INSERTED,
        CardEventKind.REMOVED,
    ]
    assert reader.state() is ReaderState.NOTPRESENT
    with pytest.raises(CardRemoved):
        reader.read_identity()


def test_unplugged_reader_is_gone_until_plugged_back(reader: SimulatedCardReader, events: Events) -> None:
    reader.insert_resident()
    reader.unplug()
    assert reader.state() is ReaderState.NODEVICE and reader.readers() == []
    with pytest.raises(ReaderGone):
        reader.read_identity()
    reader.plug()
    assert events.wait_count(5)[2:] == [
        CardEventKind.REMOVED,
        CardEventKind.READER_REMOVED,
        CardEventKind.READER_ADDED,
    ]
    assert reader.state() is ReaderState.NOTPRESENT


def test_card_inserted_before_start_is_reported_at_start(events: Events) -> None:
    sim = SimulatedCardReader(today=lambda: TODAY)
    sim.insert_resident()
    sim.add_listener(events)
    sim.start()
    try:
        assert events.wait_count(2) == [CardEventKind.READER_ADDED, CardEventKind.INSERTED]
        assert sim.state() is ReaderState.PRESENT
    finally:
        sim.stop()


def test_a_failing_listener_does_not_stop_the_others(events: Events) -> None:
    sim = SimulatedCardReader(today=lambda: TODAY)

    def broken(event: CardEvent) -> None:
        raise RuntimeError("screen adapter bug")

    sim.add_listener(broken)
    sim.add_listener(events)
    sim.start()
    try:
        sim.insert_resident()
        assert events.wait_count(2)[-1] is CardEventKind.INSERTED
    finally:
        sim.stop()
