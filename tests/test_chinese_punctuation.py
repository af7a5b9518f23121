"""Chinese takes full-width punctuation (walk 6, finding L10): "姓名：张*", not "姓名: 张*";
"张*（已从卡中读取）", not "张* (已从卡中读取)". Over the Chinese translations, and over what the screens
compose from a label and a value (the certificate's rows, a card value with its note, the printed
slip's preview)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel

from kiosk.punctuation import aside, labelled
from kiosk.receipts import record_receipt
from kiosk.session_view import Mode
from scripts.render_screens import SCENES, open_played
from tests.fixtures.session_kit import FakeHub

ROOT = Path(__file__).resolve().parents[1]
CJK = r"[\u3400-\u9fff]"
URL = re.compile(r"https?://[\w.:/-]*")
# a half-width colon or bracket next to Chinese (a space between counts too); "08:30" and URLs pass
HALF_WIDTH = re.compile(rf"{CJK}\s*[:()]|[()]\s*{CJK}|[:(]\s+\S|\S\s+\(")


def _half_width(text: str) -> list[str]:
    text = URL.sub("", text)
    return [m.group(0) for m in HALF_WIDTH.finditer(text)] if re.search(CJK, text) else []


def test_the_chinese_translations_use_full_width_colons_and_brackets():
    ts = (ROOT / "ui/strings/kiosk_zh.ts").read_text("utf-8")
    pairs = re.findall(r"<source>(.*?)</source>\s*<translation>(.*?)</translation>", ts, re.S)
    assert len(pairs) > 300
    bad = {source: _half_width(text) for source, text in pairs if _half_width(text)}
    assert not bad


def test_label_and_value_take_the_language_s_punctuation():
    assert labelled("姓名", "张*", "zh") == "姓名：张*"
    assert labelled("Name", "Zhang*", "en") == "Name: Zhang*"
    assert aside("张*", "已从卡中读取", "zh") == "张*（已从卡中读取）"
    assert aside("Zhang*", "from your card", "en") == "Zhang* (from your card)"
    assert _half_width("姓名: 张*") and _half_width("张* (已从卡中读取)") and _half_width("138****5678 (已自动填写)")


@pytest.mark.parametrize("scene", ["form-card-prefill", "result-record", "form-prefill-used"])
def test_the_chinese_screens_compose_full_width(qapp, tmp_path, scene):
    """The certificate's rows, the card's value with its note, the hub's value with its note."""
    play = dict(SCENES)[scene]
    shown = open_played(scene, play, (1280, 800), "zh", Mode.STANDARD, tmp_path)
    try:
        texts = [w.text() for w in shown.window.findChildren(QLabel) if w.isVisibleTo(shown.window)]
        texts += [w.text() for w in shown.window.findChildren(QAbstractButton) if w.isVisibleTo(shown.window)]
        assert any("：" in t or "（" in t for t in texts), texts  # the scene has composed rows
        bad = {t: _half_width(t) for t in texts if _half_width(t)}
        assert not bad
    finally:
        shown.close()


def test_the_slip_preview_of_a_certificate_in_chinese(qapp):
    from ui.widgets import ReceiptPreview

    document = record_receipt(FakeHub().issue_record("certificate.residence", {}), language="zh")
    preview = ReceiptPreview(document, 400, 16)
    texts = [w.text() for w in preview.findChildren(QLabel)]
    assert "姓名：张*伟" in texts
    assert not {t: _half_width(t) for t in texts if _half_width(t)}
