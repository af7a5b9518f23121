"""The Qt executor runs blocking jobs off the UI thread and delivers each result once, on the UI
thread, exceptions as values; the screen keeps painting meanwhile."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from ui.qt_executor import QtExecutor


def test_jobs_run_in_workers_and_results_arrive_on_the_ui_thread(qtbot):
    executor = QtExecutor()
    ui_thread = QThread.currentThread()
    ran_on, delivered = [], []
    release = threading.Event()

    def job(n: int) -> int:
        ran_on.append(threading.get_ident())
        release.wait(10)
        return n * n

    for n in range(8):
        executor.submit(
            lambda n=n: job(n), lambda result: delivered.append((result, QThread.currentThread()))
        )
    assert executor.pending == 8 and delivered == []  # submit returned at once
    release.set()
    qtbot.waitUntil(lambda: len(delivered) == 8, timeout=10_000)
    assert sorted(r for r, _ in delivered) == [n * n for n in range(8)]
    assert all(thread is ui_thread for _, thread in delivered)
    assert threading.main_thread().ident not in ran_on
    assert executor.pending == 0


def test_an_exception_is_delivered_as_a_value(qtbot):
    executor = QtExecutor()
    got = []

    def broken() -> None:
        raise OSError("disk gone")

    executor.submit(broken, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert isinstance(got[0], OSError) and str(got[0]) == "disk gone"
