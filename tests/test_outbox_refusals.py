"""Every refusal from `Outbox.enqueue` is a typed error naming the field, never its value, and writes
nothing: text UTF-8 cannot hold, nesting beyond the documented depth, keys JSON cannot keep apart,
numbers JSON has not, a field_classes that is no mapping."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.errors import KioskError
from kiosk.terminal_outbox import outbox_at
from offline_queue.errors import PayloadNotSerialisable, PayloadRefused, PayloadTooDeep
from offline_queue.payload_check import MAX_DEPTH

REPAIR, VERSION = "repair.public_area", "2026.11-demo.1"
SECRET = "王秀英-13912345678"  # a personal value: must never appear in a refusal
CLASSES = {"category": "public", "note": "personal"}


def nested(depth: int, leaf: object = SECRET) -> object:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@pytest.fixture
def outbox(file_keyring, tmp_path):
    opened = outbox_at(tmp_path / "outbox.sqlite", "T0001")
    yield opened
    opened.close()


def rows(outbox) -> int:
    with sqlite3.connect(outbox.path) as conn:
        return conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]


NOTE_VALUES = {
    "lone_surrogate": SECRET + "\ud800",
    "low_surrogate_deep": {"a": [1, {"b": "\udfff" + SECRET}]},
    "surrogate_in_a_key": {SECRET + "\ud83d": 1},
    "deep_nesting": nested(MAX_DEPTH + 1),
    "very_deep_nesting": nested(5000),
    "colliding_keys": {1: "a", "1": SECRET},
    "int_key": {7: SECRET},
    "tuple_key": {(1, 2): SECRET},
    "nan": float("nan"),
    "infinity": [1.0, float("inf")],
    "minus_infinity_deep": {"x": {"y": float("-inf")}},
    "bytes_deep": [{"photo": SECRET.encode()}],
}


@pytest.mark.parametrize("value", NOTE_VALUES.values(), ids=NOTE_VALUES.keys())
def test_a_bad_value_is_a_typed_refusal_naming_the_field_not_its_value(outbox, value):
    with pytest.raises(PayloadNotSerialisable) as refused:
        outbox.enqueue(REPAIR, {"category": "lift", "note": value}, CLASSES, VERSION)
    error = refused.value
    assert isinstance(error, KioskError) and error.message_key == "error.payload_invalid"
    assert error.field == "note"
    assert SECRET not in str(error) and "13912345678" not in repr(error.args)
    assert rows(outbox) == 0
    assert outbox.enqueue(REPAIR, {"category": "lift", "note": "ok"}, CLASSES, VERSION).sequence == 1


def test_nesting_up_to_the_documented_depth_is_stored_and_one_more_level_is_refused(outbox):
    ref = outbox.enqueue(REPAIR, {"category": "lift", "note": nested(MAX_DEPTH)}, CLASSES, VERSION)
    assert ref.sequence == 1
    with pytest.raises(PayloadTooDeep) as refused:
        outbox.enqueue(REPAIR, {"category": "lift", "note": nested(MAX_DEPTH + 1)}, CLASSES, VERSION)
    assert refused.value.field == "note" and str(MAX_DEPTH) in str(refused.value)


BAD_FIELD_NAMES = {
    "int_field_name": ({1: "a", "1": "b"}, "<int key>"),
    "surrogate_field_name": ({"no\ud800te": "x"}, "no\\ud800te"),
}


@pytest.mark.parametrize("payload,label", BAD_FIELD_NAMES.values(), ids=BAD_FIELD_NAMES.keys())
def test_a_field_name_json_cannot_hold_is_refused_by_an_escaped_label(outbox, payload, label):
    classes = {k: "public" for k in payload}
    with pytest.raises(PayloadNotSerialisable) as refused:
        outbox.enqueue(REPAIR, payload, classes, VERSION)
    assert refused.value.field == label
    assert rows(outbox) == 0


@pytest.mark.parametrize(
    "args,field",
    [
        ((REPAIR, {"category": "x"}, None, VERSION), "field_classes"),
        ((REPAIR, {"category": "x"}, ["public"], VERSION), "field_classes"),
        ((REPAIR, ["x"], {"category": "public"}, VERSION), "payload"),
        ((REPAIR, None, {"category": "public"}, VERSION), "payload"),
        (("", {"category": "x"}, {"category": "public"}, VERSION), "service_id"),
        (("repair\ud800", {"category": "x"}, {"category": "public"}, VERSION), "service_id"),
        ((REPAIR, {"category": "x"}, {"category": "public"}, None), "catalog_version"),
        ((REPAIR, {"category": "x"}, {"category": None}, VERSION), "category"),
        ((REPAIR, {"category": "x"}, {"category": ["public"]}, VERSION), "category"),
    ],
    ids=[
        "classes_none",
        "classes_list",
        "payload_list",
        "payload_none",
        "empty_service",
        "surrogate_service",
        "version_none",
        "class_none",
        "class_unhashable",
    ],
)
def test_wrong_arguments_are_typed_refusals_naming_the_argument(outbox, args, field):
    with pytest.raises(PayloadRefused) as refused:
        outbox.enqueue(*args)
    assert refused.value.field == field
    assert rows(outbox) == 0
