"""The demo card reader: the same `CardReader` interface with demo cards inserted by code.

The UI offers keys or a small dev panel that call `insert("resident")`, `insert("technician")`,
`remove()` and friends. A demo card holds a real TLV record and is read through the same card
profiles as a real card (SELECT, READ BINARY, strict parsing), so "garbage" and "expired" demo cards
fail exactly as real ones do. Events are delivered from the reader's own thread, like the PC/SC driver.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from drivers.card import profile as profiles
from drivers.card import tlv
from drivers.card.health_report import ReaderHealth
from drivers.card.listeners import ListenerList
from drivers.card.model import (
    CardError,
    CardEvent,
    CardEventKind,
    CardListener,
    CardRemoved,
    Identity,
    ReaderGone,
    ReaderState,
)
from drivers.health import HealthBoard

log = logging.getLogger(__name__)

SIMULATED_READER_NAME = "Simulated Card Reader 00 00"


@dataclass(frozen=True)
class DemoCard:
    """A card image: the applications it answers SELECT for, each with its record file bytes."""

    label: str
    applications: dict[bytes, bytes]

    def __repr__(self) -> str:
        return f"DemoCard({self.label})"


def demo_record(name: str, id_number: str, card_number: str, expiry: date) -> bytes:
    """A record in the community-*-v1 layout (docs/card-profiles.md)."""
    body = b"".join(
        (
            tlv.encode(profiles.TAG_VERSION, b"\x01"),
            tlv.encode(profiles.TAG_NAME, name.encode("utf-8")),
            tlv.encode(profiles.TAG_ID_NUMBER, id_number.encode("ascii")),
            tlv.encode(profiles.TAG_CARD_NUMBER, card_number.encode("ascii")),
            tlv.encode(profiles.TAG_EXPIRY, bytes.fromhex(expiry.strftime("%Y%m%d"))),
        )
    )
    return tlv.encode(0x70, body)


def _demo_id(first17: str) -> str:
    return first17 + profiles.resident_id_check_char(first17)


DEMO_RESIDENT_ID = _demo_id("11010119900307123")
DEMO_CARDS: dict[str, DemoCard] = {
    "resident": DemoCard(
        "resident",
        {
            profiles.RESIDENT_AID: demo_record(
                "张伟", DEMO_RESIDENT_ID, "6200000000001234", date(2099, 12, 31)
            )
        },
    ),
    "technician": DemoCard(
        "technician",
        {profiles.TECHNICIAN_AID: demo_record("李工", "TECH0042", "9900000000000042", date(2099, 12, 31))},
    ),
    "expired": DemoCard(
        "expired",
        {
            profiles.RESIDENT_AID: demo_record(
                "王芳", _demo_id("11010219850512002"), "6200000000005678", date(2020, 6, 30)
            )
        },
    ),
    # a SELECT that works and a record whose length field lies: a broken or foreign card
    "garbage": DemoCard("garbage", {profiles.RESIDENT_AID: b"\x70\x82\x7f\xff\x01\x02\x03"}),
    "unknown": DemoCard("unknown", {bytes.fromhex("A000000003101001"): b"\x70\x00"}),
}


class _MemoryCard:
    """An `ApduChannel` over a DemoCard: SELECT by AID and READ BINARY with offsets, like a card OS."""

    def __init__(self, card: DemoCard) -> None:
        self._card = card
        self._selected: bytes | None = None

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        if len(apdu) >= 5 and apdu[:4] == b"\x00\xa4\x04\x00":
            aid = apdu[5 : 5 + apdu[4]]
            if aid in self._card.applications:
                self._selected = self._card.applications[aid]
                return b"", 0x9000
            return b"", 0x6A82
        if len(apdu) == 5 and apdu[:2] == b"\x00\xb0":
            if self._selected is None:
                return b"", 0x6986  # command not allowed: no current file
            offset = (apdu[2] << 8) | apdu[3]
            want = apdu[4] or 256
            if offset >= len(self._selected):
                return b"", 0x6B00
            chunk = self._selected[offset : offset + want]
            return chunk, 0x9000 if len(chunk) == want else profiles.SW_END_OF_FILE
        return b"", 0x6D00


class SimulatedCardReader:
    """A `CardReader` with one simulated reader and demo cards. Thread-safe."""

    def __init__(
        self,
        profile_list: Sequence[profiles.CardProfile] | None = None,
        health: HealthBoard | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._profiles = tuple(
            profile_list or (profiles.COMMUNITY_RESIDENT_V1, profiles.COMMUNITY_TECHNICIAN_V1)
        )
        self._health = ReaderHealth(health)
        self._today = today
        self._listeners = ListenerList()
        self._lock = threading.Lock()
        self._connected = True
        self._card: DemoCard | None = None
        self._events: queue.Queue[CardEvent | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    # -- CardReader ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the event thread; reports the reader (and a card already inserted) to listeners."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._deliver, name="simulated-card-events", daemon=True)
            self._thread.start()
            if self._connected:
                self._events.put(CardEvent(CardEventKind.READER_ADDED, SIMULATED_READER_NAME))
                if self._card is not None:
                    self._events.put(CardEvent(CardEventKind.INSERTED, SIMULATED_READER_NAME))
        self._health.state(self.state())

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._events.put(None)
            thread.join(timeout=5)

    def add_listener(self, listener: CardListener) -> None:
        self._listeners.add(listener)

    def readers(self) -> list[str]:
        with self._lock:
            return [SIMULATED_READER_NAME] if self._connected else []

    def state(self) -> ReaderState:
        with self._lock:
            if not self._connected:
                return ReaderState.NODEVICE
            return ReaderState.PRESENT if self._card is not None else ReaderState.NOTPRESENT

    def read_identity(self) -> Identity:
        """Read the inserted demo card through the configured profiles. Raises CardError subclasses."""
        with self._lock:
            connected, card = self._connected, self._card
        try:
            if not connected:
                raise ReaderGone("simulated reader is unplugged")
            if card is None:
                raise CardRemoved("no card in the reader")
            identity = profiles.read_identity_with(self._profiles, _MemoryCard(card), self._today())
        except CardError as exc:
            self._health.read_failed(exc)
            raise
        self._health.card_read()
        return identity

    # -- demo controls ------------------------------------------------------------------------------
    def insert(self, card: DemoCard | str = "resident") -> None:
        """Put a demo card in (by DEMO_CARDS label or a DemoCard); a card already in is taken out first."""
        chosen = DEMO_CARDS[card] if isinstance(card, str) else card
        with self._lock:
            if self._card is not None:
                self._emit(CardEventKind.REMOVED)
            self._card = chosen
            self._emit(CardEventKind.INSERTED)
        log.info("simulated card inserted: %s", chosen.label)
        self._health.state(self.state())

    def insert_resident(self) -> None:
        self.insert("resident")

    def insert_technician(self) -> None:
        self.insert("technician")

    def remove(self) -> None:
        with self._lock:
            if self._card is None:
                return
            self._card = None
            self._emit(CardEventKind.REMOVED)
        self._health.state(self.state())

    def unplug(self) -> None:
        """Simulate the reader's cable being pulled (the card, if any, goes with it)."""
        with self._lock:
            if not self._connected:
                return
            if self._card is not None:
                self._card = None
                self._emit(CardEventKind.REMOVED)
            self._connected = False
            self._emit(CardEventKind.READER_REMOVED)
        self._health.state(self.state())

    def plug(self) -> None:
        with self._lock:
            if self._connected:
                return
            self._connected = True
            self._emit(CardEventKind.READER_ADDED)
        self._health.state(self.state())

    # -- internals ----------------------------------------------------------------------------------
    def _emit(self, kind: CardEventKind) -> None:
        if self._thread is not None:  # called with the lock held; before start() the state says it all
            self._events.put(CardEvent(kind, SIMULATED_READER_NAME))

    def _deliver(self) -> None:
        while (event := self._events.get()) is not None:
            self._listeners.dispatch(event)
