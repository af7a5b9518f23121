"""A wrapped alert never breaks inside "（24小时）" or inside the phone number (walk 3 finding 13),
measured with Qt's own line breaking at every width the text wraps at, in the elder title font;
and the elder urgency screen shows the banner so."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QLabel

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_scene
from ui.line_breaks import WORD_JOINER, keep_groups
from ui.theme import ELDER, FONT_FAMILIES

ALERT = "危及安全请立即拨打物业值班电话 010-6512 3456（24小时）"
GROUPS = ("（24小时）", "010-6512 3456")


def _lines(text: str, width: int, font: QFont) -> list[str]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    lines = []
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def _plain(text: str) -> str:
    return text.replace(WORD_JOINER, "").replace("\u00a0", " ")


def _broken_groups(text: str, font: QFont) -> list[str]:
    metrics = QFontMetrics(font)
    found = []
    for width in range(metrics.horizontalAdvance("危及安全请立即拨打"), metrics.horizontalAdvance(text), 7):
        lines = [_plain(line).strip() for line in _lines(text, width, font)]
        for group in GROUPS:
            if not any(group in line for line in lines):
                found.append(f"{width} px: {' / '.join(lines)}")
                break
    return found


def _font() -> QFont:
    font = QFont(list(FONT_FAMILIES))
    font.setPixelSize(ELDER.title_px)
    font.setBold(True)
    return font


def test_the_groups_break_without_the_joiners(qapp):
    """The check can fail: as written, Qt breaks inside the groups at some widths."""
    assert _broken_groups(ALERT, _font())


def test_keep_groups_keeps_them_whole_and_shows_the_same_text(qapp):
    kept = keep_groups(ALERT)
    assert _plain(kept) == ALERT
    assert not _broken_groups(kept, _font())
    assert keep_groups("请选择") == "请选择"


@pytest.mark.parametrize("size", [(1366, 768), (1280, 800), (1080, 1920)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_elder_urgency_banner_keeps_the_duty_phone_groups_whole(qapp, tmp_path, size):
    names = [name for name, _scene in SCENES]
    shown = open_scene(names.index("editor-urgency-alert"), size, "zh", Mode.ELDER, tmp_path)
    try:
        banner = shown.window.findChild(QLabel, "field_alert_text")
        assert banner is not None and _plain(banner.text()) == _plain(banner.text()).strip()
        lines = [_plain(line) for line in _lines(banner.text(), banner.contentsRect().width(), banner.font())]
        for group in GROUPS:
            if group in _plain(banner.text()):
                assert any(group in line for line in lines), " / ".join(lines)
    finally:
        shown.close()
