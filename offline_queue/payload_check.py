"""What `Outbox.enqueue` accepts, checked before anything is written, so every refusal is a typed
PayloadRefused naming the field (never its value) rather than a UnicodeEncodeError, RecursionError or
AttributeError from deep inside, and nothing the hub could never take gets into the outbox.

A payload is a dict of field name -> JSON value where:
- names (at every level) are str: JSON has only text keys, so {1: "a", "1": "b"} would collide
- text is valid Unicode that UTF-8 can encode (no lone surrogates such as "\\ud800")
- numbers are finite (JSON has no NaN or Infinity) and not bool-as-number surprises
- containers nest at most MAX_DEPTH levels below the field (a form never needs more; the hub's JSON
  parser and every one after it have their own recursion limits)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from offline_queue.errors import (
    PayloadNotSerialisable,
    PayloadRefused,
    PayloadTooDeep,
    UnknownFieldClass,
)
from offline_queue.field_crypto import FIELD_CLASSES

MAX_DEPTH = 32  # container levels inside one field's value


def field_label(name: object) -> str:
    """A field name safe to put in a message or log: escaped when it is not plain text."""
    if isinstance(name, str):
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return f"<{type(name).__name__} key>"


def _text_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_value(field: str, value: Any) -> None:
    """Raise PayloadNotSerialisable / PayloadTooDeep when `value` (of `field`) is not storable JSON."""
    label = field_label(field)
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if item is None or isinstance(item, bool | int):
            continue
        if isinstance(item, str):
            if not _text_ok(item):
                raise PayloadNotSerialisable(f"field {label!r} holds text UTF-8 cannot encode", field=label)
            continue
        if isinstance(item, float):
            if not math.isfinite(item):
                raise PayloadNotSerialisable(f"field {label!r} holds a non-finite number", field=label)
            continue
        if isinstance(item, dict | list | tuple):
            if depth >= MAX_DEPTH:
                raise PayloadTooDeep(f"field {label!r} nests deeper than {MAX_DEPTH} levels", field=label)
            if isinstance(item, dict):
                _check_keys(label, item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
            continue
        raise PayloadNotSerialisable(
            f"field {label!r} is not JSON-serialisable ({type(item).__name__})", field=label
        )


def _check_keys(label: str, mapping: dict[Any, Any]) -> None:
    for key in mapping:
        if not isinstance(key, str):
            raise PayloadNotSerialisable(
                f"field {label!r} has a {type(key).__name__} key (JSON keys are text)", field=label
            )
        if not _text_ok(key):
            raise PayloadNotSerialisable(f"field {label!r} has a key UTF-8 cannot encode", field=label)


def check_submission(
    service_id: object, payload: object, field_classes: object, catalog_version: object
) -> None:
    """Refuse (PayloadRefused and subclasses, `field` naming the culprit) what enqueue cannot store."""
    for name, text in (("service_id", service_id), ("catalog_version", catalog_version)):
        if not isinstance(text, str) or not _text_ok(text) or (name == "service_id" and not text):
            raise PayloadRefused(f"{name} must be non-empty text", field=name)
    if not isinstance(payload, dict):
        raise PayloadRefused("the payload must be a dict of field values", field="payload")
    if not isinstance(field_classes, Mapping):
        raise PayloadRefused("field_classes must map each field to its class", field="field_classes")
    for name in payload:
        if not isinstance(name, str) or not _text_ok(name):
            label = field_label(name)
            raise PayloadNotSerialisable(f"field name {label!r} is not JSON text", field=label)
    for name, data_class in field_classes.items():
        if not isinstance(data_class, str) or data_class not in FIELD_CLASSES:
            label = field_label(name)
            raise UnknownFieldClass(f"field {label!r} has an unknown class", field=label)
    for name, value in payload.items():
        check_value(name, value)
