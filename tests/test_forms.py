"""Form fields: typed validation, prefill from card and hub, wipe."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kiosk.catalogue import DataClass, FieldType, FormField, LocalText
from kiosk.forms import FormState, id_number_is_valid, validate_value
from tests.fixtures.session_kit import RESIDENT, demo_catalogue

L = LocalText("标签", "Label")


def field(type_, **kw):
    return FormField(id="f", type=type_, label=L, data_class=DataClass.PUBLIC, **kw)


@pytest.mark.parametrize(
    ("f", "raw", "expected"),
    [
        (field(FieldType.TEXT, required=True), "  ", (None, "field.required")),
        (field(FieldType.TEXT), "", (None, None)),
        (field(FieldType.TEXT, max_length=3), "四个字符", (None, "field.too_long")),
        (field(FieldType.TEXTAREA, min_length=4), "短", (None, "field.too_short")),
        (field(FieldType.TEXT, pattern="[A-Z0-9-]+"), "t0001", (None, "field.pattern")),
        (field(FieldType.TEXT, pattern="[A-Z0-9-]+"), " T0001-000001 ", ("T0001-000001", None)),
        (field(FieldType.NUMBER, min=1, max=7), "3", (3, None)),
        (field(FieldType.NUMBER, min=1, max=7), "2.5", (2.5, None)),
        (field(FieldType.NUMBER, min=1, max=7), "8", (None, "field.above_max")),
        (field(FieldType.NUMBER, min=1, max=7), "0", (None, "field.below_min")),
        (field(FieldType.NUMBER), "three", (None, "field.not_a_number")),
        (field(FieldType.NUMBER), "nan", (None, "field.not_a_number")),
        (field(FieldType.DATE, min=date(2026, 1, 1)), "2026-02-30", (None, "field.bad_date")),
        (field(FieldType.DATE, min=date(2026, 1, 1)), "2025-12-31", (None, "field.date_too_early")),
        (field(FieldType.DATE, max=date(2026, 12, 31)), "2027-01-01", (None, "field.date_too_late")),
        (field(FieldType.DATE), "2026-11-23", (date(2026, 11, 23), None)),
        (field(FieldType.PHONE), "138 1234 5678", ("13812345678", None)),
        (field(FieldType.PHONE), "010-87654321", ("010-87654321", None)),
        (field(FieldType.PHONE), "23812345678", (None, "field.bad_phone")),
        (field(FieldType.ID_NUMBER), "11010519491231002x", ("11010519491231002X", None)),
        (field(FieldType.ID_NUMBER), "110105194912310021", (None, "field.bad_id_number")),
    ],
)
def test_validate_value(f, raw, expected):
    assert validate_value(f, raw) == expected


def test_choice_must_be_one_of_the_choices():
    category = demo_catalogue().service("repair.public_area").field("category")
    assert validate_value(category, "lift") == ("lift", None)
    assert validate_value(category, "spaceship") == (None, "field.not_a_choice")


def test_id_number_checks_birth_date_and_check_digit():
    assert id_number_is_valid("11010519491231002X")
    assert not id_number_is_valid("11010519491331002X")  # month 13
    assert not id_number_is_valid("1101051949123100")


def test_card_prefill_locks_and_hub_prefill_never_overwrites_the_resident():
    form = FormState(demo_catalogue().service("meal.elder_signup"))
    form.set("phone", "13900000000")
    assert form.prefill_from_card(RESIDENT) == ["name", "id_number"]
    assert form.prefill({"hub.phone": "13812345678"}, "hub", overwrite=False) == []
    assert form.values["phone"] == "13900000000"
    assert form.is_locked("name") and not form.is_locked("phone")
    with pytest.raises(PermissionError):
        form.set("name", "someone else")
    form.forget_card()
    assert "name" not in form.values and not form.is_locked("name")


def test_payload_is_typed_and_wipe_forgets_everything():
    form = FormState(demo_catalogue().service("meal.elder_signup"))
    form.prefill_from_card(RESIDENT)
    for fid, raw in {"meals_per_week": "5", "start_date": "2026-12-01", "phone": "13812345678"}.items():
        form.set(fid, raw)
    assert form.validate_all()
    assert form.payload() == {
        "name": "张三伟",
        "id_number": "11010519491231002X",
        "meals_per_week": 5,
        "start_date": "2026-12-01",
        "phone": "13812345678",
    }
    assert form.field_classes()["id_number"] == "sensitive"
    form.wipe()
    assert form.values == {} and form.prefilled == {} and form.errors == {}


def test_an_empty_required_field_is_only_an_error_when_going_on():
    form = FormState(demo_catalogue().service("repair.public_area"))
    assert form.set("location", "") is None
    assert not form.validate_all()
    assert form.errors["location"] == "field.required"


def test_the_bad_phone_message_states_the_rule_the_check_applies():
    """Walk 13: 12312345678 met "11 digits, starting with 1" and was refused. The message's rule is
    the check's: its examples pass, and a number of 11 digits from 1 that it does not allow fails."""
    from tests.test_ui_words import ts_messages

    for language in ("zh", "en"):
        words = ts_messages(language)["field.bad_phone"]
        examples = re.findall(r"\d[\d-]{9,}\d", words)
        assert len(examples) == 2, (language, words)  # a mobile and a landline
        for example in examples:
            assert validate_value(field(FieldType.PHONE), example)[1] is None, (language, example)
        assert "13" in words and "19" in words, (language, words)
    assert validate_value(field(FieldType.PHONE), "12312345678") == (None, "field.bad_phone")
