"""Where a wrapped line may break: never inside a group that reads as one, such as a bracketed
"（24小时）" or a phone number "010-6512 3456". Qt breaks between any two Chinese characters and
at spaces; a WORD JOINER (U+2060, no width) between the characters of such a group forbids that
(walk 3 finding 13: the duty-phone banner read "…3456（24" over "小时）"). Nor does a text end
on a line holding one Chinese character and its full stop ("请取走您的" over "卡。": walk 5, L6):
its last character is joined to the one before it, so two go down together."""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
# a bracketed aside, full-width or not, of at most 12 characters (a long aside may break)
_BRACKETED = re.compile(r"[（(][^（）()]{1,12}[）)]")
# a phone number: digits in groups joined by "-" or a space
_PHONE = re.compile(r"\d[\d-]*(?: \d[\d-]*)+|\d+(?:-\d+)+")


# the last two Chinese characters of a text and the punctuation after them
_LAST_TWO = re.compile(r"([\u3400-\u9fff])([\u3400-\u9fff][^\w\s]*\s*)$")


def _joined(match: re.Match[str]) -> str:
    return WORD_JOINER.join(match.group(0).replace(" ", "\u00a0"))


def keep_groups(text: str) -> str:
    """`text` with its bracketed asides and phone numbers unbreakable; what shows is the same."""
    return _BRACKETED.sub(_joined, _PHONE.sub(_joined, text))


def no_lone_last(text: str) -> str:
    """`text` whose last line never holds a single Chinese character (with its punctuation)."""
    return _LAST_TWO.sub(lambda m: m.group(1) + WORD_JOINER + m.group(2), text)


# the last clause of a Chinese text after its last "，" or "；", short enough to stand on one line
_LAST_CLAUSE = re.compile(r"(?<=[，；])([^，；。\s]{2,12})$")


def keep_last_clause(text: str) -> str:
    """`text` whose last short clause never breaks ("可点下面的项目修改：" goes down whole: walk N2,
    elder portrait, "改：" stood alone on a line over the values it introduced)."""
    return _LAST_CLAUSE.sub(lambda m: WORD_JOINER.join(m.group(1)), text)


def label_with_value(name: str, colon: str, value: str) -> str:
    """"name：value" that never breaks between the colon and the value's first character: a
    value wrapped onto the next line left its name alone on one (walk N2)."""
    if not value:
        return f"{name}{colon}"
    return f"{name}{colon.rstrip()}{WORD_JOINER if not colon.endswith(' ') else chr(0xA0)}{value}"


def keep_whole(text: str) -> str:
    """`text` that never breaks: a button's name quoted in a sentence ("Call staff" read "Call" over
    "staff" in the elder portrait paper banner: walk 10, M2)."""
    return WORD_JOINER.join(text.replace(" ", "\u00a0")) if text else text


def keep_lines(text: str) -> str:
    """Both: groups kept whole, and no lone character on the last line; what shows is the same."""
    return no_lone_last(keep_groups(text))
