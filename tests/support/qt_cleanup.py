"""Freeing a test's Qt windows: deleteLater waits for an event loop, and most tests run none.

A KioskWindow keeps the screens it is not showing (and its technician's scroll area) without a
parent, and each is held by its own buttons' slots: a cycle through Qt that Python's gc cannot see.
Closed and dropped, a window stayed whole (~10 MB a scene: a worker of the full run grew past 4 GB)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent


def delete_later_with_its_screens(window, *, window_too: bool = True) -> None:
    """deleteLater for `window`, the screens it keeps and its speaker (`window_too=False`: the
    window is someone else's to delete, e.g. qtbot's)."""
    kept = [*window.screens.values(), window.maintenance_area, window.speaker]
    for obj in [*kept, window] if window_too else kept:
        if shiboken6.isValid(obj):
            obj.deleteLater()


def flush_deferred_deletes() -> None:
    """Delete now what deleteLater was asked for (a test or a script has no event loop to do it)."""
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
