"""Masking of personal and sensitive values on screens and receipts."""

from __future__ import annotations

import pytest

from kiosk.catalogue import DataClass, FieldType
from kiosk.masking import mask_card_number, mask_id_number, mask_name, mask_phone, mask_text, mask_value


def test_id_number_keeps_first_and_last_four():
    assert mask_id_number("110101199003071234") == "1101**********1234"
    assert mask_id_number("11010519491231002X") == "1101**********002X"
    assert mask_id_number("12345678") == "********"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三伟", "张*伟"), ("张三", "张*"), ("欧阳娜娜", "欧**娜"), ("Li Wei", "L****i"), ("王", "*")],
)
def test_name_keeps_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_phone_and_card_number():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-87654321") == "010-****4321"
    assert mask_card_number("6222 0212 3456 7890") == "****7890"


def test_free_text_mask_does_not_reveal_the_length():
    assert mask_text("朝阳区幸福路12号院3号楼") == "朝阳******"
    assert len(mask_text("朝阳区幸福路12号院3号楼")) == len(mask_text("朝阳区幸福路1号"))


def test_mask_value_follows_the_data_class():
    assert mask_value("8号楼", FieldType.TEXT, DataClass.PUBLIC) == "8号楼"
    assert mask_value("lighting", FieldType.CHOICE, DataClass.INTERNAL) == "lighting"
    assert mask_value("13812345678", FieldType.PHONE, DataClass.PERSONAL) == "138****5678"
    assert mask_value("110101199003071234", FieldType.ID_NUMBER, DataClass.SENSITIVE) == "1101**********1234"
    assert mask_value("张三伟", FieldType.TEXT, DataClass.PERSONAL, hint="name") == "张*伟"
    assert mask_value("高血压，需低盐", FieldType.TEXTAREA, DataClass.SENSITIVE) == "******"
    assert mask_value("low_salt", FieldType.CHOICE, DataClass.PERSONAL) == "******"
    assert mask_value("", FieldType.TEXT, DataClass.PERSONAL) == ""
