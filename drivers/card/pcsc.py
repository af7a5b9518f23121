"""The PC/SC card reader (pcsc-lite through pyscard's low-level `smartcard.scard` API).

One watcher thread owns a PC/SC context and waits in SCardGetStatusChange on every matching reader
plus pcsc-lite's ``\\\\?PnP?\\Notification`` pseudo reader, so readers plugged in or out and cards
inserted or removed wake it at once. We do not use pyscard's CardMonitor/ReaderMonitor: removing the
last reader could kill their thread (pyscard #13, #74, #153) and an already present card was not
reported (#231). Here a card present at start is reported as INSERTED on the first scan, an empty
reader list is a normal state, and when pcscd stops or restarts the watcher drops its context, reports
the readers gone (state HWERROR) and re-establishes a context until the service is back.

`read_identity()` runs the card profile's APDUs on a separate context in a worker thread with a
deadline: a card that does not answer in time gives CardUnreadable instead of hanging the caller.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import date

from smartcard import scard

from drivers.card import profile as profiles
from drivers.card.health_report import ReaderHealth
from drivers.card.listeners import ListenerList
from drivers.card.model import (
    CardError,
    CardEvent,
    CardEventKind,
    CardListener,
    CardRemoved,
    CardUnreadable,
    Identity,
    ReaderGone,
    ReaderState,
)
from drivers.health import HealthBoard
from safelog import log_unexpected

log = logging.getLogger(__name__)

PNP_NOTIFICATION = "\\\\?PnP?\\Notification"
_PRESENT = scard.SCARD_STATE_PRESENT
_READER_GONE_CODES = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_UNKNOWN_READER,
    scard.SCARD_E_READER_UNAVAILABLE,
    scard.SCARD_E_NO_READERS_AVAILABLE,
    scard.SCARD_E_INVALID_HANDLE,
}
_CARD_GONE_CODES = {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD}
# a connect or transmit that fails like this may be a card pulled while pcscd powers it up or talks
# to it: the reader's state (and its event counter) tells whether it left
_MAYBE_GONE_CODES = {
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_W_UNRESPONSIVE_CARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_E_PROTO_MISMATCH,
}


def _describe(hresult: int) -> str:
    return f"0x{hresult & 0xFFFFFFFF:08X} {scard.SCardGetErrorMessage(hresult)}"


def _event_count(state: int) -> int:
    """pcsc-lite counts card insertions and removals in the upper 16 bits of a reader's state."""
    return (state >> 16) & 0xFFFF


class _TransportFailure(CardUnreadable):
    """No answer came back from the card (a failed transmit, or an empty answer): its contact broke.
    Private: the read turns it into ReaderGone (the service or reader went) or CardRemoved."""


class _PcscChannel:
    """`ApduChannel` over a connected card handle."""

    def __init__(self, hcard: int, protocol: int) -> None:
        self._hcard = hcard
        self._pci = scard.SCARD_PCI_T0 if protocol == scard.SCARD_PROTOCOL_T0 else scard.SCARD_PCI_T1

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        hresult, response = scard.SCardTransmit(self._hcard, self._pci, list(apdu))
        if hresult in _READER_GONE_CODES:
            raise ReaderGone(f"reader lost during the read ({_describe(hresult)})")
        if hresult != scard.SCARD_S_SUCCESS:
            # card gone, or an unnamed failure: read_identity asks pcscd what happened (the
            # service may be dying, which vpcd and real readers also report as a removed card)
            raise _TransportFailure(f"transmit failed ({_describe(hresult)})")
        if not response:  # vpcd and some readers report a vanished card as an empty answer
            raise _TransportFailure("card gave no answer at all")
        if len(response) < 2:
            raise CardUnreadable(f"card answered {len(response)} byte(s), less than a status word")
        return bytes(response[:-2]), (response[-2] << 8) | response[-1]


class PcscCardReader:
    """A `CardReader` on PC/SC. Listeners are called from the watcher thread.

    `reader_name`: substring a reader's name must contain ("" = every reader). `read_timeout_s`: the
    most a read may take before CardUnreadable. `retry_s`: how often to look for a lost PC/SC service.
    """

    def __init__(
        self,
        profile_list: Sequence[profiles.CardProfile],
        *,
        reader_name: str = "",
        health: HealthBoard | None = None,
        read_timeout_s: float = 5.0,
        retry_s: float = 0.5,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._profiles = tuple(profile_list)
        self._filter = reader_name
        self._health = ReaderHealth(health)
        self._read_timeout_s = read_timeout_s
        self._retry_s = retry_s
        self._today = today
        self._listeners = ListenerList()
        self._lock = threading.Lock()
        self._service_ok = False
        self._fault_reported = False  # one health error per outage, not one per retry
        self._readers: dict[str, int] = {}  # name -> last event state from SCardGetStatusChange
        self._ctx: int | None = None
        self._stopping = threading.Event()
        self._first_scan = threading.Event()
        self._thread: threading.Thread | None = None
        self._read_gate = threading.Semaphore(1)  # held by a read's worker until the card answers

    # -- CardReader ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the watcher and wait (briefly) for its first scan, so state() is meaningful at once."""
        if self._thread is not None:
            return
        self._stopping.clear()
        self._first_scan.clear()
        self._thread = threading.Thread(target=self._watch, name="pcsc-card-watcher", daemon=True)
        self._thread.start()
        self._first_scan.wait(timeout=3.0)

    def stop(self) -> None:
        self._stopping.set()
        thread, self._thread = self._thread, None
        deadline = time.monotonic() + 5.0
        while thread is not None and thread.is_alive() and time.monotonic() < deadline:
            with self._lock:
                if self._ctx is not None:
                    # wakes SCardGetStatusChange (allowed from another thread); repeated because a
                    # cancel that lands between two waits is lost
                    scard.SCardCancel(self._ctx)
            thread.join(timeout=0.05)

    def add_listener(self, listener: CardListener) -> None:
        self._listeners.add(listener)

    def readers(self) -> list[str]:
        with self._lock:
            return list(self._readers)

    def state(self) -> ReaderState:
        with self._lock:
            return self._state_locked()

    def read_identity(self) -> Identity:
        """Read and validate the identity on the card in the reader. Blocking (≤ read_timeout_s).

        Raises ReaderGone, CardRemoved (no card, or pulled out during the read), CardUnreadable
        (garbage, or no answer in time), UnknownCard, CardExpired.
        """
        try:
            identity = self._read_with_deadline()
        except CardError as exc:
            log.info("card read failed: %s", type(exc).__name__)
            self._health.read_failed(exc)
            raise
        self._health.card_read()
        log.info("card read with profile %s", identity.profile)
        return identity

    # -- reading ------------------------------------------------------------------------------------
    def _reader_for_read(self) -> str:
        with self._lock:
            if not self._service_ok:
                raise ReaderGone("PC/SC service is not available")
            if not self._readers:
                raise ReaderGone("no card reader connected")
            for name, state in self._readers.items():
                if state & _PRESENT:
                    return name
        raise CardRemoved("no card in the reader")

    def _read_with_deadline(self) -> Identity:
        if not self._read_gate.acquire(timeout=self._read_timeout_s):
            raise CardUnreadable("a previous read is still waiting for the card")
        try:
            reader = self._reader_for_read()
        except CardError:
            self._read_gate.release()
            raise
        outcome: dict[str, Identity | CardError] = {}
        done = threading.Event()

        def work() -> None:
            try:
                outcome["identity"] = self._read_blocking(reader)
            except CardError as exc:
                outcome["error"] = exc
            except Exception as exc:  # noqa: BLE001 - a pyscard surprise must reach the caller typed
                log_unexpected(log, "unexpected failure while reading a card", exc)
                outcome["error"] = CardUnreadable(f"unexpected {type(exc).__name__} during the read")
            finally:
                done.set()
                self._read_gate.release()

        threading.Thread(target=work, name="pcsc-card-read", daemon=True).start()
        if not done.wait(self._read_timeout_s):
            raise CardUnreadable(f"card did not answer within {self._read_timeout_s:g} s")
        error = outcome.get("error")
        if isinstance(error, CardError):
            raise error
        identity = outcome["identity"]
        assert isinstance(identity, Identity)
        return identity

    def _read_blocking(self, reader: str) -> Identity:
        """One read on its own context. Only public CardError types leave it."""
        hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise ReaderGone(f"no PC/SC context ({_describe(hresult)})")
        try:
            before = self._reader_state(ctx, reader)  # its event counter tells a swap from a glitch
            hresult, hcard, protocol = scard.SCardConnect(
                ctx, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
            )
            if hresult in _READER_GONE_CODES:
                raise ReaderGone(f"reader gone before the read ({_describe(hresult)})")
            if hresult in _CARD_GONE_CODES or hresult in _MAYBE_GONE_CODES:
                # e.g. pulled while pcscd powered it up (SCARD_W_UNPOWERED_CARD, 0x80100067)
                self._raise_why_it_failed(ctx, reader, before, f"cannot connect ({_describe(hresult)})")
            if hresult != scard.SCARD_S_SUCCESS:
                raise CardUnreadable(f"cannot connect to the card ({_describe(hresult)})")
            try:
                return profiles.read_identity_with(
                    self._profiles, _PcscChannel(hcard, protocol), self._today()
                )
            except _TransportFailure as exc:
                # no answer at all: pulled (and maybe another card in already, which pcscd may not
                # even notice when the swap falls between its polls), unless the service went
                self._raise_why_it_failed(ctx, reader, before, str(exc), exc, no_answer=True)
            finally:
                scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)
        finally:
            scard.SCardReleaseContext(ctx)
        raise AssertionError("unreachable")  # _raise_why_it_failed always raises

    @staticmethod
    def _reader_state(ctx: int, reader: str) -> int | None:
        """The reader's state now (with its event counter), None when pcscd cannot say."""
        hresult, states = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        if hresult != scard.SCARD_S_SUCCESS or not states:
            return None
        return states[0][1] & ~scard.SCARD_STATE_CHANGED

    def _raise_why_it_failed(
        self,
        ctx: int,
        reader: str,
        before: int | None,
        what: str,
        cause: BaseException | None = None,
        *,
        no_answer: bool = False,
    ) -> None:
        """After a failed connect or transmit: ReaderGone when the service or reader went away,
        CardRemoved when the card left (also when another card is already in: the reader's event
        counter moved) or, `no_answer`, gave none at all; else CardUnreadable. Always raises."""
        verdict = self._card_left(ctx, reader, before, within_s=min(1.0, self._read_timeout_s * 0.6))
        if verdict == "reader_gone":
            raise ReaderGone(f"PC/SC service or reader lost during the read: {what}") from cause
        if verdict == "card_left" or no_answer:
            raise CardRemoved(f"card left during the read: {what}") from cause
        raise CardUnreadable(what) from cause

    def _card_left(self, ctx: int, reader: str, before: int | None, within_s: float) -> str:
        """"card_left", "reader_gone" or "still_there", waiting up to `within_s` for pcscd to see a
        pulled card (it polls the slot)."""
        deadline = time.monotonic() + within_s
        current = scard.SCARD_STATE_UNAWARE
        while True:
            left_ms = int((deadline - time.monotonic()) * 1000)
            if left_ms <= 0:
                return "still_there"
            hresult, states = scard.SCardGetStatusChange(ctx, left_ms, [(reader, current)])
            if hresult == scard.SCARD_E_TIMEOUT:
                return "still_there"
            if hresult != scard.SCARD_S_SUCCESS:
                return "reader_gone" if hresult in _READER_GONE_CODES else "card_left"
            current = states[0][1] & ~scard.SCARD_STATE_CHANGED
            if current & (scard.SCARD_STATE_UNAVAILABLE | scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_IGNORE):
                return "reader_gone"
            if not current & _PRESENT:
                return "card_left"
            if before is not None and _event_count(current) != _event_count(before):
                return "card_left"  # pulled and another card in already: PRESENT alone hides it

    # -- watching -----------------------------------------------------------------------------------
    def _state_locked(self) -> ReaderState:
        if not self._service_ok:
            return ReaderState.HWERROR
        if not self._readers:
            return ReaderState.NODEVICE
        if any(state & _PRESENT for state in self._readers.values()):
            return ReaderState.PRESENT
        return ReaderState.NOTPRESENT

    def _publish(self, events: list[CardEvent]) -> None:
        self._health.state(self.state())
        for event in events:
            self._listeners.dispatch(event)

    def _watch(self) -> None:
        ctx: int | None = None
        pnp_state = scard.SCARD_STATE_UNAWARE
        while not self._stopping.is_set():
            if ctx is None:
                ctx = self._establish()
                pnp_state = scard.SCARD_STATE_UNAWARE
                if ctx is None:
                    self._first_scan.set()
                    self._stopping.wait(self._retry_s)
                    continue
            hresult, names = scard.SCardListReaders(ctx, [])
            if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
                names = []
            elif hresult != scard.SCARD_S_SUCCESS:
                ctx = self._lose_service(ctx, f"listing readers failed: {_describe(hresult)}")
                continue
            names = [n for n in names if self._filter in n]
            self._sync_readers(names)
            if not names:
                self._first_scan.set()
            with self._lock:
                watched = [(n, self._readers[n]) for n in names]
            hresult, states = scard.SCardGetStatusChange(ctx, 1000, watched + [(PNP_NOTIFICATION, pnp_state)])
            if hresult in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED, scard.SCARD_E_UNKNOWN_READER):
                continue  # unknown reader: it left between listing and waiting; the next list shows it
            if hresult != scard.SCARD_S_SUCCESS:
                ctx = self._lose_service(ctx, f"waiting for card events failed: {_describe(hresult)}")
                continue
            events: list[CardEvent] = []
            for name, event_state, _atr in states:
                if name == PNP_NOTIFICATION:
                    pnp_state = event_state & ~scard.SCARD_STATE_CHANGED
                else:
                    events += self._card_change(name, event_state)
            self._publish(events)
            self._first_scan.set()
        if ctx is not None:
            with self._lock:
                self._ctx = None
            scard.SCardReleaseContext(ctx)

    def _establish(self) -> int | None:
        hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            with self._lock:
                self._service_ok = False
                report, self._fault_reported = not self._fault_reported, True
            if report:
                log.warning("card reader: PC/SC service unavailable: %s", _describe(hresult))
                self._health.fault(f"PC/SC service unavailable: {_describe(hresult)}")
            self._health.state(ReaderState.HWERROR)
            return None
        with self._lock:
            self._ctx = ctx
            self._service_ok = True
            self._fault_reported = False
        log.info("PC/SC service available")
        return ctx

    def _lose_service(self, ctx: int, why: str) -> None:
        """pcscd stopped or restarted: forget its readers and come back through _establish."""
        log.warning("card reader: %s", why)
        with self._lock:
            self._ctx = None
            gone = list(self._readers.items())
            self._readers.clear()
            self._service_ok = False
            self._fault_reported = True
        scard.SCardReleaseContext(ctx)
        self._health.fault(why)
        self._publish(self._gone_events(gone))
        self._stopping.wait(self._retry_s)

    @staticmethod
    def _gone_events(gone: list[tuple[str, int]]) -> list[CardEvent]:
        events = []
        for name, state in gone:
            if state & _PRESENT:
                events.append(CardEvent(CardEventKind.REMOVED, name))
            events.append(CardEvent(CardEventKind.READER_REMOVED, name))
        return events

    def _sync_readers(self, names: list[str]) -> None:
        with self._lock:
            gone = [(n, s) for n, s in self._readers.items() if n not in names]
            for name, _ in gone:
                del self._readers[name]
            added = [n for n in names if n not in self._readers]
            for name in added:
                self._readers[name] = scard.SCARD_STATE_UNAWARE
        events = self._gone_events(gone) + [CardEvent(CardEventKind.READER_ADDED, n) for n in added]
        if events:
            log.info("card readers now: %d", len(names))
            self._publish(events)

    def _card_change(self, name: str, event_state: int) -> list[CardEvent]:
        with self._lock:
            if name not in self._readers:
                return []
            old = self._readers[name]
            new = event_state & ~scard.SCARD_STATE_CHANGED
            self._readers[name] = new
        was, now = bool(old & _PRESENT), bool(new & _PRESENT)
        # pcsc-lite counts card events in the upper 16 bits: a swap between two waits changes the
        # count while PRESENT stays set, and must still read as removed + inserted.
        swapped = was and now and old != scard.SCARD_STATE_UNAWARE and (old >> 16) != (new >> 16)
        events = []
        if was and (not now or swapped):
            events.append(CardEvent(CardEventKind.REMOVED, name))
        if now and (not was or swapped):
            events.append(CardEvent(CardEventKind.INSERTED, name))
        return events
