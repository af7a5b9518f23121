"""The systemd watchdog on the UI thread: READY=1 once the attract screen is painted, then WATCHDOG=1
from a timer while the sync worker and the heartbeat are alive (rules and protocol: kiosk/sd_notify.py).

The ping timer runs on the UI thread, so its firing is the proof that the event loop turns: a loop
wedged in a slot fires nothing and systemd restarts the kiosk after WatchdogSec. Outside systemd
(no $NOTIFY_SOCKET) nothing is sent and no timer runs.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.sd_notify import Liveness, Notifier, watchdog_interval_s
from kiosk.session_view import OutOfServiceReason, Step

log = logging.getLogger(__name__)

READY_FALLBACK_S = 30.0


class SystemdWatchdog(QObject):
    """Tells systemd the kiosk is up (READY=1) and alive (WATCHDOG=1). `terminal` is ui.app.Terminal."""

    def __init__(self, terminal: Any, notifier: Notifier, interval_s: float | None) -> None:
        super().__init__(terminal.window)
        self.terminal = terminal
        self.notifier = notifier
        self.liveness = Liveness()
        self.ready_sent = False
        self.pings = 0
        self._watching_background = False
        self._last_problems: list[str] = []
        self._interval_s = interval_s
        self.timer = QTimer(self)
        if interval_s is not None:
            self.timer.setInterval(max(1, int(interval_s * 1000)))
            self.timer.timeout.connect(self.ping)
        # a terminal with no catalogue yet paints "out of service" first; the attract screen follows
        # when the hub answers. One that stays out of service (hub down, nothing cached) is still a
        # started kiosk doing the right thing: READY after READY_FALLBACK_S so systemd does not
        # restart it in a loop (TimeoutStartSec in the unit is longer than this)
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(int(READY_FALLBACK_S * 1000))
        self._fallback.timeout.connect(lambda: self.ready_sent or self._send_ready())
        QApplication.instance().installEventFilter(self)  # until READY: then removed

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            not self.ready_sent
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.window() is self.terminal.window
        ):
            view = self.terminal.window.view
            if view is not None and (
                view.step is Step.ATTRACT or view.out_of_service is OutOfServiceReason.NOT_ENROLLED
            ):
                # this paint puts the attract screen on the display: READY once it is handled. Not
                # enrolled, "being set up" is where the terminal stays until a technician enrols it:
                # started as meant, so READY (and pings) now, or systemd would restart it in a loop
                self._send_ready()
            elif not self._fallback.isActive():
                self._fallback.start()
        return False

    def _send_ready(self) -> None:
        self.ready_sent = True
        self._fallback.stop()
        QApplication.instance().removeEventFilter(self)
        QTimer.singleShot(0, self._ready)

    def _ready(self) -> None:
        view = self.terminal.window.view
        step = view.step.name if view is not None else "starting"
        self.notifier.ready(status=f"showing {step}")
        log.info("ready: first screen painted", extra={"step": step})
        if self._interval_s is not None and self.notifier.enabled:
            self.timer.start()
            self.ping()

    def ping(self) -> None:
        """One turn of the watchdog: WATCHDOG=1 when every watched thread is fine, else nothing."""
        background = self.terminal.background
        if background is not None and not self._watching_background:
            # the sync worker and heartbeat start after the first screen; watched from then on
            for name, probe in background.thread_probes().items():
                self.liveness.watch(name, probe)
            self._watching_background = True
        problems = self.liveness.failing()
        if problems:
            if problems != self._last_problems:
                log.error("watchdog pings withheld: %s", ", ".join(problems))
                self.notifier.status("watchdog: " + ", ".join(problems))
            self._last_problems = problems
            return
        self._last_problems = []
        if self.notifier.watchdog():
            self.pings += 1

    def stop(self) -> None:
        self.timer.stop()
        self.notifier.stopping()
        self.notifier.close()


def start_watchdog(terminal: Any, environ: dict[str, str] | None = None) -> SystemdWatchdog:
    """Build the watchdog from systemd's environment (NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID);
    call before the window is shown so the first paint is seen."""
    env = os.environ if environ is None else environ
    return SystemdWatchdog(terminal, Notifier.from_environment(env), watchdog_interval_s(env))


def install_test_hooks(terminal: Any) -> None:
    """Only with KIOSK_TEST_HOOKS=1 (tests, bench): SIGUSR1 wedges the UI thread for
    $KIOSK_TEST_WEDGE_S seconds (default 5), SIGUSR2 stops the outbox's sync worker — the two
    faults the watchdog must catch, caused from outside the real program. With
    $KIOSK_TEST_GRAB_DIR, Qt's own grab of the window on request (see _install_grab)."""
    if os.environ.get("KIOSK_TEST_HOOKS") != "1":
        return
    wedge_s = float(os.environ.get("KIOSK_TEST_WEDGE_S", "5"))

    def wedge(*_: object) -> None:
        log.warning("test hook: wedging the UI thread for %.1f s", wedge_s)
        time.sleep(wedge_s)  # Python runs signal handlers on the main thread: the UI loop stops

    def stop_sync(*_: object) -> None:
        background = terminal.background
        if background is not None:
            log.warning("test hook: stopping the sync worker")
            threading.Thread(target=background.sync_worker.stop, name="test-hook", daemon=True).start()

    signal.signal(signal.SIGUSR1, wedge)
    signal.signal(signal.SIGUSR2, stop_sync)
    grab_dir = os.environ.get("KIOSK_TEST_GRAB_DIR")  # also takes "escape" requests: see _install_grab
    if grab_dir:
        _install_grab(terminal, Path(grab_dir))


def _install_grab(terminal: Any, folder: Path) -> None:
    """Qt's own view of the window, for tests under a compositor whose output cannot be captured:
    when `folder/request` appears, write `grab.png` (the window as Qt paints it) and `grab.json`
    (window, frame and screen geometry, window state, the session step), then delete the request.
    When `folder/escape` appears, deliver what a resident or a compositor could send to get out —
    Escape, Alt+F4, Alt+Tab, Ctrl+Alt+F2, Super, and a close request — to the window, as Qt's
    platform plugin delivers them (for a compositor without a virtual keyboard, such as cage 0.1.4)."""
    window = terminal.window

    def escape() -> None:
        handle = window.windowHandle()
        keys = [
            (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
            (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
            (Qt.Key.Key_Tab, Qt.KeyboardModifier.AltModifier),
            (Qt.Key.Key_F2, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier),
            (Qt.Key.Key_Super_L, Qt.KeyboardModifier.MetaModifier),
        ]
        for key, modifiers in keys:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(handle, QKeyEvent(kind, key, modifiers))
        QApplication.sendEvent(handle, QCloseEvent())  # the compositor's xdg_toplevel.close
        (folder / "escape").unlink()

    def look() -> None:
        if (folder / "escape").exists():
            escape()
        request = folder / "request"
        if not request.exists():
            return
        window.grab().save(str(folder / "grab.png"))
        handle = window.windowHandle()
        screen = window.screen().geometry()
        frame = window.frameGeometry()
        facts = {
            "window": [window.x(), window.y(), window.width(), window.height()],
            "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
            "screen": [screen.x(), screen.y(), screen.width(), screen.height()],
            "fullscreen": bool(window.windowState() & Qt.WindowState.WindowFullScreen),
            # cage 0.1.4 answers a full-screen request by maximising the window to the output
            "maximized": bool(window.windowState() & Qt.WindowState.WindowMaximized),
            "frameless": bool(window.windowFlags() & Qt.WindowType.FramelessWindowHint),
            "margins": [handle.frameMargins().left(), handle.frameMargins().top()] if handle else None,
            "step": window.view.step.name if window.view is not None else None,
            "visible": window.isVisible(),
        }
        # the test polls for grab.json: it must never see the file before its content
        part = folder / "grab.json.part"
        part.write_text(json.dumps(facts))
        os.replace(part, folder / "grab.json")
        request.unlink()

    timer = QTimer(window)
    timer.setInterval(200)
    timer.timeout.connect(look)
    timer.start()
