"""The rules every screen follows (docs/terminal-style.md): one main action, in the primary colour,
at the right end of the bottom bar, with leaving never beside it; and banners (offline, the
inactivity warning, "staff are coming") lie over the screen without moving any control."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene
from tests.support.layout_check import actionable_places, layout_problems
from ui.screens.editors import ChoiceEditor

# screens whose choices are the actions (a tile, a choice) or that offer nothing to do
NO_MAIN_ACTION = {"choose", "choose-with-card", "choose-no-paper", "choose-no-paper-refused", "editor-choice", "out-of-service", "out-of-service-not-enrolled", "starting"}
# the technician's PIN pad locked after wrong tries: nothing to do until it opens again (techleft)
NO_MAIN_ACTION.add("maintenance-pin-locked")
# a query refused offline: its banner's ways forward (ticket, try again, call staff) are the way on; a
# "next" beside them would only ask again and fail again (final review, finding 1)
NO_MAIN_ACTION.add("error-offline")
# a refused card still in the reader (expired): what is to be done is to take it out, with the hands
# (walk 8, F7); the screen asks for it with the take-card picture, and a button would do nothing
NO_MAIN_ACTION.add("identify-card-expired")
# the technician's panel is one scrolled page of its own: its main action (sync, or enrol while the
# terminal is not enrolled) heads its actions
MAIN_IN_PANEL = {
    "maintenance",
    "maintenance-enrol",
    "maintenance-enrol-address",
    "maintenance-enrol-busy",
    "maintenance-enrol-unreachable",
    "maintenance-reasons",
    "maintenance-diagnostics",
    "maintenance-paused",
    # the technician's PIN pad: its OK is the pad's free key, by the digits (branch techleft)
    "maintenance-pin-wrong",
}
BANNERS = {
    "offline": lambda kit: kit.session.set_online(False),
    "inactivity warning": lambda kit: (kit.clock.advance(1000), kit.session.tick()),
    "staff called": lambda kit: kit.session.call_staff(),
}


def _primaries(window) -> list[QPushButton]:
    return [
        b
        for b in window.findChildren(QPushButton)
        if b.property("role") == "primary"
        and b.isVisibleTo(window)
        and not window.in_banner(b)
    ]


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", [(1280, 800), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_screen_has_one_main_action_at_the_end_of_the_bottom_bar(qapp, tmp_path, words, size, mode):
    for n, (name, _scene) in enumerate(SCENES):
        shown = open_scene(n, size, "zh", mode, tmp_path / str(n), words)
        try:
            window = shown.window
            primaries = _primaries(window)
            choosing = isinstance(getattr(window.current_screen(), "editor", None), ChoiceEditor)
            if name in NO_MAIN_ACTION or choosing:  # a choice is taken by its tap
                assert not primaries, f"{name}: {[b.objectName() for b in primaries]}"
                continue
            assert len(primaries) == 1, f"{name}: {[b.objectName() for b in primaries]}"
            if name in MAIN_IN_PANEL:
                continue
            main = primaries[0]
            bar = window.bottom_bar
            assert bar.isAncestorOf(main), f"{name}: {main.objectName()} is not in the bottom bar"
            buttons = [b for b in bar.findChildren(QPushButton) if b.isVisibleTo(window)]
            right = max(b.mapTo(window, b.rect().topRight()).x() for b in buttons)
            assert main.mapTo(window, main.rect().topRight()).x() == right, f"{name}: not last"
            cancel = window.findChild(QPushButton, "nav.cancel")
            if cancel is not None and cancel.isVisibleTo(window):
                gap = (
                    main.mapTo(window, main.rect().topLeft()).x()
                    - cancel.mapTo(window, cancel.rect().topRight()).x()
                )
                assert gap > window.width() // 4, f"{name}: leaving is beside the main action"
        finally:
            shown.close()


@pytest.mark.parametrize("scene", ["choose", "form", "identify"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", [(1280, 800), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_control_moves_when_a_banner_appears(qapp, tmp_path, words, scene, mode, size):
    n = [s[0] for s in SCENES].index(scene)
    for banner, show in BANNERS.items():
        shown = open_scene(n, size, "zh", mode, tmp_path / banner, words)
        try:
            before = actionable_places(shown.window)
            show(shown.kit)
            for _ in range(3):
                QApplication.processEvents()
            sign = shown.window.findChild(QWidget, "offline_badge") if banner == "offline" else None
            layer = shown.window.warning_layer if banner == "inactivity warning" else shown.window.banner_layer
            assert (sign or layer).isVisible(), f"{banner} not shown"
            after = actionable_places(shown.window)
            moved = {
                k: (before[k].getRect(), after[k].getRect())
                for k in before
                if k in after and before[k] != after[k]
            }
            assert not moved, f"{banner} on {scene} moved {moved}"
            assert set(before) <= set(after), f"{banner} on {scene} hid {set(before) - set(after)}"
        finally:
            shown.close()


def _top_bar_places(window) -> dict[str, object]:
    """The top bar's controls and the top edge of the screen under it."""
    bar = window.top_bar
    places = {
        b.objectName(): (*b.mapTo(window, b.rect().topLeft()).toTuple(), b.width(), b.height())
        for b in bar.findChildren(QPushButton)
        if b.isVisibleTo(window)
    }
    places["screen top"] = window.stack.mapTo(window, window.stack.rect().topLeft()).y()
    places["top bar"] = window.top_bar.geometry().getRect()
    return places


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", [(1280, 800), (1366, 768), (1920, 1080), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_top_bar_does_not_move_when_a_card_goes_in(qapp, tmp_path, words, size, mode, language):
    """Walk (1080x1920): the card holder's line under the terminal's name pushed the top bar's
    buttons and the whole screen down when the card went in. The status line keeps its place, in
    every orientation, with the card in and the offline sign beside it and gone again."""
    from tests.fixtures.session_kit import RESIDENT

    n = [s[0] for s in SCENES].index("identify")
    shown = open_scene(n, size, language, mode, tmp_path / "card", words)
    try:
        window, session = shown.window, shown.kit.session

        def settled() -> dict[str, object]:
            for _ in range(3):
                QApplication.processEvents()
            return _top_bar_places(window)

        before = settled()
        assert {"bar.language", "bar.help"} <= set(before)
        session.card_inserted(RESIDENT)  # identify -> choose, the holder's name in the status line
        steps = {"card in": settled()}
        assert window.findChild(QWidget, "card_holder").isVisibleTo(window)
        session.set_online(False)  # the offline sign beside the holder's name
        steps["card in, offline"] = settled()
        session.set_online(True)
        steps["card in, online again"] = settled()
        for what, after in steps.items():
            moved = {k: (before[k], after[k]) for k in before if after.get(k) != before[k]}
            assert not moved, f"{what}: moved {moved}"
        assert not layout_problems(window), layout_problems(window)
    finally:
        shown.close()


def _key_places(window) -> dict[str, object]:
    """Where every control but the candidates is (they come and go with the letters)."""
    return {
        k: r.getRect()
        for k, r in actionable_places(window).items()
        if not k.startswith(("candidate:", "key:page_"))
    }


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_key_moves_when_pinyin_candidates_appear_or_go(qapp, tmp_path, words, input_engines, size, mode):
    """librime's candidates for the letters typed take a row reserved for them, one key high: the
    first letter, the last backspace and a tapped candidate move nothing under the finger."""
    n = [s[0] for s in SCENES].index("editor-pinyin")
    shown = open_scene(n, size, "zh", mode, tmp_path / "pinyin", words)
    try:
        keyboard = shown.window.current_screen().editor.keyboard

        def settled() -> dict[str, object]:
            for _ in range(3):
                QApplication.processEvents()
            return _key_places(shown.window)

        with_candidates = settled()
        assert keyboard.candidates(), "the scene's letters give no candidates"
        highlighted = shown.window.findChild(QPushButton, "candidate:0")
        assert highlighted.property("role") == "selected"
        while keyboard.composition:
            keyboard.press("backspace")
        assert not keyboard.candidates()
        without = settled()
        keyboard.press("d")
        assert keyboard.candidates()
        first_letter = settled()
        keyboard.choose(0)
        chosen = settled()
        for what, places in (("letters gone", without), ("first letter", first_letter), ("chosen", chosen)):
            moved = {k: (with_candidates[k], places[k]) for k in with_candidates if k in places and places[k] != with_candidates[k]}
            assert not moved, f"{what}: moved {moved}"
            assert set(with_candidates) == set(places), f"{what}: {set(with_candidates) ^ set(places)}"
    finally:
        shown.close()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
def test_a_long_text_moves_no_key_and_keeps_its_end_in_view(qapp, tmp_path, words, input_engines, mode):
    """The typed-text box is one line high: a text longer than the line wraps (in body size in
    standard mode, at the elder size in elder mode) and scrolls to the cursor, and the box never
    grows (which pushed every key down before)."""
    n = [s[0] for s in SCENES].index("editor-pinyin")
    shown = open_scene(n, (1280, 800), "zh", mode, tmp_path / "long", words)
    try:
        window = shown.window
        keyboard = window.current_screen().editor.keyboard
        keyboard.press("space")  # 电梯坏了 goes in
        for _ in range(3):
            QApplication.processEvents()
        before = _key_places(window)
        long = "，楼道灯不亮已有三天，晚上回家看不见台阶，老人上下楼很危险"
        keyboard.insert_text(long * 2 + "，请尽快派人修理")  # 83 characters: lines in either mode
        for _ in range(3):
            QApplication.processEvents()
        assert _key_places(window) == before
        assert not layout_problems(window), layout_problems(window)
        box = window.findChild(QWidget, "keyboard_text")
        typed = box.widget()
        # standard: body size once it is long; elder: one size always, the elder title size (walk 3
        # finding 11: the text shrank and grew back under the reader's eye while candidates showed)
        assert typed.property("role") == ("title" if mode is Mode.ELDER else "typed_long")
        if mode is Mode.ELDER:  # a standard box holds two lines of body text; an elder one, one
            assert typed.height() > box.viewport().height(), "the text does not scroll"
        end = typed.mapTo(box.viewport(), typed.rect().bottomLeft()).y()
        assert end <= box.viewport().height() + 1, "the cursor's line (the end) is out of view"
        assert keyboard.text().endswith("请尽快派人修理")
    finally:
        shown.close()


# the resident's screens (the technician's and the paused terminal's have no ticket in the bar)
RESIDENT_SCENES = [
    (n, name) for n, (name, _scene) in enumerate(SCENES) if not name.startswith(("maintenance", "out-of-service", "starting"))
]


def _bar_buttons(window) -> list[QPushButton]:
    return [
        b
        for bar in (window.top_bar, window.bottom_bar)
        for b in bar.findChildren(QPushButton)
        if b.isVisibleTo(window)
    ]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("size", [(1280, 800), (1366, 768), (1920, 1080), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_elder_ticket_stands_in_one_place_and_no_bar_button_is_squeezed(qapp, tmp_path, words, size, language):
    """Walk: 取号排队 stood at x 428 / 484 / 484 / 435 on the elder list, a form, the review and
    "put your card in" at 1280x800 (English 342 / 533 / 533 / 349): it sat at the end of the bar's
    left half, which grew and shrank with its neighbours. A senior learns where it is: on every
    screen of one mode, display and language where it shows, at the same x, and every button of both
    bars as wide as its words need (an equal split of the bar had squeezed buttons 196 -> 176 px).
    The top bar's buttons keep their places across the screens too."""
    places: dict[int, list[str]] = {}
    top: dict[str, dict[tuple[int, int], list[str]]] = {}
    squeezed: list[str] = []
    for n, name in RESIDENT_SCENES:
        shown = open_scene(n, size, language, Mode.ELDER, tmp_path / str(n), words)
        try:
            window = shown.window
            ticket = window.bottom_bar.findChild(QPushButton, "bar.ticket")
            if ticket is not None and ticket.isVisibleTo(window):
                places.setdefault(ticket.mapTo(window, ticket.rect().topLeft()).x(), []).append(name)
            for b in _bar_buttons(window):
                if b.width() < b.sizeHint().width():
                    squeezed.append(f"{name}: {b.objectName()} {b.width()} < {b.sizeHint().width()} px")
                if window.top_bar.isAncestorOf(b):
                    at = (b.mapTo(window, b.rect().topLeft()).x(), b.width())
                    top.setdefault(b.objectName(), {}).setdefault(at, []).append(name)
        finally:
            shown.close()
    assert len(sum(places.values(), [])) > len(RESIDENT_SCENES) // 2, "the ticket is missing from most elder screens"
    assert len(places) == 1, f"the ticket's x moves between screens: {places}"
    assert not squeezed, "bar buttons narrower than their words:\n" + "\n".join(squeezed)
    moved = {name: at for name, at in top.items() if len(at) > 1}
    assert not moved, f"top bar buttons move between screens: {moved}"
