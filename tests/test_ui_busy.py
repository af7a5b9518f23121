"""Submitting never freezes the screen: while the work is pending the window shows a busy
indicator, stays responsive (language switch, repaint) and offers nothing that would interrupt it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QProgressBar, QPushButton

from kiosk.executor import ManualExecutor
from kiosk.session_view import Step
from tests.fixtures.session_kit import make_kit
from ui.i18n import Words
from ui.window import KioskWindow


def test_busy_indicator_while_the_submission_is_pending(qtbot, tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    window = KioskWindow(kit.session, Words(), speech=False)
    qtbot.addWidget(window)
    window.resize(1280, 900)
    window.show()
    s = kit.session
    s.start()
    s.continue_without_card()
    s.choose_service("repair.public_area")
    for field, value in (
        ("category", "lift"),
        ("location", "8号楼"),
        ("detail", "电梯不动了"),
        ("urgency", "normal"),
        ("phone", "13800138000"),
    ):
        s.set_field(field, value)
    s.next()
    s.next()
    assert s.view.step is Step.SUBMITTING and executor.pending == 1
    QApplication.processEvents()
    bars = [b for b in window.findChildren(QProgressBar, "busy_bar") if b.isVisible()]
    assert bars and bars[0].maximum() == 0  # indeterminate: it keeps moving
    visible = {b.objectName() for b in window.findChildren(QPushButton) if b.isVisible()}
    assert not visible & {"nav.back", "nav.cancel", "nav.submit"}
    assert {"bar.language", "bar.help"} <= visible
    s.set_language("en")  # the UI thread is free: taps still work
    assert window.current_screen().findChild(type(bars[0]), "busy_bar") is not None
    executor.run_all()
    assert s.view.step is Step.RECEIPT
    window.allow_close()
