"""Recovery time: SIGKILL the kiosk under a supervisor and time it until the attract screen is
painted again (the program's READY=1, sent at that paint; see ui/watchdog.py).

The supervisor is what packaging/community-kiosk.service asks of systemd: Restart=always with
RestartSec. When systemd is PID 1 the unit does that; on a machine where it is not (containers, this
development VM) a small loop here mirrors it: wait for the child to end, sleep RestartSec, start it
again with NOTIFY_SOCKET and WATCHDOG_USEC set as systemd sets them. The kiosk is the real program
(python -m ui, offscreen) with simulated devices against the reference hub.

Figures per kill: kill -> READY (what a resident waits: includes RestartSec), of which start -> READY
(the program's own cold start to a painted attract screen with its cached catalogue).

Usage: .venv/bin/python bench/restart_bench.py [--kills 10] [--restart-sec 1]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hub.testing import start_hub  # noqa: E402
from kiosk.secrets import select_keyring_backend  # noqa: E402
from tests.support.notify_socket import NotifySocket, start_kiosk_program, write_kiosk_config  # noqa: E402


class Supervisor:
    """Restart=always, RestartSec=`restart_sec`: keeps one kiosk process running."""

    def __init__(self, start, restart_sec: float) -> None:
        self._start = start
        self.restart_sec = restart_sec
        self.proc: subprocess.Popen | None = None
        self.started_at: list[float] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self.started_at.append(time.monotonic())
            self.proc = self._start()
            self.proc.wait()
            if self._stopping.wait(self.restart_sec):
                return

    def run(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._thread.join(30)


def _systemd_is_pid1() -> bool:
    try:
        return Path("/proc/1/comm").read_text().strip() == "systemd"
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--restart-sec", type=float, default=1.0, help="as RestartSec= in the unit")
    args = parser.parse_args(argv)
    if _systemd_is_pid1():
        print("systemd is PID 1 here, but this bench still uses its own supervisor loop so the figures"
              " compare between machines; the unit's figure is the same loop plus systemd's fork.")
    else:
        comm = Path("/proc/1/comm").read_text().strip()
        print(f"systemd is not PID 1 here (PID 1 is {comm!r}): a supervisor loop mirrors"
              f" Restart=always, RestartSec={args.restart_sec:g}")
    with tempfile.TemporaryDirectory(prefix="restart-bench-") as tmp:
        folder = Path(tmp)
        keyring = f"file:{folder / 'keyring.cfg'}"
        select_keyring_backend(keyring)
        hub = start_hub(folder / "hub.sqlite", terminal_id="T0001")
        config = write_kiosk_config(folder / "kiosk.toml", hub_url=hub.url, keyring=keyring, data_dir=folder / "kiosk")
        log_path = folder / "kiosk.log"
        with NotifySocket() as sock:
            supervisor = Supervisor(
                lambda: start_kiosk_program(config, sock.name, log_path, watchdog_usec=30_000_000),
                args.restart_sec,
            )
            supervisor.run()
            try:
                first = sock.wait_for("READY=1", timeout_s=120)
                print(f"first start (no cached catalogue yet) -> READY: {first - supervisor.started_at[0]:.2f} s")
                total, own = [], []
                ready = first
                for n in range(args.kills):
                    time.sleep(2.0)  # let the background start and the catalogue be cached
                    proc = supervisor.proc
                    killed_at = time.monotonic()
                    os.kill(proc.pid, signal.SIGKILL)
                    ready = sock.wait_for("READY=1", after=ready, timeout_s=120)
                    started = supervisor.started_at[-1]
                    total.append(ready - killed_at)
                    own.append(ready - started)
                    print(f"kill {n + 1}: kill -> READY {ready - killed_at:.2f} s (start -> READY {ready - started:.2f} s)")
            finally:
                supervisor.stop()
                hub.stop()
        if total:
            print(
                f"kill -> painted attract screen over {len(total)} kills: median {statistics.median(total):.2f} s,"
                f" min {min(total):.2f} s, max {max(total):.2f} s (RestartSec={args.restart_sec:g} s included);"
                f" the program's own start -> READY: median {statistics.median(own):.2f} s, max {max(own):.2f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
