"""Waiting on a condition in tests that drive threads and processes (not Qt: those use qtbot)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], what: str = "condition", *, timeout_s: float = 15.0) -> T:
    """Poll `condition` until it is truthy and return its value; fail naming what never happened.

    The timeout is generous on purpose: a loaded 2-core CI machine is slow, and a test that
    passes only on an idle one proves nothing.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(0.02)
