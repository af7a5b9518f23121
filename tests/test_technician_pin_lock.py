"""Five wrong technician PINs lock the PIN pad for its time (walktech finding 28: the lock lasted only
until the card was taken out and put back in): across reinsertion, across another technician's card
and across a restart, said on screen with the time left in both languages, and audited without a
PIN value."""

from __future__ import annotations

import dataclasses
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QPushButton

from kiosk.audit import AuditLog
from kiosk.technician_lockout import LOCK_S, MAX_TRIES, PinLockout

PIN, WRONG = "246810", "135790"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_lock_is_kept_in_its_file_and_a_clock_set_back_cannot_lengthen_it(tmp_path):
    clock, path = Clock(), tmp_path / "lockout.json"
    lockout = PinLockout(path, clock=clock)
    for _ in range(MAX_TRIES - 1):
        assert lockout.wrong() is False
    assert lockout.tries_left() == 1
    assert lockout.wrong() is True
    assert lockout.locked_for() == LOCK_S
    assert PIN not in path.read_text() and WRONG not in path.read_text()  # counts and times only
    restarted = PinLockout(path, clock=clock)  # the program started again: still locked
    clock.now += 60
    assert restarted.locked_for() == LOCK_S - 60
    assert restarted.wrong() is False and restarted.locked_for() == LOCK_S - 60  # no try while locked
    clock.now -= 86_400  # the clock set a day back: the lock still ends within its time
    assert restarted.locked_for() == LOCK_S
    clock.now += LOCK_S
    assert restarted.locked_for() == 0 and restarted.tries_left() == MAX_TRIES
    assert json.loads(path.read_text())["tries"] == 0


def test_a_damaged_lockout_file_locks_rather_than_gives_tries(tmp_path):
    path = tmp_path / "lockout.json"
    path.write_text("{not json")
    assert PinLockout(path, clock=Clock()).locked_for() == LOCK_S


def test_the_right_pin_starts_the_count_again(tmp_path):
    lockout = PinLockout(None, clock=Clock())
    lockout.wrong()
    lockout.wrong()
    lockout.right()
    assert lockout.tries_left() == MAX_TRIES


@pytest.fixture
def pin_screen(qtbot, tmp_path):
    from tests.fixtures.session_kit import make_kit
    from ui.i18n import Words
    from ui.technician_pin import hash_pin
    from ui.window import KioskWindow

    kit = make_kit(tmp_path)
    words = Words()
    window = KioskWindow(kit.session, words, speech=False, technician_pin_hash=hash_pin(PIN, iterations=1000))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.allow_close()
    clock = Clock()
    window.maintenance.pin_lockout = PinLockout(tmp_path / "lockout.json", clock=clock)
    audit = AuditLog.open(tmp_path / "audit.sqlite")
    window.maintenance._audit = audit.append
    yield kit, window, words, clock, audit
    audit.close()


def _visible(window, name: str) -> list[QPushButton]:
    QApplication.processEvents()
    return [b for b in window.findChildren(QPushButton, name) if b.isVisible()]


def _type(qtbot, window, pin: str) -> None:
    for digit in pin:
        qtbot.mouseClick(_visible(window, f"key:{digit}")[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_visible(window, "maintenance.pin_ok")[0], Qt.MouseButton.LeftButton)
    QApplication.processEvents()


def _message(window) -> str:
    QApplication.processEvents()
    shown = [w.text() for w in window.findChildren(QLabel, "pin_error_text") if w.isVisible()]
    assert len(shown) == 1
    return shown[0]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_five_wrong_pins_lock_the_pad_across_reinsertion_and_other_cards(qtbot, pin_screen, language):
    from tests.fixtures.session_kit import TECHNICIAN

    kit, window, words, clock, audit = pin_screen
    other = dataclasses.replace(TECHNICIAN, name="王工", card_number="9999000033334444")
    if language == "en":
        kit.session.set_language("en")
    kit.session.card_inserted(TECHNICIAN)
    for tries in range(MAX_TRIES):
        _type(qtbot, window, WRONG)
        if tries < MAX_TRIES - 1:
            assert _message(window) == words.text(language, "maintenance.pin_wrong", left=MAX_TRIES - tries - 1, minutes=5)
    assert not _visible(window, "maintenance.pin_ok") and not _visible(window, "key:1")
    locked = _message(window)
    assert "5" in locked and ("5:00" in locked or "5 分 00 秒" in locked), locked  # the time left, said

    # out and in again, and another technician's card: still locked, the time counting down
    for card, waited in ((TECHNICIAN, 30), (other, 90)):
        kit.session.card_removed()
        QApplication.processEvents()
        clock.now += waited
        kit.session.card_inserted(card)
        if language == "en":  # a new card starts in the terminal's language: the technician switches
            kit.session.set_language("en")
        assert not _visible(window, "maintenance.pin_ok")
        assert not _visible(window, "maintenance.exit")
    left = LOCK_S - 120
    expected = words.text(language, "maintenance.pin_time_left", minutes=left // 60, seconds=f"{left % 60:02d}")
    assert expected in _message(window)
    clock.now += 1
    qtbot.waitUntil(lambda: expected not in _message(window), timeout=3000)  # counted down in place

    clock.now += LOCK_S  # the lock is over: the pad is back and the right PIN opens maintenance
    qtbot.waitUntil(lambda: bool(_visible(window, "maintenance.pin_ok")), timeout=3000)
    _type(qtbot, window, PIN)
    assert _visible(window, "maintenance.exit")

    entries = [json.loads(e["entry"]) for e in audit.entries_after(0)]
    pins = [e for e in entries if e.get("kind") == "technician" and e.get("action") == "pin"]
    results = [e["result"] for e in pins]
    assert results == ["wrong"] * (MAX_TRIES - 1) + ["locked", "still_locked", "still_locked", "ok"]
    assert pins[MAX_TRIES - 1]["count"] == LOCK_S
    text = json.dumps(audit.entries_after(0), ensure_ascii=False)
    assert PIN not in text and WRONG not in text  # no PIN value in the audit
    assert audit.verify().ok


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_next_try_takes_the_wrong_pins_red_away_and_keeps_the_tries_left(qtbot, pin_screen, language):
    """Walk 13: "wrong PIN" stayed in red over the right PIN as it was typed."""
    from tests.fixtures.session_kit import TECHNICIAN

    kit, window, words, _clock, _audit = pin_screen
    if language == "en":
        kit.session.set_language("en")
    kit.session.card_inserted(TECHNICIAN)
    _type(qtbot, window, WRONG)
    panel = [f for f in window.findChildren(QFrame, "pin_error") if f.isVisible()][0]
    assert panel.property("role") == "error"
    text = [w for w in window.findChildren(QLabel, "pin_error_text") if w.isVisible()][0]
    red = _colour(text)
    place = panel.mapTo(window, panel.rect().topLeft())
    qtbot.mouseClick(_visible(window, "key:2")[0], Qt.MouseButton.LeftButton)
    assert _message(window) == words.text(language, "maintenance.pin_again", left=MAX_TRIES - 1, minutes=5)
    assert panel.property("role") == "" and panel.mapTo(window, panel.rect().topLeft()) == place
    # and not in the error's colour (walk 14: the words changed, and stayed red)
    assert red == window.maintenance._theme.palette.on_danger.lower() and _colour(text) != red
    for digit in PIN[1:]:
        qtbot.mouseClick(_visible(window, f"key:{digit}")[0], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(_visible(window, "maintenance.pin_ok")[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.maintenance.unlocked)


def _colour(label) -> str:
    """The colour the label's words are drawn in: the darkest shade of its pixels in the window."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor

    window = label.window()
    image = window.grab(QRect(label.mapTo(window, QPoint(0, 0)), label.size())).toImage()
    shades = [QColor(image.pixel(x, y)) for y in range(image.height()) for x in range(0, image.width(), 2)]
    darkest = min(shades, key=lambda c: c.lightness())
    return darkest.name()
