"""Cycles holding Qt objects are collected on the UI thread, never on a worker thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from ui.ui_thread_gc import UiThreadCollector


class _Cycle:
    def __init__(self, seen: list) -> None:
        self.me = self
        self.obj = QObject()
        self.obj.destroyed.connect(lambda *_: seen.append(threading.current_thread().name))


def test_a_cycle_with_a_qt_object_is_freed_on_the_ui_thread_not_by_a_worker_allocating(qtbot) -> None:
    collector = UiThreadCollector(interval_ms=20)
    collector.start()
    try:
        seen: list[str] = []
        _Cycle(seen)
        gc_runs: list[str] = []
        watch = lambda phase, _info: gc_runs.append(threading.current_thread().name)  # noqa: E731
        gc.callbacks.append(watch)
        try:
            # a worker allocating far past the collector's threshold: automatic collection would run here
            kept: list = []
            worker = threading.Thread(target=lambda: kept.extend([] for _ in range(20_000)), name="worker")
            worker.start()
            worker.join()
            assert "worker" not in gc_runs
            assert seen == []
            qtbot.waitUntil(lambda: seen != [], timeout=5000)
        finally:
            gc.callbacks.remove(watch)
        assert seen == [threading.main_thread().name]
        assert set(gc_runs) == {threading.main_thread().name}
    finally:
        collector.stop()
    assert gc.isenabled()


def test_collection_is_automatic_again_only_when_the_last_of_two_overlapping_collectors_stops(qtbot) -> None:
    assert gc.isenabled()
    first, second = UiThreadCollector(interval_ms=20), UiThreadCollector(interval_ms=20)
    first.start()
    second.start()  # a second terminal built before the first was shut down
    try:
        first.stop()
        assert not gc.isenabled()  # the second terminal still runs: no collection on its workers
        first.stop()  # a second stop of the same collector changes nothing
        assert not gc.isenabled()
    finally:
        second.stop()
    assert gc.isenabled()


def test_a_collector_destroyed_without_stop_gives_collection_back(qtbot) -> None:
    from shiboken6 import delete

    parent = QObject()
    collector = UiThreadCollector(parent, interval_ms=20)
    collector.start()
    assert not gc.isenabled()
    delete(parent)  # the terminal's window went away without shutdown()
    assert gc.isenabled()
