"""Elder pages that must be read whole on a short display (renders findings 10, 11, 13, 26; walk 3
finding 17), measured on the real window: the case's status comes first and stays in view with the
rating under it, each timeline row says its status once, the review shows every value over
"submit" (a list that still does not fit holds "submit" back until its end was in view, with a
cue), and an English title takes the row over the steps instead of wrapping beside them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from kiosk.local_time import human_time
from kiosk.session_view import Mode, Step
from scripts.render_screens import LANGUAGES, open_scene
from tests.fixtures.walking import say
from tests.support.layout_check import layout_problems
from tests.support.scenes import scene_index, window_rect
from ui.theme import ELDER

SHORT = ((1280, 800), (1366, 768))
SLACK_PX = 4  # a layout's rounding under the last line
ONE_CASE = ("result-query", "result-rate-confirm", "result-rated")


def _in_view(window, widget: QWidget) -> bool:
    """Wholly on the display: inside the window and inside the screen's visible part."""
    viewport = window.current_screen().area.viewport()
    rect = window_rect(window, widget)
    shown = window_rect(window, viewport).intersected(window.rect())
    cue = window.current_screen().cue
    if cue is not None and cue.isVisible():  # the cue lies over the bottom of the visible part
        shown.setBottom(window_rect(window, cue).top() - 1)
    return shown.contains(rect)


def _visible(window, cls, prefix: str) -> list:
    return [w for w in window.findChildren(cls) if w.objectName().startswith(prefix) and w.isVisibleTo(window)]


def _settle() -> None:
    for _ in range(12):  # the rating is brought into view over a few turns
        QApplication.processEvents()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SHORT, ids=lambda s: f"{s[0]}x{s[1]}")
def test_one_case_shows_its_status_first_and_the_whole_rating_under_it(qapp, tmp_path, words, size, language):
    found = []
    for name in ONE_CASE:
        shown = open_scene(scene_index(name), size, language, Mode.ELDER, tmp_path / name, words)
        try:
            _settle()
            window = shown.window
            status = _visible(window, QLabel, "case_status:")
            assert len(status) == 1, name
            if not _in_view(window, status[0]):
                found.append(f"{name}: the status {status[0].text()!r} is not in view")
            lines = [w for w in window.findChildren(QLabel, "case_ref") if w.isVisibleTo(window)]
            if not all(_in_view(window, w) for w in lines):
                found.append(f"{name}: which case it is is not in view")
            parts = _visible(window, QPushButton, "rate:")
            parts += _visible(window, QLabel, "rated_text") + _visible(window, QLabel, "rate_heading")
            assert parts, name
            # "send rating" is the main action, in the bottom bar (walk 8, F9): on the display there
            for send in _visible(window, QPushButton, "rate_send"):
                in_bar = window.bottom_bar.isAncestorOf(send)
                if not (in_bar and window.rect().contains(window_rect(window, send))):
                    found.append(f"{name}: rate_send not in the bottom bar on the display")
            for part in parts:
                if not _in_view(window, part):
                    found.append(f"{name}: {part.objectName()} not in view")
                if window_rect(window, part).top() < window_rect(window, status[0]).bottom():
                    found.append(f"{name}: {part.objectName()} above the status")
            if window.current_screen().area.verticalScrollBar().maximum() > 0:
                found.append(f"{name}: the page scrolls")
        finally:
            shown.close()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SHORT, ids=lambda s: f"{s[0]}x{s[1]}")
def test_among_several_cases_the_one_rated_shows_its_status_and_stars(qapp, tmp_path, words, size, language):
    for name in ("result-rate-several", "result-rated-several"):
        shown = open_scene(scene_index(name), size, language, Mode.ELDER, tmp_path / name, words)
        try:
            _settle()
            window = shown.window
            status = next(w for w in _visible(window, QLabel, "case_status:") if w.objectName().endswith("C-3"))
            assert _in_view(window, status), f"{name}: the status of the case rated is cut"
            parts = _visible(window, QPushButton, "rate:") + _visible(window, QLabel, "rated_text")
            assert parts and all(_in_view(window, p) for p in parts), name
            if name == "result-rated-several":
                # final review 9: opened scrolled to the case rated, the list cut its first card and
                # took the title away: the title stays over the list, the case rated shows whole
                title = next(w for w in window.findChildren(QLabel, "title") if w.isVisibleTo(window))
                area = window.current_screen().area
                assert not area.isAncestorOf(title) and window.rect().contains(window_rect(window, title)), name
                assert _in_view(window, window.findChild(QWidget, "case:C-3")), f"{name}: the case rated is cut"
            # the rest of the list is below or above: a cue says so while there is more below
            screen = window.current_screen()
            bar = screen.area.verticalScrollBar()
            assert screen.cue.isVisible() == (bar.value() < bar.maximum())
        finally:
            shown.close()


def test_each_timeline_row_says_its_status_once(kiosk_ui):
    """On the hub's own notes ("已受理，等待分派" for 已受理): once each, not "已受理 已受理，…"."""
    from tests.test_ui_flows import enter_reference, seed_cases

    k = kiosk_ui
    seed_cases(k)
    k.tap("attract.start")
    k.tap("identify.without_card")
    k.tap("service:query.progress")
    k.wait_step(Step.FORM)
    enter_reference(k, "C9000002")  # the one field: OK goes on, no "next" (formval)
    k.wait_step(Step.RESULT)
    for language in ("zh", "en"):
        if k.view.language != language:
            k.tap("bar.language")
            k.wait(lambda lang=language: k.view.language == lang)
        case = k.view.outcome.cases[0]
        card = k.window.findChild(QWidget, f"case:{case.case_id}")
        rows = [w.text() for w in card.findChildren(QLabel) if w.property("role") == "muted"]
        assert len(case.timeline) >= 2 and len(rows) == len(case.timeline)
        for event, row in zip(case.timeline, rows, strict=True):
            assert row.startswith(human_time(event.at)), row
            status = say(k, f"status.{event.status}")
            note = event.note.get(language, "")
            assert row.count(status) <= 1 and note in row, row  # the status once, the note whole
        assert any("，" in r or "," in r for r in rows)  # the hub's notes were shown


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SHORT, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_elder_review_shows_every_value_over_submit(qapp, tmp_path, words, size, language):
    shown = open_scene(scene_index("review"), size, language, Mode.ELDER, tmp_path / "review", words)
    try:
        _settle()
        window = shown.window
        values = _visible(window, QLabel, "review:")
        assert len(values) == 5
        for value in values:
            field = value.objectName().split(":", 1)[1]
            name = window.findChild(QLabel, f"review_label:{field}")
            assert _in_view(window, value) and _in_view(window, name), f"{field} is not in view"
            # the name on the value's line: one row each
            assert abs(window_rect(window, name).center().y() - window_rect(window, value).center().y()) < value.height()
        assert window.findChild(QPushButton, "nav.submit").isEnabled()
        assert not window.current_screen().cue.isVisible()
    finally:
        shown.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_review_too_long_for_the_display_submits_only_once_seen_to_its_end(qapp, tmp_path, words, language):
    shown = open_scene(scene_index("review"), (1280, 800), language, Mode.ELDER, tmp_path / "review", words)
    try:
        kit, window = shown.kit, shown.window
        kit.session.back()
        long = "楼道灯不亮已有三天，晚上看不见台阶，老人上下楼很危险，"
        kit.session.set_field("detail", long * 5)
        assert kit.session.view.fields[[f.id for f in kit.session.view.fields].index("detail")].error_key is None
        kit.session.next()
        assert kit.session.view.step is Step.REVIEW
        _settle()
        screen = window.current_screen()
        bar = screen.area.verticalScrollBar()
        submit = window.findChild(QPushButton, "nav.submit")
        assert bar.maximum() > 0, "the long review fits: nothing to test"
        assert layout_problems(window) == []  # the cue's words too
        phone = window.findChild(QLabel, "review:phone")
        assert not _in_view(window, phone)
        assert screen.cue.isVisible() and screen.cue.text() == words.text(language, "review.more_below", elder=True)
        assert not submit.isEnabled(), "submit is offered while the phone number is out of sight"
        taps = 0
        while screen.cue.isVisible() and taps < 10:
            screen.cue.click()  # the cue scrolls down
            QApplication.processEvents()
            taps += 1
        assert bar.value() == bar.maximum() and _in_view(window, phone)
        assert submit.isEnabled()
        bar.setValue(0)  # back up to read it again: submit stays
        QApplication.processEvents()
        assert submit.isEnabled()
    finally:
        shown.close()


@pytest.mark.parametrize("size", SHORT, ids=lambda s: f"{s[0]}x{s[1]}")
def test_an_english_elder_title_takes_its_row_over_the_steps_on_form_and_review(qapp, tmp_path, words, size):
    places = {}
    for name in ("form", "review"):
        shown = open_scene(scene_index(name), size, "en", Mode.ELDER, tmp_path / name, words)
        try:
            window = shown.window
            title = next(w for w in window.findChildren(QLabel, "title") if w.isVisibleTo(window))
            assert title.height() < 1.5 * title.fontMetrics().height(), f"{name}: the title wraps"
            steps = next(w for w in window.findChildren(QWidget, "steps") if w.isVisibleTo(window))
            assert window_rect(window, steps).top() >= window_rect(window, title).bottom(), f"{name}: steps beside the title"
            places[name] = window_rect(window, steps).topLeft()
        finally:
            shown.close()
    assert places["form"] == places["review"], "the steps move between the form and the review"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SHORT, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_elder_offline_sign_says_its_word_with_and_without_a_card(qapp, tmp_path, words, size, language):
    """Final review 5: at 1280x800 the English elder bar showed a crossed-out wifi without the word;
    the seniors read "Offline" (离线), and the card holder keeps a place of its own beside it."""
    for name in ("receipt-offline-no-paper", "choose-with-card"):
        shown = open_scene(scene_index(name), size, language, Mode.ELDER, tmp_path / name, words)
        try:
            window = shown.window
            shown.kit.session.set_online(False)
            _settle()
            bar = window.top_bar
            word = [w for w in bar.findChildren(QLabel, "offline_text") if w.isVisibleTo(window)]
            assert [w.text() for w in word] == [words.text(language, "bar.offline.short", elder=True)], name
            assert window_rect(window, word[0]).intersected(window.rect()) == window_rect(window, word[0]), name
            holder = [w for w in bar.findChildren(QLabel, "card_holder") if w.isVisibleTo(window)]
            assert len(holder) == (name == "choose-with-card"), f"{name}: the card holder"
            in_bar = ("offline", "card_holder", "app_name", "bar.")
            assert not [p for p in layout_problems(window) if any(part in p for part in in_bar)], name
        finally:
            shown.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_what_the_details_on_file_filled_is_a_box_as_tall_as_its_words(qapp, tmp_path, words, language):
    """Final review 10: "已填入登记过的资料…" kept the height of the offer it replaced, ~120 px of empty
    box; walk 6, L5: then the box took its words' height but the rest of the offer's height stayed
    as an empty band over the fields. The box takes its words' height and the first row follows it."""
    shown = open_scene(scene_index("form-prefill-used"), (1366, 768), language, Mode.ELDER, tmp_path, words)
    try:
        window = shown.window
        box = window.findChild(QWidget, "profile_filled")
        lines = [w for w in box.findChildren(QLabel) if w.isVisibleTo(window) and w.text().strip()]
        assert [w.objectName() for w in lines] == ["prefill.filled", "prefill.filled_value"]
        words_bottom = max(w.geometry().bottom() for w in lines)
        margin = box.layout().contentsMargins().bottom() + 2 * ELDER.border_px + SLACK_PX
        assert box.height() - words_bottom <= margin, f"{box.height() - words_bottom} px under the words"
        rows = [w for w in window.findChildren(QWidget) if w.objectName().startswith("field:")]
        first = min(rows, key=lambda w: window_rect(window, w).top())
        gap = window_rect(window, first).top() - window_rect(window, box).bottom()
        assert gap <= ELDER.spacing_px + SLACK_PX, f"{gap} px between the note and the first field"
        assert layout_problems(window) == []
    finally:
        shown.close()


@pytest.mark.parametrize("size", ((1280, 800), (1920, 1080)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_english_elder_welcome_names_the_terminal_and_keeps_its_columns_apart(qapp, tmp_path, words, size):
    """Walk 6, L12: with the English elder buttons the terminal's name gave way to nothing (the
    welcome named no terminal), and at 1920x1080 "Social-insurance payment record" ran up to the
    next column's icon."""
    shown = open_scene(scene_index("attract"), size, "en", Mode.ELDER, tmp_path, words)
    try:
        window = shown.window
        name = window.top_bar.findChild(QLabel, "app_name")
        assert name is not None and name.isVisibleTo(window), "no terminal name in the bar"
        assert name.text() in (words.text("en", "app.name"), words.text("en", "app.name.short"))
        said_to = window_rect(window, name).left() + name.fontMetrics().horizontalAdvance(name.text())
        assert said_to < min(window_rect(window, b).left() for b in _visible(window, QPushButton, "bar."))
        card = window.findChild(QWidget, "what")
        shown_in = [w for w in card.findChildren(QLabel) if w.isVisibleTo(window)]
        icons = [window_rect(window, w) for w in shown_in if w.objectName().startswith("icon:")]
        names = [w for w in shown_in if not w.objectName().startswith("icon:") and w.text() != words.text("en", "attract.what")]
        gap, checked = window.theme.spacing_px, 0
        for line in names:
            box = window_rect(window, line)
            ends = box.left() + min(line.width(), line.fontMetrics().horizontalAdvance(line.text()))
            after = [i.left() for i in icons if i.left() > box.left() and i.top() < box.bottom() and i.bottom() > box.top()]
            if after:
                checked += 1
                assert min(after) - ends >= gap, f"{line.text()!r} ends {min(after) - ends} px from the next icon"
        assert checked >= 2, "the services in two columns"
    finally:
        shown.close()
    # with a card in: the name over the card holder, not the holder alone
    shown = open_scene(scene_index("choose-with-card"), size, "en", Mode.ELDER, tmp_path / "card", words)
    try:
        bar = shown.window.top_bar
        for name in ("app_name", "card_holder"):
            assert [w for w in bar.findChildren(QLabel, name) if w.isVisibleTo(shown.window)], name
    finally:
        shown.close()
