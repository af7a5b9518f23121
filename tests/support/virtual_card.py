"""A programmable virtual smart card that plugs into pcscd's vpcd reader over its socket protocol.

vpcd (vsmartcard) listens on a TCP port per slot; a card "is inserted" by connecting to it and
"removed" by closing the connection. Messages both ways are a 2-byte big-endian length and a body.
vpcd sends 1-byte control messages (0x00 power off, 0x01 power on, 0x02 reset: no answer;
0x04 get ATR: answer the ATR) and longer messages are command APDUs answered by a response APDU.

The card OS here is written from docs/card-profiles.md, independently of drivers/card, so the
tests check the driver against the documented format and not against its own encoder.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import date

ATR = bytes.fromhex("3B8880010000000000000000")  # a plain T=1 ATR; pcscd only needs it well-formed
RESIDENT_AID = bytes.fromhex("F04B494F534B52455301")
TECHNICIAN_AID = bytes.fromhex("F04B494F534B54454301")
OK = b"\x90\x00"


def tlv(tag: bytes, value: bytes) -> bytes:
    """BER-TLV with short or long (0x81/0x82) length, written out by hand."""
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n < 0x100:
        length = bytes([0x81, n])
    else:
        length = bytes([0x82, n >> 8, n & 0xFF])
    return tag + length + value


def id_check(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


RESIDENT_ID = "11010519491231002" + id_check("11010519491231002")


def identity_record(
    name: str = "张伟",
    id_number: str = RESIDENT_ID,
    card_number: str = "6200000000009876",
    expiry: date = date(2031, 12, 31),
    extra: bytes = b"",
) -> bytes:
    """The community-*-v1 record: template 70 holding C0 version, 5F20 name, C1 id, C2 card no, C3 expiry."""
    body = (
        tlv(b"\xc0", b"\x01")
        + tlv(b"\x5f\x20", name.encode("utf-8"))
        + tlv(b"\xc1", id_number.encode("ascii"))
        + tlv(b"\xc2", card_number.encode("ascii"))
        + tlv(b"\xc3", bytes.fromhex(expiry.strftime("%Y%m%d")))
        + extra
    )
    return tlv(b"\x70", body)


@dataclass
class CardOS:
    """A card that answers SELECT by AID and READ BINARY (P1P2 offset, Le) for the selected file.

    Faults a test can switch on: `max_read` (the card returns at most this many bytes per READ BINARY,
    so the reader must read in chunks), `delay_s` (every READ BINARY answers this late), `pull_after`
    (the card vanishes instead of answering its n-th APDU), `raw_answers` (APDU prefix -> fixed answer).
    """

    files: dict[bytes, bytes] = field(default_factory=dict)
    max_read: int = 256
    delay_s: float = 0.0
    pull_after: int | None = None
    raw_answers: dict[bytes, bytes] = field(default_factory=dict)
    apdus: list[bytes] = field(default_factory=list)
    selected: bytes | None = None

    def respond(self, apdu: bytes) -> bytes | None:
        """The response APDU, or None to vanish (the card is pulled out mid-read)."""
        self.apdus.append(apdu)
        if self.pull_after is not None and len(self.apdus) > self.pull_after:
            return None
        for prefix, answer in self.raw_answers.items():
            if apdu.startswith(prefix):
                return answer
        if apdu[:4] == b"\x00\xa4\x04\x00" and len(apdu) >= 5:
            aid = apdu[5 : 5 + apdu[4]]
            self.selected = self.files.get(aid)
            return OK if self.selected is not None else b"\x6a\x82"
        if apdu[:2] == b"\x00\xb0" and len(apdu) == 5:
            if self.selected is None:
                return b"\x69\x86"
            if self.delay_s:
                time.sleep(self.delay_s)  # the card is slow: it simply answers late
            offset = (apdu[2] << 8) | apdu[3]
            want = min(apdu[4] or 256, self.max_read)
            if offset >= len(self.selected):
                return b"\x6b\x00"
            return self.selected[offset : offset + want] + OK
        return b"\x6d\x00"


def resident_card(**record: object) -> CardOS:
    return CardOS(files={RESIDENT_AID: identity_record(**record)})  # type: ignore[arg-type]


def technician_card() -> CardOS:
    record = identity_record(name="李工", id_number="TECH0042", card_number="9900000000000042")
    return CardOS(files={TECHNICIAN_AID: record})


class VirtualCard:
    """One card held against a vpcd slot. `insert()` connects, `remove()` disconnects."""

    def __init__(self, port: int, card_os: CardOS, host: str = "127.0.0.1", atr: bytes = ATR) -> None:
        self.port = port
        self.host = host
        self.card_os = card_os
        self.atr = atr
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.vanished = threading.Event()  # set when the connection ended (pulled, removed, pcscd gone)
        self.power_messages: list[int] = []  # 0x00 off, 0x01 on, 0x02 reset, 0x04 ATR asked
        # pulled out at the power-up after this many (None: never); set before the reader powers it
        self.vanish_at_power_up: int | None = None

    def insert(self) -> VirtualCard:
        sock = socket.create_connection((self.host, self.port), timeout=5)
        sock.settimeout(None)
        # answer at once: with Nagle's algorithm each small answer would wait for a delayed ACK (~40 ms)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="virtual-card", daemon=True)
        self._thread.start()
        return self

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the other side: removal is what we want anyway
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _recv_message(sock)
                if message is None:
                    return
                if len(message) == 1:
                    self.power_messages.append(message[0])
                    if self.vanish_at_power_up is not None and message[0] in (0x01, 0x02):
                        self.vanish_at_power_up -= 1
                        if self.vanish_at_power_up < 0:  # pulled while the reader powers it up
                            sock.shutdown(socket.SHUT_RDWR)
                            return
                    if message[0] == 0x04:
                        _send_message(sock, self.atr)
                    continue  # power off / on / reset: no answer
                answer = self.card_os.respond(message)
                if answer is None:
                    sock.shutdown(socket.SHUT_RDWR)
                    return
                _send_message(sock, answer)
        except OSError:
            return  # the socket was closed under us: that is a removal
        finally:
            self.vanished.set()


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        # vpcd sends the length and the body in two writes; with Nagle on its side the body waits
        # for our ACK of the length, which Linux delays ~40 ms. Acknowledge at once (Linux resets
        # quick-ack mode by itself, hence after every read).
        if hasattr(socket, "TCP_QUICKACK"):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        buf += chunk
    return buf


def _recv_message(sock: socket.socket) -> bytes | None:
    header = _recv_exact(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack(">H", header)
    return _recv_exact(sock, length) if length else b""


def _send_message(sock: socket.socket, body: bytes) -> None:
    sock.sendall(struct.pack(">H", len(body)) + body)
