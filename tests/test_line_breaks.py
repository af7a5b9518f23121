"""A wrapped alert never breaks inside "（24小时）" or inside the phone number (walk 3 finding 13),
measured with Qt's own line breaking at every width the text wraps at, in the elder title font;
and the elder urgency screen shows the banner so."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout
from PySide6.QtWidgets import QLabel

from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_played, open_scene
from ui.line_breaks import WORD_JOINER, keep_groups, keep_lines
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


# the outcome panels' words that ended on a lone "卡。" and "候。" in the walk (walk 5, L6)
ENDINGS = ("您的卡还在读卡器里，请取走您的卡。", "已呼叫工作人员，请稍候。", "已打印，请取走。")


def _lone_last(text: str, font: QFont) -> list[str]:
    """The widths at which `text`'s last line is one Chinese character and its punctuation."""
    metrics = QFontMetrics(font)
    found = []
    for width in range(metrics.horizontalAdvance(text[:3]), metrics.horizontalAdvance(text) + 7, 5):
        lines = [_plain(line).strip() for line in _lines(text, width, font)]
        last = "".join(ch for ch in lines[-1] if "\u3400" <= ch <= "\u9fff")
        if len(lines) > 1 and len(last) == 1:
            found.append(f"{width} px: {' / '.join(lines)}")
    return found


def test_a_last_line_never_holds_one_character_alone(qapp):
    font = _font()
    assert all(_lone_last(text, font) for text in ENDINGS), "the check can fail: Qt leaves one alone"
    for text in ENDINGS:
        kept = keep_lines(text)
        assert _plain(kept) == text
        assert not _lone_last(kept, font), text
    assert keep_lines("（24小时）。") == keep_groups("（24小时）。")  # a group is whole already


def test_the_certificate_panels_and_the_queue_words_break_well(qapp, tmp_path):
    """Walk 5, L6, as laid out: the panels side by side on a short elder display ("请取走您的" over
    "卡。", "请稍" over "候。"), and "For: Residence certificate" beside the ticket's title in two lines."""
    from tests.fixtures.session_kit import RESIDENT
    from tests.test_ui_elder_end import _record

    shown = open_played("record", _record(True, True, True), (1280, 800), "zh", Mode.ELDER, tmp_path)
    try:
        for name in ("receipt_take_card_text", "staff_called_text"):
            lab = shown.window.findChild(QLabel, name)
            lines = [_plain(line) for line in _lines(lab.text(), lab.contentsRect().width(), lab.font())]
            last = "".join(ch for ch in lines[-1] if "\u3400" <= ch <= "\u9fff")
            assert len(lines) == 1 or len(last) > 1, " / ".join(lines)
    finally:
        shown.close()

    def ticket(kit, _window) -> None:
        kit.session.start()
        kit.session.card_inserted(RESIDENT)
        kit.session.choose_service("certificate.residence")
        kit.session.take_ticket()

    shown = open_played("ticket", ticket, (1280, 800), "en", Mode.ELDER, tmp_path / "ticket")
    try:
        queue = shown.window.findChild(QLabel, "ticket_queue")
        assert "Residence certificate" in queue.text()
        assert len(_lines(queue.text(), queue.contentsRect().width(), queue.font())) == 1, queue.text()
    finally:
        shown.close()


@pytest.mark.parametrize("size", [(1280, 800), (1080, 1920), (1366, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_tiles_line_never_ends_on_one_character_alone(qapp, tmp_path, size):
    """Walk 12: the repair tile read "…门禁损坏等公共设施问" over "题" at 1280x800."""
    from PySide6.QtWidgets import QLabel

    from kiosk.session_view import Mode
    from tests.test_ui_portrait import _lines
    from ui.i18n import Words

    names = [s[0] for s in SCENES]
    shown = open_scene(names.index("choose"), size, "zh", Mode.STANDARD, tmp_path, Words())
    try:
        lines_seen = 0
        for text in shown.window.findChildren(QLabel):
            if text.property("role") != "tile_text" or not text.isVisibleTo(shown.window):
                continue
            lines = [line for line in _lines(text) if line]
            lines_seen += len(lines)
            if len(lines) > 1:
                last = lines[-1].rstrip("。，、；：")
                assert len(last) > 1, lines
        assert lines_seen, "no tile line on show: the test shows nothing"
    finally:
        shown.close()
