"""Rating a case on the real terminal (walk finding 14): the case tapped stays in view and is named,
the stars carry words, a star only picks (one stray tap never rates), "send rating" sends, and the
thanks name the case that was rated."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from kiosk.session_view import Step
from tests.fixtures.kiosk_ui import KioskDriver
from tests.fixtures.walking import on_display, say
from ui.screens.outcome import STARS


def _seed_card_cases(k: KioskDriver) -> None:
    from hub.__main__ import seed_demo_cases
    from hub.store import HubStore
    from kiosk.secrets import card_hash_salt
    from kiosk.services import card_hash

    store = HubStore(k.hub.db_path)
    try:  # the demo resident card's cases, by the fleet's salted hash
        seed_demo_cases(store, card_hash("6200000000001234", card_hash_salt(k.terminal.config.terminal_id)))
    finally:
        store.close()


def test_the_case_tapped_stays_in_view_named_with_worded_stars_and_a_confirm(kiosk_ui):
    k = kiosk_ui
    _seed_card_cases(k)
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    k.tap("service:rating.satisfaction")
    k.wait_step(Step.FORM)
    k.tap("nav.next")
    k.wait_step(Step.RESULT)
    rateable = [c for c in k.view.outcome.cases if c.can_rate]
    assert len(rateable) >= 2
    last = rateable[-1]  # the one furthest down the list
    k.tap(f"rate_case:{last.case_id}")
    k.wait(lambda: k.view.outcome.rating_case_id == last.case_id)
    title = dict(k.view.outcome.case_titles)[last.case_id]
    heading = say(k, "result.rate.which", service=title, ref=last.local_ref)
    k.wait(lambda: k.text_of("rate_heading") == heading)
    # the stars open in the case's own card, and it is on the display with them
    star = next(w for w in k.window.findChildren(QPushButton, "rate:1") if w.isVisible())
    card = star.parentWidget().parentWidget()  # the star's box, in the case's card
    assert card.objectName() == f"case:{last.case_id}"
    k.wait(lambda: all(on_display(k, f"rate:{n}") for n in STARS) and on_display(k, "rate_send"))
    for n in STARS:
        assert say(k, f"result.rate.words.{n}") in k.button(f"rate:{n}").text()
    assert not k.button("rate_send").isEnabled()  # nothing chosen: nothing to send
    k.tap("rate:2")
    k.wait(lambda: k.view.outcome.chosen_stars == 2)
    assert k.view.outcome.rated_stars is None  # one tap on a star rates nothing yet
    assert k.button("rate:2").property("role") == "selected"
    assert k.text_of("rate_chosen") == say(k, "result.rate.chosen", n=2, words=say(k, "result.rate.words.2"))
    k.tap("rate:4")  # changed their mind
    k.wait(lambda: k.view.outcome.chosen_stars == 4)
    k.tap("rate_send")
    k.wait(lambda: k.view.outcome.rated_stars == 4)
    assert k.view.outcome.rated_case_id == last.case_id
    thanks = say(k, "result.rated_case", service=title, ref=last.local_ref, n=4, words=say(k, "result.rate.words.4"))
    k.wait(lambda: k.text_of("rated_text") == thanks)
    k.wait(lambda: on_display(k, "rated_text"))
    assert k.lacks_button("rate:1")


def test_one_finished_case_is_named_over_its_stars_and_sent_only_on_confirm(kiosk_ui):
    from tests.test_ui_flows import enter_reference, seed_cases

    k = kiosk_ui
    seed_cases(k)
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:rating.satisfaction")
    k.wait_step(Step.FORM)
    enter_reference(k, "C9000003")  # the one field: OK goes on, no "next" (formval)
    k.wait_step(Step.RESULT)
    case = next(c for c in k.view.outcome.cases if c.can_rate)
    title = dict(k.view.outcome.case_titles)[case.case_id]
    assert k.text_of("rate_heading") == say(k, "result.rate.which", service=title, ref=case.local_ref)
    assert k.text_of("rate_chosen") == say(k, "result.rate.choose_first")
    k.tap("rate:5")
    k.wait(lambda: k.view.outcome.chosen_stars == 5)
    assert k.view.outcome.rated_stars is None
    k.tap("bar.language")  # the choice survives a language switch
    k.wait(lambda: k.view.language == "en")
    k.wait(lambda: k.button("rate_send").text() == say(k, "result.rate.send"))
    k.tap("rate_send")
    k.wait(lambda: k.view.outcome.rated_stars == 5)
    thanks = say(
        k,
        "result.rated_case",
        service=dict(k.view.outcome.case_titles)[case.case_id],
        ref=case.local_ref,
        n=5,
        words=say(k, "result.rate.words.5"),
    )
    k.wait(lambda: k.text_of("rated_text") == thanks)
