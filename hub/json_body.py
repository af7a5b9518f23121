"""Reading request bodies so that no input can make the hub fail (issue 10: never a 5xx).

`parse(raw)` is the only way a /v1 body becomes Python values. Before `json.loads` sees the bytes,
a scan bounds their nesting (brackets outside strings), so `[` x 100,000 is refused in linear time
instead of ending in RecursionError. NaN, Infinity and numbers that overflow a float (1e400) are
refused: they are not JSON, and the hub could not write them back out. What is refused raises
BodyRefused with the status and code of the answer (400 malformed_json, 422 too_deep).

Text that cannot be stored or answered — a lone UTF-16 surrogate, which JSON can spell as
``"\\ud800"`` — is found by `unstorable_text(value)`: the batch endpoint rejects such an item on its
own, every other endpoint refuses the whole body (422 invalid_text).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_BODY_DEPTH = 256
"""Deepest nesting of arrays/objects accepted in a request body (a batch adds 3 levels to a payload)."""
MAX_PAYLOAD_DEPTH = 64
"""Deepest nesting inside one submission's payload; deeper items are rejected one by one."""

_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]++")


class BodyRefused(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


def too_deep(raw: bytes, limit: int) -> bool:
    """Whether a JSON text nests arrays/objects deeper than `limit`, counting brackets outside
    strings. Linear in the size, and stops at the first level beyond the limit."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", raw))
    if len(brackets) <= limit:
        return False  # cannot be deeper than the number of brackets: no walk needed
    level = 0
    for byte in brackets:
        if byte in b"[{":
            level += 1
            if level > limit:
                return True
        else:
            level -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def parse(raw: bytes, max_depth: int = MAX_BODY_DEPTH) -> Any:
    """The JSON value of a body. Raises BodyRefused (400 malformed_json, 422 too_deep)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyRefused(400, "malformed_json", "the body is not UTF-8") from exc
    if too_deep(raw, max_depth):
        raise BodyRefused(422, "too_deep", f"the body is nested deeper than {max_depth} levels")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError as exc:  # not expected after the scan; kept so it can never become a 500
        raise BodyRefused(422, "too_deep", "the body is nested too deeply") from exc
    except ValueError as exc:
        # JSONDecodeError, NaN/Infinity, 1e400, integers beyond Python's digit limit
        raise BodyRefused(400, "malformed_json", "the body is not valid JSON") from exc


def _is_storable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_text(value: Any, where: str = "") -> str | None:
    """Where the first string (key or value) that is not valid Unicode sits, e.g. ``payload.name``;
    None when every string can be stored. Walks iteratively (no recursion limit to meet)."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if not _is_storable(node):
                return path or "(body)"
        elif isinstance(node, dict):
            for key, child in node.items():
                child_path = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not _is_storable(key):
                    # the key itself cannot be named in a message: point at its parent
                    return (path or "(body)") + " (a key)"
                stack.append((child, child_path))
        elif isinstance(node, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(node))
    return None


def depth(value: Any) -> int:
    """Nesting depth of a parsed value (a scalar is 0, ``{}`` is 1), iteratively."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            level += 1
            deepest = max(deepest, level)
            stack.extend((child, level) for child in (node.values() if isinstance(node, dict) else node))
    return deepest
