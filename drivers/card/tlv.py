"""BER-TLV (ISO/IEC 7816-4 annex D) as card records use it: strict parsing and a small encoder.

The parser trusts nothing the card sends: every tag and length is checked against the bytes that are
really there, and anything malformed raises `MalformedTlv` (a `CardUnreadable`), never IndexError or
a crash. Supported: tags of 1-3 bytes, lengths in short form or long form with 1 or 2 length bytes
(values up to 65535 bytes). Indefinite lengths (0x80) and padding bytes (0x00/0xFF) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from drivers.card.model import CardUnreadable

MAX_TAG_BYTES = 3


class MalformedTlv(CardUnreadable):
    """The card sent bytes that are not well-formed BER-TLV (or not the structure a profile expects)."""


@dataclass(frozen=True)
class Tlv:
    tag: int  # the tag bytes read big-endian, e.g. 0x5F20
    value: bytes

    @property
    def constructed(self) -> bool:
        """Bit 6 of the first tag byte: the value is itself a sequence of TLV objects."""
        return bool(_first_tag_byte(self.tag) & 0x20)

    def __repr__(self) -> str:  # values may be personal data: show only their size
        return f"Tlv(tag=0x{self.tag:X}, len={len(self.value)})"


def _first_tag_byte(tag: int) -> int:
    while tag > 0xFF:
        tag >>= 8
    return tag


@dataclass(frozen=True)
class TlvHeader:
    tag: int
    header_len: int  # bytes taken by tag + length
    value_len: int

    @property
    def total_len(self) -> int:
        return self.header_len + self.value_len


def read_header(data: bytes, offset: int = 0) -> TlvHeader:
    """Decode the tag and length at `offset`. Raises MalformedTlv if they are cut short or invalid."""
    pos = offset
    if pos >= len(data):
        raise MalformedTlv("TLV header missing")
    first = data[pos]
    if first in (0x00, 0xFF):
        raise MalformedTlv(f"invalid tag byte 0x{first:02X} at offset {pos}")
    tag = first
    pos += 1
    if first & 0x1F == 0x1F:  # multi-byte tag: following bytes have bit 8 set while more follow
        while True:
            if pos >= len(data):
                raise MalformedTlv("tag cut short")
            tag = (tag << 8) | data[pos]
            pos += 1
            if pos - offset > MAX_TAG_BYTES:
                raise MalformedTlv("tag longer than 3 bytes")
            if not data[pos - 1] & 0x80:
                break
    if pos >= len(data):
        raise MalformedTlv("length missing")
    first_len = data[pos]
    pos += 1
    if first_len < 0x80:
        length = first_len
    elif first_len in (0x81, 0x82):
        count = first_len & 0x7F
        if pos + count > len(data):
            raise MalformedTlv("length cut short")
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
        if first_len == 0x81 and length < 0x80:
            raise MalformedTlv("length not in shortest form")
    else:
        raise MalformedTlv(f"unsupported length byte 0x{first_len:02X}")
    return TlvHeader(tag, pos - offset, length)


def parse(data: bytes) -> list[Tlv]:
    """Parse a sequence of TLV objects that must fill `data` exactly. Raises MalformedTlv."""
    items: list[Tlv] = []
    pos = 0
    while pos < len(data):
        header = read_header(data, pos)
        start = pos + header.header_len
        end = start + header.value_len
        if end > len(data):
            raise MalformedTlv(f"value of tag 0x{header.tag:X} runs past the end ({end} > {len(data)})")
        items.append(Tlv(header.tag, bytes(data[start:end])))
        pos = end
    return items


def parse_single(data: bytes, expected_tag: int) -> Tlv:
    """Parse exactly one TLV object with `expected_tag` filling `data`. Raises MalformedTlv."""
    items = parse(data)
    if len(items) != 1 or items[0].tag != expected_tag:
        found = ", ".join(f"0x{i.tag:X}" for i in items) or "nothing"
        raise MalformedTlv(f"expected one object with tag 0x{expected_tag:X}, found {found}")
    return items[0]


def encode(tag: int, value: bytes) -> bytes:
    """Encode one TLV object (the inverse of `parse` for a single item)."""
    tag_bytes = tag.to_bytes(max(1, (tag.bit_length() + 7) // 8), "big")
    n = len(value)
    if n < 0x80:
        length = bytes([n])
    elif n <= 0xFF:
        length = bytes([0x81, n])
    elif n <= 0xFFFF:
        length = bytes([0x82]) + n.to_bytes(2, "big")
    else:
        raise ValueError("TLV value longer than 65535 bytes")
    return tag_bytes + length + value
