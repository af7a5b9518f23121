"""Card profiles: which APDUs to send to a card and how its TLV record becomes an `Identity`.

A profile is data: an application identifier (AID) to SELECT, an optional elementary file to select
inside it, the tag of the record template, and one `FieldSpec` per identity field (tag + decoder).
The read is always the same (docs/card-profiles.md):

1. ``SELECT`` by AID: ``00 A4 04 00 Lc <AID> 00``. 9000 = this profile; 6A82/6A81/6D00/6E00 = try the
   next profile; anything else is an unreadable card.
2. optionally ``SELECT`` the record file by id: ``00 A4 02 0C 02 <FID>``.
3. ``READ BINARY`` ``00 B0 <offset hi> <offset lo> <Le>`` in chunks of at most `chunk_size` bytes: the
   first chunk tells the record's total length (outer tag + length), the rest is read at increasing
   offsets. 61xx (more data: GET RESPONSE) and 6Cxx (wrong Le: repeat with xx) are followed.
4. the record is parsed strictly (drivers.card.tlv) and each field decoded and validated.

A deployment adds its own card with `register_profile(CardProfile(...))` in its own module and names
it in the configuration (``card_reader.profiles``); "package.module:NAME" also imports it by path.
No driver code changes. Everything a card sends is checked; bad data raises `CardUnreadable`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from drivers.card import tlv
from drivers.card.model import CardExpired, CardUnreadable, Identity, Role, UnknownCard
from drivers.errors import DriverConfigError

SW_OK = 0x9000
SW_END_OF_FILE = 0x6282  # fewer bytes than Le: the file ended
_SW_NOT_THIS_APPLICATION = {0x6A82, 0x6A81, 0x6D00, 0x6E00, 0x6999}
_IDENTITY_FIELDS = ("name", "id_number", "card_number", "expiry")


class ApduChannel(Protocol):
    """A connection to one card. `transmit` returns (data, status word) and raises CardError subclasses
    (CardRemoved, ReaderGone, CardUnreadable) for transport failures."""

    def transmit(self, apdu: bytes) -> tuple[bytes, int]: ...


# --- field decoders: bytes from the card -> a validated Python value, or MalformedTlv -------------


def utf8_text(min_len: int = 1, max_len: int = 64) -> Callable[[bytes], str]:
    """UTF-8 text of min_len..max_len characters, no control characters."""

    def decode(raw: bytes) -> str:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise tlv.MalformedTlv("text field is not UTF-8") from exc
        if not min_len <= len(text) <= max_len or any(ord(c) < 0x20 or c == "\x7f" for c in text):
            raise tlv.MalformedTlv("text field has a bad length or control characters")
        return text

    return decode


def ascii_matching(pattern: str) -> Callable[[bytes], str]:
    """ASCII text that matches `pattern` entirely."""
    compiled = re.compile(pattern)

    def decode(raw: bytes) -> str:
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError as exc:
            raise tlv.MalformedTlv("ASCII field has non-ASCII bytes") from exc
        if not compiled.fullmatch(text):
            raise tlv.MalformedTlv("ASCII field does not have the expected form")
        return text

    return decode


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character (ISO 7064 MOD 11-2) for 17 digits."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def resident_id_number(raw: bytes) -> str:
    """An 18-character resident identity number (GB 11643) whose check character is right."""
    text = ascii_matching(r"\d{17}[\dX]")(raw)
    if resident_id_check_char(text[:17]) != text[17]:
        raise tlv.MalformedTlv("identity number check character is wrong")
    return text


def bcd_date(raw: bytes) -> date:
    """A date as 4 BCD bytes YYYYMMDD (e.g. 20 30 12 31)."""
    if len(raw) != 4:
        raise tlv.MalformedTlv("date field must be 4 bytes")
    digits = raw.hex()
    if not digits.isdigit():
        raise tlv.MalformedTlv("date field is not BCD")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise tlv.MalformedTlv("date field is not a calendar date") from exc


@dataclass(frozen=True)
class FieldSpec:
    """One identity field in the record: its tag, which Identity attribute it fills, its decoder."""

    tag: int
    attribute: str  # one of name, id_number, card_number, expiry
    decode: Callable[[bytes], object]

    def __post_init__(self) -> None:
        if self.attribute not in _IDENTITY_FIELDS:
            raise DriverConfigError(
                f"card profile field must fill one of {_IDENTITY_FIELDS}, not {self.attribute!r}"
            )


@dataclass(frozen=True)
class CardProfile:
    """How one kind of card is read. See the module docstring and docs/card-profiles.md."""

    name: str
    aid: bytes
    role: Role
    fields: tuple[FieldSpec, ...]
    record_tag: int = 0x70
    file_id: bytes | None = None  # None: the record is the application's current file after SELECT
    chunk_size: int = 0x80  # bytes asked per READ BINARY (1..256; 256 is sent as Le=00)
    max_record_len: int = 1024
    required_version: tuple[int, int] | None = (0xC0, 0x01)  # (tag, value) of the record format byte
    extra_checks: tuple[Callable[[dict[str, object]], None], ...] = field(default=())

    def __post_init__(self) -> None:
        if not 5 <= len(self.aid) <= 16:
            raise DriverConfigError(f"card profile {self.name}: an AID has 5 to 16 bytes")
        if not 1 <= self.chunk_size <= 256:
            raise DriverConfigError(f"card profile {self.name}: chunk_size must be 1..256")
        missing = set(_IDENTITY_FIELDS) - {f.attribute for f in self.fields}
        if missing:
            raise DriverConfigError(f"card profile {self.name}: no field for {', '.join(sorted(missing))}")

    def select_apdu(self) -> bytes:
        return bytes([0x00, 0xA4, 0x04, 0x00, len(self.aid)]) + self.aid + b"\x00"

    def parse_record(self, record: bytes) -> Identity:
        """Turn the record bytes (outer template included) into an Identity. Raises MalformedTlv."""
        outer = tlv.parse_single(record, self.record_tag)
        seen: dict[int, bytes] = {}
        for item in tlv.parse(outer.value):
            if item.tag in seen:
                raise tlv.MalformedTlv(f"tag 0x{item.tag:X} appears twice")
            seen[item.tag] = item.value  # tags we do not know are allowed: newer cards may add fields
        if self.required_version is not None:
            vtag, vvalue = self.required_version
            if seen.get(vtag) != bytes([vvalue]):
                raise tlv.MalformedTlv("record format version is missing or not supported")
        values: dict[str, object] = {}
        for spec in self.fields:
            if spec.tag not in seen:
                raise tlv.MalformedTlv(f"required tag 0x{spec.tag:X} is missing")
            values[spec.attribute] = spec.decode(seen[spec.tag])
        for attribute, value in values.items():
            wanted = date if attribute == "expiry" else str
            if not isinstance(value, wanted):  # a deployment's decoder returned the wrong type
                raise DriverConfigError(
                    f"card profile {self.name}: {attribute} decoder must return {wanted.__name__}"
                )
        for check in self.extra_checks:
            check(values)
        return Identity(role=self.role, profile=self.name, **values)  # type: ignore[arg-type]


# --- the read itself: APDUs over any ApduChannel -------------------------------------------------


def _exchange(channel: ApduChannel, apdu: bytes) -> tuple[bytes, int]:
    """Transmit, following 61xx (GET RESPONSE) and 6Cxx (repeat with the right Le) a few times."""
    data, sw = channel.transmit(apdu)
    collected = b""
    for _ in range(8):
        if sw >> 8 == 0x6C and len(apdu) == 5:
            apdu = apdu[:4] + bytes([sw & 0xFF])
            data, sw = channel.transmit(apdu)
        elif sw >> 8 == 0x61:
            collected += data
            data, sw = channel.transmit(bytes([0x00, 0xC0, 0x00, 0x00, sw & 0xFF]))
        else:
            return collected + data, sw
    raise CardUnreadable("card keeps asking for GET RESPONSE")


def _read_chunk(channel: ApduChannel, offset: int, want: int) -> bytes:
    if offset > 0x7FFF:
        raise tlv.MalformedTlv("record offset beyond READ BINARY range")
    le = want & 0xFF  # 256 is sent as 00
    data, sw = _exchange(channel, bytes([0x00, 0xB0, offset >> 8, offset & 0xFF, le]))
    if sw not in (SW_OK, SW_END_OF_FILE):
        raise CardUnreadable(f"READ BINARY at {offset} answered SW {sw:04X}")
    if not data or len(data) > want:
        raise tlv.MalformedTlv(f"READ BINARY at {offset} returned {len(data)} bytes for {want} asked")
    return data


def read_record(profile: CardProfile, channel: ApduChannel) -> bytes:
    """Read the record of the already selected application. Raises CardUnreadable/MalformedTlv."""
    if profile.file_id is not None:
        _, sw = _exchange(channel, bytes([0x00, 0xA4, 0x02, 0x0C, len(profile.file_id)]) + profile.file_id)
        if sw != SW_OK:
            raise CardUnreadable(f"SELECT of the record file answered SW {sw:04X}")
    buf = _read_chunk(channel, 0, profile.chunk_size)
    header = tlv.read_header(buf)  # MalformedTlv if the first chunk is too short or not TLV
    if header.tag != profile.record_tag:
        raise tlv.MalformedTlv(f"record starts with tag 0x{header.tag:X}")
    if header.total_len > profile.max_record_len:
        raise tlv.MalformedTlv(f"record claims {header.total_len} bytes (limit {profile.max_record_len})")
    while len(buf) < header.total_len:
        buf += _read_chunk(channel, len(buf), min(profile.chunk_size, header.total_len - len(buf)))
    return buf[: header.total_len]  # the file may be longer than the record (padding)


def select(profile: CardProfile, channel: ApduChannel) -> bool:
    """SELECT the profile's application. True if the card has it; raises CardUnreadable on garbage."""
    _, sw = _exchange(channel, profile.select_apdu())
    if sw == SW_OK:
        return True
    if sw in _SW_NOT_THIS_APPLICATION:
        return False
    raise CardUnreadable(f"SELECT answered SW {sw:04X}")


def read_identity_with(profiles: Iterable[CardProfile], channel: ApduChannel, today: date) -> Identity:
    """Try each profile in order; read and validate the first one the card selects.

    Raises UnknownCard (no profile selected), CardUnreadable (garbage, incl. MalformedTlv),
    CardExpired (expiry before `today`), and whatever the channel raises (CardRemoved, ReaderGone).
    """
    for profile in profiles:
        if select(profile, channel):
            identity = profile.parse_record(read_record(profile, channel))
            if identity.expiry < today:
                raise CardExpired(f"card of profile {profile.name} expired")
            return identity
    raise UnknownCard("no configured card profile matches this card")


# --- the registry ---------------------------------------------------------------------------------

_REGISTRY: dict[str, CardProfile] = {}


def register_profile(profile: CardProfile, *, replace: bool = False) -> CardProfile:
    """Make `profile` available by name to the configuration. Raises DriverConfigError on a name clash."""
    if profile.name in _REGISTRY and not replace and _REGISTRY[profile.name] != profile:
        raise DriverConfigError(f"a card profile named {profile.name!r} is already registered")
    _REGISTRY[profile.name] = profile
    return profile


def registered_profiles() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def get_profile(name: str) -> CardProfile:
    """A registered profile by name, or one imported from "package.module:ATTRIBUTE".

    Raises DriverConfigError when neither exists.
    """
    if name in _REGISTRY:
        return _REGISTRY[name]
    if ":" in name:
        module_name, _, attribute = name.partition(":")
        try:
            found = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            raise DriverConfigError(f"cannot import card profile {name!r}: {exc}") from exc
        if not isinstance(found, CardProfile):
            raise DriverConfigError(f"{name!r} is not a CardProfile")
        return found
    raise DriverConfigError(f"unknown card profile {name!r}; registered: {', '.join(_REGISTRY)}")


# --- the profiles this project ships ---------------------------------------------------------------

TAG_VERSION = 0xC0
TAG_NAME = 0x5F20  # ISO/IEC 7816-6 cardholder name (UTF-8 here)
TAG_ID_NUMBER = 0xC1
TAG_CARD_NUMBER = 0xC2
TAG_EXPIRY = 0xC3

RESIDENT_AID = bytes.fromhex("F04B494F534B52455301")  # F0 = proprietary, "KIOSKRES", version 01
TECHNICIAN_AID = bytes.fromhex("F04B494F534B54454301")  # "KIOSKTEC", version 01

_CARD_NUMBER = FieldSpec(TAG_CARD_NUMBER, "card_number", ascii_matching(r"\d{8,19}"))
_EXPIRY = FieldSpec(TAG_EXPIRY, "expiry", bcd_date)
_NAME = FieldSpec(TAG_NAME, "name", utf8_text(1, 64))

COMMUNITY_RESIDENT_V1 = register_profile(
    CardProfile(
        name="community-resident-v1",
        aid=RESIDENT_AID,
        role=Role.RESIDENT,
        fields=(_NAME, FieldSpec(TAG_ID_NUMBER, "id_number", resident_id_number), _CARD_NUMBER, _EXPIRY),
    )
)

COMMUNITY_TECHNICIAN_V1 = register_profile(
    CardProfile(
        name="community-technician-v1",
        aid=TECHNICIAN_AID,
        role=Role.TECHNICIAN,
        fields=(
            _NAME,
            FieldSpec(TAG_ID_NUMBER, "id_number", ascii_matching(r"[A-Z]{1,4}\d{3,8}")),
            _CARD_NUMBER,
            _EXPIRY,
        ),
    )
)
