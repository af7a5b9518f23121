"""Rating a case on the real terminal (walk finding 14): the case tapped stays in view and is named,
the stars carry words, a star only picks (one stray tap never rates), "send rating" sends, and the
thanks name the case that was rated."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.session_view import Mode, Step
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


def _to_rating_by_card(k: KioskDriver, service: str = "rating.satisfaction") -> None:
    """The demo card's cases seeded at the hub, the card in, `service` (the rating, or the progress
    query): its list of the card's cases."""
    _seed_card_cases(k)
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    if k.has_button(f"service:{service}"):
        k.tap(f"service:{service}")
    else:  # on a later page of the services (elder mode on a short display)
        k.session.choose_service(service)
    k.wait_step(Step.FORM)
    k.tap("nav.next")
    k.wait_step(Step.RESULT)


def _four_stars_for_the_first(k: KioskDriver) -> None:
    """On the card's case list: the first case that can be rated tapped, four stars chosen."""
    first = next(c for c in k.view.outcome.cases if c.can_rate)
    k.tap(f"rate_case:{first.case_id}")
    k.wait(lambda: k.view.outcome.rating_case_id == first.case_id)
    k.tap("rate:4")
    k.wait(lambda: k.view.outcome.chosen_stars == 4 and k.button("rate_send").isEnabled())


def test_the_case_tapped_stays_in_view_named_with_worded_stars_and_a_confirm(kiosk_ui):
    k = kiosk_ui
    _to_rating_by_card(k)
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


def _bottom_bar_buttons(k: KioskDriver) -> list[QPushButton]:
    """The bottom bar's visible buttons, left to right."""
    bar = k.window.bottom_bar
    shown = [b for b in bar.findChildren(QPushButton) if b.isVisible()]
    return sorted(shown, key=lambda b: b.mapTo(bar, b.rect().topLeft()).x())


def test_once_stars_are_chosen_sending_is_the_main_action_and_leaving_says_it_does_not_rate(kiosk_ui):
    """Walk 8, F9: after the stars the blue main action was 完成 (it left without rating) and
    "send rating" a grey button in the case's card."""
    k = kiosk_ui
    _to_rating_by_card(k)
    _four_stars_for_the_first(k)
    shown = _bottom_bar_buttons(k)
    main = [b for b in shown if b.property("role") == "primary"]
    assert [b.objectName() for b in main] == ["rate_send"]  # the one blue button
    assert shown[-1].objectName() == "rate_send"  # where the main action always is: the right end
    leave = k.button("nav.done")
    assert leave.text() == say(k, "result.rate.leave")  # leaving says the score is not sent
    k.tap("rate_send")
    k.wait(lambda: k.view.outcome.rated_stars == 4)
    # rated: 完成 is the main action again
    k.wait(lambda: k.button("nav.done").property("role") == "primary")
    assert k.lacks_button("rate_send")


def test_nothing_of_the_case_list_lies_under_the_more_below_cue(kiosk_ui):
    """Walk 8, F9: "Rate this one" was half under the "More below" bar laid over the list."""
    from PySide6.QtCore import QPoint, QRect

    k = kiosk_ui
    _to_rating_by_card(k)
    screen = k.window.screens[Step.RESULT]
    k.wait(lambda: screen.cue is not None and screen.cue.isVisible())
    viewport = screen.area.viewport()
    shows = QRect(viewport.mapTo(k.window, QPoint(0, 0)), viewport.size())
    cue = QRect(screen.cue.mapTo(k.window, QPoint(0, 0)), screen.cue.size())
    assert not shows.intersects(cue), (shows, cue)  # the cue stands under the list, over none of it


def test_progress_by_card_opens_on_the_residents_cases_not_on_rating(kiosk_ui):
    """Walk 8, F1: the progress list opened with "first tap the one to rate"."""
    k = kiosk_ui
    _to_rating_by_card(k, "query.progress")
    n = len(k.view.outcome.cases)
    assert n >= 2
    assert k.text_of("query_yours") == say(k, "result.query.yours", n=n)
    from PySide6.QtWidgets import QLabel

    assert not [w for w in k.window.findChildren(QLabel, "rate_pick") if w.isVisible()]


def test_notices_that_go_on_below_say_so_and_the_cue_hides_none_of_them(kiosk_ui):
    """Walk 8, F10: the fourth notice's title was cut at the bottom edge with no "more below"."""
    from PySide6.QtCore import QPoint, QRect

    k = kiosk_ui
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.wait_step(Step.CHOOSE)
    k.session.choose_service("notices.community")
    k.wait_step(Step.RESULT)
    screen = k.window.screens[Step.RESULT]
    bar = screen.area.verticalScrollBar()
    k.wait(lambda: bar.maximum() > 0)  # the notices go on past the display here
    k.wait(lambda: screen.cue is not None and screen.cue.isVisible())
    viewport = screen.area.viewport()
    shows = QRect(viewport.mapTo(k.window, QPoint(0, 0)), viewport.size())
    assert not shows.intersects(QRect(screen.cue.mapTo(k.window, QPoint(0, 0)), screen.cue.size()))


def test_a_fast_double_tap_on_send_does_not_end_the_session_before_the_thanks(kiosk_ui):
    """Walk 9, F11: once the rating is sent, 完成 stands where 提交评价 was: the second press of a
    fast double tap on send ended the session before the thank-you could be read."""
    k = kiosk_ui
    _to_rating_by_card(k)
    _four_stars_for_the_first(k)
    k.tap("rate_send")
    k.wait(lambda: k.view.outcome.rated_stars == 4)
    k.wait(lambda: k.button("nav.done").property("role") == "primary")
    k.tap_again(0.1)  # the finger's second press, on the spot where 提交评价 was
    assert k.view.step is Step.RESULT, "the second press of the double tap ended the session"
    k.tap_again(1.0)  # a tap a second later is the resident's own: 完成
    k.wait(lambda: k.view.step is not Step.RESULT)


def test_rating_with_nothing_to_rate_says_so(qapp, tmp_path):
    """Walk 9, F4: the card's cases all in progress, the rating page showed them and 完成 and said
    nothing of why there were no stars."""
    from PySide6.QtWidgets import QLabel

    from scripts.render_screens import SCENES, open_scene
    from ui.i18n import Words

    words = Words()
    names = [s[0] for s in SCENES]
    for language in ("zh", "en"):
        shown = open_scene(names.index("result-rate-nothing"), (1280, 800), language, Mode.ELDER, tmp_path / language, words)
        try:
            found = [w for w in shown.window.findChildren(QLabel, "rate_nothing") if w.isVisibleTo(shown.window)]
            assert found and found[0].text() == words.text(language, "result.rate.nothing", elder=True)
        finally:
            shown.close()


def test_a_page_built_again_with_the_same_main_action_lets_a_fast_second_tap_through(kiosk_ui):
    """The review of the double-tap change (walk 9, F11): the bar's buttons just built are shown by
    a queued call, and counting only the visible ones said every re-render of a page with 完成 had
    changed it, so a fast second tap anywhere there was dropped. The language toggle keeps its place:
    two fast taps on it switch and switch back."""
    k = kiosk_ui
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.wait_step(Step.CHOOSE)
    k.tap("service:ticket.window")
    k.wait(lambda: k.view.step is Step.RESULT and k.view.outcome is not None and k.view.outcome.ticket is not None)
    # printed and settled: the page's own changes (the slip out, 完成 enabled) are over before the taps
    k.wait(lambda: not k.view.busy and k.view.outcome.printed is True)
    k.wait(lambda: k.has_button("nav.done") and k.button("nav.done").isEnabled())
    assert k.view.language == "zh"
    k.tap("bar.language")
    k.wait(lambda: k.view.language == "en")
    k.tap_again(0.1)
    k.wait(lambda: k.view.language == "zh")


def _settled_scroll(k: KioskDriver) -> int:
    """The result page's scroll once it stays put (the page brings what it shows into view over a
    few turns of the event loop)."""
    from PySide6.QtWidgets import QApplication

    bar = k.window.screens[Step.RESULT].area.verticalScrollBar()
    last = None
    for _ in range(30):
        k.qtbot.wait(20)
        QApplication.processEvents()
        if bar.value() == last:
            break
        last = bar.value()
    return bar.value()


def _ticket_place(k: KioskDriver) -> tuple[int, int]:
    ticket = k.button("bar.ticket")
    at = ticket.mapTo(k.window, ticket.rect().topLeft())
    return at.x(), at.y()


def test_the_rating_pages_bottom_bar_is_one_row_with_the_ticket_where_it_is_elsewhere(kiosk_ui):
    """Walk (issue 9), F11: elder mode at 1080x1920, the rating page's bar wrapped to two rows and
    取号排队 stood 122 px higher than on the other elder screens. Leaving without rating stands
    where 退出办理 stands on the other screens, beside going back, far from 提交评价."""
    k = kiosk_ui
    k.window.resize(1080, 1920)
    k.session.set_mode(Mode.ELDER)
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    choose_place = _ticket_place(k)
    k.tap("service:rating.satisfaction")
    k.wait_step(Step.FORM)
    form_place = _ticket_place(k)
    _seed_card_cases(k)
    k.tap("nav.next")
    k.wait_step(Step.RESULT)
    _four_stars_for_the_first(k)
    k.wait(lambda: _ticket_place(k) == form_place)
    assert form_place == choose_place
    shown = _bottom_bar_buttons(k)
    tops = {b.mapTo(k.window, b.rect().topLeft()).y() for b in shown}
    assert len(tops) == 1, [(b.objectName(), b.mapTo(k.window, b.rect().topLeft()).y()) for b in shown]
    assert shown[-1].objectName() == "rate_send"
    names = [b.objectName() for b in shown]
    assert names.index("nav.done") < names.index("bar.ticket")  # leaving at the left, beside going back


def test_the_more_below_cue_stays_while_the_stars_are_cut_at_the_bottom(kiosk_ui):
    """Walk (issue 9), F12: the cue went while the star row was still cut off at the bottom edge
    (it stood aside for the stars, as when it lay over the list; it has its own strip now)."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QApplication

    k = kiosk_ui
    k.window.resize(1280, 800)
    k.session.set_mode(Mode.ELDER)
    _to_rating_by_card(k)
    rateable = [c for c in k.view.outcome.cases if c.can_rate]
    k.tap(f"rate_case:{rateable[-1].case_id}")
    k.wait(lambda: k.view.outcome.rating_case_id == rateable[-1].case_id)
    screen = k.window.screens[Step.RESULT]
    bar = screen.area.verticalScrollBar()
    _settled_scroll(k)
    bar.setValue(0)  # back up the list: the stars cut at the bottom edge, or below it
    QApplication.processEvents()
    viewport = screen.area.viewport()
    shows = QRect(viewport.mapTo(k.window, QPoint(0, 0)), viewport.size())
    star = k.button("rate:1")
    top = star.mapTo(k.window, QPoint(0, 0)).y()
    assert top + star.height() > shows.bottom()  # the stars are not whole in view
    assert screen.cue is not None and screen.cue.isVisible()
    # cut across the bottom edge: the cue still says there is more
    bar.setValue(bar.value() + (top + star.height() // 2) - shows.bottom())
    QApplication.processEvents()
    top = star.mapTo(k.window, QPoint(0, 0)).y()
    assert top < shows.bottom() < top + star.height(), (top, shows.bottom())
    assert screen.cue.isVisible()


@pytest.mark.parametrize("several", [False, True])
def test_picking_a_star_does_not_scroll_the_page(kiosk_ui, several):
    """Walk (issue 9), F3: a tap on a star scrolled the page by some 45 px: what was under the
    finger moved. Bringing the stars into view is for the case tapped, not for a star picked."""
    from PySide6.QtCore import QPoint

    k = kiosk_ui
    k.window.resize(1280, 800)
    k.session.set_mode(Mode.ELDER)
    if not several:  # the other finished case rated before: one case to rate, its stars open
        _seed_card_cases(k)
        _rate_at_the_hub(k, 5, "C9000004")
    _to_rating_by_card(k)
    rateable = [c for c in k.view.outcome.cases if c.can_rate]
    assert (len(rateable) > 1) is several
    if several:
        k.tap(f"rate_case:{rateable[-1].case_id}")
        k.wait(lambda: k.view.outcome.rating_case_id == rateable[-1].case_id)
    from tests.fixtures.kiosk_ui import scroll_into_view

    for n in (3, 5, 1):
        for _ in range(3):  # as the finger's tap does first (ensureWidgetVisible's margins, twice)
            scroll_into_view(k.button(f"rate:{n}"))
            before = _settled_scroll(k)
        at = k.button(f"rate:{n}").mapTo(k.window, QPoint(0, 0))
        k.tap(f"rate:{n}")
        k.wait(lambda n=n: k.view.outcome.chosen_stars == n)
        assert _settled_scroll(k) == before
        assert k.button(f"rate:{n}").mapTo(k.window, QPoint(0, 0)) == at


def _rate_at_the_hub(k: KioskDriver, stars: int, case_id: str = "C9000003") -> str:
    """One of the demo card's finished cases (hub/__main__.py DEMO_CASES) rated before, at the hub."""
    from hub.store import HubStore

    store = HubStore(k.hub.db_path)
    try:
        store.rate_case(case_id, stars, "")
    finally:
        store.close()
    return case_id


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_case_rated_before_says_so_and_offers_no_stars(kiosk_ui, language):
    """Walk (issue 9), F4: a case already rated was listed with nothing saying so."""
    k = kiosk_ui
    if language == "en":
        k.tap("bar.language")
        k.wait(lambda: k.view.language == "en")
    _seed_card_cases(k)
    rated = _rate_at_the_hub(k, 4)
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    k.tap("service:rating.satisfaction")
    k.wait_step(Step.FORM)
    k.tap("nav.next")
    k.wait_step(Step.RESULT)
    case = next(c for c in k.view.outcome.cases if c.case_id == rated)
    assert case.rating == 4 and not case.can_rate
    words = say(k, "result.case.rated", n=4, stars="★★★★", words=say(k, "result.rate.words.4"))
    assert ("已评价" if language == "zh" else "Rated") in words
    k.wait(lambda: k.text_of(f"case_rated:{rated}") == words)
    assert k.lacks_button(f"rate_case:{rated}")
    assert k.view.outcome.rating_case_id != rated


def test_after_one_case_is_rated_the_other_finished_case_can_still_be(kiosk_ui):
    """Walk 10, M1: the thanks for one case, and every other finished case of the card keeps its
    评价这件事 — it was gone, and with it any way to rate them but leaving and coming back."""
    k = kiosk_ui
    _to_rating_by_card(k)
    rateable = [c.case_id for c in k.view.outcome.cases if c.can_rate]
    assert len(rateable) >= 2
    _four_stars_for_the_first(k)
    k.tap("rate_send")
    k.wait(lambda: k.view.outcome.rated_stars == 4 and k.has_button(f"rate_case:{rateable[1]}"))
    assert k.text_of("rated_text")  # the thanks, in the first case's card
    assert not k.has_button(f"rate_case:{rateable[0]}")  # rated: not offered again
    for other in rateable[1:]:
        assert k.button(f"rate_case:{other}").isEnabled()
    k.tap(f"rate_case:{rateable[1]}")
    k.wait(lambda: k.view.outcome.rating_case_id == rateable[1])
    k.wait(lambda: all(on_display(k, f"rate:{n}") for n in STARS))
    k.tap("rate:2")
    k.wait(lambda: k.view.outcome.chosen_stars == 2 and k.button("rate_send").isEnabled())
    k.tap("rate_send")
    k.wait(lambda: k.view.outcome.rated_case_id == rateable[1] and k.view.outcome.rated_stars == 2)
    first = next(c for c in k.view.outcome.cases if c.case_id == rateable[0])
    assert first.rating == 4  # now said as rated, in its own card
    assert k.text_of(f"case_rated:{rateable[0]}")


def test_the_inactivity_warning_says_stars_picked_and_not_sent_will_not_be(kiosk_ui):
    """Stars chosen and not sent go with the session at the timeout: the warning says so while the
    resident can still send them, not only that the session ends."""
    k = kiosk_ui
    _to_rating_by_card(k)
    _four_stars_for_the_first(k)
    k.clock.advance(k.terminal.config.session.inactivity_s + 1)
    k.wait(lambda: k.view.warning is not None)
    assert "评分还没有提交" in k.text_of("warning_text")
    k.tap("warning.extend")
    k.wait(lambda: k.view.warning is None)
    k.tap("rate_send")
    k.wait(lambda: k.view.outcome.rated_stars == 4)
    k.clock.advance(k.terminal.config.session.inactivity_s + 1)
    k.wait(lambda: k.view.warning is not None)
    assert "评分" not in k.text_of("warning_text")  # sent: nothing of it to lose


def test_the_rating_form_says_a_card_holder_need_not_type_a_reference(kiosk_ui):
    """Walk 12: the rating's form showed 受理编号（选填） alone, as the query's did before walk 10's
    L1; a card holder could not know that 下一步 lists the cases they can rate."""
    k = kiosk_ui
    _seed_card_cases(k)
    k.tap("attract.start")
    k.terminal.card_reader.insert("resident")
    k.wait_step(Step.CHOOSE)
    k.tap("service:rating.satisfaction")
    k.wait_step(Step.FORM)
    assert on_display(k, "query_card_text")
    assert k.text_of("query_card_text") == say(k, "form.rate_by_card")
    k.tap("nav.next")
    k.wait_step(Step.RESULT)
    assert any(c.can_rate for c in k.view.outcome.cases)


def test_once_every_finished_case_is_rated_the_page_thanks_rather_than_says_nothing_to_rate(kiosk_ui):
    """Walk 12: with both finished cases rated, the rating page read "Nothing to rate yet: a case
    can be rated once it is finished" over two cases marked finished and rated."""
    k = kiosk_ui
    _to_rating_by_card(k)
    for case_id in [c.case_id for c in k.view.outcome.cases if c.can_rate]:
        k.tap(f"rate_case:{case_id}")
        k.wait(lambda case_id=case_id: k.view.outcome.rating_case_id == case_id)
        k.tap("rate:5")
        k.wait(lambda: k.button("rate_send").isEnabled())
        k.tap("rate_send")
        k.wait(lambda case_id=case_id: k.view.outcome.rated_case_id == case_id)
    k.tap("nav.back")
    k.wait_step(Step.CHOOSE)
    if k.has_button("service:rating.satisfaction"):
        k.tap("service:rating.satisfaction")
    else:
        k.session.choose_service("rating.satisfaction")
    k.wait_step(Step.FORM)
    k.tap("nav.next")
    k.wait_step(Step.RESULT)
    assert not any(c.can_rate for c in k.view.outcome.cases)
    assert k.text_of("rate_nothing") == say(k, "result.rate.all_rated")
