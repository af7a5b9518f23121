"""A field's value is checked on OK, in its editor, on the real terminal (ui.app.build_terminal, the
reference hub, the simulated card reader) — walk 3, findings 3, 5, 6, 11, 16, 20 and 21:

- a refused value keeps the editor open with the message over the keys, in view, in words that say
  what is needed (the minimum length as a number, what a phone number looks like), at 1280x800 and
  1366x768, standard and elder, Chinese and English; the hint states the minimum length up front;
- reopened, a refused value is there to mend; on the list a message stands in its own field's row;
- a phone number on file opens an empty pad that says OK on nothing keeps it, and does; back on the
  list the field edited is in view;
- without a card the progress query's reference is labelled required, its hint does not jump when
  the message goes, and OK goes on at once;
- "use the details on file" says what it filled where the offer stood, moving no row;
- in elder mode the typed text keeps one size while candidates show.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from hub.profiles import DEMO_PROFILE, ProfileStore
from hub.store import HubStore
from kiosk.services import card_hash
from kiosk.session_view import Mode, Step
from tests.fixtures.kiosk_ui import KioskDriver, scroll_into_view
from tests.fixtures.walking import fill_repair_form, on_display, say, to_form
from ui.double_tap import FINGER_PX

SIZES = ((1280, 800), (1366, 768))


def _field(k: KioskDriver, field_id: str):
    return next(f for f in k.view.fields if f.id == field_id)


def _editing(k: KioskDriver) -> str | None:
    return getattr(k.window.current_screen(), "editing", None)


def _to_repair(k: KioskDriver, *, card: bool = False) -> None:
    to_form(k, card=card)


def _elder_repair(k: KioskDriver, size: tuple[int, int], *, card: bool = False) -> None:
    """The window at `size`, elder mode on from the attract screen, the repair form open."""
    k.window.resize(*size)
    k.tap("attract.elder")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    _to_repair(k, card=card)


def _top(k: KioskDriver, widget) -> int:
    return widget.mapTo(k.window, QPoint(0, 0)).y()


def _label(k: KioskDriver, name: str) -> QLabel:
    k.text_of(name)  # waits until shown
    return next(w for w in k.window.findChildren(QLabel, name) if w.isVisible())


def _short_detail(k: KioskDriver) -> None:
    """One character in the description (its minimum is 4), by pinyin in Chinese, letters in English."""
    k.open_field("detail")
    # the minimum, said before the resident types: the hint over the phrases, or (no line to spare,
    # editorfit) in the empty typed-text box; reopened on the text refused before (formval), the
    # box holds that text and its message, over the keys, says the minimum
    lead = " ".join(w.text() for w in k.window.findChildren(QLabel) if w.isVisible())
    said = (say(k, "field.hint_min_length", count=4), say(k, "field.too_short", count=4))
    assert any(words in lead for words in said)
    if k.view.language == "zh":
        k.type_keys("deng")
        k.tap("candidate:0")
    else:
        k.type_keys("la")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("mode", ["standard", "elder"])
def test_a_refused_value_keeps_its_editor_open_with_words_that_say_what_is_needed(kiosk_ui, size, mode):
    k = kiosk_ui
    k.window.resize(*size)
    if mode == "elder":
        k.tap("attract.elder")
        k.wait(lambda: k.view.mode is Mode.ELDER)
    _to_repair(k)
    for language in ("zh", "en"):
        if k.view.language != language:
            k.tap("bar.language")
            k.wait(lambda language=language: k.view.language == language)
        _short_detail(k)
        assert _field(k, "detail").min_length == 4
        k.tap("form.ok")
        k.wait(lambda: _field(k, "detail").error_key == "field.too_short")
        assert _editing(k) == "detail"  # still in the editor, not back on the list
        assert k.text_of("error:detail") == say(k, "field.too_short", count=4)
        assert "4" in k.text_of("error:detail")
        assert on_display(k, "error:detail") and on_display(k, "form.ok")
        k.tap("form.keep")  # back to the list with the refused text: its message in its own row
        k.wait(lambda: _editing(k) is None)
        error = _label(k, "error:detail")
        assert error.parentWidget() is k.button("field:detail")
        k.wait(lambda: on_display(k, "error:detail"))  # scrolled to it (the next turn of the loop)

        k.open_field("phone")
        for _ in k.text_of("digits_text").strip():  # what the last language's round left
            k.tap("key:backspace")
        k.type_keys("12345")
        k.tap("form.ok")
        k.wait(lambda: _field(k, "phone").error_key == "field.bad_phone")
        assert _editing(k) == "phone"
        assert k.text_of("error:phone") == say(k, "field.bad_phone")
        assert "11" in k.text_of("error:phone")  # what a valid number looks like
        assert on_display(k, "error:phone") and on_display(k, "form.ok")
        k.tap("form.keep")
        k.wait(lambda: _editing(k) is None)
        k.open_field("phone")  # reopened: the typo is there to mend, not an empty box
        assert k.text_of("digits_text") == "12345"
        k.tap("key:backspace")
        k.tap("form.keep")
        k.wait(lambda: _editing(k) is None)


def test_an_accepted_value_goes_on_and_the_list_comes_back_at_the_field_edited(kiosk_ui):
    k = kiosk_ui
    k.window.resize(1366, 768)
    _to_repair(k)
    k.open_field("phone")
    k.type_keys("13800138000")
    k.tap("form.ok")
    k.wait(lambda: _field(k, "phone").has_value and _field(k, "phone").error_key is None)
    # the list (the last field done, the ones above skipped): phone opens the first empty one;
    # from there back to the list, which shows the field that was open
    k.wait(lambda: _editing(k) == "category")
    k.tap("form.keep")
    k.wait(lambda: _editing(k) is None)
    k.wait(lambda: on_display(k, "field:category"))
    k.open_field("phone")
    k.tap("form.keep")
    k.wait(lambda: on_display(k, "field:phone"))


def _put_profile(k: KioskDriver) -> None:
    """The hub holds the demo details (phone 13812345678) for the simulated resident's card."""
    from kiosk.secrets import card_hash_salt

    store = ProfileStore(HubStore(k.hub.db_path))
    try:
        store.put(card_hash("6200000000001234", card_hash_salt(k.hub.terminal_id)), dict(DEMO_PROFILE))
    finally:
        store.close()


def test_the_details_on_file_say_what_they_filled_and_an_empty_ok_keeps_the_number(kiosk_ui):
    k = kiosk_ui
    k.window.resize(1366, 768)
    _put_profile(k)
    _to_repair(k, card=True)
    k.has_button("prefill.use")
    first_row = _top(k, k.button("field:category"))
    k.tap("prefill.use")
    k.wait(lambda: _field(k, "phone").prefilled_from == "hub")
    # where the offer stood: what was filled, masked as offered; the rows follow the note up, with
    # no empty band over them (walk 6, L5: the offer's height kept empty pushed them down)
    assert k.text_of("prefill.filled") == say(k, "prefill.filled")
    assert k.text_of("prefill.filled_value") == "联系电话：138****5678"
    note = k.window.findChild(QWidget, "profile_filled")
    assert _top(k, k.button("field:category")) < first_row
    assert _top(k, k.button("field:category")) - _top(k, note) - note.height() <= 2 * k.window.theme.spacing_px
    k.open_field("phone")
    assert k.text_of("digits_text").strip() == ""  # a number on file is never shown in full
    assert say(k, "form.keep_on_file_phone") in k.text_of("form.hint")
    k.tap("form.ok")  # nothing typed: the number on file stays
    k.wait(lambda: _editing(k) != "phone")
    phone = _field(k, "phone")
    assert phone.prefilled_from == "hub" and phone.display == "138****5678" and phone.error_key is None
    if _editing(k) is not None:
        k.tap("form.keep")
    k.open_field("phone")
    k.type_keys("13900001111")
    k.tap("form.ok")
    k.wait(lambda: _field(k, "phone").display == "13900001111")
    if _editing(k) is not None:  # a skipped field above opened: back to the list from it
        k.tap("form.keep")
    k.wait(lambda: _editing(k) is None)
    k.open_field("phone")
    k.tap("form.keep")  # the list comes back with the phone, the last field, in view
    k.wait(lambda: _editing(k) is None)
    k.wait(lambda: on_display(k, "field:phone"))


def test_without_a_card_the_reference_is_required_steady_and_ok_goes_on(kiosk_ui):
    from tests.test_ui_flows import seed_cases

    k = kiosk_ui
    k.window.resize(1366, 768)
    seed_cases(k)
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:query.progress")
    k.wait_step(Step.FORM)
    assert _field(k, "reference").required  # no card: the reference is what the query needs
    k.wait(lambda: _editing(k) == "reference")  # the one field to fill opens at once
    k.tap("form.keep")
    k.wait(lambda: _editing(k) is None)
    assert say(k, "form.required") in " ".join(w.text() for w in k.button("field:reference").findChildren(QLabel))
    k.tap("nav.next")  # empty: sent to the field, with its message
    k.wait(lambda: _editing(k) == "reference")
    hint = _label(k, "form.hint")
    assert k.text_of("error:reference") == say(k, "field.reference_or_card")
    before = _top(k, hint)
    for ch in "C9000002":
        k.tap(f"key:{ch.lower()}")
    assert not any(w.isVisible() for w in k.window.findChildren(QLabel, "error:reference"))
    assert _top(k, hint) == before  # the message went; the hint over it stayed where it was
    k.tap("form.ok")  # the one field: on to the answer without another "next"
    k.wait_step(Step.RESULT)
    assert k.text_of("case_status:C9000002") == say(k, "status.in_progress")


def test_with_a_card_the_reference_stays_optional(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.wait_step(Step.IDENTIFY)
    k.terminal.card_reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    k.tap("service:query.progress")
    k.wait_step(Step.FORM)
    assert not _field(k, "reference").required


def test_elder_typed_text_keeps_one_size_while_candidates_show(kiosk_ui):
    k = kiosk_ui
    _elder_repair(k, (1366, 768))
    k.open_field("detail")
    typed = _label(k, "keyboard_typed")
    for syllables in ("dianti", "huaile", "tingzai"):
        k.type_keys(syllables)
        k.tap("candidate:0")
    size = typed.fontInfo().pixelSize()
    k.type_keys("erlou")  # a composition with its candidates beside the text
    k.wait(lambda: bool(k.window.current_screen().editor.keyboard.candidates()))
    assert typed.fontInfo().pixelSize() == size
    k.tap("candidate:0")
    assert typed.fontInfo().pixelSize() == size
    assert size >= k.terminal.window.theme.title_px  # the elder title size, not the body size


def test_ok_on_an_empty_required_field_keeps_its_editor_and_says_it_must_be_filled(kiosk_ui):
    """Walk 6, L9: portrait elder, 确定 on an empty 具体位置（必填） went on to 问题描述 without a word.
    The editor stays with the words "next" on the list would bring it back with; the way back to
    the list stays, for a resident who fills it in later."""
    k = kiosk_ui
    _elder_repair(k, (1080, 1920), card=True)
    k.open_field("location")
    k.tap("form.ok")
    k.wait(lambda: k.text_of("error:location") == say(k, "field.required"))
    assert _editing(k) == "location"
    k.tap("form.keep")  # later, then: the list, the field still to fill
    k.wait(lambda: _editing(k) is None)
    assert not _field(k, "location").has_value


def _press(k: KioskDriver, name: str, *, after_s: float, double_click: bool = False) -> QPoint:
    """A tap on button `name`'s centre given to the window as the display gives it, `after_s` after
    the finger's last on the guard's clock (`double_click`: Qt's press, release, press, double
    click, release, as a fast second press on the same spot comes). Returns the point tapped."""
    b = k.button(name)
    scroll_into_view(b)
    point = b.mapTo(k.window, b.rect().center())
    _press_at(k, point, after_s=after_s, double_click=double_click)
    return point


def _press_at(k: KioskDriver, point: QPoint, *, after_s: float, double_click: bool = False) -> None:
    k.finger.advance(after_s)
    click = QTest.mouseDClick if double_click else QTest.mouseClick
    click(k.window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QApplication.processEvents()


def test_a_fast_double_tap_is_one_tap_across_a_screen_change_and_never_on_the_keys(kiosk_ui, monkeypatch):
    """Walk 5, M8, at the walk's 1280x800: the second tap of a fast double tap on 公共区域报修
    opened the form's first field, and the resident never saw the offer of the details on file; on
    a field's row it picked the choice the editor put under the finger. A tap elsewhere, a tap a
    second later, and keys typed fast ("ll", "00") all go through."""
    k = kiosk_ui
    k.window.resize(1280, 800)
    _put_profile(k)
    k.tap("attract.start")
    k.wait_step(Step.IDENTIFY)
    k.terminal.card_reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    # the hub's answer with the details on file comes after the second tap, as in the walk: the
    # form's first row is under the finger then (the offer, once there, stands over the rows)
    answer, ask = threading.Event(), k.session._actions.profile  # noqa: SLF001
    monkeypatch.setattr(k.session._actions, "profile", lambda who: answer.wait(30) and ask(who))  # noqa: SLF001
    tile = _press(k, "service:repair.public_area", after_s=1.0)
    k.wait_step(Step.FORM)
    assert not k.view.profile_offer
    _press_at(k, tile, after_s=0.1)
    answer.set()
    k.wait(lambda: bool(k.view.profile_offer))
    assert _editing(k) is None, "the second tap opened a field's editor: the offer is not in view"
    assert k.has_button("prefill.use")  # the offer a single tap shows
    # another button 0.1 s after the screen changed: a deliberate tap, it goes through
    offer = k.button("prefill.own")
    assert (offer.mapTo(k.window, offer.rect().center()) - tile).manhattanLength() > 2 * FINGER_PX
    _press(k, "prefill.own", after_s=0.1)
    k.wait(lambda: not k.view.profile_offer)
    # the same spot a second later is a deliberate tap too: the row now under it opens
    _press_at(k, tile, after_s=1.0)
    k.wait(lambda: _editing(k) is not None)
    k.tap("form.keep")
    k.wait(lambda: _editing(k) is None)
    # a field's row tapped twice: its editor opens, and nothing is chosen under the second press
    _press(k, "field:category", after_s=1.0)
    k.wait(lambda: _editing(k) == "category")
    row = k.window.double_tap._changed  # noqa: SLF001 (where the screen changed: the row's tap)
    assert row is not None
    _press_at(k, QPoint(int(row[1]), int(row[2])), after_s=0.1)
    assert _editing(k) == "category" and not _field(k, "category").has_value
    k.tap("form.keep")
    # keys typed fast change no screen: none is dropped, as single taps or as Qt's double click
    k.open_field("detail")
    _press(k, "key:l", after_s=1.0)
    _press(k, "key:l", after_s=0.05)
    assert k.text_of("keyboard_typed").count("l") == 2
    _press(k, "key:l", after_s=1.0, double_click=True)  # one press after another, as Qt makes it
    assert k.text_of("keyboard_typed").count("l") == 4
    k.tap("form.keep")
    k.open_field("phone")
    _press(k, "key:0", after_s=1.0)
    _press(k, "key:0", after_s=0.05)
    assert k.text_of("digits_text") == "00"


def test_a_fast_double_tap_on_ok_opens_the_next_field_and_on_next_shows_the_review(kiosk_ui):
    """Walk 6, at 1280x800: H1, a double tap on 下一步 sent the report, as 确认提交 stands where 下一步
    was, and the review never showed; M1, a double tap on 确定 tapped what the next field's editor
    had in its place (then 返回列表) and threw the resident back to the list; now 确定 stands there,
    and a second press refuses the empty field. The form is filled by the walk's steps
    (tests/fixtures/walking.py, `fill_repair_form`), the second press between two fields."""
    k = kiosk_ui
    k.window.resize(1280, 800)
    to_form(k)

    def second_press(field: str) -> None:
        if field != "location":
            return
        k.wait(lambda: _editing(k) == "detail")  # 确定 goes on to the next field left empty
        k.tap_again(0.1)
        # the next field's 确定 stands where this one's was: tapped, it says the field is empty
        refused = any(w.isVisible() for w in k.window.findChildren(QLabel, "error:detail"))
        assert _editing(k) == "detail" and not refused, "the second press tapped the next field's editor"

    fill_repair_form(k, after_field=second_press)
    k.wait(lambda: _editing(k) is None)
    k.tap("nav.next")
    k.wait_step(Step.REVIEW)
    k.tap_again(0.1)
    assert k.view.step is Step.REVIEW and k.view.outcome is None, "the second press submitted"
    stats = k.terminal.outbox.stats()
    assert stats.depth == stats.in_flight == stats.acked == 0, "a case went to the outbox"


def test_the_next_text_field_opens_on_the_layer_the_last_was_taken_on(kiosk_ui):
    """Walk 8, F4: an elder who wrote the place by hand was given the pinyin keys again in the
    description. The next free-text field of the form opens on the layer the last one's OK was
    tapped on; a new form starts on pinyin again."""
    k = kiosk_ui
    _elder_repair(k, (1280, 800))
    k.open_field("location")
    keyboard = k.window.current_screen().editor.keyboard
    assert keyboard.mode == "pinyin"
    k.tap("key:handwriting")
    k.wait(lambda: k.window.current_screen().editor.keyboard.mode == "handwriting")
    k.window.current_screen().editor.keyboard.insert_text("八栋电梯间")  # as the pad's candidates put it
    k.tap("form.ok")
    k.wait(lambda: _field(k, "location").has_value)
    k.open_field("detail")
    k.wait(lambda: k.window.current_screen().editor is not None)
    assert k.window.current_screen().editor.keyboard.mode == "handwriting"
    assert k.has_button("key:pinyin")  # the pad's way back to the letters, on show
    # the same service opened again is a new form: pinyin first, as for anyone
    k.tap("form.keep")
    k.wait(lambda: _editing(k) is None)
    k.tap("nav.cancel")
    k.wait(lambda: k.view.step is Step.ATTRACT or k.view.step is not Step.FORM)
    _to_repair(k)
    k.open_field("location")
    assert k.window.current_screen().editor.keyboard.mode == "pinyin"


def test_retyping_a_refused_phone_number_brings_the_fields_hint_back_in_the_messages_line(kiosk_ui):
    """Walk 14: on a short display the message takes the hint's line over the pad; at the next key
    the message went and the line stood empty, the hint gone with it."""
    k = kiosk_ui
    k.window.resize(1280, 800)
    k.session.set_language("en")
    to_form(k)
    k.open_field("phone")
    k.type_keys("12312345678")
    k.tap("form.ok")
    k.wait(lambda: _field(k, "phone").error_key == "field.bad_phone")
    error = _label(k, "error:phone")
    keys = {b.objectName(): b.mapTo(k.window, b.rect().topLeft()) for b in k.window.findChildren(QPushButton) if b.objectName().startswith("key:")}
    k.tap("key:backspace")
    hint = _field(k, "phone").hint
    assert hint and error.isVisible() and error.text() == hint
    assert error.property("role") == "muted"
    moved = {n: p for n, p in keys.items() if k.button(n).mapTo(k.window, k.button(n).rect().topLeft()) != p}
    assert moved == {}, "a key moved when the hint came back"
