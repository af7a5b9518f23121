"""How a resident's session ends on the real terminal: the inactivity warning (shown in the window,
not a pop-up) and the wipe, and a card taken out in the middle of a form."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kiosk.session_view import EndReason, Mode, Step
from tests.fixtures.walking import choose
from ui.theme import theme_for


def test_inactivity_warns_then_wipes_and_returns_to_attract(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:repair.public_area")
    k.open_field("category")
    k.tap("choice:category:lift")
    idle = k.terminal.config.session.inactivity_s
    k.clock.advance(idle + 1)
    k.wait(lambda: k.view.warning is not None)
    assert "秒后将自动退出" in k.text_of("warning_text")
    assert k.view.warning.seconds_left >= 19  # at least 20 s to react (WCAG 2.2.1)
    k.clock.advance(k.terminal.config.session.warning_s + 1)
    k.wait_step(Step.ATTRACT)
    assert k.view.end_reason is EndReason.TIMEOUT
    assert k.view.fields == () and k.view.identity is None
    assert "超时" in k.text_of("end_reason_text")


def test_extend_keeps_the_form(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:repair.public_area")
    k.open_field("category")
    k.tap("choice:category:lift")
    k.clock.advance(k.terminal.config.session.inactivity_s + 1)
    k.wait(lambda: k.view.warning is not None)
    k.tap("warning.extend")
    k.wait(lambda: k.view.warning is None)
    assert k.view.step is Step.FORM and k.view.fields[0].value == "lift"


def test_elder_mode_gives_longer_before_the_warning(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.elder")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    k.tap("attract.start")
    k.wait_step(Step.IDENTIFY)
    config = k.terminal.config.session
    k.clock.advance(config.inactivity_s + 1)
    k.session.tick()
    assert k.view.warning is None  # the standard timeout has passed, the elder one has not
    k.clock.advance(config.elder_inactivity_s - config.inactivity_s)
    k.wait(lambda: k.view.warning is not None)
    assert k.view.warning.seconds_left >= config.elder_warning_s - 1


def test_card_removed_mid_form_wipes_the_session(kiosk_ui):
    k = kiosk_ui
    reader = k.terminal.card_reader
    k.tap("attract.start")
    k.wait_step(Step.IDENTIFY)
    reader.insert("resident")
    k.wait(lambda: k.view.identity is not None)
    assert k.view.step is Step.CHOOSE
    assert "*" in k.view.identity.name  # masked on screen
    k.tap("service:certificate.residence")
    k.wait_step(Step.FORM)
    locked = {f.id: f.locked for f in k.view.fields}
    assert locked["name"] and locked["id_number"]  # from the card: not asked again
    assert k.window.current_screen().editing == "purpose"  # the only field left opens by itself
    k.tap("form.keep")
    assert not k.button("field:name").isEnabled()
    reader.remove()
    k.wait_step(Step.ATTRACT)
    assert k.view.end_reason is EndReason.CARD_REMOVED
    assert k.view.identity is None and k.view.fields == ()
    assert "卡已取出" in k.text_of("end_reason_text")


def test_unreadable_card_says_why_with_a_way_forward(kiosk_ui):
    k = kiosk_ui
    k.tap("attract.start")
    k.terminal.card_reader.insert("expired")
    k.wait(lambda: k.view.error is not None)
    assert k.text_of("error_text") == "这张卡已过期。"
    assert k.has_button("way.ticket") and k.has_button("way.call_staff")


def test_an_expired_card_in_the_reader_is_asked_back_and_its_message_goes_with_it(kiosk_ui):
    """Walk 8, F7: "insert your card" over "这张卡已过期" while the expired card was in, and the
    message stayed once it was out."""
    k = kiosk_ui
    k.tap("attract.start")
    k.terminal.card_reader.insert("expired")
    k.wait(lambda: k.view.error is not None)
    k.wait(lambda: k.text_of("title") == "请取回您的卡")
    assert k.window.findChild(QWidget, "slot:take_card").isVisible()
    k.terminal.card_reader.remove()
    k.wait(lambda: k.view.error is None)
    k.wait(lambda: k.text_of("title") == "请插入身份证或社保卡")
    assert k.has_button("identify.without_card")


def finish_with_a_ticket(k) -> None:
    k.tap("bar.help")
    k.wait(lambda: k.view.staff_called)
    # elder mode's bottom bar has the ticket: the banner offers no second one
    k.tap("staff.ticket" if k.view.mode is Mode.STANDARD else "bar.ticket")
    k.wait_step(Step.RESULT)
    k.tap("nav.done")
    k.wait_step(Step.ATTRACT)
    assert "办理完成" in k.text_of("end_reason_text")  # said to the one who just finished


def test_the_end_message_goes_after_a_while_so_the_next_resident_does_not_read_it(kiosk_ui):
    k = kiosk_ui
    finish_with_a_ticket(k)
    k.clock.advance(k.terminal.config.session.end_message_s - 2)
    k.session.tick()
    assert k.view.end_reason is EndReason.FINISHED  # still there for a moment
    k.clock.advance(3)
    k.wait(lambda: k.view.end_reason is None)
    k.wait(lambda: not [w for w in k.window.findChildren(object, "end_reason_text") if w.isVisible()])


def test_the_end_message_goes_at_the_next_residents_mode_switch(kiosk_ui):
    k = kiosk_ui
    finish_with_a_ticket(k)
    k.tap("attract.elder")  # the next resident, on the elder attract screen
    k.wait(lambda: k.view.mode is Mode.ELDER)
    assert k.view.end_reason is None
    k.wait(lambda: not [w for w in k.window.findChildren(object, "end_reason_text") if w.isVisible()])


def test_take_your_card_stays_while_the_card_is_in_the_reader(kiosk_ui):
    k = kiosk_ui
    reader = k.terminal.card_reader
    k.tap("attract.start")
    reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    finish_with_a_ticket(k)
    assert k.text_of("take_card")
    # said first, in the warning's colour, where the end message stands (render review finding 17)
    assert k.text_of("end_reason_text").startswith("您的卡还在读卡器里")
    assert k.window.findChild(QWidget, "end_reason").property("role") == "warning"
    k.clock.advance(k.terminal.config.session.end_message_s + 5)
    k.session.tick()
    assert k.text_of("take_card")  # the card is still in: the last step is still to take it
    reader.remove()
    k.wait(lambda: not k.view.card_in_reader)
    k.session.tick()
    k.wait(lambda: k.view.end_reason is None)


def test_an_elder_who_is_done_is_asked_for_the_card_in_elder_mode(kiosk_ui):
    """Walk 3, finding 15: 完成 dropped the elder to the standard welcome (small type, nothing said)
    with the card still in. The screen stays large and says "take your card" until it is out."""
    k = kiosk_ui
    reader = k.terminal.card_reader
    k.tap("attract.elder")
    k.wait(lambda: k.view.mode is Mode.ELDER)
    k.tap("attract.start")
    reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    finish_with_a_ticket(k)
    assert k.view.mode is Mode.ELDER
    take = k.window.findChild(object, "take_card")
    assert take is not None and take.font().pixelSize() >= 34  # the elder theme's body size at least
    assert k.window.theme.mode is Mode.ELDER
    assert k.window.words.text("zh", "attract.take_card") in k.window.guidance(k.view)
    reader.remove()
    k.wait(lambda: not k.view.card_in_reader)
    k.wait(lambda: k.view.mode is Mode.STANDARD)
    assert k.window.theme.mode is Mode.STANDARD


def test_the_farewell_is_in_the_leavers_language_the_terminal_back_in_its_own(kiosk_ui):
    """Final review, findings 4 and 13: after a timeout in English (elder mode) the welcome said
    nothing, and an English "Done" was answered with 办理完成，欢迎再来。 The one leaving reads
    their farewell in their words; the terminal is back in its own language and mode."""
    k = kiosk_ui
    k.tap("attract.elder")
    k.tap("bar.language")
    k.wait(lambda: (k.view.language, k.view.mode) == ("en", Mode.ELDER))
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:repair.public_area")
    config = k.terminal.config.session
    k.clock.advance(config.elder_inactivity_s + 1)
    k.wait(lambda: k.view.warning is not None)
    k.clock.advance(config.elder_warning_s + 1)
    k.wait_step(Step.ATTRACT)
    assert (k.view.language, k.view.mode) == ("zh", Mode.STANDARD)
    assert "timed out" in k.text_of("end_reason_text")
    k.tap("bar.language")  # a tap: the next resident's screen, the last one's farewell gone
    k.wait(lambda: k.view.end_reason is None)
    k.tap("attract.elder")
    k.tap("attract.start")
    k.tap("identify.without_card")
    choose(k, "ticket.window")  # elder pages: turned to it
    k.wait_step(Step.RESULT)
    # finding 11: the ticket is the page: no second ticket on it, and back says where it goes
    assert k.lacks_button("bar.ticket")
    assert k.button("nav.back").text() == k.window.words.text("en", "nav.back_to_services")
    k.tap("nav.done")
    k.wait_step(Step.ATTRACT)
    assert k.view.language == "zh" and k.text_of("end_reason_text") == "All done. Thank you."


def test_the_paused_screen_offers_the_window_ticket_it_sends_residents_to(kiosk_ui):
    """Walk 8, F13: 暂停服务 said 请到人工窗口办理 with no ticket on offer."""
    from kiosk.session_view import OutOfServiceReason

    k = kiosk_ui
    k.session.set_out_of_service(OutOfServiceReason.INTERNAL)
    k.wait_step(Step.OUT_OF_SERVICE)
    k.tap("oos.ticket")
    k.wait_step(Step.RESULT)
    assert k.view.outcome.ticket is not None
    # 完成 alone: no way from the paused terminal's ticket to its services (walk 9, F0)
    assert k.lacks_button("nav.back") and k.lacks_button("nav.cancel")
    k.tap("nav.done")
    k.wait_step(Step.OUT_OF_SERVICE)


def test_a_card_put_in_at_the_paused_ticket_page_is_asked_back_saying_why(kiosk_ui):
    """Walk 10, L8: a card put in on the paused terminal's ticket page was told it was "still in
    the reader", as if this visit had read it; it was never read, the terminal is paused."""
    from kiosk.session_view import OutOfServiceReason

    k = kiosk_ui
    k.session.set_out_of_service(OutOfServiceReason.INTERNAL)
    k.wait_step(Step.OUT_OF_SERVICE)
    k.tap("oos.ticket")
    k.wait_step(Step.RESULT)
    k.terminal.card_reader.insert("resident")
    k.wait(lambda: k.view.card_in_reader)
    text = k.text_of("receipt_take_card_text")
    assert "暂停服务" in text and "还在读卡器" not in text
    assert "暂停服务" in k.window.current_screen().spoken(k.view)  # said as it is shown


def test_a_card_put_in_on_the_paused_screen_moves_not_its_ticket_button(kiosk_ui):
    """Walk 12: the "take your card" line went in over the reason, and 取号到人工窗口 moved 70 px
    down under the finger as the card went in."""
    from kiosk.session_view import OutOfServiceReason

    k = kiosk_ui
    k.session.set_out_of_service(OutOfServiceReason.INTERNAL)
    k.wait_step(Step.OUT_OF_SERVICE)
    ticket = k.button("oos.ticket")
    before = ticket.mapTo(k.window, ticket.rect().topLeft())
    k.terminal.card_reader.insert("resident")
    k.wait(lambda: k.view.card_in_reader)
    assert k.text_of("oos_take_card_text")
    ticket = k.button("oos.ticket")
    assert ticket.mapTo(k.window, ticket.rect().topLeft()) == before


def test_the_elder_warning_is_bold_in_the_size_of_the_elder_buttons(kiosk_ui):
    """Walk 12 (High): in elder mode the inactivity warning was body text over the keys, missed
    until the typing was wiped. It is bold, at the elder buttons' size, not smaller than the
    standard warning's."""
    k = kiosk_ui
    k.session.set_mode(Mode.ELDER)
    k.tap("attract.start")
    k.tap("identify.without_card")
    choose(k, "repair.public_area")
    k.clock.advance(k.terminal.config.session.elder_inactivity_s + 1)
    k.wait(lambda: k.view.warning is not None)
    k.text_of("warning_text")
    text = next(w for w in k.window.findChildren(QWidget, "warning_text") if w.isVisible())
    theme = k.window.theme
    assert text.font().bold()
    assert text.fontInfo().pixelSize() >= theme.button_px > theme_for(Mode.STANDARD).body_px
