"""How a label meets its value and a note its text, per language: Chinese takes the full-width
colon and brackets, "姓名：张*", "张*（已从卡中读取）"; English "Name: Zhang*", "Zhang* (from the card)".
Walk 6, finding L10: the screens composed "{label}: {value}" for both, so Chinese read "姓名: 张*"."""

from __future__ import annotations


def labelled(label: str, value: str, language: str) -> str:
    """`label` and its `value` on one line: "姓名：张*" / "Name: Zhang*"."""
    return f"{label}：{value}" if language == "zh" else f"{label}: {value}"


def aside(text: str, note: str, language: str) -> str:
    """`text` with a `note` in brackets after it: "张*（已从卡中读取）" / "Zhang* (from the card)"."""
    return f"{text}（{note}）" if language == "zh" else f"{text} ({note})"


def colon(language: str) -> str:
    """The colon that ends a label: "：" / ": "."""
    return "：" if language == "zh" else ": "
