"""The PC/SC card reader on the real stack: pcscd + vpcd + a virtual card speaking vpcd's protocol.

Insertion and removal are a virtual card connecting to and leaving vpcd; pcscd sees them as real
card events and the driver sees them through pyscard. Every fault ends in a typed CardError.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest

from drivers.card import profile as profiles
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
from drivers.card.pcsc import PcscCardReader
from drivers.health import HealthBoard
from tests.fixtures.card_stack import CardSlot
from tests.support.pcsc_stack import PcscStack, card_present
from tests.support.virtual_card import (
    RESIDENT_AID,
    RESIDENT_ID,
    CardOS,
    identity_record,
    resident_card,
    technician_card,
)
from tests.support.waiting import wait_for

# pcscd's socket is the machine's: every test on it runs in one xdist worker
pytestmark = pytest.mark.xdist_group("pcscd")

TODAY = date(2026, 11, 23)
READ_TIMEOUT_S = 1.0


class EventLog:
    """Collects events from the driver thread; tests wait on it instead of sleeping."""

    def __init__(self) -> None:
        self.events: list[CardEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def kinds(self) -> list[CardEventKind]:
        with self._cond:
            return [e.kind for e in self.events]

    def wait_for(self, kind: CardEventKind, count: int = 1, timeout_s: float = 10.0) -> None:
        with self._cond:
            ok = self._cond.wait_for(lambda: [e.kind for e in self.events].count(kind) >= count, timeout_s)
        assert ok, f"no {kind.value} event (#{count}) within {timeout_s} s; got {self.kinds()}"


@pytest.fixture
def health() -> HealthBoard:
    return HealthBoard()


@pytest.fixture
def events() -> EventLog:
    return EventLog()


@pytest.fixture
def reader(
    pcsc_stack: PcscStack, card_slot: CardSlot, health: HealthBoard, events: EventLog
) -> Iterator[PcscCardReader]:
    driver = PcscCardReader(
        [profiles.COMMUNITY_RESIDENT_V1, profiles.COMMUNITY_TECHNICIAN_V1],
        reader_name=pcsc_stack.reader,
        health=health,
        read_timeout_s=READ_TIMEOUT_S,
        retry_s=0.2,
        today=lambda: TODAY,
    )
    driver.add_listener(events)
    driver.start()
    yield driver
    driver.stop()


def insert_and_wait(card_slot: CardSlot, reader: PcscCardReader, events: EventLog, card: CardOS) -> None:
    count = events.kinds().count(CardEventKind.INSERTED) + 1
    card_slot.insert(card)
    events.wait_for(CardEventKind.INSERTED, count)


def test_reader_is_reported_present_and_empty_at_start(
    reader: PcscCardReader, events: EventLog, pcsc_stack: PcscStack
) -> None:
    assert reader.readers() == [pcsc_stack.reader]
    assert reader.state() is ReaderState.NOTPRESENT
    assert events.kinds() == [CardEventKind.READER_ADDED]


def test_card_already_in_the_reader_at_start_is_reported(
    pcsc_stack: PcscStack, card_slot: CardSlot, events: EventLog
) -> None:
    # pyscard #231: a monitor started after the card went in did not report it
    card_slot.insert(resident_card())
    wait_for(lambda: card_present(pcsc_stack.reader), "pcscd to see the card")
    driver = PcscCardReader(
        [profiles.COMMUNITY_RESIDENT_V1], reader_name=pcsc_stack.reader, today=lambda: TODAY
    )
    driver.add_listener(events)
    driver.start()
    try:
        assert driver.state() is ReaderState.PRESENT
        events.wait_for(CardEventKind.INSERTED)
        assert driver.read_identity().id_number == RESIDENT_ID
    finally:
        driver.stop()


def test_resident_card_insert_read_remove(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog, health: HealthBoard
) -> None:
    insert_and_wait(card_slot, reader, events, resident_card())
    assert reader.state() is ReaderState.PRESENT

    identity = reader.read_identity()

    assert (identity.role, identity.name, identity.id_number) == (Role.RESIDENT, "张伟", RESIDENT_ID)
    assert (identity.card_number, identity.expiry) == ("6200000000009876", date(2031, 12, 31))
    assert identity.profile == "community-resident-v1"
    card_slot.remove()
    events.wait_for(CardEventKind.REMOVED)
    assert reader.state() is ReaderState.NOTPRESENT
    board = health.snapshot()["card_reader"]
    assert board.state == "notpresent" and board.counters["cards_read"] == 1


def test_technician_card_reads_as_technician(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog
) -> None:
    insert_and_wait(card_slot, reader, events, technician_card())
    identity = reader.read_identity()
    assert (identity.role, identity.id_number) == (Role.TECHNICIAN, "TECH0042")


def test_long_record_is_read_in_chunks_at_increasing_offsets(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog
) -> None:
    long_name = "欧阳" + "娜" * 40  # 126 bytes of UTF-8: the record needs a 0x81 length
    card = CardOS(files={RESIDENT_AID: identity_record(name=long_name)}, max_read=32)
    insert_and_wait(card_slot, reader, events, card)

    assert reader.read_identity().name == long_name

    offsets = [(a[2] << 8) | a[3] for a in card.apdus if a[:2] == b"\x00\xb0"]
    assert offsets[0] == 0 and len(offsets) >= 5 and offsets == sorted(offsets)


GARBAGE_CARDS = {
    "select answers an unexpected status": CardOS(raw_answers={b"\x00\xa4": b"\x6f\x00"}),
    "answer shorter than a status word": CardOS(raw_answers={b"\x00\xa4": b"\x90"}),
    "record is not a TLV template": CardOS(files={RESIDENT_AID: b"\x99" * 40}),
    "record length runs past its data": CardOS(files={RESIDENT_AID: b"\x70\x50\xc0\x01\x01"}),
    "identity number check digit wrong": CardOS(
        files={
            RESIDENT_AID: identity_record(
                id_number=RESIDENT_ID[:17] + ("0" if RESIDENT_ID[17] != "0" else "1")
            )
        }
    ),
}


@pytest.mark.parametrize("card", GARBAGE_CARDS.values(), ids=GARBAGE_CARDS.keys())
def test_card_answering_garbage_is_unreadable(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog, health: HealthBoard, card: CardOS
) -> None:
    insert_and_wait(card_slot, reader, events, card)
    with pytest.raises(CardUnreadable):
        reader.read_identity()
    board = health.snapshot()["card_reader"]
    assert board.counters["read_errors"] == 1 and board.last_error.startswith(
        ("CardUnreadable", "MalformedTlv")
    )


def test_expired_card_is_refused(reader: PcscCardReader, card_slot: CardSlot, events: EventLog) -> None:
    insert_and_wait(card_slot, reader, events, resident_card(expiry=date(2026, 11, 22)))
    with pytest.raises(CardExpired):
        reader.read_identity()


def test_card_without_our_application_is_unknown(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog
) -> None:
    insert_and_wait(card_slot, reader, events, CardOS(files={bytes.fromhex("A000000003101001"): b"\x70\x00"}))
    with pytest.raises(UnknownCard):
        reader.read_identity()


def test_slow_card_times_out_and_the_reader_recovers(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog
) -> None:
    slow = resident_card()
    slow.delay_s = READ_TIMEOUT_S * 2.5
    insert_and_wait(card_slot, reader, events, slow)

    started = time.monotonic()
    with pytest.raises(CardUnreadable, match="did not answer"):
        reader.read_identity()
    assert time.monotonic() - started < READ_TIMEOUT_S * 2

    slow.delay_s = 0.0  # the stuck read finishes when the card finally answers
    wait_for(lambda: _reads_ok(reader), "a read to succeed after the slow one", timeout_s=15)


def _reads_ok(reader: PcscCardReader) -> bool:
    try:
        return reader.read_identity().id_number == RESIDENT_ID
    except CardUnreadable:
        return False


def test_card_pulled_out_mid_read_is_card_removed(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog
) -> None:
    card = CardOS(files={RESIDENT_AID: identity_record()}, max_read=16, pull_after=2)  # SELECT, 1 chunk
    insert_and_wait(card_slot, reader, events, card)

    with pytest.raises(CardRemoved):
        reader.read_identity()

    events.wait_for(CardEventKind.REMOVED)
    assert reader.state() is ReaderState.NOTPRESENT


def test_read_with_no_card_is_card_removed(reader: PcscCardReader) -> None:
    with pytest.raises(CardRemoved):
        reader.read_identity()


def test_driver_survives_pcscd_stopping_losing_its_last_reader_and_coming_back(
    reader: PcscCardReader, pcsc_stack: PcscStack, card_slot: CardSlot, events: EventLog, health: HealthBoard
) -> None:
    insert_and_wait(card_slot, reader, events, resident_card())

    pcsc_stack.stop_daemon()  # the service dies with a card in its reader
    events.wait_for(CardEventKind.READER_REMOVED)
    assert events.kinds()[-2:] == [CardEventKind.REMOVED, CardEventKind.READER_REMOVED]
    assert reader.state() is ReaderState.HWERROR
    with pytest.raises(ReaderGone):
        reader.read_identity()
    assert health.snapshot()["card_reader"].state == "hwerror"

    pcsc_stack.start_daemon(with_reader=False)  # back, but with no reader at all (pyscard #13/#74/#153)
    wait_for(lambda: reader.state() is ReaderState.NODEVICE, "state NODEVICE with pcscd and no reader")
    with pytest.raises(ReaderGone):
        reader.read_identity()

    pcsc_stack.stop_daemon()
    pcsc_stack.start_daemon(with_reader=True)  # the reader is plugged in again
    events.wait_for(CardEventKind.READER_ADDED, count=2)
    insert_and_wait(card_slot, reader, events, resident_card())
    assert reader.read_identity().id_number == RESIDENT_ID
    assert health.snapshot()["card_reader"].counters["cards_read"] == 1


def test_driver_started_before_pcscd_waits_for_it(
    pcsc_stack: PcscStack, card_slot: CardSlot, health: HealthBoard, events: EventLog
) -> None:
    pcsc_stack.stop_daemon()  # the kiosk boots faster than the PC/SC service
    driver = PcscCardReader(
        [profiles.COMMUNITY_RESIDENT_V1], reader_name=pcsc_stack.reader, health=health, retry_s=0.2
    )
    driver.add_listener(events)
    driver.start()
    try:
        assert driver.state() is ReaderState.HWERROR and driver.readers() == []
        with pytest.raises(ReaderGone):
            driver.read_identity()
        board = health.snapshot()["card_reader"]
        assert board.state == "hwerror" and board.last_error is not None

        pcsc_stack.start_daemon(with_reader=True)
        events.wait_for(CardEventKind.READER_ADDED)
        assert driver.state() is ReaderState.NOTPRESENT
        assert health.snapshot()["card_reader"].state == "notpresent"
    finally:
        driver.stop()


def test_card_swapped_mid_read_is_card_removed_not_a_transport_failure(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog, health: HealthBoard
) -> None:
    # pulled during the read and another card in within ~0.3 s: PRESENT never looks cleared, only
    # the reader's event counter shows the swap
    card = CardOS(files={RESIDENT_AID: identity_record()}, max_read=16, pull_after=2)
    pulled = insert_and_wait_card(card_slot, reader, events, card)
    outcome: dict[str, BaseException] = {}

    def read() -> None:
        try:
            reader.read_identity()
        except BaseException as exc:  # noqa: BLE001 - the test inspects whatever left the driver
            outcome["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=read)
    thread.start()
    assert pulled.vanished.wait(5)
    time.sleep(0.1)  # the resident's hand: the next card follows within 0.3 s
    card_slot.card = None  # the pulled card is gone already; do not wait for pcscd to see it
    card_slot.insert(resident_card())
    thread.join(10)
    assert type(outcome["error"]) is CardRemoved
    assert time.monotonic() - started < 1.0 + READ_TIMEOUT_S
    assert health.snapshot()["card_reader"].last_error.startswith("CardRemoved")


def test_pcscd_dying_mid_read_is_reader_gone(
    pcsc_stack: PcscStack, card_slot: CardSlot, health: HealthBoard, events: EventLog
) -> None:
    driver = PcscCardReader(
        [profiles.COMMUNITY_RESIDENT_V1],
        reader_name=pcsc_stack.reader,
        health=health,
        read_timeout_s=8.0,
        retry_s=0.2,
        today=lambda: TODAY,
    )
    driver.add_listener(events)
    driver.start()
    try:
        slow = resident_card()
        slow.delay_s = 1.5  # every READ BINARY: time for pcscd to die while the read waits
        insert_and_wait(card_slot, driver, events, slow)
        outcome: dict[str, BaseException] = {}

        def read() -> None:
            try:
                driver.read_identity()
            except BaseException as exc:  # noqa: BLE001 - the test inspects whatever left the driver
                outcome["error"] = exc

        thread = threading.Thread(target=read)
        thread.start()
        wait_for(lambda: any(a[:2] == b"\x00\xb0" for a in slow.apdus), "the read to reach the record")
        pcsc_stack.stop_daemon()
        thread.join(10)
        assert type(outcome["error"]) is ReaderGone
    finally:
        driver.stop()


def test_only_public_error_types_leave_the_driver(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog, health: HealthBoard
) -> None:
    for card in GARBAGE_CARDS.values():
        insert_and_wait(card_slot, reader, events, card)
        with pytest.raises(CardUnreadable) as caught:
            reader.read_identity()
        assert not type(caught.value).__name__.startswith("_")
        assert not health.snapshot()["card_reader"].last_error.startswith("_")


def insert_and_wait_card(card_slot: CardSlot, reader: PcscCardReader, events: EventLog, card: CardOS):
    count = events.kinds().count(CardEventKind.INSERTED) + 1
    inserted = card_slot.insert(card)
    events.wait_for(CardEventKind.INSERTED, count)
    return inserted



def test_card_pulled_while_pcscd_powers_it_up_is_card_removed(
    reader: PcscCardReader, card_slot: CardSlot, events: EventLog
) -> None:
    inserted = insert_and_wait_card(card_slot, reader, events, resident_card())
    # pcscd powers an idle card down after a few seconds and up again at the next connect
    def powered_down() -> bool:
        switches = [m for m in inserted.power_messages if m in (0x00, 0x01, 0x02)]
        return bool(switches) and switches[-1] == 0x00

    wait_for(powered_down, "pcscd to power the idle card down", timeout_s=20)
    inserted.vanish_at_power_up = 0
    with pytest.raises(CardRemoved):  # before: CardUnreadable "cannot connect" (0x80100067)
        reader.read_identity()
