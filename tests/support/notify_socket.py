"""A stand-in for systemd's notify socket, and the real kiosk program started under it.

    with NotifySocket() as sock:                  # a real AF_UNIX datagram socket (abstract name)
        proc = start_kiosk_program(config_path, sock.name, watchdog_usec=400_000)
        sock.wait_for("READY=1")
        sock.messages()                            # [(monotonic time, "WATCHDOG=1"), ...]

Used by tests/test_watchdog.py and bench/restart_bench.py.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class NotifySocket:
    """Receives sd_notify datagrams in a thread and keeps each line with its arrival time."""

    def __init__(self, path: Path | None = None) -> None:
        # abstract by default ("@name", as systemd itself uses); a path socket when given one
        self.name = str(path) if path is not None else f"@kiosk-test-notify-{secrets.token_hex(6)}"
        address = self.name if path is not None else b"\0" + self.name[1:].encode()
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(address)
        self._sock.settimeout(0.2)
        self._lock = threading.Lock()
        self._messages: list[tuple[float, str]] = []
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._receive, name="notify-socket", daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._closed.is_set():
            try:
                data = self._sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            now = time.monotonic()
            with self._lock:
                self._messages.extend((now, line) for line in data.decode().splitlines())

    def messages(self, prefix: str = "") -> list[tuple[float, str]]:
        with self._lock:
            return [(t, m) for t, m in self._messages if m.startswith(prefix)]

    def wait_for(self, line: str, *, after: float = 0.0, timeout_s: float = 60.0) -> float:
        """The arrival time of the first `line` (a prefix) received after `after`; fails on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [t for t, m in self.messages(line) if t > after]
            if found:
                return found[0]
            time.sleep(0.01)
        raise AssertionError(f"no {line!r} on the notify socket within {timeout_s:g} s: {self.messages()[-5:]}")

    def close(self) -> None:
        self._closed.set()
        self._sock.close()
        self._thread.join(2)

    def __enter__(self) -> NotifySocket:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def write_kiosk_config(path: Path, *, hub_url: str, keyring: str, data_dir: Path, fullscreen: bool = True) -> Path:
    """A terminal configuration for the real program: simulated devices, the given hub."""
    path.write_text(
        f"""terminal_id = "T0001"
data_dir = "{data_dir}"
keyring_backend = "{keyring}"

[hub]
url = "{hub_url}"
connect_timeout_s = 2.0
read_timeout_s = 5.0

[card_reader]
kind = "simulated"

[printer]
kind = "simulated"

[ui]
language = "zh"
fullscreen = {"true" if fullscreen else "false"}
speech = false
"""
    )
    return path


def start_kiosk_program(
    config: Path, notify_socket: str, log_path: Path, *, watchdog_usec: int | None = None, hooks: bool = False
) -> subprocess.Popen:
    """`python -m ui --config CONFIG` offscreen, as systemd would start it (NOTIFY_SOCKET, and
    WATCHDOG_USEC / WATCHDOG_PID when the watchdog is on). WATCHDOG_PID is the child's own pid,
    which the parent cannot know before the fork, so the test starts it through `sh -c exec`.
    The program's log goes to `log_path`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NOTIFY_SOCKET=notify_socket)
    env.pop("WATCHDOG_PID", None)
    if watchdog_usec is not None:
        env["WATCHDOG_USEC"] = str(watchdog_usec)
    if hooks:
        env["KIOSK_TEST_HOOKS"] = "1"
    command = [sys.executable, "-m", "ui", "--config", str(config)]
    # sh exports its own pid and then becomes the kiosk (exec keeps the pid), as systemd sets it
    shell = 'export WATCHDOG_PID=$$; exec "$@"' if watchdog_usec is not None else 'exec "$@"'
    return subprocess.Popen(
        ["sh", "-c", shell, "kiosk", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_path.open("ab"),
    )
