"""The systemd watchdog: the notify protocol on a real AF_UNIX datagram socket, the liveness rules,
and the real program (python -m ui, offscreen) under a fake notify socket — READY=1 once the attract
screen is painted, WATCHDOG=1 while it is healthy, and silence when its event loop or its sync
worker is wedged, which is what makes systemd restart it."""

from __future__ import annotations

import signal
import socket

import pytest

from kiosk.sd_notify import Liveness, Notifier, ThreadState, watchdog_interval_s
from tests.support.notify_socket import NotifySocket, start_kiosk_program, write_kiosk_config
from tests.support.waiting import wait_for

PING_USEC = 400_000  # WatchdogSec=0.4 s: the program pings every 0.2 s


def test_notifier_sends_one_datagram_to_an_abstract_socket():
    with NotifySocket() as sock:
        assert sock.name.startswith("@")
        notifier = Notifier(sock.name)
        assert notifier.ready(status="showing ATTRACT")
        assert notifier.watchdog()
        wait_for(lambda: len(sock.messages()) == 3, "three lines")
        assert [m for _, m in sock.messages()] == ["READY=1", "STATUS=showing ATTRACT", "WATCHDOG=1"]
        notifier.close()


def test_notifier_sends_to_a_socket_path(tmp_path):
    with NotifySocket(tmp_path / "notify") as sock:
        assert Notifier(sock.name).watchdog()
        wait_for(lambda: sock.messages("WATCHDOG=1"), "a ping on the path socket")


def test_without_systemd_nothing_is_sent_and_a_vanished_socket_never_raises(tmp_path):
    assert not Notifier.from_environment({}).enabled
    assert Notifier.from_environment({}).ready() is False
    gone = tmp_path / "gone"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(str(gone))
    s.close()
    gone.unlink()
    assert Notifier(str(gone)).watchdog() is False  # logged, the kiosk goes on


def test_the_ping_interval_is_half_of_watchdog_sec_and_only_for_the_process_meant():
    assert watchdog_interval_s({"WATCHDOG_USEC": "30000000"}) == 15.0
    meant = {"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "4242"}
    assert watchdog_interval_s(meant, pid=4242, parent_pid=1) == 15.0
    assert watchdog_interval_s(meant, pid=4243, parent_pid=4242) == 15.0  # the kiosk is cage's child
    assert watchdog_interval_s(meant, pid=4243, parent_pid=1) is None
    assert watchdog_interval_s({}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "0"}) is None
    assert watchdog_interval_s({"WATCHDOG_USEC": "soon"}) is None


def test_liveness_names_a_dead_thread_and_one_stuck_in_one_piece_of_work():
    now = [1000.0]
    states = {"outbox-sync": ThreadState(True, None), "heartbeat": ThreadState(True, 990.0)}
    liveness = Liveness({name: (lambda n=name: states[n]) for name in states}, stuck_after_s=60, clock=lambda: now[0])
    assert liveness.failing() == []  # idle, and busy for 10 s: both fine
    now[0] = 1051.0
    assert liveness.failing() == ["heartbeat: stuck 61 s"]
    states["heartbeat"] = ThreadState(True, None)
    states["outbox-sync"] = ThreadState(False, None)
    assert liveness.failing() == ["outbox-sync: dead"]


def _pings(sock: NotifySocket, after: float, before: float = float("inf")) -> list[float]:
    return [t for t, _ in sock.messages("WATCHDOG=1") if after < t < before]


@pytest.fixture
def kiosk_program(tmp_path, hub_server, file_keyring):
    """Start the real program under a fake notify socket; yields (process, socket, log path)."""
    config = write_kiosk_config(
        tmp_path / "kiosk.toml", hub_url=hub_server.url, keyring=file_keyring, data_dir=tmp_path / "kiosk"
    )
    log_path = tmp_path / "kiosk.log"
    procs = []
    with NotifySocket() as sock:

        def start(**kwargs):
            proc = start_kiosk_program(config, sock.name, log_path, **kwargs)
            procs.append(proc)
            return proc

        yield start, sock, log_path
        for proc in procs:
            proc.terminate()
            proc.wait(20)


def _background_started(log_path) -> bool:
    return "background work started" in log_path.read_text(errors="replace")


def test_the_program_says_ready_at_the_attract_screen_pings_and_falls_silent_while_its_loop_is_wedged(
    kiosk_program, monkeypatch
):
    start, sock, log_path = kiosk_program
    monkeypatch.setenv("KIOSK_TEST_WEDGE_S", "3")
    proc = start(watchdog_usec=PING_USEC, hooks=True)
    ready_at = sock.wait_for("READY=1")
    assert ("STATUS=showing ATTRACT" in [m for _, m in sock.messages()]), sock.messages()
    assert _pings(sock, 0, ready_at) == []  # nothing before READY
    wait_for(lambda: _background_started(log_path), "the sync worker and heartbeat", timeout_s=30)
    wait_for(lambda: len(_pings(sock, ready_at)) >= 8, "periodic pings", timeout_s=30)
    healthy = _pings(sock, ready_at)
    gaps = [b - a for a, b in zip(healthy, healthy[1:], strict=False)]
    assert max(gaps) < 2.0, gaps  # every 0.2 s, with room for a loaded machine

    proc.send_signal(signal.SIGUSR1)  # the UI thread sleeps 3 s in a handler: the loop stops turning
    wedge_seen = wait_for(lambda: "wedging the UI thread" in log_path.read_text(), "the wedge")
    assert wedge_seen
    last_before = max(_pings(sock, 0))
    resumed = sock.wait_for("WATCHDOG=1", after=last_before, timeout_s=30)
    assert resumed - last_before >= 2.5, "pings went on while the event loop was wedged"
    wait_for(lambda: len(_pings(sock, resumed)) >= 3, "pings again once the loop turns", timeout_s=15)
    assert proc.poll() is None


def test_a_stopped_sync_worker_stops_the_pings_and_says_why(kiosk_program):
    start, sock, log_path = kiosk_program
    proc = start(watchdog_usec=PING_USEC, hooks=True)
    ready_at = sock.wait_for("READY=1")
    wait_for(lambda: _background_started(log_path), "the sync worker and heartbeat", timeout_s=30)
    wait_for(lambda: len(_pings(sock, ready_at)) >= 3, "pings", timeout_s=30)

    proc.send_signal(signal.SIGUSR2)  # the sync worker's thread ends; the UI loop still turns
    said_at = sock.wait_for("STATUS=watchdog: outbox-sync: dead", timeout_s=30)
    last = max(_pings(sock, 0))
    assert last <= said_at
    wait_for(lambda: "outbox-sync: dead" in log_path.read_text(), "the reason in the journal")
    import time

    time.sleep(3)  # fifteen ping intervals
    assert _pings(sock, said_at) == [], "pings went on without a sync worker"
    assert proc.poll() is None  # the program itself runs on: systemd's watchdog is what restarts it


def test_outside_systemd_the_program_sends_nothing(kiosk_program):
    start, sock, log_path = kiosk_program
    proc = start(watchdog_usec=None)  # NOTIFY_SOCKET set, no watchdog: READY only
    sock.wait_for("READY=1")
    wait_for(lambda: _background_started(log_path), "the sync worker and heartbeat", timeout_s=30)
    assert sock.messages("WATCHDOG=1") == []
    assert proc.poll() is None


def test_a_terminal_started_before_enrolment_says_ready_and_pings_without_any_background_work(tmp_path, hub_server):
    """Installed, started, not enrolled yet (a keyring with no credentials): the program must not
    exit or withhold pings, or systemd restarts it forever; it shows "being set up" and waits."""
    config = write_kiosk_config(
        tmp_path / "kiosk.toml",
        hub_url=hub_server.url,
        keyring=f"file:{tmp_path / 'fresh' / 'keyring.cfg'}",  # nothing enrolled in it
        data_dir=tmp_path / "kiosk",
    )
    log_path = tmp_path / "kiosk.log"
    with NotifySocket() as sock:
        proc = start_kiosk_program(config, sock.name, log_path, watchdog_usec=PING_USEC)
        try:
            ready_at = sock.wait_for("READY=1")
            assert "STATUS=showing OUT_OF_SERVICE" in [m for _, m in sock.messages()], sock.messages()
            wait_for(lambda: len(_pings(sock, ready_at)) >= 15, "periodic pings", timeout_s=30)
            pings = _pings(sock, ready_at)
            gaps = [b - a for a, b in zip(pings, pings[1:], strict=False)]
            assert max(gaps) < 2.0, gaps
            assert proc.poll() is None
            journal = log_path.read_text(errors="replace")
            assert "terminal not enrolled" in journal
            assert "background work started" not in journal  # no sync worker, no heartbeat
            assert "Traceback" not in journal and " ERROR " not in journal, journal[-2000:]
        finally:
            proc.terminate()
            proc.wait(20)
