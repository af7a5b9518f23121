"""Text as a receipt printer prints it: which characters it can print, how wide they are, and how a
line wraps at the paper's width.

A printer in Chinese mode prints ASCII in its half-width font (one column, 12 dots on 80 mm paper)
and every double-byte GB18030 character in its full-width font (two columns). So a character counts
one column when it is ASCII and two otherwise, and the preview and the raster fallback draw on the
same grid. What the printer's font cannot show (emoji, control characters, characters outside GBK)
is replaced by `SUBSTITUTE`, so a bad value never breaks the layout or smuggles commands to the
printer.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

SUBSTITUTE = "?"

# Closing punctuation that should not start a line (a light form of the Chinese line-breaking rule).
_NO_LINE_START = frozenset("，。、；：！？）》」』”’〕】,.;:!?)]}")


@lru_cache(maxsize=4096)
def _printable_char(ch: str) -> str:
    """One character as the printer will get it: itself, "" (invisible format character), or SUBSTITUTE."""
    if " " <= ch <= "~":
        return ch
    if ch == "\t":
        return " "
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me"):
        # zero-width joiners, bidi marks and combining marks left over after NFC have no cell of their own
        return ""
    if category in ("Cc", "Cs", "Co", "Cn", "Zl", "Zp"):
        return SUBSTITUTE
    try:
        encoded = ch.encode("gbk")
    except UnicodeEncodeError:
        return SUBSTITUTE
    # GBK's user-defined areas hold no glyphs on a stock printer
    return ch if len(encoded) == 2 else SUBSTITUTE


def printable(text: str) -> str:
    """`text` with every character the printer cannot print replaced; line breaks are kept."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch if ch == "\n" else _printable_char(ch) for ch in text)


def char_columns(ch: str) -> int:
    """Columns one printable character takes: 1 for ASCII, 2 for a double-byte character."""
    return 1 if ch < "\x80" else 2


def text_columns(text: str) -> int:
    """Columns a printable text takes on one line."""
    if text.isascii():
        return len(text)
    return sum(1 if ch < "\x80" else 2 for ch in text)


def _tokens(paragraph: str) -> list[str]:
    """Break opportunities: runs of spaces, ASCII words, and each double-byte character alone."""
    tokens: list[str] = []
    start = 0
    for i, ch in enumerate(paragraph):
        if ch >= "\x80":
            if start < i:
                tokens.append(paragraph[start:i])
            tokens.append(ch)
            start = i + 1
        elif i > start and (ch == " ") != (paragraph[i - 1] == " "):
            tokens.append(paragraph[start:i])
            start = i
    if start < len(paragraph):
        tokens.append(paragraph[start:])
    return tokens


def _wrap_paragraph(paragraph: str, columns: int) -> list[str]:
    lines: list[str] = []
    line: list[str] = []
    used = 0

    def flush() -> None:
        nonlocal line, used
        lines.append("".join(line).rstrip(" "))
        line, used = [], 0

    for token in _tokens(paragraph):
        width = text_columns(token)
        if token[0] == " ":
            if not line and lines:
                continue  # no leading spaces on a continuation line
            if used + width <= columns:
                line.append(token)
                used += width
            elif line:
                flush()  # a space at the break disappears
            continue
        if used + width <= columns:
            line.append(token)
            used += width
            continue
        if width > columns:
            # a word longer than a whole line (a URL, a number run) is cut where the paper ends
            for ch in token:
                if used + char_columns(ch) > columns:
                    flush()
                line.append(ch)
                used += char_columns(ch)
            continue
        carried: list[str] = []
        if (
            token in _NO_LINE_START
            and len(line) > 1
            and len(line[-1]) == 1
            and text_columns(line[-1] + token) <= columns
        ):
            carried = [line.pop()]  # take the last character along so punctuation never leads a line
        flush()
        line = carried + [token]
        used = text_columns("".join(line))
    if line or not lines:
        flush()
    return lines


def wrap(text: str, columns: int) -> list[str]:
    """Printable `text` as lines of at most `columns` columns (at least one line, maybe empty).

    Breaks at spaces between ASCII words and between any two double-byte characters; a word longer
    than a line is cut. "\\n" starts a new line. Leading spaces of the text are kept (indentation);
    spaces at a break are dropped.
    """
    if columns < 2:
        raise ValueError("a line needs at least two columns (one double-byte character)")
    lines: list[str] = []
    for paragraph in printable(text).split("\n"):
        lines.extend(_wrap_paragraph(paragraph, columns))
    return lines


def pad_to(text: str, columns: int) -> str:
    """`text` padded with spaces on the right to `columns` columns."""
    return text + " " * max(0, columns - text_columns(text))


KEY_VALUE_GAP = 2


def key_column_width(keys: list[str], columns: int) -> int:
    """The width of the key column for a receipt's key-value rows: the widest key, at most 2/5 of the
    paper, so that every value starts in the same column."""
    widest = max((text_columns(printable(k)) for k in keys), default=0)
    return max(2, min(widest, columns * 2 // 5))


def key_value_lines(key: str, value: str, key_columns: int, columns: int) -> list[str]:
    """One key-value row as lines: the key (wrapped in its column) on the left, the value starting at
    column `key_columns + KEY_VALUE_GAP` and wrapped within the rest of the line."""
    value_columns = columns - key_columns - KEY_VALUE_GAP
    key_lines = wrap(key, key_columns)
    value_lines = wrap(value, value_columns)
    rows = []
    for i in range(max(len(key_lines), len(value_lines))):
        left = key_lines[i] if i < len(key_lines) else ""
        right = value_lines[i] if i < len(value_lines) else ""
        rows.append((pad_to(left, key_columns) + " " * KEY_VALUE_GAP + right).rstrip(" "))
    return rows
