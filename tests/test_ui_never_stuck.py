"""The window over a session that waits: past the deadline a panel offers the staffed window, and a
speech engine that raises inside a render never keeps a submission from completing."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.executor import ManualExecutor
from kiosk.session_view import Mode, Step
from tests.fixtures.session_kit import finished_case, make_kit
from tests.test_session_never_stuck import start_query, to_review
from ui.i18n import Words
from ui.speech import Speaker
from ui.window import KioskWindow


class BrokenSpeaker(Speaker):
    """What the elder-mode hang looked like from the window: the engine raised on every say()."""

    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.engine = "broken"

    def say(self, text: str, language: str) -> None:
        raise RuntimeError("Internal C++ object (QProcess) already deleted")


def window_for(qtbot, kit, speaker=None) -> KioskWindow:
    window = KioskWindow(kit.session, Words(), speaker=speaker, speech=True)
    qtbot.addWidget(window)
    window.allow_close()
    window.resize(1280, 800)
    window.show()
    return window


def visible(window, name: str) -> bool:
    QApplication.processEvents()
    return any(b.isVisible() for b in window.findChildren(QPushButton, name))


def test_an_elder_submission_completes_although_the_speech_engine_raises(qtbot, tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    window = window_for(qtbot, kit, BrokenSpeaker())
    s = kit.session
    s.set_mode(Mode.ELDER)
    to_review(s)
    s.next()  # REVIEW -> submit: the render of SUBMITTING speaks, and the speaker raises
    executor.run_all()
    assert s.view.step is Step.RECEIPT and s.view.outcome.local_ref == "T0001-000001"
    assert window.view.step is Step.RECEIPT


def test_a_slow_submission_offers_staff_after_the_deadline_and_still_shows_the_reference(qtbot, tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    window = window_for(qtbot, kit)
    s = kit.session
    to_review(s)
    s.next()
    assert not visible(window, "overdue.call_staff")
    kit.clock.advance(25)
    s.tick()
    assert visible(window, "overdue.call_staff") and not visible(window, "overdue.ticket")
    executor.run_all()
    assert s.view.step is Step.RECEIPT and not visible(window, "overdue.call_staff")


def test_a_slow_query_offers_a_ticket_and_cancel_after_the_deadline(qtbot, tmp_path):
    executor = ManualExecutor()
    kit = make_kit(tmp_path, executor=executor)
    kit.hub.cases["C-2026-1"] = finished_case(case_id="C-2026-1")
    window = window_for(qtbot, kit)
    s = kit.session
    start_query(s)
    QApplication.processEvents()
    cancel = next(b for b in window.findChildren(QPushButton, "nav.cancel") if b.isVisible())
    assert not cancel.isEnabled()  # before the deadline the wait is short: no giving up yet
    kit.clock.advance(25)
    s.tick()
    assert visible(window, "overdue.ticket")
    # past the deadline the resident may give up waiting
    qtbot.waitUntil(
        lambda: any(b.isVisible() and b.isEnabled() for b in window.findChildren(QPushButton, "nav.cancel")),
        timeout=3000,
    )


def test_a_page_that_fails_to_build_offers_staff_and_a_ticket_and_is_tried_again(
    qtbot, tmp_path, monkeypatch, caplog
):
    # the review found a raising build left the page frozen (updates off, the old page on screen)
    # and the window never tried that page again for an equal view
    from ui.screens.form import FormScreen

    kit = make_kit(tmp_path, executor=ManualExecutor())
    window = window_for(qtbot, kit)
    s = kit.session
    real_build = FormScreen.build
    secret = "13812345678"

    def broken_build(self, view) -> None:
        raise KeyError(secret)

    monkeypatch.setattr(FormScreen, "build", broken_build)
    to_review(s)
    s.back()  # REVIEW -> FORM: the form's page raises while being built
    assert s.view.step is Step.FORM
    screen = window.current_screen()
    assert screen.failed and screen.updatesEnabled()
    assert visible(window, "screen_failed_call_staff") and visible(window, "screen_failed_ticket")
    assert secret not in caplog.text and "FormScreen screen failed" in caplog.text
    next(b for b in window.findChildren(QPushButton, "screen_failed_call_staff") if b.isVisible()).click()
    assert s.view.staff_called  # the tap reached the session: staff are on their way
    monkeypatch.setattr(FormScreen, "build", real_build)
    s.set_field("detail", "电梯门关不上")  # the next change: the real page comes back
    assert not window.current_screen().failed and not visible(window, "screen_failed_call_staff")
    assert s.view.step is Step.FORM
