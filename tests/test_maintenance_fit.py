"""The maintenance screens fit the displays the terminal runs on without scrolling (walktech
finding 2: the Enrol panel was 12 px taller than 1280x800, its last buttons cut by the bottom bar),
Enrol comes after the code it submits, and a wrong code is cleared in one tap."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from kiosk.session_view import Mode
from scripts.render_screens import LANGUAGES, SCENES, open_scene

SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
NAMES = [name for name, _scene in SCENES]
MAINTENANCE = [name for name in NAMES if name.startswith("maintenance")]


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _at(widget, window) -> QPoint:
    return widget.mapTo(window, QPoint(0, 0))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_maintenance_screen_fits_without_scrolling(qapp, tmp_path, words, size):
    over: list[str] = []
    for language in LANGUAGES:
        for name in MAINTENANCE:
            shown = open_scene(
                NAMES.index(name), size, language, Mode.STANDARD, tmp_path / f"{language}-{name}", words
            )
            try:
                area = shown.window.maintenance_area
                extra = shown.window.maintenance.height() - area.viewport().height()
                if extra > 0:
                    over.append(f"{name} {language}: {extra} px taller than the display's room")
            finally:
                shown.close()
    assert not over, "\n".join(over)


@pytest.mark.parametrize("size", [(1280, 800), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_enrol_comes_after_the_code_and_clear_empties_it(qapp, tmp_path, words, size):
    shown = open_scene(NAMES.index("maintenance-enrol"), size, "zh", Mode.STANDARD, tmp_path, words)
    try:
        window = shown.window
        typed = window.findChild(QLabel, "keyboard_typed")
        submit = window.findChild(QPushButton, "enrol.submit")
        assert typed is not None and submit is not None
        t, s = _at(typed, window), _at(submit, window)
        # right of the typed code (landscape) or under it (portrait): read after what it submits
        assert s.x() >= t.x() + typed.width() or s.y() >= t.y() + typed.height(), (t, s)
        form = window.maintenance._enrol_form
        assert form.code == "7KQ2M-XW4PD"
        clear = window.findChild(QPushButton, "enrol.clear")
        QTest.mouseClick(clear, Qt.MouseButton.LeftButton)
        assert form.code == ""
        assert window.findChild(QLabel, "keyboard_typed").text().strip("▏ ") == ""
    finally:
        shown.close()


def test_a_wrong_pin_moves_no_key_and_says_how_many_tries_are_left(qtbot, tmp_path):
    """walktech finding 28: the message was inserted above the pad, every key moved 60 px down."""

    from tests.fixtures.session_kit import TECHNICIAN, make_kit
    from ui.i18n import Words
    from ui.technician_pin import hash_pin
    from ui.window import KioskWindow

    kit = make_kit(tmp_path)
    words = Words()
    window = KioskWindow(kit.session, words, speech=False, technician_pin_hash=hash_pin("246810", iterations=1000))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.allow_close()
    kit.session.card_inserted(TECHNICIAN)

    def places() -> dict[str, QPoint]:
        QApplication.processEvents()
        return {
            b.objectName(): _at(b, window)
            for b in window.findChildren(QPushButton)
            if b.isVisible() and (b.objectName().startswith("key:") or b.objectName() == "maintenance.pin_ok")
        }

    def tap(name: str) -> None:
        QApplication.processEvents()
        found = [b for b in window.findChildren(QPushButton, name) if b.isVisible()][0]
        qtbot.mouseClick(found, Qt.MouseButton.LeftButton)

    before = places()
    assert "maintenance.pin_ok" in before
    for digit in "135790":
        tap(f"key:{digit}")
    tap("maintenance.pin_ok")
    QApplication.processEvents()
    shown = [w.text() for w in window.findChildren(QLabel, "pin_error_text") if w.isVisible()]
    assert shown == [words.text("zh", "maintenance.pin_wrong", left=4, minutes=5)] and "4" in shown[0]
    # when it locks, exactly (walk 6, L6: "再错就锁定" read as "one more wrong and it locks")
    assert "再错 4 次将锁定 5 分钟" in shown[0]
    assert "4 more wrong" in words.text("en", "maintenance.pin_wrong", left=4, minutes=5)
    assert places() == before
    # OK where the resident's number pad has it: in the bottom bar at its right end, under 删除
    # (walk 6, L6: in the pad's bottom-left corner it was the reverse of the resident's pad)
    ok, delete = before["maintenance.pin_ok"], before["key:backspace"]
    found = [b for b in window.findChildren(QPushButton, "maintenance.pin_ok") if b.isVisible()][0]
    assert window.bottom_bar.isAncestorOf(found)
    assert ok.y() > delete.y() and ok.x() + found.width() >= delete.x()


@pytest.mark.parametrize("size", [(1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_paused_line_says_the_reason_picked_on_one_line(qapp, tmp_path, words, size):
    """Walk 6, L6: "本机现在：暂停服务（居民看到“请到人工窗口”）" did not say why (设备维护 picked)."""
    for language in LANGUAGES:
        shown = open_scene(NAMES.index("maintenance-reasons"), size, language, Mode.STANDARD, tmp_path / language, words)
        try:
            window = shown.window
            pick = window.findChild(QPushButton, "maintenance.reason.internal")
            QTest.mouseClick(pick, Qt.MouseButton.LeftButton)
            for _ in range(5):
                QApplication.processEvents()
            state = [w for w in window.findChildren(QLabel, "maintenance.service_state") if w.isVisible()]
            assert len(state) == 1 and words.text(language, "maintenance.reason.internal") in state[0].text()
            line = state[0]
            assert line.fontMetrics().horizontalAdvance(line.text()) <= line.width(), f"{language}: cut"
            assert _at(line, window).x() + line.width() <= window.width()
        finally:
            shown.close()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_devices_states_stay_in_view_while_a_reason_is_picked(qapp, tmp_path, words, size):
    """Walk 10, L6: the reasons took the figures' place, and with them the devices' states, the
    very thing a technician picks 设备故障 or 设备维护 by."""
    for language in LANGUAGES:
        shown = open_scene(NAMES.index("maintenance-reasons"), size, language, Mode.STANDARD, tmp_path / language, words)
        try:
            window = shown.window
            QApplication.processEvents()
            lines = {
                w.objectName(): w for w in window.findChildren(QLabel) if w.objectName().startswith("maintenance.reason_device.")
            }
            assert set(lines) == {"maintenance.reason_device.card_reader", "maintenance.reason_device.printer"}
            printer = lines["maintenance.reason_device.printer"]
            assert words.text(language, "maintenance.device.printer") in printer.text()
            for line in lines.values():
                top = _at(line, window).y()
                assert line.isVisible() and 0 <= top and top + line.height() <= window.height(), f"{language}"
        finally:
            shown.close()


def _button_places(window) -> dict[str, QPoint]:

    QApplication.processEvents()
    return {
        b.objectName(): (_at(b, window), b.size())
        for b in window.findChildren(QPushButton)
        if b.isVisible() and b.objectName().startswith("maintenance.")
    }


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_diagnostics_and_the_reasons_move_no_action_button(qapp, tmp_path, words, size):
    """Found walking portrait 1080x1920: the diagnostics, taller than the figures stacked above the
    actions, moved every action button ~100 px down the moment they opened."""
    places = {}
    for name in ("maintenance", "maintenance-diagnostics", "maintenance-reasons"):
        shown = open_scene(NAMES.index(name), size, "zh", Mode.STANDARD, tmp_path / name, words)
        try:
            places[name] = _button_places(shown.window)
        finally:
            shown.close()
    figures, diagnostics = places["maintenance"], places["maintenance-diagnostics"]
    assert diagnostics.pop("maintenance.figures") == figures.pop("maintenance.diagnostics")
    assert diagnostics == figures
    asking = {n: p for n, p in places["maintenance-reasons"].items() if not n.startswith("maintenance.reason")}
    asking.pop("maintenance.diagnostics")
    assert asking.pop("maintenance.out")[1] == figures["maintenance.out"][1]  # disabled while asking, in place
    assert asking == {n: p for n, p in figures.items() if n != "maintenance.out"}


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_terminals_state_comes_right_under_the_title(qapp, tmp_path, words, size):
    """Final review, finding 7: an empty outcome panel made a ~120 px band between the title and
    本机现在：正常服务; the outcome has its room under the actions."""
    for language in LANGUAGES:
        shown = open_scene(NAMES.index("maintenance"), size, language, Mode.STANDARD, tmp_path / language, words)
        try:
            window = shown.window
            panel = window.maintenance
            title = next(lab for lab in panel.findChildren(QLabel) if lab.text() == panel.t("maintenance.title"))
            state = panel.findChild(QLabel, "maintenance.service_state")
            gap = _at(state, window).y() - (_at(title, window).y() + title.height())
            assert gap < 40, f"{language}: {gap} px between the title and the terminal's state"
            outcome = panel.findChild(QWidget, "maintenance.outcome")
            sync = panel.findChild(QPushButton, "maintenance.sync")
            assert _at(outcome, window).y() > _at(sync, window).y(), "the outcome is not under the actions"
        finally:
            shown.close()


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_enrol_panel_breaks_the_address_between_its_parts_and_quits_away_from_the_keys(
    qapp, tmp_path, words, size
):
    """Final review, finding 18: "https:// / hub.district-services. / example.cn:8443" broken inside
    the host's name, and 退出终端程序 right under the keys, where a missed key landed on it."""
    from PySide6.QtGui import QTextLayout

    for language in LANGUAGES:
        shown = open_scene(NAMES.index("maintenance-enrol"), size, language, Mode.STANDARD, tmp_path / language, words)
        try:
            window = shown.window
            url = window.findChild(QLabel, "enrol.url")
            text = url.text()
            layout = QTextLayout(text, url.font())
            layout.beginLayout()
            lines = []
            while (line := layout.createLine()).isValid():
                line.setLineWidth(url.contentsRect().width())
                lines.append(text[line.textStart() : line.textStart() + line.textLength()].replace("\u2060", ""))
            layout.endLayout()
            for this, after in zip(lines, lines[1:], strict=False):  # broken between whole parts only
                this, after = this.replace("\u200b", ""), after.replace("\u200b", "")
                whole = this.endswith(("://", ".")) or after.startswith(":")
                assert whole, f"{language}: the address broken inside a name: {lines}"
            keyboard = window.findChild(QWidget, "keyboard")
            quit_button = window.findChild(QPushButton, "maintenance.exit")
            keys = QRect(_at(keyboard, window), keyboard.size())
            away = QRect(_at(quit_button, window), quit_button.size())
            assert away.left() > keys.right(), f"{language}: quitting is under the keys"
        finally:
            shown.close()
