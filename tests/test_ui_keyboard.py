"""The on-screen keyboard types Chinese by pinyin, latin letters and digits, by touch only."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from ui import pinyin
from ui.i18n import Words
from ui.keyboard import OnScreenKeyboard


@pytest.fixture
def keyboard(qtbot):
    words = Words()
    taps = []
    kb = OnScreenKeyboard(lambda k, **v: words.text("zh", k, **v), on_activity=lambda: taps.append(1))
    qtbot.addWidget(kb)
    kb.show()
    kb.taps = taps
    return kb


def tap(qtbot, kb, name):
    QApplication.processEvents()
    found = [b for b in kb.findChildren(QPushButton, name) if b.isVisible()]
    assert found, name
    qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)


def test_pinyin_letters_become_hanzi_through_candidates(qtbot, keyboard):
    for ch in "louti":
        tap(qtbot, keyboard, f"key:{ch}")
    assert keyboard.composition == "louti"
    tap(qtbot, keyboard, "candidate:0")
    assert keyboard.text() == "楼梯"
    assert keyboard.composition == ""
    assert len(keyboard.taps) == 6  # every tap counts as activity for the inactivity timer


def test_space_commits_the_first_candidate_and_backspace_edits_composition_first(qtbot, keyboard):
    for ch in "dengx":
        keyboard.press(ch)
    keyboard.press("backspace")
    assert keyboard.composition == "deng"
    keyboard.press("space")
    assert keyboard.text() == "等"
    keyboard.press("backspace")
    assert keyboard.text() == ""


def test_a_candidate_uses_only_its_syllable(qtbot, keyboard):
    for ch in "shuiguanlou":
        keyboard.press(ch)
    first = pinyin.candidates("shuiguanlou")[0]
    assert first == ("水管", 8)
    keyboard.choose(0)
    assert keyboard.composition == "lou"
    keyboard.choose(1)
    assert keyboard.text() == "水管漏"


def test_latin_with_shift_and_digits(qtbot, keyboard):
    tap(qtbot, keyboard, "key:latin")
    tap(qtbot, keyboard, "key:shift")
    tap(qtbot, keyboard, "key:c")
    tap(qtbot, keyboard, "key:digits")
    for ch in "90":
        tap(qtbot, keyboard, f"key:{ch}")
    assert keyboard.text() == "C90"


def test_max_length_is_respected(qtbot):
    kb = OnScreenKeyboard(lambda k, **v: k, mode="digits", max_length=3)
    qtbot.addWidget(kb)
    for ch in "12345":
        kb.press(ch)
    assert kb.text() == "123"


def test_pending_letters_without_a_syllable_stay_as_letters(qtbot, keyboard):
    keyboard.press("v")
    assert keyboard.text() == "v"


def test_every_key_has_an_accessible_name(qtbot, keyboard):
    for ch in "ni":
        keyboard.press(ch)
    QApplication.processEvents()
    names = [b.accessibleName() for b in keyboard.findChildren(QPushButton) if b.isVisible()]
    assert names and all(names)
    assert "候选 你" in names


def test_keys_stay_put_while_a_composition_comes_and_goes(qtbot, keyboard):
    # a finger on a touch screen aims at where the key was: the candidate row appearing after the first
    # letter must not push the keys down (it did, so "loudao" came out as "lrao")
    keyboard.resize(1200, 700)

    def key_top(name: str) -> int:
        QApplication.processEvents()
        keyboard.layout().activate()
        b = next(b for b in keyboard.findChildren(QPushButton, name) if b.isVisible())
        return b.mapTo(keyboard, b.rect().topLeft()).y()

    before = key_top("key:o")
    tap(qtbot, keyboard, "key:l")
    assert keyboard.composition == "l"
    assert key_top("key:o") == before
    tap(qtbot, keyboard, "key:backspace")
    assert keyboard.composition == ""
    assert key_top("key:o") == before


def test_the_reference_layer_types_a_whole_reference_in_capitals_without_switching(qtbot):
    # a reference field used to open in pinyin: "t" became 他
    words = Words()
    kb = OnScreenKeyboard(lambda k, **v: words.text("zh", k, **v), mode="reference")
    qtbot.addWidget(kb)
    kb.show()
    for ch in "t0001-9b-000042-68":
        tap(qtbot, kb, f"key:{ch}")
    assert kb.text() == "T0001-9B-000042-68"
    keys = [i for i in (kb._keys.indexOf(b) for b in kb.findChildren(QPushButton)) if i >= 0]
    rows = {kb._keys.getItemPosition(i)[0] for i in keys}
    assert len(rows) == 4  # no taller than the other layers
    assert not [b for b in kb.findChildren(QPushButton) if b.objectName() in ("key:pinyin", "key:space")]


def test_a_field_opens_on_the_layer_its_type_asks_for(qtbot):
    from dataclasses import replace
    from datetime import date

    from kiosk.forms import FormState
    from kiosk.session_render import field_view
    from tests.fixtures.session_kit import demo_catalogue
    from ui.screens.editors import DigitEditor, TextEditor, editor_for
    from ui.theme import STANDARD

    catalogue = demo_catalogue()
    query = FormState(catalogue.service("query.progress"))
    repair = FormState(catalogue.service("repair.public_area"))
    reference = field_view(catalogue.service("query.progress").field("reference"), query, "zh")
    phone = field_view(catalogue.service("repair.public_area").field("phone"), repair, "zh")
    location = field_view(catalogue.service("repair.public_area").field("location"), repair, "zh")
    assert (reference.input, phone.input, location.input) == ("reference", "phone", "text")
    word = lambda k, **v: Words().text("zh", k, **v)  # noqa: E731

    def editor(f):
        made = editor_for(f, STANDARD, word, "zh", lambda v: None, lambda: None, date(2026, 12, 1))
        qtbot.addWidget(made)
        return made

    assert editor(reference).keyboard.mode == "reference"
    assert editor(location).keyboard.mode == "pinyin"
    assert isinstance(editor(phone), DigitEditor)
    assert isinstance(editor(replace(location, input="text")), TextEditor)
