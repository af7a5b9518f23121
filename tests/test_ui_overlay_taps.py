"""A tap on a banner that lies over the screen (the inactivity warning) reaches only the banner: the
control under it must not be pressed, or a wrong answer is recorded (walk finding 2: "I need more
time" over "Normal" closed the warning and chose "Normal").

The taps go to the window as a display sends them (QTest on the QWindow), so Qt picks the widget
under the finger itself, as it does for a real finger."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.session_view import Mode, Step
from tests.fixtures.kiosk_ui import START_WAIT_MS, start_kiosk, stop_kiosk


def _rect_in_window(window, widget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def _controls_under(window, point: QPoint) -> list[QPushButton]:
    """The screen's visible buttons (not the banners') that lie under `point`."""
    return [
        b
        for b in window.findChildren(QPushButton)
        if b.isVisible()
        and not window.in_banner(b)
        and _rect_in_window(window, b).contains(point)
    ]


class _PressSpy(QObject):
    """Records the presses and releases a widget is given (whatever it then makes of them)."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease):
            self.got.append(f"{event.type().name} to {watched.objectName()}")
        return False


def _tap_window_at(window, point: QPoint) -> None:
    handle = window.windowHandle()
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QApplication.processEvents()
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QApplication.processEvents()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER])
def test_a_tap_on_the_warning_does_not_reach_the_choice_under_it(
    qtbot, tmp_path, hub_server, file_keyring, input_engines, mode
):
    k = start_kiosk(qtbot, tmp_path, hub_server, file_keyring, size=(1366, 768), language="en")
    try:
        k.wait_step(Step.ATTRACT, timeout=START_WAIT_MS)
        if mode is Mode.ELDER:
            k.tap("bar.mode")
            k.wait(lambda: k.view.mode is Mode.ELDER)
        k.tap("attract.start")
        k.tap("identify.without_card")
        k.tap("service:repair.public_area")
        k.wait_step(Step.FORM)
        # the description's keys: 确定 lies under the warning's button (the walk's choices are
        # over the bar now that the editor's way back stands at its left, walk 5 L12; 确定 would
        # take the value typed, a wrong answer as much as a choice)
        k.open_field("detail")
        k.type_keys("lamp")  # English: the letters as typed
        assert k.has_button("form.ok")
        config = k.terminal.config.session
        idle = config.elder_inactivity_s if mode is Mode.ELDER else config.inactivity_s
        k.clock.advance(idle + 1)
        k.wait(lambda: k.view.warning is not None)
        extend = k.button("warning.extend")
        k.wait(lambda: k.window.warning_layer.isVisible())
        QApplication.processEvents()
        # every point of the warning's button with a choice under it (the walk's "Normal")
        def covered() -> list[QPoint]:
            rect = _rect_in_window(k.window, extend)
            return [
                QPoint(x, y)
                for x in range(rect.left() + 4, rect.right() - 3, 8)
                for y in range(rect.top() + 4, rect.bottom() - 3, 8)
                if _controls_under(k.window, QPoint(x, y))
            ]

        # under load the editor's keys may still be laid out when the warning shows (one loaded
        # run found none under it): wait for the layout, then it must cover one
        deadline = time.monotonic() + 5.0
        while not (points := covered()) and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.02)
        assert points, "the warning's button covers no control at this size: the test shows nothing"
        point = points[len(points) // 2]
        under = _controls_under(k.window, point)
        spy = _PressSpy()
        for b in under:
            b.installEventFilter(spy)
        values = [f.value for f in k.view.fields]
        _tap_window_at(k.window, point)
        k.wait(lambda: k.view.warning is None)
        assert spy.got == [], f"the tap on the warning reached the control under it: {spy.got}"
        assert [f.value for f in k.view.fields] == values
        assert k.view.step is Step.FORM and k.window.current_screen().editing == "detail"
        # the next tap, with no warning, reaches the screen as usual
        k.tap("form.ok")
        k.wait(lambda: any(f.id == "detail" and f.value for f in k.view.fields))
    finally:
        stop_kiosk(k)


def test_a_tap_anywhere_while_the_warning_shows_only_dismisses_it(kiosk_ui):
    """The warning has appeared under a finger on its way to a choice: that tap dismisses the warning
    and nothing else, the next one chooses."""
    k = kiosk_ui
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:repair.public_area")
    k.open_field("category")
    k.clock.advance(k.terminal.config.session.inactivity_s + 1)
    k.wait(lambda: k.view.warning is not None)
    choice = k.button("choice:category:other")
    point = _rect_in_window(k.window, choice).center()
    assert not _rect_in_window(k.window, k.window.warning_layer).contains(point)
    _tap_window_at(k.window, point)
    k.wait(lambda: k.view.warning is None)
    assert all(f.value in (None, "") for f in k.view.fields if f.id == "category")
    _tap_window_at(k.window, point)
    k.wait(lambda: any(f.value == "other" for f in k.view.fields))
