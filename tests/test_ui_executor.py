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


def test_a_worker_keeps_its_thread_between_jobs(qtbot):
    """What a job keeps per thread (the hub client's requests Session and its open connection) is
    there for the next job on that thread; a QThreadPool gave every job a new Python thread state."""
    executor = QtExecutor(max_threads=1)
    per_thread = threading.local()
    made = []

    def job() -> None:
        if getattr(per_thread, "session", None) is None:
            per_thread.session = object()
            made.append(per_thread.session)

    got = []
    for _ in range(20):
        executor.submit(job, got.append)
        qtbot.waitUntil(lambda: executor.pending == 0, timeout=10_000)
    assert len(got) == 20 and len(made) == 1


def test_a_delivered_job_keeps_nothing_alive(qtbot):
    """Each job, and what its closure holds, is freed once its result is delivered: the soak found
    fast jobs (a card read) left behind by a QThreadPool, ~40 per 100 sessions."""
    import gc
    import weakref

    class Held:  # what a job's closure holds (a receipt, an identity)
        pass

    executor = QtExecutor()
    refs, got = [], []
    for _ in range(500):
        held = Held()
        refs.append(weakref.ref(held))
        executor.submit(lambda held=held: held and None, got.append)
    del held
    qtbot.waitUntil(lambda: executor.pending == 0, timeout=20_000)
    assert executor.wait_idle(10_000)
    gc.collect()
    assert len(got) == 500
    assert [r for r in refs if r() is not None] == []
