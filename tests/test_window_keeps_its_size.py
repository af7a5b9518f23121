"""The terminal's window keeps the size it was given (walk 10, H1): run in a window on a 1280x800
display, an elder form asked for more height than the display had, the window grew to 1280x844 with
the bottom bar's main action half off the screen, and it never shrank back for the residents after."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from kiosk.session_view import Mode, Step
from tests.fixtures.walking import to_form


def test_content_taller_than_the_window_never_grows_it_and_every_screen_after_keeps_the_size(kiosk_ui):
    k = kiosk_ui
    k.window.resize(1280, 800)
    QApplication.processEvents()
    k.session.set_mode(Mode.ELDER)
    to_form(k, card=True)
    screen = k.window.current_screen()
    tall = QWidget()  # a screen's content asking for more than the display: the window stays
    tall.setMinimumHeight(1000)
    screen.layout().addWidget(tall)
    k.qtbot.wait(200)
    assert (k.window.width(), k.window.height()) == (1280, 800)
    k.tap("nav.cancel")
    k.wait_step(Step.ATTRACT)
    k.qtbot.wait(100)
    assert (k.window.width(), k.window.height()) == (1280, 800)
    start = k.button("attract.start")
    bottom = start.mapTo(k.window, start.rect().bottomLeft()).y()
    assert bottom < 800, f"the attract screen's start button ends at y={bottom}, past the 800 px display"
