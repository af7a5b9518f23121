"""The layout check: every scene of scripts/render_screens.py at every display the terminal runs on
(1280x800, 1366x768, 1920x1080, 1080x1920 portrait), in both modes and both languages, with no text
cut and every actionable control on the display or reachable by scrolling (tests/support/
layout_check.py says what is measured). One test per size and mode, so pytest-xdist splits them.
"""

from __future__ import annotations

import pytest

from kiosk.session_view import Mode
from scripts.render_screens import LANGUAGES, SCENES, open_scene
from tests.support.layout_check import layout_problems

SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
CHECKED: list[int] = []


@pytest.fixture(scope="module")
def words():
    from ui.i18n import Words

    return Words()


@pytest.mark.parametrize("mode", [Mode.STANDARD, Mode.ELDER], ids=lambda m: m.value)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_nothing_is_cut_and_every_control_is_reachable(qapp, tmp_path, words, size, mode):
    found: list[str] = []
    checked = 0
    for language in LANGUAGES:
        for n, (name, _scene) in enumerate(SCENES):
            shown = open_scene(n, size, language, mode, tmp_path / f"{language}-{n}", words)
            try:
                found += [f"{name} {language}: {p}" for p in layout_problems(shown.window)]
            finally:
                shown.close()
            checked += 1
    print(f"layout check: {checked} scenes at {size[0]}x{size[1]} {mode.value}")
    assert checked == len(SCENES) * len(LANGUAGES)
    assert not found, f"{len(found)} layout problems:\n" + "\n".join(found)
