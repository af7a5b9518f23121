"""systemd's notify protocol and the rules for when the kiosk may tell systemd it is alive. No Qt.

The unit is `Type=notify` with `WatchdogSec=`: systemd waits for READY=1 (sent once the attract
screen is painted) and then restarts the program when no WATCHDOG=1 arrives within WatchdogSec.
The protocol is one datagram on the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an abstract
name written with a leading "@"), so it is done here directly instead of through a library: the
whole of it is `Notifier.send`.

    notifier = Notifier.from_environment()      # disabled (sends nothing) outside systemd
    notifier.ready()                            # READY=1
    liveness = Liveness({"outbox-sync": worker_probe, "heartbeat": heartbeat_probe})
    if liveness.failing() == []: notifier.watchdog()

`Liveness` holds the rule: WATCHDOG=1 goes out only while every watched thread is alive and not stuck
in one piece of work for longer than `stuck_after_s`. The UI event loop is the third condition: the
ping is sent from a timer on the UI thread (ui/watchdog.py), so a wedged loop sends nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger(__name__)

# a sync batch or a heartbeat is a few hub calls, each bounded by the hub client's connect and read
# timeouts (seconds); a thread busy with one piece of work for two minutes is wedged, not slow
STUCK_AFTER_S = 120.0


def _socket_address(name: str) -> str | bytes:
    # "@name" is Linux's abstract namespace: a leading NUL byte instead of the "@"
    return b"\0" + name[1:].encode() if name.startswith("@") else name


class Notifier:
    """Sends sd_notify messages to one socket; does nothing when there is none (not under systemd)."""

    def __init__(self, socket_name: str | None) -> None:
        self.socket_name = socket_name or None
        self._sock: socket.socket | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Notifier:
        return cls(environ.get("NOTIFY_SOCKET"))

    @property
    def enabled(self) -> bool:
        return self.socket_name is not None

    def send(self, *assignments: str) -> bool:
        """Send `KEY=value` lines as one datagram; False (and a log line) when it cannot be sent.
        Never raises: a terminal must not stop because systemd's socket is gone."""
        if self.socket_name is None:
            return False
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto("\n".join(assignments).encode(), _socket_address(self.socket_name))
        except OSError as exc:
            log.warning("sd_notify failed", extra={"error": type(exc).__name__})
            return False
        return True

    def ready(self, status: str | None = None) -> bool:
        return self.send("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.send(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def watchdog_interval_s(
    environ: Mapping[str, str] = os.environ, pid: int | None = None, parent_pid: int | None = None
) -> float | None:
    """How often to ping: half of systemd's WatchdogSec (passed as $WATCHDOG_USEC), so one late ping
    is not a restart. None when the watchdog is off or meant for another process ($WATCHDOG_PID).

    On a terminal the unit's main process is cage and the kiosk its child, so systemd names cage in
    WATCHDOG_PID: the parent counts as "us" (the unit has NotifyAccess=all for that)."""
    usec = environ.get("WATCHDOG_USEC", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    owner = environ.get("WATCHDOG_PID", "")
    mine = (os.getpid() if pid is None else pid, os.getppid() if parent_pid is None else parent_pid)
    if owner.isdigit() and int(owner) not in mine:
        return None
    return int(usec) / 1_000_000 / 2


@dataclass(frozen=True)
class ThreadState:
    """What a watched worker says about itself: its thread runs, and since when it is busy with one
    piece of work (None while it waits for the next)."""

    alive: bool
    busy_since: float | None = None


class Liveness:
    """The rule for WATCHDOG=1: every watched thread alive and none stuck. Probes are read on the
    caller's thread; they must only read attributes (no locks, no I/O), so a wedged worker cannot
    wedge the check too."""

    def __init__(
        self,
        probes: Mapping[str, Callable[[], ThreadState]] | None = None,
        *,
        stuck_after_s: float = STUCK_AFTER_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.probes: dict[str, Callable[[], ThreadState]] = dict(probes or {})
        self.stuck_after_s = stuck_after_s
        self.clock = clock

    def watch(self, name: str, probe: Callable[[], ThreadState]) -> None:
        self.probes[name] = probe

    def failing(self) -> list[str]:
        """Names of the threads that are dead or stuck, e.g. ["outbox-sync: dead"]; [] when all is well."""
        now = self.clock()
        problems = []
        for name, probe in self.probes.items():
            state = probe()
            if not state.alive:
                problems.append(f"{name}: dead")
            elif state.busy_since is not None and now - state.busy_since > self.stuck_after_s:
                problems.append(f"{name}: stuck {now - state.busy_since:.0f} s")
        return problems
