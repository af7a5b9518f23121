"""Personal and sensitive fields are sealed with AES-256-GCM, bound to their item."""

from __future__ import annotations

import os

import pytest

from offline_queue.errors import SealBroken, UnknownFieldClass
from offline_queue.field_crypto import FieldSealer, split_protected

FIELDS = {"name": "李建国", "id_number": "110101195001011234"}


def test_sealed_fields_open_with_the_same_key_and_item():
    sealer = FieldSealer(os.urandom(32))
    blob = sealer.seal(FIELDS, b"T0001-key-1")
    assert sealer.open(blob, b"T0001-key-1") == FIELDS
    assert "李建国".encode() not in blob and b"110101195001011234" not in blob


def test_the_same_fields_seal_differently_each_time():
    sealer = FieldSealer(os.urandom(32))
    assert sealer.seal(FIELDS, b"k") != sealer.seal(FIELDS, b"k")  # a fresh nonce per seal


def test_another_key_does_not_open_them():
    blob = FieldSealer(os.urandom(32)).seal(FIELDS, b"k")
    with pytest.raises(SealBroken) as broken:
        FieldSealer(os.urandom(32)).open(blob, b"k")
    assert broken.value.message_key == "error.queue_key"


def test_a_blob_moved_to_another_item_or_altered_does_not_open():
    sealer = FieldSealer(os.urandom(32))
    blob = sealer.seal(FIELDS, b"item-1")
    with pytest.raises(SealBroken):
        sealer.open(blob, b"item-2")
    altered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(SealBroken):
        sealer.open(altered, b"item-1")
    with pytest.raises(SealBroken):
        sealer.open(b"\x02" + blob[1:], b"item-1")


def test_fields_split_by_class_and_an_unknown_class_is_named():
    clear, protected = split_protected(
        {"category": "lift", "name": "李建国", "card_hash": "ab12", "id_number": "1101"},
        {"category": "public", "name": "personal", "card_hash": "internal", "id_number": "sensitive"},
    )
    assert clear == {"category": "lift", "card_hash": "ab12"}
    assert protected == {"name": "李建国", "id_number": "1101"}
    with pytest.raises(UnknownFieldClass) as unknown:
        split_protected({"name": "x"}, {"name": "private"})
    assert unknown.value.field == "name" and "x" not in str(unknown.value)


def test_a_key_of_the_wrong_size_is_refused():
    with pytest.raises(ValueError):
        FieldSealer(b"short")
