"""The welcome screen fits its display without scrolling (walk 3: in elder mode's English at
1366x768 it scrolled 26 px, "Community notices" cut at the bottom under a scroll bar): every size,
both modes, both languages, fresh and after a session ended."""

from __future__ import annotations

import pytest

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene

SIZES = ((1280, 800), (1366, 768), (1920, 1080), (1080, 1920))
NAMES = [name for name, _scene in SCENES]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_welcome_screen_does_not_scroll(qapp, tmp_path, size):
    from ui.i18n import Words

    words = Words()
    found = []
    for scene in ("attract", "attract-after-timeout"):
        for language in ("zh", "en"):
            for mode in (Mode.STANDARD, Mode.ELDER):
                folder = tmp_path / f"{scene}-{language}-{mode.value}"
                shown = open_scene(NAMES.index(scene), size, language, mode, folder, words)
                try:
                    scrolls = shown.window.current_screen().area.verticalScrollBar().maximum()
                    if scrolls:
                        found.append(f"{scene} {language} {mode.value}: scrolls {scrolls} px")
                finally:
                    shown.close()
    assert not found, "\n".join(found)
