"""The form keeps what a resident is doing and says only what applies (walk findings 4 and 17), on
the real terminal (ui.app.build_terminal, the reference hub, the simulated card reader):

- elder mode or the language switched in the middle of a field keeps the typed text and the
  building picked, and what one resident typed never reaches the next (card out, timeout);
- "keep as it was" only when there is something to keep; a typed phone number in full on the form;
  a field's message once that field was tried; after the last field a skipped one opens; the
  emergency number over the urgency choices, large.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from kiosk.session_view import Mode, Step
from tests.fixtures.kiosk_ui import KioskDriver
from tests.fixtures.walking import say, to_form

WATER = "水"


def _editor(k: KioskDriver):
    screen = k.window.current_screen()
    return getattr(screen, "editor", None)


def _typed(k: KioskDriver) -> str:
    editor = _editor(k)
    return editor.keyboard.draft().text if editor is not None and hasattr(editor, "keyboard") else ""


def _to_repair(k: KioskDriver, *, card: bool = True) -> None:
    to_form(k, card=card)


def _building_with_units(k: KioskDriver) -> int:
    k.wait(lambda: bool(k.view.places))
    return next(i for i, p in enumerate(k.view.places) if p.units)


def _type_water_with_a_building_open(k: KioskDriver) -> str:
    """The location editor: a building tapped (its name in the box, its units offered) and 水
    typed by pinyin after it."""
    k.open_field("location")
    index = _building_with_units(k)
    k.tap(f"place:{index}")
    k.tap("key:s")
    k.tap("key:h")
    k.tap("key:u")
    k.tap("key:i")
    k.wait(lambda: WATER in _editor(k).keyboard.candidates())
    k.tap(f"candidate:{_editor(k).keyboard.candidates().index(WATER)}")
    k.wait(lambda: _typed(k) == k.view.places[index].label + WATER)
    return k.view.places[index].label


def _units_shown_for(k: KioskDriver, building: str) -> bool:
    leads = [w for w in k.window.findChildren(QLabel, "place_lead") if w.isVisible()]
    return bool(leads) and leads[0].text() == building and k.has_button("unit:0")


def _nothing_of(k: KioskDriver, text: str) -> bool:
    shown = [w.text() for w in k.window.findChildren(QLabel) if w.isVisible()]
    shown += [w.text() for w in k.window.findChildren(QPushButton) if w.isVisible()]
    return not any(text in t for t in shown) and _typed(k) == ""


def test_switching_elder_mode_and_language_mid_field_keeps_the_text_and_the_building(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.elder")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    _to_repair(k)
    building = _type_water_with_a_building_open(k)
    assert _units_shown_for(k, building)
    k.tap("bar.mode")  # 长辈模式 -> 标准模式, the walk's finding 4
    k.wait(lambda: k.view.mode is Mode.STANDARD)
    k.wait(lambda: _typed(k) == building + WATER)
    assert k.window.current_screen().editing == "location"
    assert _units_shown_for(k, building)
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    k.wait(lambda: _typed(k) == building + WATER)
    assert _editor(k).keyboard.mode == "latin"  # the new language's own layer, the text kept
    k.tap("form.ok")
    k.wait(lambda: next(f for f in k.view.fields if f.id == "location").value == building + WATER)


def test_a_half_typed_value_never_reaches_the_next_resident_after_the_card_is_taken(kiosk_ui):
    k = kiosk_ui
    _to_repair(k)
    _type_water_with_a_building_open(k)
    k.terminal.card_reader.remove()
    k.wait_step(Step.ATTRACT)
    # the next resident, the same service: the list, not the last one's open field, and nothing
    # of theirs after a mode switch or in the field's editor
    _to_repair(k)
    assert k.window.current_screen().editing is None
    k.tap("bar.mode")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    assert _nothing_of(k, WATER)
    k.open_field("location")
    k.wait(lambda: k.has_button("place:0"))
    assert _nothing_of(k, WATER)
    assert not k.lacks_button("place:0") and k.lacks_button("unit:0")  # the buildings, none open


def test_a_half_typed_value_never_reaches_the_next_resident_after_a_timeout(kiosk_ui):
    k = kiosk_ui
    _to_repair(k, card=False)
    _type_water_with_a_building_open(k)
    config = k.terminal.config.session
    k.clock.advance(config.inactivity_s + 1)
    k.wait(lambda: k.view.warning is not None)
    k.clock.advance(config.warning_s + 1)
    k.wait_step(Step.ATTRACT)
    _to_repair(k, card=False)
    assert k.window.current_screen().editing is None
    k.open_field("location")
    k.wait(lambda: k.has_button("place:0"))
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    assert _nothing_of(k, WATER)


def _ways_back(k: KioskDriver) -> list[QPushButton]:
    names = ("nav.back", "nav.back_to_services", "form.keep", "nav.cancel")
    return [b for b in k.window.findChildren(QPushButton) if b.isVisible() and b.objectName() in names]


def test_an_editor_has_one_way_back_to_its_list_that_keeps_nothing_typed(kiosk_ui):
    """Walk 5, L12: the editor showed 返回 (the flow's back: to the services, the whole form
    wiped) beside 返回列表. One way back now, where "back" always stands (the bottom bar's left):
    to the list without what was typed; OK keeps it. It says back when there is nothing to keep."""
    k = kiosk_ui
    _to_repair(k, card=False)
    list_back = k.button("nav.back").mapTo(k.window, k.button("nav.back").rect().topLeft())
    k.open_field("category")
    ways = _ways_back(k)
    assert [b.objectName() for b in ways] == ["form.keep"], "more than one way back in the editor"
    assert ways[0].text() == say(k, "form.back_to_list")
    assert ways[0].mapTo(k.window, ways[0].rect().topLeft()) == list_back  # where back always is
    k.tap("choice:category:lighting")
    k.wait(lambda: k.view.fields[0].value == "lighting")
    k.open_field("category")
    assert k.button("form.keep").text() == say(k, "form.keep")
    k.tap("form.keep")
    k.open_field("detail")
    k.type_keys("shui")
    k.tap("candidate:0")
    chosen = k.text_of("keyboard_typed").rstrip("▏")
    assert chosen
    assert [b.objectName() for b in _ways_back(k)] == ["form.keep"]
    k.tap("form.keep")
    k.wait(lambda: k.window.current_screen().editing is None)
    assert k.view.step is Step.FORM
    assert [(f.id, f.value) for f in k.view.fields if f.id in ("category", "detail")] == [
        ("category", "lighting"),
        ("detail", ""),
    ]
    # walk 7, N1: what was typed is not the field's value, but it was thrown away without a word;
    # it comes back when the field is opened again, to be kept with OK
    k.open_field("detail")
    assert k.text_of("keyboard_typed").rstrip("▏") == chosen
    k.tap("form.keep")
    k.tap("nav.back")  # from the list, the flow's back: the services again
    k.wait_step(Step.CHOOSE)


def test_a_phone_number_typed_shows_in_full_on_the_form(kiosk_ui):
    k = kiosk_ui
    _to_repair(k, card=False)
    k.open_field("phone")
    k.type_keys("13800138000")
    k.tap("form.ok")
    k.wait(lambda: next(f for f in k.view.fields if f.id == "phone").has_value)
    k.open_field("category")
    k.tap("form.keep")  # back to the list
    row = k.button("field:phone")
    assert "13800138000" in row.accessibleName()
    assert "13800138000" in " ".join(w.text() for w in row.findChildren(QLabel))


def test_a_field_shows_its_message_only_once_it_was_tried(kiosk_ui):
    k = kiosk_ui
    _to_repair(k, card=False)
    k.tap("nav.next")  # an early "next": every required field is missing
    k.wait(lambda: k.window.current_screen().editing == "category")
    assert k.text_of("error:category") == say(k, "field.required")  # sent here: it says why
    k.tap("choice:category:lighting")
    k.wait(lambda: k.window.current_screen().editing == "location")
    assert k.lacks_button("choice:category:lighting")
    assert not [w for w in k.window.findChildren(QLabel, "error:location") if w.isVisible()]
    k.tap("form.ok")  # nothing typed: that is a try, the editor stays and says so (walk 6, L9)
    k.wait(lambda: k.text_of("error:location") == say(k, "field.required"))
    assert k.window.current_screen().editing == "location"
    k.tap("form.keep")  # to fill later; the next field has not been tried
    k.wait(lambda: k.window.current_screen().editing is None)
    k.open_field("detail")
    assert not [w for w in k.window.findChildren(QLabel, "error:detail") if w.isVisible()]
    k.tap("form.keep")  # the list still says what is missing
    k.wait(lambda: k.window.current_screen().editing is None)
    assert k.text_of("error:detail") == say(k, "field.required")


def test_after_the_last_field_a_skipped_required_one_opens(kiosk_ui):
    k = kiosk_ui
    _to_repair(k, card=False)
    k.open_field("urgency")  # category, location and detail skipped
    k.tap("choice:urgency:normal")
    k.wait(lambda: k.window.current_screen().editing == "phone")
    k.type_keys("13800138000")
    k.tap("form.ok")
    # the last field done: the first still empty above opens, not the list
    k.wait(lambda: k.window.current_screen().editing == "category")
    assert k.has_button("choice:category:lighting")


def test_the_emergency_number_stands_over_the_urgency_choices(kiosk_ui):
    k = kiosk_ui
    _to_repair(k, card=False)
    k.open_field("urgency")
    alert = next(w for w in k.window.findChildren(QLabel, "field_alert_text") if w.isVisible())
    # toggles' keep_groups joins the number's groups with word joiners and a no-break space: the
    # same text on the display, kept whole on one line
    shown = alert.text().replace("\u2060", "").replace("\xa0", " ")
    assert "010-6512 3456" in shown
    assert alert.property("role") == "title" and alert.parentWidget().property("role") == "warning"
    body = k.button("choice:urgency:normal")
    assert alert.fontInfo().pixelSize() > body.fontInfo().pixelSize()  # larger than the choices
    # over the choices, not under them
    assert alert.mapTo(k.window, alert.rect().topLeft()).y() < body.mapTo(k.window, body.rect().topLeft()).y()


def _name_in_top_bar(k: KioskDriver) -> bool:
    """The open editor's field name stands in the top bar (with "第 n 项，共 m 项"), not over its keys."""
    QApplication.processEvents()
    shown = [w for w in k.window.findChildren(QLabel, "title") if w.isVisible()]
    assert len(shown) == 1, [w.text() for w in shown]
    in_bar = bool([w for w in k.window.findChildren(QLabel, "field_where") if w.isVisible()])
    top = shown[0].mapTo(k.window, shown[0].rect().topLeft()).y()
    assert in_bar == (top < k.button("bar.language").geometry().bottom()), "the name and its place apart"
    return in_bar


def test_every_editor_has_its_field_name_in_one_place_for_the_display(kiosk_ui):
    """Walk 5, L4: at 1280x800 具体位置 stood in the top bar, 问题描述 and 紧急程度 over their
    keys and choices. A short display puts every text editor's and choice's name in the top bar,
    a tall one over them; a number pad has room and keeps its name over its hint (walk 3)."""
    k = kiosk_ui
    k.window.resize(1280, 800)
    _to_repair(k, card=False)
    fields = ("category", "location", "detail", "urgency")
    for field in fields:
        k.open_field(field)
        assert _name_in_top_bar(k), field
        k.tap("form.keep")
    k.open_field("phone")
    assert not _name_in_top_bar(k)
    k.tap("form.keep")
    k.window.resize(1080, 1920)
    for field in fields:
        k.open_field(field)
        assert not _name_in_top_bar(k), field
        k.tap("form.keep")


def _first_row_on_show(k: KioskDriver, screen):
    """(field, a point in the window) of the first row of the form whose middle is on show."""
    from PySide6.QtCore import QPoint, QRect

    shown = QRect(screen.area.viewport().mapTo(k.window, QPoint(0, 0)), screen.area.viewport().size())
    for field_id, (row, _error) in screen._rows.items():
        middle = row.mapTo(k.window, row.rect().center())
        if shown.contains(middle):
            return field_id, QPoint(shown.center().x(), middle.y())
    raise AssertionError("no row of the form is on show")


def test_a_press_right_after_the_list_comes_back_is_not_moved_away_by_its_scroll(kiosk_ui):
    """Back from a field low on the list, the list scrolls to that field a few turns later (its
    scroll range follows the layout). A finger already down in between must stay on what it
    pressed: the suite's elder walk saw the tap on the first row fall on the space it had left."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    k = kiosk_ui
    k.window.resize(1280, 800)
    k.session.set_mode(Mode.ELDER)
    to_form(k)
    k.open_field("urgency")  # low on the elder list at 1280x800: the way back scrolls to it
    keep = k.button("form.keep")
    handle = k.window.windowHandle()
    QTest.mouseClick(
        handle,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        keep.mapTo(k.window, keep.rect().center()),
    )
    screen = k.window.current_screen()
    assert screen.editing is None
    bar = screen.area.verticalScrollBar()
    at_press = bar.value()
    pressed_on, point = _first_row_on_show(k, screen)
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    k.qtbot.wait(300)  # the list's own scroll would have come by now
    # measured with the finger still down: the release opens that field, and its editor then
    # takes the list's place (and its scroll), sooner or later as the machine's load has it
    assert bar.value() == at_press, (
        f"the list scrolled {bar.value() - at_press} px under a finger already down"
    )
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    k.wait(lambda: screen.editing is not None)
    assert screen.editing == pressed_on, "the tap opened another field than the one pressed"
    k.tap("form.keep")
    # and with no press in between the list still comes back on the field just edited
    k.open_field("urgency")
    k.tap("form.keep")
    k.wait(lambda: screen.area.verticalScrollBar().value() > 0)
