"""The review's bottom bar: going back is changing there, one button for it (修改 / "Change", in
going back's place), so the bar stays one row with 取号排队 where it is on the other screens (walk
10, M4: English elder portrait wrapped the bar to two rows, Change and Submit under the rest)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.session_view import Mode, Step
from scripts.render_screens import SCENES, open_played
from tests.support.layout_check import layout_problems

SIZES = [(1080, 1920), (1280, 800), (1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


def _bar(window) -> list[QPushButton]:
    bar = window.bottom_bar
    shown = [b for b in bar.findChildren(QPushButton) if b.isVisible()]
    return sorted(shown, key=lambda b: (b.mapTo(bar, b.rect().topLeft()).y(), b.mapTo(bar, b.rect().topLeft()).x()))


def _place(window, name: str) -> tuple[int, int] | None:
    found = [b for b in window.findChildren(QPushButton, name) if b.isVisible()]
    if not found:
        return None
    at = found[0].mapTo(window, found[0].rect().topLeft())
    return at.x(), at.y()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_the_review_bar_is_one_row_with_one_way_back_that_says_change(qapp, tmp_path, words, mode, language, size):
    scenes = dict(SCENES)
    form = open_played("form", lambda kit, w: scenes["review"](kit, w) or kit.session.back(), size, language, mode, tmp_path / "f", words)
    try:
        ticket_on_form = _place(form.window, "bar.ticket")
    finally:
        form.close()
    shown = open_played("review", scenes["review"], size, language, mode, tmp_path / "r", words)
    try:
        window, session = shown.window, shown.kit.session
        assert session.view.step is Step.REVIEW
        buttons = _bar(window)
        tops = {b.mapTo(window, b.rect().topLeft()).y() for b in buttons}
        assert len(tops) == 1, [(b.text(), b.mapTo(window, b.rect().topLeft()).y()) for b in buttons]
        names = [b.objectName() for b in buttons]
        assert names[-1] == "nav.submit" and "review.change" not in names
        back = window.findChild(QPushButton, "nav.back")
        assert back.text() == words.text(language, "review.change", elder=mode is Mode.ELDER)
        assert _place(window, "bar.ticket") == ticket_on_form  # where it was on the form
        assert not layout_problems(window), layout_problems(window)
        back.click()
        assert session.view.step is Step.FORM  # changing: back to the form, the values kept
        assert any(f.has_value for f in session.view.fields)
    finally:
        shown.close()
