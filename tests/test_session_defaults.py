"""The next resident finds the terminal as it starts: its own language and the standard mode (walk
finding 5: after a technician read the panel in English, residents got English in elder mode)."""

from __future__ import annotations

from kiosk.session import Step
from kiosk.session_view import Mode, OutOfServiceReason
from tests.fixtures.session_kit import RESIDENT, TECHNICIAN


def _settings(kit) -> tuple[str, Mode]:
    return kit.session.view.language, kit.session.view.mode


def test_a_technicians_visit_leaves_the_default_language_and_mode(kit):
    s = kit.session
    s.set_mode(Mode.ELDER)  # the resident who called for help was in elder mode
    s.card_inserted(TECHNICIAN)
    s.set_language("en")  # the technician reads the panel in English
    s.set_out_of_service(OutOfServiceReason.INTERNAL)
    s.card_removed()
    assert s.view.step is Step.OUT_OF_SERVICE
    assert _settings(kit) == ("zh", Mode.STANDARD)  # the paused screen, for residents, in Chinese
    s.card_inserted(TECHNICIAN)
    s.set_language("en")
    s.set_out_of_service(None)
    s.card_removed()
    assert s.view.step is Step.ATTRACT and _settings(kit) == ("zh", Mode.STANDARD)


def test_every_session_end_returns_to_the_defaults(kit):
    s = kit.session
    s.set_language("en")
    s.set_mode(Mode.ELDER)
    s.start()
    s.card_inserted(RESIDENT)
    s.card_removed()
    assert _settings(kit) == ("zh", Mode.STANDARD)


def test_settings_changed_on_the_waiting_screen_go_back_when_nobody_uses_it(kit):
    s = kit.session
    s.set_language("en")
    s.set_mode(Mode.ELDER)
    kit.clock.advance(kit.session._config.inactivity_s - 1)
    s.tick()
    assert _settings(kit) == ("en", Mode.ELDER)  # still someone's choice
    kit.clock.advance(2)
    s.tick()
    assert s.view.step is Step.ATTRACT and _settings(kit) == ("zh", Mode.STANDARD)


def test_a_session_ended_with_the_card_in_keeps_its_mode_until_the_card_is_out(kit):
    """Walk 3, finding 15: 完成 at the end of an elder session dropped to the standard screen (small,
    silent) while the elder still had to take the card. Their mode and language stay for that last
    step; taking the card out gives the next resident the terminal's defaults."""
    s = kit.session
    s.set_language("en")
    s.set_mode(Mode.ELDER)
    s.start()
    s.card_inserted(RESIDENT)
    s.take_ticket()
    assert s.view.step is Step.RESULT
    s.done()
    assert s.view.step is Step.ATTRACT and s.view.card_in_reader
    assert _settings(kit) == ("en", Mode.ELDER)
    kit.clock.advance(kit.session._config.inactivity_s + 5)
    s.tick()
    assert _settings(kit) == ("en", Mode.ELDER)  # the card is still in: still theirs
    s.card_removed()
    assert s.view.step is Step.ATTRACT and _settings(kit) == ("zh", Mode.STANDARD)


def test_a_session_ended_without_a_card_returns_to_the_defaults_at_once(kit):
    s = kit.session
    s.set_mode(Mode.ELDER)
    s.start()
    s.continue_without_card()
    s.take_ticket()
    s.done()
    assert s.view.step is Step.ATTRACT and _settings(kit) == ("zh", Mode.STANDARD)
