"""The screens rebuild their widgets at every view (the bars at each one, the attract screen at each
session end): what a rebuild replaces must be freed, or a terminal that runs for months grows.

The leak these tests guard against was native and invisible to Python: `clear_layout` took the layout
items out (`takeAt`) and never deleted them (a QWidgetItem per widget, a QSpacerItem per stretch).
"""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.session_view import Step
from tests.support.malloc_info import malloc_in_use
from ui.widgets import button, clear_layout, label


def _deferred_deletes() -> None:
    QApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def _fill(root: QVBoxLayout) -> None:
    """What a screen's build puts in: widgets, stretches and nested rows with their own stretches."""
    root.addWidget(label("title", "title"))
    root.addStretch(1)
    row = QHBoxLayout()
    row.addWidget(button("ok", lambda: None, name="ok"))
    row.addStretch(1)
    inner = QVBoxLayout()
    inner.addWidget(label("inner"))
    inner.addSpacing(8)
    row.addLayout(inner)
    root.addLayout(row)


def _items(layout) -> list:
    found = []
    for i in range(layout.count()):
        item = layout.itemAt(i)
        found.append(item)
        if item.layout() is not None:
            found.extend(_items(item.layout()))
    return found


def test_clear_layout_deletes_every_item_it_takes_out(qapp):
    holder = QWidget()
    root = QVBoxLayout(holder)
    _fill(root)
    items = _items(root)
    assert len(items) == 8  # 4 widgets' items, 3 spacers, 2 nested layouts (the row holds the inner)
    clear_layout(root)
    _deferred_deletes()
    assert root.count() == 0
    alive = [type(item).__name__ for item in items if shiboken6.isValid(item)]
    assert alive == [], f"layout items taken out and never deleted: {alive}"
    holder.deleteLater()
    _deferred_deletes()


def _qt_objects() -> dict[str, int]:
    """The Qt objects that exist, by class: the widgets, and every QObject under a top-level widget."""
    counts: dict[str, int] = {"<widgets>": len(QApplication.allWidgets())}
    for top in QApplication.topLevelWidgets():
        for obj in top.findChildren(QObject):
            name = type(obj).__name__
            counts[name] = counts.get(name, 0) + 1
    return counts


def test_clear_layout_in_a_loop_keeps_malloc_flat(qapp):
    """300 rebuilds of a screen of 32 layout items leave malloc's bytes in use where they were
    (the old clear_layout lost ~0.6 KiB a rebuild here: about +170 KiB)."""
    holder = QWidget()
    root = QVBoxLayout(holder)

    def rebuild(times: int) -> None:
        for _ in range(times):
            for _ in range(4):
                _fill(root)
            clear_layout(root)
            _deferred_deletes()

    rebuild(50)  # warm-up: wrappers, style caches
    gc.collect()
    before = malloc_in_use()
    rebuild(300)
    gc.collect()
    grown = malloc_in_use() - before
    assert grown < 30 * 1024, f"300 rebuilds grew malloc in use by {grown / 1024:.0f} KiB"
    holder.deleteLater()
    _deferred_deletes()


def test_session_ends_leave_the_qt_objects_flat(kiosk_ui):
    """300 sessions begun and given up (the attract screen and the bars rebuilt at each end) leave
    exactly the same widgets and Qt objects, class by class."""

    def cycle(times: int) -> None:
        for _ in range(times):
            kiosk_ui.session.start()
            kiosk_ui.wait_step(Step.IDENTIFY)
            kiosk_ui.session.cancel()
            kiosk_ui.wait_step(Step.ATTRACT)
            _deferred_deletes()

    cycle(20)  # warm-up: every screen and cache the cycle uses exists once
    gc.collect()
    before = _qt_objects()
    cycle(300)
    gc.collect()
    after = _qt_objects()
    grown = {k: after.get(k, 0) - before.get(k, 0) for k in after.keys() | before.keys()}
    assert {k: d for k, d in grown.items() if d} == {}
