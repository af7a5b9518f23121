"""pcscd with the vpcd virtual reader, for tests and bench/card_bench.py.

If no pcscd runs, we start our own in the foreground (`pcscd -f -c <dir>`) with a private
reader.conf.d naming one vpcd reader on a free port pair, so we never collide with the system's
configuration, and we can stop it, restart it with or without its reader, and clean up. If a pcscd
is already running (not ours), we reuse it with Debian's stock vpcd reader on port 35963; then the
tests that stop or restart the daemon cannot run and say so (we never stop a process we did not start).

Two test runs on one machine would share the one pcscd and fight over its vpcd slot, so `up()` takes
an exclusive lock (LOCK_FILE) that `down()` releases: a second run waits for the first.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from smartcard import scard

VPCD_LIBRARY = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
PID_FILE = Path("/run/pcscd/pcscd.pid")
STOCK_VPCD_PORT = 0x8C7B  # 35963, /etc/reader.conf.d/vpcd
READER_NAME = "Kiosk Test PCD"
LOCK_FILE = Path("/tmp/kiosk-pcsc-stack.lock")
LOCK_WAIT_S = 300.0


class StackUnavailable(RuntimeError):
    """The PC/SC test stack cannot be brought up or controlled on this machine."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _running_pcscd_pid() -> int | None:
    try:
        pid = int(PID_FILE.read_text().strip("\x00 \n"))
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def foreign_pcscd_running() -> bool:
    if _running_pcscd_pid() is not None:
        return True
    # systemd socket activation: no daemon yet, but the socket answers and starts one
    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult == scard.SCARD_S_SUCCESS:
        scard.SCardReleaseContext(ctx)
        return True
    return False


def running_vpcd_reader() -> tuple[str, int]:
    """(reader name prefix, vpcd port) of the running pcscd's first vpcd reader, from its reader.conf.d
    (its --config directory, or the stock /etc/reader.conf.d)."""
    conf_dir = Path("/etc/reader.conf.d")
    pid = _running_pcscd_pid()
    if pid is not None:
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\x00")
        except OSError:
            argv = []
        for flag, value in zip(argv, argv[1:], strict=False):
            if flag in (b"-c", b"--config"):
                conf_dir = Path(value.decode())
    for conf in sorted(conf_dir.glob("*")) if conf_dir.is_dir() else []:
        entries = dict(
            line.split(None, 1)
            for line in conf.read_text(errors="replace").splitlines()
            if " " in line.strip()
        )
        if "libifdvpcd" in entries.get("LIBPATH", "") and "CHANNELID" in entries:
            return entries.get("FRIENDLYNAME", "").strip().strip('"'), int(entries["CHANNELID"].strip(), 0)
    return "Virtual PCD", STOCK_VPCD_PORT


def _free_port_pair() -> int:
    """A port p with p and p+1 free (vpcd opens one listening port per slot, two slots)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("0.0.0.0", 0))
            port = probe.getsockname()[1]
        if port >= 65535:
            continue
        try:
            for candidate in (port, port + 1):
                with socket.socket() as s:
                    s.bind(("0.0.0.0", candidate))
        except OSError:
            continue
        return port
    raise StackUnavailable("no free port pair for vpcd")


def card_present(reader: str) -> bool:
    """Whether pcscd itself sees a card in `reader` now."""
    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    try:
        hresult, states = scard.SCardGetStatusChange(ctx, 0, [(reader, scard.SCARD_STATE_UNAWARE)])
        return hresult == scard.SCARD_S_SUCCESS and bool(states[0][1] & scard.SCARD_STATE_PRESENT)
    finally:
        scard.SCardReleaseContext(ctx)


def list_readers() -> list[str] | None:
    """Readers pcscd reports now; None if the service does not answer."""
    hresult, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        hresult, names = scard.SCardListReaders(ctx, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        return list(names) if hresult == scard.SCARD_S_SUCCESS else None
    finally:
        scard.SCardReleaseContext(ctx)


class PcscStack:
    """The daemon and its vpcd reader. `port` is where a VirtualCard connects to be inserted."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.owned = False
        self.port = STOCK_VPCD_PORT
        self.reader_prefix = "Virtual PCD"
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock_fd: int | None = None

    @property
    def reader(self) -> str:
        return f"{self.reader_prefix} 00 00"

    def _take_lock(self) -> None:
        fd = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
        deadline = time.monotonic() + LOCK_WAIT_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise StackUnavailable(
                        f"another test run holds {LOCK_FILE} for over {LOCK_WAIT_S:g} s"
                    ) from None
                time.sleep(0.2)  # the other run's card tests take some seconds
        self._lock_fd = fd

    def up(self) -> PcscStack:
        if shutil.which("pcscd") is None or not Path(VPCD_LIBRARY).exists():
            raise StackUnavailable(
                "pcscd or vsmartcard-vpcd is not installed (scripts/bootstrap.sh installs them)"
            )
        self._take_lock()
        if foreign_pcscd_running():
            self.reader_prefix, self.port = running_vpcd_reader()
            self._wait_for(lambda names: names is not None and self.reader in names, f"reader {self.reader}")
            return self
        self.owned = True
        self.port = _free_port_pair()
        self.reader_prefix = READER_NAME
        self.start_daemon(with_reader=True)
        return self

    def down(self) -> None:
        try:
            self._stop()
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)  # closing releases the flock
                self._lock_fd = None

    def _require_owned(self) -> None:
        if not self.owned:
            raise StackUnavailable(
                "a pcscd we did not start is running: stop it (e.g. systemctl stop pcscd.socket pcscd) "
                "to run the tests that restart the PC/SC service"
            )

    def start_daemon(self, with_reader: bool = True) -> None:
        """Start our pcscd, with our vpcd reader or with no reader at all; wait until it answers."""
        self._require_owned()
        conf = self.workdir / ("conf-reader" if with_reader else "conf-empty")
        conf.mkdir(parents=True, exist_ok=True)
        if with_reader:
            (conf / "kiosk-vpcd").write_text(
                f'FRIENDLYNAME "{READER_NAME}"\nDEVICENAME /dev/null:0x{self.port:X}\n'
                f"LIBPATH {VPCD_LIBRARY}\nCHANNELID 0x{self.port:X}\n"
            )
        log = open(self.workdir / "pcscd.log", "ab")  # noqa: SIM115 - handed to the child process
        self._proc = subprocess.Popen(
            ["pcscd", "--foreground", "--config", str(conf)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        if with_reader:
            self._wait_for(
                lambda names: names is not None and self.reader in names, "pcscd with the vpcd reader"
            )
        else:
            self._wait_for(lambda names: names == [], "pcscd with no reader")

    def stop_daemon(self) -> None:
        """Stop our pcscd (as a crash or an update would). StackUnavailable if it is not ours."""
        self._require_owned()
        self._stop()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def _wait_for(
        self, ready: Callable[[list[str] | None], bool], what: str, timeout_s: float = 15.0
    ) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                raise StackUnavailable(
                    f"pcscd exited with {self._proc.returncode}; see {self.workdir}/pcscd.log"
                )
            if ready(list_readers()):
                return
            time.sleep(0.05)  # polling a daemon that has no readiness signal
        raise StackUnavailable(f"timed out waiting for {what}")
