"""What every screen has: language switch, elder mode in one tap, help / staffed window, a way back,
an accessible name on every control; and no way out to the desktop."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.session_view import Mode, Step
from tests.fixtures.kiosk_ui import KioskDriver, scroll_into_view
from ui.theme import ELDER


def walk_to_every_screen(k: KioskDriver):
    """Yields at attract, identify, choose, form (list and editor), review, receipt."""
    yield "attract"
    k.tap("attract.start")
    k.wait_step(Step.IDENTIFY)
    yield "identify"
    k.tap("identify.without_card")
    k.wait_step(Step.CHOOSE)
    yield "choose"
    k.tap("service:repair.public_area")
    k.wait_step(Step.FORM)
    yield "form"
    k.open_field("location")
    yield "editor"
    k.type_keys("louti")
    k.tap("candidate:0")
    k.tap("form.ok")
    k.open_field("detail")
    k.type_keys("diandenghuaile")  # 电灯坏了: the engine's whole phrase
    k.tap("candidate:0")
    k.tap("form.ok")
    assert k.view.fields[2].display == "电灯坏了"
    for field, choice in (("category", "lift"), ("urgency", k.view.fields[3].choices[0].value)):
        k.open_field(field)
        k.tap(f"choice:{field}:{choice}")
    k.open_field("phone")
    k.type_keys("13800138000")
    k.tap("form.ok")
    k.tap("nav.next")
    k.wait_step(Step.REVIEW)
    yield "review"
    k.tap("nav.submit")
    k.wait_step(Step.RECEIPT)
    yield "receipt"


def unnamed_controls(k: KioskDriver) -> list[str]:
    QApplication.processEvents()
    return [
        b.objectName() or b.text()
        for b in k.window.findChildren(QAbstractButton)
        if b.isVisible() and not b.accessibleName().strip()
    ]


def test_every_screen_has_language_elder_help_and_named_controls(kiosk_ui):
    k = kiosk_ui
    seen = []
    for where in walk_to_every_screen(k):
        seen.append(where)
        for name in ("bar.language", "bar.mode", "bar.help"):
            assert k.has_button(name), f"{name} missing on {where}"
        if k.view.step in (Step.IDENTIFY, Step.CHOOSE, Step.FORM):
            # an open editor's way back is to its list (form.keep), the flow's elsewhere (walk 5, L12)
            back = "form.keep" if getattr(k.window.current_screen(), "editing", None) else "nav.back"
            assert k.has_button(back), f"no way back on {where}"
        assert unnamed_controls(k) == [], where
        small = [
            b.objectName()
            for b in k.window.findChildren(QAbstractButton)
            if b.isVisible() and (b.width() < 60 or b.height() < 60)
        ]
        assert small == [], f"targets under 60x60 on {where}"
        assert QApplication.topLevelWidgets()  # and no pop-up window appeared:
        assert [w for w in QApplication.topLevelWidgets() if w.isVisible()] == [k.window], where
    assert seen[-1] == "receipt"


def test_language_switch_translates_the_screen_and_keeps_the_form(kiosk_ui):
    k = kiosk_ui
    walk = walk_to_every_screen(k)
    for where in walk:
        if where == "form":
            break
    k.open_field("category")
    k.tap("choice:category:lift")
    k.tap("form.keep")  # the next field opened by itself: back to the list
    assert k.text_of("title") == "公共区域报修"
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    assert k.text_of("title") == "Report a repair in a public area"
    assert k.button("bar.language").text() == "中文"
    assert k.view.fields[0].value == "lift"
    assert k.view.fields[0].display == "Lift"


def test_elder_mode_is_one_tap_from_every_screen_with_ticket_in_view(kiosk_ui):
    k = kiosk_ui
    for where in walk_to_every_screen(k):
        k.tap("bar.mode")
        k.wait(lambda: k.view.mode is Mode.ELDER)
        assert k.has_button("bar.ticket") and k.has_button("bar.help"), where
        assert k.button("bar.help").height() >= ELDER.target_px
        k.tap("bar.mode")
        k.wait(lambda: k.view.mode is Mode.STANDARD)


def test_elder_mode_shows_fewer_services_per_page(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.wait_step(Step.CHOOSE)
    standard = len(k.view.services)
    k.tap("bar.mode")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    # fewer and larger: as many as fit (ui/screens/choose.py page_of_tiles), never under the
    # elder theme's page, fewer than standard mode's
    assert ELDER.items_per_page <= len(k.view.services) < standard
    assert k.has_button("page.next")


def test_escape_and_close_do_not_leave_the_kiosk(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.wait_step(Step.IDENTIFY)
    QApplication.sendEvent(
        k.window, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    )
    assert k.view.step is Step.IDENTIFY
    k.window.close()  # what Alt+F4 or the window manager asks
    assert k.window.isVisible()


def test_technician_card_opens_maintenance_which_can_take_the_terminal_out_of_service(kiosk_ui):
    k = kiosk_ui
    k.terminal.card_reader.insert("technician")
    k.wait(lambda: k.view.technician_card)
    k.tap("maintenance.out")
    k.tap("maintenance.reason.internal")  # why: one tap, what residents then read
    k.wait_step(Step.OUT_OF_SERVICE)
    k.terminal.card_reader.remove()
    k.wait(lambda: not k.view.technician_card)
    assert "维护" in k.text_of("title") or "暂停服务" in k.text_of("title")


def test_maintenance_asks_for_the_technician_pin_when_one_is_set(qtbot, tmp_path):
    from tests.fixtures.session_kit import TECHNICIAN, make_kit
    from ui.i18n import Words
    from ui.technician_pin import hash_pin, pin_matches
    from ui.window import KioskWindow

    stored = hash_pin("246810", iterations=1000)
    assert pin_matches("246810", stored) and not pin_matches("135790", stored)
    assert not pin_matches("246810", "garbage")
    kit = make_kit(tmp_path)
    window = KioskWindow(kit.session, Words(), speech=False, technician_pin_hash=stored)
    qtbot.addWidget(window)
    window.show()
    window.allow_close()

    def tap(name):
        QApplication.processEvents()
        found = [b for b in window.findChildren(QAbstractButton, name) if b.isVisible()][0]
        scroll_into_view(found)
        qtbot.mouseClick(found, Qt.MouseButton.LeftButton)

    def visible(name):
        QApplication.processEvents()
        return any(b.isVisible() for b in window.findChildren(QAbstractButton, name))

    kit.session.card_inserted(TECHNICIAN)
    assert visible("maintenance.pin_ok") and not visible("maintenance.exit")
    for digit in "135790":
        tap(f"key:{digit}")
    tap("maintenance.pin_ok")
    assert not visible("maintenance.exit")  # wrong PIN
    for digit in "246810":
        tap(f"key:{digit}")
    tap("maintenance.pin_ok")
    assert visible("maintenance.exit")
    kit.session.card_removed()
    kit.session.card_inserted(TECHNICIAN)
    assert not visible("maintenance.exit")  # a new insertion asks again


def test_touch_buttons_take_no_keyboard_focus_so_a_scanners_enter_taps_nothing(kiosk_ui):
    k = kiosk_ui
    for where in walk_to_every_screen(k):
        if where == "editor":
            break
    QApplication.processEvents()
    focused = [b.objectName() for b in k.window.findChildren(QAbstractButton) if b.isVisible() and b.hasFocus()]
    assert focused == [], "a touch button holds the keyboard focus"
    target = QApplication.focusWidget() or k.window
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier))
        QApplication.processEvents()
    assert k.view.language == "zh"
    assert k.view.step is Step.FORM
    assert all(
        b.focusPolicy() == Qt.FocusPolicy.NoFocus for b in k.window.findChildren(QAbstractButton) if b.isVisible()
    )
    assert k.button("bar.language").accessibleName()  # still named for a screen reader
