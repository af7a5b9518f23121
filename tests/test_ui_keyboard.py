"""The on-screen keyboard types Chinese by whole-phrase pinyin (librime) and by hand (zinnia), latin
letters, digits and punctuation, by touch only, with a cursor in the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from ui.i18n import Words, compile_translations
from ui.input_engines.rime import DICTIONARY, DIGEST_FILE, PREBUILT_DIR, data_digest, prebuilt_ready
from ui.keyboard import OnScreenKeyboard

STROKES = json.loads((Path(__file__).parent / "fixtures" / "strokes_zh.json").read_text(encoding="utf-8"))
TOP_N = 6  # the first page of candidates in elder mode has 5, standard 8: the character is on it


def make_keyboard(qtbot, **options):
    compile_translations()
    words = Words()
    taps = []
    kb = OnScreenKeyboard(lambda k, **v: words.text("zh", k, **v), on_activity=lambda: taps.append(1), **options)
    qtbot.addWidget(kb)
    kb.show()
    kb.taps = taps
    return kb


@pytest.fixture
def keyboard(qtbot, input_engines):
    return make_keyboard(qtbot)


def tap(qtbot, kb, name):
    QApplication.processEvents()
    found = [b for b in kb.findChildren(QPushButton, name) if b.isVisible()]
    assert found, name
    qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)


def type_letters(kb, letters):
    for ch in letters:
        kb.press(ch)


def test_whole_phrase_pinyin_becomes_the_chosen_candidate(qtbot, keyboard):
    for ch in "diantihuaile":
        tap(qtbot, keyboard, f"key:{ch}")
    assert keyboard.composition == "diantihuaile"
    assert keyboard.candidates()[0] == "电梯坏了"  # the engine's ranking: the whole phrase first
    tap(qtbot, keyboard, "candidate:0")
    assert keyboard.text() == "电梯坏了"
    assert keyboard.composition == ""
    assert len(keyboard.taps) == 13  # every tap counts as activity for the inactivity timer


@pytest.mark.parametrize(
    ("letters", "meant"),
    [("loudaodengbuliangle", "楼道灯不亮了"), ("menkaibuliao", "门开不了"), ("diantihuaile", "电梯坏了")],
)
def test_a_repair_report_s_words_rank_first(input_engines, letters, meant):
    # luna pinyin alone gave 楼道等不良了 and 们开不了: the terminal's service words go on top
    composer = input_engines.composer()
    for ch in letters:
        composer.type(ch)
    assert composer.candidates(0, 3)[0][0].text == meant
    assert composer.commit_highlighted() == meant


def test_ordinary_words_still_come_from_the_full_lexicon(input_engines):
    composer = input_engines.composer()
    for ch in "nihao":
        composer.type(ch)
    assert composer.candidates(0, 3)[0][0].text == "你好"
    composer.clear()
    for ch in "woshi":
        composer.type(ch)
    assert composer.commit_highlighted() == "我是"


def test_a_new_data_folder_takes_the_prebuilt_dictionary_and_compiles_nothing(input_engines):
    # compiling the kiosk's dictionary took 7-15 s at a terminal's first start (and in each test
    # worker): it is compiled at build time (rime_prebuilt.py) and a new data folder only reads it
    engine = input_engines.pinyin
    assert engine.data_dir == PREBUILT_DIR and prebuilt_ready(PREBUILT_DIR)
    assert engine.deployed_now  # the fixture's data folder is new: librime's maintenance ran ...
    compiled = sorted(p.name for p in (engine.user_dir / "build").glob("*.bin"))
    assert compiled == []  # ... and built no table or prism of its own
    assert not (engine.user_dir / f"{DICTIONARY}.dict.yaml").exists()  # a copy here would be compiled


def test_a_prebuilt_folder_from_other_words_or_half_made_is_not_used(tmp_path):
    # a terminal with such a folder compiles in its data folder (slower) rather than use old words
    made = tmp_path / "rime"
    (made / "build").mkdir(parents=True)
    (made / DIGEST_FILE).write_text(data_digest() + "\n", encoding="utf-8")
    assert not prebuilt_ready(made)  # no table in it: a build that stopped half way
    (made / "build" / f"{DICTIONARY}.table.bin").write_bytes(b"table")
    assert prebuilt_ready(made)
    (made / DIGEST_FILE).write_text("0123456789abcdef\n", encoding="utf-8")  # an older program's words
    assert not prebuilt_ready(made)
    assert not prebuilt_ready(tmp_path / "missing") and not prebuilt_ready(None)


def test_a_candidate_covering_the_first_syllables_leaves_the_rest_to_choose(qtbot, keyboard):
    type_letters(keyboard, "shuiguanlou")
    index = keyboard.candidates().index("水管")
    keyboard.choose(index)
    assert keyboard.composition == "shuiguanlou"  # the letters stay until all of them are chosen
    assert keyboard.candidates()[0] == "楼"
    assert "漏" in keyboard.candidates()
    keyboard.choose(keyboard.candidates().index("漏"))
    assert keyboard.composition == ""
    assert keyboard.text() == "水管漏"  # only the chosen candidates, nothing else


def test_ok_with_open_letters_commits_the_highlighted_phrase_not_a_char_per_syllable(qtbot, keyboard):
    type_letters(keyboard, "ludeng")
    QApplication.processEvents()
    highlighted = [b for b in keyboard.findChildren(QPushButton, "candidate:0") if b.isVisible()][0]
    assert highlighted.property("role") == "selected"  # what OK takes is drawn as such
    assert keyboard.text() == "路灯"


def test_backspace_edits_the_composition_first_then_the_text_before_the_cursor(qtbot, keyboard):
    type_letters(keyboard, "dengx")
    keyboard.press("backspace")
    assert keyboard.composition == "deng"
    keyboard.choose(keyboard.candidates().index("灯"))
    assert keyboard.text() == "灯"
    keyboard.press("backspace")
    assert keyboard.text() == ""


def test_candidates_come_a_page_at_a_time(qtbot, input_engines):
    kb = make_keyboard(qtbot, candidate_limit=5)
    type_letters(kb, "shi")
    first = kb.candidates()
    assert len(first) == 5
    tap(qtbot, kb, "key:page_down")
    second = kb.candidates()
    assert len(second) == 5 and not set(first) & set(second)
    kb.choose(0)
    assert kb.text() == second[0]
    type_letters(kb, "shi")
    kb.press("page_down")
    kb.press("page_up")
    assert kb.candidates() == first


def test_the_cursor_moves_and_text_goes_in_and_out_in_the_middle(qtbot, keyboard):
    keyboard.insert_text("8栋楼道")
    for _ in range(2):
        tap(qtbot, keyboard, "key:left")
    assert keyboard.cursor == 2
    type_letters(keyboard, "erceng")
    keyboard.choose(keyboard.candidates().index("二层"))
    assert keyboard.text() == "8栋二层楼道"
    keyboard.press("backspace")
    keyboard.press("backspace")
    assert keyboard.text() == "8栋楼道"
    keyboard.press("right")
    keyboard.press("backspace")
    assert keyboard.text() == "8栋道"
    assert "▏" in keyboard.findChild(type(keyboard._shown), "keyboard_text").text()


def test_digits_and_punctuation_on_their_layer(qtbot, keyboard):
    type_letters(keyboard, "loudao")
    tap(qtbot, keyboard, "key:digits")  # a layer key takes the highlighted phrase first
    for key in ("3", "，"):
        tap(qtbot, keyboard, f"key:{key}")
    tap(qtbot, keyboard, "key:latin")
    tap(qtbot, keyboard, "key:shift")
    tap(qtbot, keyboard, "key:c")
    assert keyboard.text() == "楼道3，C"


def test_max_length_is_respected(qtbot, input_engines):
    kb = make_keyboard(qtbot, mode="digits", max_length=3)
    for ch in "12345":
        kb.press(ch)
    assert kb.text() == "123"


def test_letters_no_syllable_starts_with_stay_as_letters(qtbot, keyboard):
    keyboard.press("v")
    assert keyboard.text() == "v"


def test_nothing_is_learnt_from_one_resident_for_the_next(qtbot, input_engines):
    # librime's user dictionary would rank what the last resident chose first and keep it on disk
    kb = make_keyboard(qtbot)
    type_letters(kb, "shi")
    before = kb.candidates()
    for _ in range(3):
        type_letters(kb, "shi")
        kb.choose(4)
    type_letters(kb, "shi")
    assert kb.candidates() == before
    assert not list(input_engines.pinyin.user_dir.glob("*.userdb*"))


def test_every_key_has_an_accessible_name(qtbot, keyboard):
    type_letters(keyboard, "ni")
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


@pytest.mark.parametrize("character", list(STROKES["characters"]))
def test_a_handwritten_character_is_among_the_first_candidates(qtbot, input_engines, character):
    kb = make_keyboard(qtbot, pad_px=420)  # the elder pad: the fixture's 300 px strokes scaled up
    tap(qtbot, kb, "key:handwriting")  # one tap from pinyin to the pad
    width = STROKES["pad"][0]
    kb.pad.write(STROKES["characters"][character], scale=420 / width)
    ranked = input_engines.handwriting.recognize(STROKES["characters"][character], width, width, TOP_N)
    assert character in ranked, ranked
    assert kb.candidates()[: TOP_N] == ranked[: len(kb.candidates()[:TOP_N])]
    kb.choose(kb.candidates().index(character))
    assert kb.text() == character
    assert kb.pad.strokes == []  # the pad is empty for the next character


def test_a_finger_writes_on_the_pad(qtbot, input_engines):
    kb = make_keyboard(qtbot)
    kb.press("handwriting")
    QApplication.processEvents()
    for stroke in STROKES["characters"]["十"]:
        points = [QPoint(int(x), int(y)) for x, y in stroke]
        qtbot.mousePress(kb.pad, Qt.MouseButton.LeftButton, pos=points[0])
        for p in points[1:]:
            qtbot.mouseMove(kb.pad, p)
        qtbot.mouseRelease(kb.pad, Qt.MouseButton.LeftButton, pos=points[-1])
    assert kb.candidates()[0] == "十"
    tap(qtbot, kb, "key:clear_pad")
    assert kb.pad.strokes == [] and kb.candidates() == []
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


def test_the_address_layer_has_latin_digits_and_url_marks_only(qtbot):
    # walktech 31: the hub address opened on pinyin, handwriting and full-width punctuation
    words = Words()
    kb = OnScreenKeyboard(lambda k, **v: words.text("zh", k, **v), mode="url")
    qtbot.addWidget(kb)
    kb.show()
    for ch in "https://hub-2.example:8443/":
        tap(qtbot, kb, f"key:{ch}")
    assert kb.text() == "https://hub-2.example:8443/"
    names = {b.objectName() for b in kb.findChildren(QPushButton) if b.objectName().startswith("key:")}
    assert not names & {"key:pinyin", "key:handwriting", "key:digits", "key:latin", "key:space", "key:shift"}
    assert not [n for n in names if len(n) == 5 and not n[4].isascii()]  # no ，。、：；（）
    keys = [i for i in (kb._keys.indexOf(b) for b in kb.findChildren(QPushButton)) if i >= 0]
    assert len({kb._keys.getItemPosition(i)[0] for i in keys}) == 4  # as tall as the other layers


def test_the_typed_text_keeps_its_size_when_steady(qtbot):
    # walk 3, 11: in elder mode the text shrank while candidates took the width, then grew back
    from ui.keyboard import TypedText

    for steady, role in ((True, "title"), (False, "typed_long")):
        box = TypedText(steady=steady)
        qtbot.addWidget(box)
        box.resize(200, 60)
        box.show()
        box.show_text("电梯坏了停在二楼已经三天了没有人来修" * 2, 10)
        assert box.label.property("role") == role


def test_open_letters_show_whole_with_the_text_around_or_their_end_after_a_mark(qtbot):
    # walk 6, M3: "loudaodengbuliangle" showed as "[lou dao deng", the end (where the next letter
    # goes) cut off and nothing said the line went on
    from ui.keyboard import TypedText

    for steady in (True, False):
        box = TypedText(steady=steady)
        qtbot.addWidget(box)
        font = box.label.font()
        font.setPixelSize(24)
        box.label.setFont(font)  # no theme here: a size of its own
        box.resize(260, 60)
        box.show()
        box.show_composing("楼道的灯", "[huai]▏", "已经三天了没有人来修好")
        room = box.label.contentsRect().width()
        advance = box.label.fontMetrics().horizontalAdvance
        text = box.text()
        assert "灯[huai]▏已" in text and text.endswith("…") and advance(text) <= room, text
        box.show_composing("楼道的灯", "[lou dao deng bu liang le]▏", "")
        text = box.text()
        assert text.startswith("…") and text.endswith("liang le]▏") and advance(text) <= room, text
        assert "灯" not in text  # the letters' end goes before the text before them
        box.resize(900, 60)
        QApplication.processEvents()
        assert box.text() == "楼道的灯[lou dao deng bu liang le]▏"  # room again: all of it


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


def test_holding_delete_goes_on_deleting_and_a_tap_deletes_one(qtbot, keyboard):
    """Walk 12: emptying an old place took about 30 taps on 删除; holding it removed one character."""
    from PySide6.QtTest import QTest

    from ui.keyboard import KeyboardDraft

    start = "Building 2, stairwell"
    keyboard.restore(KeyboardDraft(start, len(start), "latin"))
    assert keyboard.text() == start
    QApplication.processEvents()  # the layer's keys are shown by a queued call
    key = next(b for b in keyboard.findChildren(QPushButton, "key:backspace") if b.isVisible())
    qtbot.mouseClick(key, Qt.MouseButton.LeftButton)
    assert keyboard.text() == start[:-1]  # a tap: one
    QTest.mousePress(key, Qt.MouseButton.LeftButton)
    qtbot.wait(1500)  # held: the delay, then a character every interval
    QTest.mouseRelease(key, Qt.MouseButton.LeftButton)
    assert len(keyboard.text()) <= len(start) - 1 - 5, keyboard.text()
