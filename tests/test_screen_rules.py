"""The rules every screen follows (docs/terminal-style.md): one main action, in the primary colour,
at the right end of the bottom bar, with leaving never beside it; and banners (offline, the
inactivity warning, "staff are coming") lie over the screen without moving any control."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene
from tests.support.layout_check import actionable_places
from ui.screens.editors import ChoiceEditor

# screens whose choices are the actions (a tile, a choice) or that offer nothing to do
NO_MAIN_ACTION = {"choose", "choose-with-card", "editor-choice", "out-of-service", "out-of-service-not-enrolled"}
# the technician's panel is one scrolled page of its own: its main action (sync, or enrol while the
# terminal is not enrolled) heads its actions
MAIN_IN_PANEL = {
    "maintenance",
    "maintenance-enrol",
    "maintenance-enrol-address",
    "maintenance-enrol-busy",
    "maintenance-enrol-unreachable",
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
        and not window.banner_layer.isAncestorOf(b)
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
def test_no_control_moves_when_a_banner_appears(qapp, tmp_path, words, scene, mode):
    n = [s[0] for s in SCENES].index(scene)
    for banner, show in BANNERS.items():
        shown = open_scene(n, (1280, 800), "zh", mode, tmp_path / banner, words)
        try:
            before = actionable_places(shown.window)
            show(shown.kit)
            for _ in range(3):
                QApplication.processEvents()
            sign = shown.window.findChild(QWidget, "offline_badge") if banner == "offline" else None
            assert (sign or shown.window.banner_layer).isVisible(), f"{banner} not shown"
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
