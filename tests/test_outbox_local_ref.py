"""The local reference on the receipt: printable, short, and a typo is caught before the hub is asked."""

from __future__ import annotations

import pytest

from offline_queue.errors import InvalidLocalRef
from offline_queue.local_ref import LocalRef

REF = LocalRef("T0001", 327, 42)


def test_the_printed_form_is_terminal_generation_sequence_and_check_digits():
    text = str(REF)
    assert text.startswith("T0001-93-000042-")
    assert text[-2:].isdigit() and len(text) == 18


def test_a_reference_reads_back_forgiving_case_and_spaces():
    assert LocalRef.parse(f"  {str(REF).lower()} ") == REF
    assert LocalRef.parse(str(REF).replace("-", " - ")) == REF


def test_sequences_beyond_six_digits_still_print_and_parse():
    big = LocalRef("K9", 1, 12_345_678)
    assert LocalRef.parse(str(big)) == big


def test_every_single_mistyped_character_is_caught():
    text = str(REF)
    for i, ch in enumerate(text):
        if ch == "-":
            continue
        for other in "0123456789" if ch.isdigit() else "ABCDEFGHJKMNPQRSTUVWXYZ":
            if other != ch:
                typo = text[:i] + other + text[i + 1 :]
                assert not LocalRef.is_valid(typo), typo


def test_every_swap_of_neighbouring_digits_is_caught():
    text = str(LocalRef("T0001", 327, 123456))
    for i in range(len(text) - 1):
        a, b = text[i], text[i + 1]
        if a != b and "-" not in (a, b):
            assert not LocalRef.is_valid(text[:i] + b + a + text[i + 2 :])


@pytest.mark.parametrize("text", ["", "T0001", "T0001-93-42", "T0001-93-000042-1", "t0001_93_000042_68"])
def test_malformed_references_are_refused(text):
    with pytest.raises(InvalidLocalRef) as refused:
        LocalRef.parse(text)
    assert refused.value.message_key == "error.local_ref_invalid"


def test_the_letters_o_and_i_typed_for_the_digits_0_and_1_are_read_as_digits():
    """Found walking: "TOOO1-9B-OOOOO1-72" (O for 0 throughout) was refused as a typo."""
    ref = LocalRef("T0001", int("9B", 36), 1)
    typed = str(ref).replace("0", "O").replace("1", "I")
    assert LocalRef.parse(typed) == ref
    assert LocalRef.parse(typed.lower()) == ref
    # a lookalike still cannot hide a real typo: the check digits decide
    wrong = str(LocalRef("T0001", int("9B", 36), 2))[:-2] + str(ref)[-2:]
    assert not LocalRef.is_valid(wrong.replace("0", "O"))
