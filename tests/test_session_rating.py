"""Rating in the session: a star only picks (choose_stars), rate() sends; stars picked for one case
are not another's (walk finding 14)."""

from __future__ import annotations

import pytest

from kiosk.services import card_hash
from kiosk.session import Step
from tests.fixtures.session_kit import CARD_SALT, RESIDENT, finished_case


def two_finished_cases(kit, ids: tuple[str, str] = ("C-1", "C-2")) -> None:
    """The resident's card in, two finished cases of it at the hub, on the rating's list."""
    kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)] = [
        finished_case("T0001-000001", ids[0]),
        finished_case("T0001-000002", ids[1]),
    ]
    s = kit.session
    s.start()
    s.card_inserted(RESIDENT)
    s.choose_service("rating.satisfaction")
    s.next()
    assert s.view.step is Step.RESULT


def test_picking_stars_sends_nothing_until_rate(kit):
    two_finished_cases(kit)
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
    two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-1")
    s.choose_stars(5)
    s.choose_case_to_rate("C-2")
    assert s.view.outcome.chosen_stars is None
    with pytest.raises(ValueError):
        s.choose_stars(0)


def test_the_picked_stars_go_with_the_session(kit):
    two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-1")
    s.choose_stars(2)
    s.done()
    assert s.view.outcome is None and kit.hub.ratings == []


def test_stars_picked_and_not_sent_are_kept_when_the_resident_comes_back_to_the_case(kit):
    """Issue 9: the chosen, unsent score was dropped silently on "back". Within the session it is
    kept for that case: back at the rating, the case is open again with its stars, still unsent."""
    two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-2")
    s.choose_stars(4)
    s.back()
    assert s.view.step is Step.CHOOSE and kit.hub.ratings == []
    s.choose_service("rating.satisfaction")
    s.next()
    outcome = s.view.outcome
    assert (outcome.rating_case_id, outcome.chosen_stars, outcome.rated_stars) == ("C-2", 4, None)
    assert kit.hub.ratings == []  # kept is not sent
    s.rate(outcome.chosen_stars)
    assert kit.hub.ratings == [("C-2", 4)]
    s.back()  # sent: nothing kept to come back to
    s.choose_service("rating.satisfaction")
    s.next()
    assert s.view.outcome.chosen_stars is None


def test_stars_kept_for_a_case_the_hub_no_longer_offers_are_dropped(kit):
    """Rated meanwhile elsewhere (the hub says it cannot be rated): the kept stars open nothing."""
    from dataclasses import replace

    two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-2")
    s.choose_stars(4)
    s.back()
    cases = kit.hub.card_cases[card_hash(RESIDENT.card_number, CARD_SALT)]
    cases[1] = replace(cases[1], rating=2, can_rate=False)
    s.choose_service("rating.satisfaction")
    s.next()
    assert s.view.outcome.chosen_stars is None and s.view.outcome.rating_case_id != "C-2"


def test_stars_picked_and_not_sent_go_at_a_timeout_and_nothing_is_sent(kit):
    """At the timeout the unsent score goes with the session (privacy), and nothing of it is sent."""
    two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-1")
    s.choose_stars(1)
    s.back()  # kept for this session only
    for _ in range(3):
        kit.clock.advance(10_000)
        s.tick()
    assert s.view.step is Step.ATTRACT and kit.hub.ratings == []
    kit.session.card_removed()
    two_finished_cases(kit)  # the next session, the same card: nothing chosen
    assert s.view.outcome.chosen_stars is None and s.view.outcome.rating_case_id is None


def test_rating_one_of_the_cards_cases_leaves_the_other_rateable(kit):
    """Walk 10, M1: rating one finished case made the whole page unrateable: the card's other
    finished case lost its 评价这件事 until the resident left and came back."""
    two_finished_cases(kit)
    s = kit.session
    s.choose_case_to_rate("C-1")
    s.choose_stars(4)
    s.rate(4)
    outcome = s.view.outcome
    assert (outcome.rated_case_id, outcome.rated_stars, outcome.rating_case_id) == ("C-1", 4, None)
    by_id = {c.case_id: c for c in outcome.cases}
    assert (by_id["C-1"].can_rate, by_id["C-1"].rating) == (False, 4)  # rated: no stars again
    assert by_id["C-2"].can_rate and outcome.can_rate
    s.choose_case_to_rate("C-1")  # the rated one cannot be chosen again
    assert s.view.outcome.rating_case_id is None
    s.choose_case_to_rate("C-2")
    s.choose_stars(2)
    s.rate(2)
    assert kit.hub.ratings == [("C-1", 4), ("C-2", 2)]
    outcome = s.view.outcome
    assert (outcome.rated_case_id, outcome.rated_stars, outcome.can_rate) == ("C-2", 2, False)
