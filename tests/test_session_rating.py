"""Rating in the session: a star only picks (choose_stars), rate() sends; stars picked for one case
are not another's (walk finding 14)."""

from __future__ import annotations

import pytest

from kiosk.services import card_hash
from kiosk.session import Step
from tests.fixtures.session_kit import CARD_SALT, RESIDENT, finished_case


def _two_finished_cases(kit) -> None:
    kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [
        finished_case("T0001-000001", "C-1"),
        finished_case("T0001-000002", "C-2"),
    ]
    s = kit.session
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("rating.satisfaction")
    s.next()
    assert s.view.step is Step.RESULT


def test_picking_stars_sends_nothing_until_rate(kit):
    _two_finished_cases(kit)
    s = kit.session
    s.choose_stars(3)  # no case chosen yet: which case first
    assert s.view.outcome.chosen_stars is None
    s.choose_case_to_rate("C-2")
    s.choose_stars(3)
    assert s.view.outcome.chosen_stars == 3
    assert kit.hub.ratings == [] and s.view.outcome.rated_stars is None
    s.rate(s.view.outcome.chosen_stars)
    assert kit.hub.ratings == [("C-2", 3)]
    assert (s.view.outcome.rated_stars, s.view.outcome.rated_case_id) == (3, "C-2")


def test_stars_picked_for_one_case_are_not_another_cases(kit):
    _two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-1")
    s.choose_stars(5)
    s.choose_case_to_rate("C-2")
    assert s.view.outcome.chosen_stars is None
    with pytest.raises(ValueError):
        s.choose_stars(0)


def test_the_picked_stars_go_with_the_session(kit):
    _two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-1")
    s.choose_stars(2)
    s.done()
    assert s.view.outcome is None and kit.hub.ratings == []
