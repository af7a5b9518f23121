"""What a field's editor and row say about it: its message in words that say what is needed (the
number a length or a bound must reach), and its hint with the minimum length first and, over a
value on file the editor opens empty for, what OK on nothing does (walk 3, findings 5, 6 and 20).
Every screen that shows a field's message goes through `field_message`: a message key with a
{count} or {min} in its words must never show the braces."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.catalogue import FieldType
from kiosk.session_view import FieldView

Word = Callable[..., str]


def field_message(t: Word, field: FieldView) -> str:
    """The words for the field's error (empty when it has none)."""
    if field.error_key is None:
        return ""
    return t(
        field.error_key,
        count=field.min_length if field.error_key == "field.too_short" else field.max_length,
        min=field.min or "",
        max=field.max or "",
    )


def field_hint(t: Word, field: FieldView, language: str) -> str:
    """The hint an editor shows: the minimum length up front where the field has one, then what an
    empty OK keeps (a value on file, shown masked), then the catalogue's hint."""
    parts = []
    if field.min_length:
        parts.append(t("field.hint_min_length", count=field.min_length))
    if field.prefilled_from == "hub" and field.has_value:
        parts.append(t("form.keep_on_file_phone" if field.type is FieldType.PHONE else "form.keep_on_file"))
    if field.hint:
        parts.append(field.hint)
    # each of our sentences ends with its stop: Chinese runs them on, English leaves a space
    return ("" if language == "zh" else " ").join(parts)
