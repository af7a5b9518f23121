"""Hub processes forked from one that has imported the hub already, for the test suite.

Most tests start a reference hub of their own (`hub_server`: its own process, database and port, so
no test sees another's cases). A new interpreter spends ~1.2 s of CPU importing FastAPI, uvicorn,
sqlite-utils and the hub before it answers (4-7 s on the shared machine), and the suite starts
hundreds. So each test process keeps one *zygote*: a process that imports all of that once and
then forks a child per hub asked for. The child runs the same `python -m hub serve` entry point
with the same arguments, on the listening socket and log file the caller hands over (SCM_RIGHTS),
as a process of its own: SIGTERM stops it gracefully, SIGKILL is a power cut, and it serves from
its own database file, exactly as a hub started by `subprocess.Popen`.

    zygote = HubZygote.start()
    hub.testing.DEFAULT_LAUNCHER[0] = zygote.launch
    ...
    zygote.close()       # its hubs still running are killed with it

`ForkedHub` is what `RunningHub.process` then holds: Popen's pid/poll/wait/send_signal/terminate/
kill/returncode, over a pidfd (the hub is the zygote's child, not the test process's) and the
zygote's answer for the exit status. A hub start that must pay the real imports (the test of the
start's cost) passes `launcher=hub.testing.popen_launcher`.
"""

from __future__ import annotations

import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# what `hub serve` imports before it answers its first request, beyond the modules' own imports
# (uvicorn picks its loop and protocol when it starts; the console's templates import jinja2)
SERVE_IMPORTS = (
    "hub.__main__",
    "hub.app",
    "hub.auth",
    "hub.console.settings",
    "uvicorn",
    "uvicorn.lifespan.off",
    "uvicorn.loops.auto",
    "uvicorn.loops.asyncio",
    "uvicorn.loops.uvloop",
    "uvicorn.protocols.http.auto",
    "uvicorn.protocols.http.h11_impl",
    "uvicorn.protocols.http.httptools_impl",
    "uvicorn.protocols.websockets.auto",
    "anyio._backends._asyncio",
    "anyio.streams.memory",
    "anyio.streams.stapled",
    "anyio.streams.tls",
    "concurrent.futures.thread",
    "jinja2",
    "pydantic.v1",
    "fastapi.openapi.utils",
)
START_TIMEOUT_S = 120  # a bound for the zygote's imports on a loaded machine, not a speed target


# --- the zygote process ---------------------------------------------------------------------------


def _serve_child(args: list[str], listen_fd: int, log_fd: int, env: dict[str, str], cwd: str) -> None:
    """In the forked child: become `python -m hub serve ...` on the fds handed over; never returns."""
    code = 1
    try:
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        # ignored, as a new interpreter has it: at its default a write to a client killed meanwhile
        # ended the hub silently (the queue crash test's terminals, SIGKILLed mid-request)
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        hub_args = list(args[args.index("hub") + 1 :])  # [python, -m, hub, serve, ...]
        hub_args[hub_args.index("--fd") + 1] = str(listen_fd)
        sys.argv = ["hub", *hub_args]
        from hub.__main__ import main

        code = main(hub_args)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001 - the child must end here, with the reason in its log
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _die_with_parent() -> None:
    """A hub whose zygote is killed (its test process crashed) is killed too: none is left over."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _zygote_main(control_fd: int) -> None:
    for name in SERVE_IMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:
            pass  # an optional one (uvloop, httptools): the child imports what uvicorn picks
    control = socket.socket(fileno=control_fd)
    children: dict[int, int | None] = {}  # pid -> exit status once reaped
    # forking is only safe from a process with one thread: say so if an import started another
    control.sendall(json.dumps({"ready": True, "threads": threading.active_count()}).encode())

    def reap(pid: int) -> int | None:
        if children.get(pid) is None:
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return children.get(pid)
            if done:
                children[pid] = os.waitstatus_to_exitcode(status)
        return children.get(pid)

    while True:
        msg, fds, _flags, _addr = socket.recv_fds(control, 65536, 2)
        if not msg:
            break
        request = json.loads(msg)
        if request["op"] == "spawn":
            listen_fd, log_fd = fds
            pid = os.fork()
            if pid == 0:
                control.close()
                _die_with_parent()
                _serve_child(request["args"], listen_fd, log_fd, request["env"], request["cwd"])
            os.close(listen_fd)
            os.close(log_fd)
            children[pid] = None
            answer = {"pid": pid}
        elif request["op"] == "status":
            answer = {"returncode": reap(request["pid"])}
        else:
            answer = {"error": f"unknown op {request['op']!r}"}
        control.sendall(json.dumps(answer).encode())
    for pid, status in children.items():  # the test process is gone: so are its hubs
        if status is None:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


# --- in the test process --------------------------------------------------------------------------


class ForkedHub:
    """A hub process the zygote forked, with the parts of subprocess.Popen that tests use."""

    def __init__(self, zygote: HubZygote, pid: int) -> None:
        self._zygote = zygote
        self.pid = pid
        self.args = ["hub (forked)"]
        self.returncode: int | None = None
        self._pidfd = os.pidfd_open(pid)

    def _exited(self, timeout_s: float) -> bool:
        readable, _, _ = select.select([self._pidfd], [], [], max(0.0, timeout_s))
        return bool(readable)

    def poll(self) -> int | None:
        if self.returncode is None and self._exited(0):
            self.returncode = self._zygote.status(self.pid)
            if self.returncode is not None:
                os.close(self._pidfd)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = 1.0 if deadline is None else deadline - time.monotonic()
            if left <= 0:
                raise subprocess.TimeoutExpired(self.args, timeout)
            if self._exited(min(left, 1.0)):
                time.sleep(0.002)  # ended: the zygote reaps it at the next poll
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._pidfd, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class HubZygote:
    """The test process's side: one control socket to its zygote (requests are one at a time)."""

    def __init__(self, process: subprocess.Popen, control: socket.socket) -> None:
        self.process = process
        self._control = control
        self._lock = threading.Lock()

    @classmethod
    def start(cls, log_path: Path | None = None) -> HubZygote:
        """A zygote with the hub imported (blocks until it is); its own errors go to `log_path`."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        code = f"from tests.support.hub_zygote import _zygote_main; _zygote_main({theirs.fileno()})"
        with open(log_path or os.devnull, "ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-c", code],
                cwd=str(ROOT),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                pass_fds=(theirs.fileno(),),
                env=env,
            )
        theirs.close()
        ours.settimeout(START_TIMEOUT_S)
        try:
            ready = json.loads(ours.recv(65536) or b"{}")
        except (OSError, ValueError):
            ready = {}
        if ready.get("ready") is not True or ready.get("threads") != 1:
            process.kill()
            process.wait()
            raise RuntimeError(f"the hub zygote did not start as a one-thread process: {ready}")
        ours.settimeout(60)
        return cls(process, ours)

    def _ask(self, request: dict, fds: tuple[int, ...] = ()) -> dict:
        with self._lock:
            data = json.dumps(request).encode()
            if fds:
                socket.send_fds(self._control, [data], list(fds))
            else:
                self._control.send(data)
            answer = self._control.recv(65536)
        if not answer:
            raise RuntimeError("the hub zygote has gone")
        return json.loads(answer)

    def launch(self, args: list[str], listen_fd: int, log_file, env: dict[str, str]) -> ForkedHub:
        """hub.testing's launcher: the hub `args` name, forked, on `listen_fd` and `log_file`."""
        log_file.flush()
        answer = self._ask(
            {"op": "spawn", "args": list(args), "env": dict(env), "cwd": str(ROOT)},
            (listen_fd, log_file.fileno()),
        )
        return ForkedHub(self, answer["pid"])

    def status(self, pid: int) -> int | None:
        return self._ask({"op": "status", "pid": pid})["returncode"]

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        self._control.close()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
