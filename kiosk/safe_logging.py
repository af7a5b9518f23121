"""Kept for existing callers: the helper lives in the neutral package `safelog` (drivers/ and
offline_queue/ use it too, and they import nothing from kiosk/)."""

from __future__ import annotations

from safelog import log_unexpected

__all__ = ["log_unexpected"]
