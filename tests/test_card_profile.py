"""Card profiles and BER-TLV: what a card must answer to become an Identity, and what is refused.

The card here is the test card OS (tests/support/virtual_card.py, written from docs/card-profiles.md)
driven in memory, so these specifications run without pcscd; the same card OS runs behind vpcd in
test_card_reader_pcsc.py.
"""

from __future__ import annotations

import random
import sys
import types
from datetime import date

import pytest

from drivers.card import profile as profiles
from drivers.card import tlv
from drivers.card.factory import build_card_reader
from drivers.card.model import CardError, CardExpired, CardUnreadable, Role, UnknownCard
from drivers.card.pcsc import PcscCardReader
from drivers.card.simulated import SimulatedCardReader
from kiosk.config import CardReaderConfig
from kiosk.errors import ConfigError
from tests.support.virtual_card import (
    RESIDENT_AID,
    RESIDENT_ID,
    TECHNICIAN_AID,
    CardOS,
    identity_record,
    resident_card,
    technician_card,
)
from tests.support.virtual_card import tlv as hand_tlv

TODAY = date(2026, 11, 23)
BOTH = (profiles.COMMUNITY_RESIDENT_V1, profiles.COMMUNITY_TECHNICIAN_V1)


class InMemoryChannel:
    """The ApduChannel the drivers use, over the test card OS."""

    def __init__(self, card: CardOS) -> None:
        self.card = card

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        answer = self.card.respond(apdu)
        assert answer is not None and len(answer) >= 2
        return answer[:-2], int.from_bytes(answer[-2:], "big")


def read(card: CardOS, profile_list: tuple[profiles.CardProfile, ...] = BOTH, today: date = TODAY):
    return profiles.read_identity_with(profile_list, InMemoryChannel(card), today)


# --- BER-TLV --------------------------------------------------------------------------------------


def test_tlv_parses_short_and_long_lengths_and_two_byte_tags() -> None:
    data = hand_tlv(b"\x5f\x20", b"a" * 5) + hand_tlv(b"\xc1", b"b" * 200) + hand_tlv(b"\xc2", b"c" * 300)
    items = tlv.parse(data)
    assert [(i.tag, len(i.value)) for i in items] == [(0x5F20, 5), (0xC1, 200), (0xC2, 300)]


@pytest.mark.parametrize("size", [0, 1, 127, 128, 255, 256, 1000])
def test_tlv_encode_is_parsed_back(size: int) -> None:
    value = bytes(range(256)) * 4
    assert tlv.parse(tlv.encode(0x5F20, value[:size])) == [tlv.Tlv(0x5F20, value[:size])]


MALFORMED = {
    "value cut short": b"\xc1\x05abc",
    "length missing": b"\xc1",
    "long length cut short": b"\xc1\x82\x01",
    "indefinite length": b"\xc1\x80abc",
    "three length bytes": b"\xc1\x83\x00\x00\x01a",
    "long form for a short length": b"\xc1\x81\x05abcde",
    "tag longer than three bytes": b"\x5f\x81\x81\x01\x01a",
    "tag cut short": b"\x5f",
    "padding byte": b"\x00\x00",
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_tlv_is_a_typed_card_error(data: bytes) -> None:
    with pytest.raises(tlv.MalformedTlv) as caught:
        tlv.parse(data)
    assert isinstance(caught.value, CardUnreadable)


def test_parse_single_refuses_a_second_object_or_another_tag() -> None:
    with pytest.raises(tlv.MalformedTlv):
        tlv.parse_single(hand_tlv(b"\x70", b"") + b"\xc0\x00", 0x70)
    with pytest.raises(tlv.MalformedTlv):
        tlv.parse_single(hand_tlv(b"\x71", b""), 0x70)


def test_tlv_repr_does_not_show_values() -> None:
    assert "张" not in repr(tlv.Tlv(0x5F20, "张伟".encode()))


# --- reading an identity --------------------------------------------------------------------------


def test_resident_card_gives_the_resident_identity() -> None:
    identity = read(resident_card())
    assert identity.role is Role.RESIDENT and identity.profile == "community-resident-v1"
    assert (identity.name, identity.id_number, identity.card_number) == (
        "张伟",
        RESIDENT_ID,
        "6200000000009876",
    )
    assert identity.expiry == date(2031, 12, 31)
    assert "张伟" not in repr(identity) and RESIDENT_ID not in str(identity)


def test_technician_card_is_tried_after_the_resident_profile() -> None:
    card = technician_card()
    identity = read(card)
    assert identity.role is Role.TECHNICIAN and identity.id_number == "TECH0042"
    selects = [a[5:-1] for a in card.apdus if a[:4] == b"\x00\xa4\x04\x00"]
    assert selects == [RESIDENT_AID, TECHNICIAN_AID]


def test_a_card_that_gives_few_bytes_per_read_is_read_in_chunks() -> None:
    card = resident_card(name="欧阳" + "娜" * 50)
    card.max_read = 7
    assert read(card).name == "欧阳" + "娜" * 50


def test_card_file_longer_than_the_record_and_unknown_tags_are_accepted() -> None:
    record = identity_record(extra=hand_tlv(b"\xdf\x01", b"future field"))
    card = CardOS(files={RESIDENT_AID: record + b"\xff" * 64})
    assert read(card).id_number == RESIDENT_ID


def test_status_61xx_and_6cxx_are_followed() -> None:
    record = identity_record()

    class T0StyleCard(CardOS):
        def respond(self, apdu: bytes) -> bytes | None:
            if apdu[:2] == b"\x00\xb0" and apdu[4] != min(len(record), 0x80) and apdu[2:4] == b"\x00\x00":
                return bytes([0x6C, min(len(record), 0x80)])  # "wrong Le, ask for this many"
            if apdu[:2] == b"\x00\xa4":
                super().respond(apdu)
                return b"\x61\x04"  # "4 bytes of FCI waiting": GET RESPONSE
            if apdu[:2] == b"\x00\xc0":
                return b"\x6f\x02\x84\x00\x90\x00"
            return super().respond(apdu)

    assert read(T0StyleCard(files={RESIDENT_AID: record})).id_number == RESIDENT_ID


def test_expired_card_is_refused_and_the_last_day_is_still_valid() -> None:
    with pytest.raises(CardExpired):
        read(resident_card(expiry=date(2026, 11, 22)))
    assert read(resident_card(expiry=TODAY)).expiry == TODAY


def test_card_without_a_known_application_is_unknown() -> None:
    with pytest.raises(UnknownCard):
        read(CardOS(files={bytes.fromhex("A0000000031010"): identity_record()}))


def _record_with(**replace: bytes) -> bytes:
    fields = {
        "c0": b"\x01",
        "5f20": "张伟".encode(),
        "c1": RESIDENT_ID.encode(),
        "c2": b"6200000000009876",
        "c3": bytes.fromhex("20311231"),
    }
    fields.update(replace)
    return hand_tlv(b"\x70", b"".join(hand_tlv(bytes.fromhex(t), v) for t, v in fields.items() if v != b"-"))


UNREADABLE_RECORDS = {
    "name not UTF-8": _record_with(**{"5f20": b"\xff\xfe"}),
    "name with a control character": _record_with(**{"5f20": b"Zhang\x00Wei"}),
    "name empty": _record_with(**{"5f20": b""}),
    "id number too short": _record_with(c1=b"1101"),
    "id number check digit wrong": _record_with(
        c1=(RESIDENT_ID[:17] + ("1" if RESIDENT_ID[17] == "0" else "0")).encode()
    ),
    "card number with letters": _record_with(c2=b"62000000ABCD"),
    "expiry not BCD": _record_with(c3=b"\x20\x31\x1a\x31"),
    "expiry not a date": _record_with(c3=bytes.fromhex("20311331")),
    "expiry of 3 bytes": _record_with(c3=bytes.fromhex("311231")),
    "version missing": _record_with(c0=b"-"),
    "version unknown": _record_with(c0=b"\x02"),
    "required field missing": _record_with(c2=b"-"),
    "tag repeated": hand_tlv(b"\x70", hand_tlv(b"\xc0", b"\x01") * 2),
    "outer tag wrong": b"\x71\x03\xc0\x01\x01",
    "record length beyond the limit": b"\x70\x82\x10\x00" + b"\x00" * 60,
    "record cut short in the file": identity_record()[:-5],
    "first chunk too short for a header": b"\x70",
}


@pytest.mark.parametrize("record", UNREADABLE_RECORDS.values(), ids=UNREADABLE_RECORDS.keys())
def test_invalid_record_is_unreadable(record: bytes) -> None:
    with pytest.raises(CardUnreadable):
        read(CardOS(files={RESIDENT_AID: record}))


UNREADABLE_ANSWERS = {
    "select answers 6F00": {b"\x00\xa4": b"\x6f\x00"},
    "read binary answers 6982": {b"\x00\xb0": b"\x69\x82"},
    "read binary gives more than asked": {b"\x00\xb0": b"\x70" * 300 + b"\x90\x00"},
    "read binary gives nothing": {b"\x00\xb0": b"\x90\x00"},
    "endless 61xx": {b"\x00\xa4": b"\x61\x10", b"\x00\xc0": b"\x61\x10"},
}


@pytest.mark.parametrize("answers", UNREADABLE_ANSWERS.values(), ids=UNREADABLE_ANSWERS.keys())
def test_bad_status_or_sizes_from_the_card_are_unreadable(answers: dict[bytes, bytes]) -> None:
    with pytest.raises(CardUnreadable):
        read(CardOS(files={RESIDENT_AID: identity_record()}, raw_answers=answers))


def test_random_garbage_records_never_escape_as_anything_but_card_errors() -> None:
    rng = random.Random(5)
    good = identity_record()
    for _ in range(400):
        if rng.random() < 0.5:
            record = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 120)))
        else:  # a real record with a few bytes flipped or cut
            record = bytearray(good[: rng.randrange(1, len(good) + 1)])
            for _ in range(rng.randrange(1, 4)):
                record[rng.randrange(len(record))] = rng.randrange(256)
            record = bytes(record)
        try:
            read(CardOS(files={RESIDENT_AID: record}))
        except CardError:
            continue


# --- registry and configuration -------------------------------------------------------------------

DEPLOYMENT_AID = bytes.fromhex("D15600000501")


def _deployment_profile(name: str) -> profiles.CardProfile:
    """A city's own social-security style card: other AID, record file, tags and id format."""
    return profiles.CardProfile(
        name=name,
        aid=DEPLOYMENT_AID,
        role=Role.RESIDENT,
        file_id=b"\xef\x05",
        record_tag=0x61,
        required_version=None,
        chunk_size=16,
        fields=(
            profiles.FieldSpec(0x5F20, "name", profiles.utf8_text(1, 32)),
            profiles.FieldSpec(0x9F01, "id_number", profiles.resident_id_number),
            profiles.FieldSpec(0x5A, "card_number", profiles.ascii_matching(r"\d{9}")),
            profiles.FieldSpec(0x5F24, "expiry", profiles.bcd_date),
        ),
    )


class DeploymentCard(CardOS):
    """Selects the record file by id before READ BINARY, as that profile asks."""

    ef_selected = False

    def respond(self, apdu: bytes) -> bytes | None:
        if apdu[:4] == b"\x00\xa4\x02\x0c":
            self.ef_selected = apdu[5:7] == b"\xef\x05"
            return b"\x90\x00" if self.ef_selected else b"\x6a\x82"
        if apdu[:2] == b"\x00\xb0" and not self.ef_selected:
            return b"\x69\x86"  # no current elementary file
        return super().respond(apdu)


def _deployment_card() -> DeploymentCard:
    body = (
        hand_tlv(b"\x5f\x20", "陈静".encode())
        + hand_tlv(b"\x9f\x01", RESIDENT_ID.encode())
        + hand_tlv(b"\x5a", b"123456789")
        + hand_tlv(b"\x5f\x24", bytes.fromhex("20300101"))
    )
    return DeploymentCard(files={DEPLOYMENT_AID: hand_tlv(b"\x61", body)})


def test_a_deployment_registers_its_own_profile_and_the_factory_uses_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(profiles, "_REGISTRY", dict(profiles._REGISTRY))  # leave no trace for other tests
    profile = profiles.register_profile(_deployment_profile("test-city-social-v1"))
    card = _deployment_card()

    assert read(card, (profile,)).name == "陈静"
    reader = build_card_reader(CardReaderConfig(kind="simulated", profiles=("test-city-social-v1",)))
    assert isinstance(reader, SimulatedCardReader)


def test_a_profile_can_be_named_by_module_path(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("city_cards")
    module.SOCIAL = _deployment_profile("test-city-by-path")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "city_cards", module)
    assert profiles.get_profile("city_cards:SOCIAL").name == "test-city-by-path"
    with pytest.raises(ConfigError):
        profiles.get_profile("city_cards:MISSING")


def test_bad_profiles_and_names_are_configuration_errors() -> None:
    with pytest.raises(ConfigError):
        profiles.get_profile("no-such-profile")
    with pytest.raises(ConfigError):
        profiles.register_profile(_deployment_profile("community-resident-v1"))
    with pytest.raises(ConfigError):
        profiles.FieldSpec(0xC1, "phone", profiles.utf8_text())
    with pytest.raises(ConfigError):
        profiles.CardProfile("short-aid", b"\xf0\x01", Role.RESIDENT, fields=())
    with pytest.raises(ConfigError):
        build_card_reader(CardReaderConfig(profiles=()))


def test_factory_builds_the_configured_reader_kind() -> None:
    assert isinstance(build_card_reader(CardReaderConfig(kind="pcsc")), PcscCardReader)
    assert isinstance(build_card_reader(CardReaderConfig(kind="simulated")), SimulatedCardReader)


def test_a_decoder_returning_the_wrong_type_is_a_profile_error() -> None:
    broken = profiles.CardProfile(
        name="test-broken-expiry",
        aid=RESIDENT_AID,
        role=Role.RESIDENT,
        fields=(
            profiles.FieldSpec(0x5F20, "name", profiles.utf8_text()),
            profiles.FieldSpec(0xC1, "id_number", profiles.resident_id_number),
            profiles.FieldSpec(0xC2, "card_number", profiles.ascii_matching(r"\d+")),
            profiles.FieldSpec(0xC3, "expiry", bytes.hex),  # returns str, not a date
        ),
    )
    with pytest.raises(ConfigError):
        read(resident_card(), (broken,))
