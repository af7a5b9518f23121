"""What a screen may keep of a half-typed value is scoped to one form (SessionView.form_serial), and
what the form list shows of a personal value (walk findings 4 and 17)."""

from __future__ import annotations

from kiosk.session import Mode, Step
from tests.fixtures.session_kit import RESIDENT


def _repair(s) -> int:
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("repair.public_area")
    assert s.view.step is Step.FORM
    return s.view.form_serial


def test_the_form_keeps_its_number_through_mode_language_and_review(kit):
    s = kit.session
    serial = _repair(s)
    assert serial is not None
    s.set_mode(Mode.ELDER)
    s.set_language("en")
    s.set_mode(Mode.STANDARD)
    assert s.view.form_serial == serial


def test_every_new_form_has_a_new_number(kit):
    s = kit.session
    first = _repair(s)
    s.back()  # to the services: the form is gone
    assert s.view.form_serial is None
    s.choose_service("repair.public_area")
    second = s.view.form_serial
    assert second not in (None, first)
    s.cancel()
    assert s.view.form_serial is None
    third = _repair(s)
    assert third not in (first, second)
    s.card_removed()
    assert s.view.step is Step.ATTRACT and s.view.form_serial is None


def test_a_typed_phone_shows_in_full_on_the_form_and_card_values_stay_masked(kit):
    s = kit.session
    _repair(s)
    s.set_field("phone", "13812345678")
    fields = {f.id: f for f in s.view.fields}
    assert fields["phone"].display == "13812345678"  # the resident who typed it checks it
    assert fields["phone"].value is None  # the raw value still never leaves the session
    assert fields["contact_name"].display == "张*伟"  # from the card: masked on screen


def test_the_urgency_field_carries_its_emergency_number_as_an_alert(kit):
    s = kit.session
    _repair(s)
    urgency = next(f for f in s.view.fields if f.id == "urgency")
    assert "010-6512 3456" in urgency.alert and urgency.hint == ""
    s.set_language("en")
    urgency = next(f for f in s.view.fields if f.id == "urgency")
    assert "010-6512 3456" in urgency.alert and "danger" in urgency.alert
