"""Start the reference hub as a real subprocess, for tests, benchmarks and demos (no pytest needed).

    hub = start_hub(tmp / "hub.sqlite", terminal_id="T0001")   # enrols T0001 (by code) in keyring
    client = hub.client()
    hub.enrol("T0002")         # one more terminal, through a one-time code over HTTP
    ...
    hub.stop(); hub.start()    # restart on the same database and the same port
    hub.stop()

The parent binds the listening socket (port 0 -> a free port) and hands it to the child, so there is
no race for the port and a restart listens on the same port. While stopped the parent holds no
listening socket, so clients see "connection refused", as with a real hub that is down.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import requests

from hub.enrolment_codes import EnrolmentDesk
from hub.stores import open_store
from kiosk.config import HubConfig
from kiosk.enrolment import enrol_with_code, exchange_code, new_credentials
from kiosk.secrets import HubCredentials

ROOT = Path(__file__).resolve().parent.parent


def register_at_hub(database: Path | str, credentials: HubCredentials) -> bytes:
    """Make the hub at `database` (a SQLite file or a postgresql:// URL) accept these credentials
    directly in its store (hub-side tests that need a terminal the hub knows, without a code);
    returns the fleet's card-hash salt."""
    store = open_store(database)
    try:
        store.register_terminal(credentials.terminal_id, credentials.token, credentials.hmac_key)
        return store.fleet_card_salt()
    finally:
        store.close()


def issue_enrolment_code(
    database: Path | str, terminal_id: str, group: str = "default", ttl_s: int = 900
) -> str:
    """A one-time code from the hub's own store (what `python -m hub enrolment-code` does)."""
    store = open_store(database)
    try:
        return EnrolmentDesk(store).issue_code(terminal_id, group, ttl_s)
    finally:
        store.close()


def popen_launcher(args: list[str], listen_fd: int, log_file, env: dict[str, str]) -> subprocess.Popen:
    """A new interpreter for the hub (what a real start does: every import paid again)."""
    return subprocess.Popen(
        args,
        cwd=str(ROOT),
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        pass_fds=(listen_fd,),
        env=env,
    )


# how RunningHub.start makes the hub process when the hub has no launcher of its own:
# launcher(args, listen_fd, log_file, env) -> an object with Popen's pid, poll, wait, send_signal,
# kill (the test suite sets one that forks pre-imported hubs, tests/support/hub_zygote.py)
DEFAULT_LAUNCHER: list[Callable] = [popen_launcher]


class HubStartError(RuntimeError):
    """The hub process did not answer in time; the message holds the tail of its log."""


@dataclass
class RunningHub:
    """A reference hub subprocess on 127.0.0.1."""

    db_path: Path
    terminal_id: str
    credentials: HubCredentials
    catalog: Path | None = None
    extra_args: Sequence[str] = ()
    log_path: Path | None = None
    tls: tuple[Path, Path] | None = None  # (certificate, key): serve HTTPS
    port: int = 0
    db_url: str | None = None  # serve on PostgreSQL at this URL instead of the SQLite file db_path
    startup_s: float = 0.0
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    launcher: Callable | None = field(default=None, repr=False)  # None: DEFAULT_LAUNCHER's

    def enrol(
        self, terminal_id: str, group: str = "default", store_in_keyring: bool = True
    ) -> HubCredentials:
        """Enrol a terminal the way a technician does: a one-time code from the hub, exchanged over
        HTTP by the terminal's side (kiosk.enrolment); stored in the current keyring backend unless
        told otherwise."""
        code = issue_enrolment_code(self.database, terminal_id, group)
        ca = str(self.tls[0]) if self.tls else None
        if store_in_keyring:
            return enrol_with_code(self.url, code, terminal_id, ca_bundle=ca).credentials
        return exchange_code(self.url, code, terminal_id, ca_bundle=ca).credentials

    @property
    def database(self) -> Path | str:
        """What `--db` names: the SQLite file or the PostgreSQL URL (for hub.stores.open_store)."""
        return self.db_url or self.db_path

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def hub_config(self, **overrides: float | str | bool) -> HubConfig:
        values: dict = {"url": self.url, "connect_timeout_s": 2.0, "read_timeout_s": 10.0}
        if self.tls:
            values["ca_bundle"] = str(self.tls[0])  # the test certificate is its own CA
        values.update(overrides)
        return HubConfig(**values)

    def client(self, **overrides: float | str | bool):  # -> kiosk.hub_client.HubClient
        from kiosk.hub_client import HubClient

        return HubClient(self.hub_config(**overrides), self.credentials)

    def start(self, timeout_s: float = 15.0) -> None:
        """Start (or restart) the process on the same database and port; returns once it answers."""
        if self.process is not None and self.process.poll() is None:
            return
        began = time.monotonic()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        sock.listen(128)
        self.port = sock.getsockname()[1]
        db = self.db_url or str(self.db_path)
        args = [sys.executable, "-m", "hub", "serve", "--db", db, "--fd", str(sock.fileno())]
        args += ["--catalog", str(self.catalog)] if self.catalog is not None else []
        if self.tls:
            args += ["--ssl-certfile", str(self.tls[0]), "--ssl-keyfile", str(self.tls[1])]
        if self.db_url and "--key-file" not in self.extra_args:
            # on PostgreSQL there is no database file to keep the key next to: one beside the log
            args += ["--key-file", str(self.db_path.with_name(self.db_path.name + ".key"))]
        args += list(self.extra_args)
        log_path = self.log_path or self.db_path.with_suffix(".log")
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        launch = self.launcher or DEFAULT_LAUNCHER[0]
        with open(log_path, "ab") as log_file:
            self.process = launch(args, sock.fileno(), log_file, env)
        sock.close()  # the child holds its own copy
        self._wait_ready(timeout_s, log_path)
        self.startup_s = time.monotonic() - began

    def _wait_ready(self, timeout_s: float, log_path: Path) -> None:
        deadline = time.monotonic() + timeout_s
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                verify = str(self.tls[0]) if self.tls else True
                if requests.get(self.url + "/healthz", timeout=(1, 2), verify=verify).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.02)  # the child is still importing: poll again shortly
        tail = log_path.read_text(errors="replace")[-2000:] if log_path.exists() else ""
        self.stop()
        raise HubStartError(f"the hub did not answer within {timeout_s} s:\n{tail}")

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop gracefully (SIGTERM), then SIGKILL if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """Stop at once (SIGKILL), as a power cut at the hub would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def start_hub(
    db_path: Path,
    *,
    terminal_id: str = "T0001",
    catalog: Path | None = None,
    extra_args: Sequence[str] = (),
    store_in_keyring: bool = True,
    port: int = 0,
    tls: tuple[Path, Path] | None = None,
    db_url: str | None = None,
    start_timeout_s: float = 15.0,
) -> RunningHub:
    """Start the hub on 127.0.0.1 over a new or existing database and enrol `terminal_id` by code.

    With `store_in_keyring` the credentials also go into the current keyring backend (the kiosk's
    side of enrolment); without, they are only returned (e.g. for a benchmark that builds its client
    directly). `tls` = (certificate, key) PEM files serves HTTPS; the hub config then trusts that
    certificate as its CA bundle. `db_url` (postgresql://...) runs the hub on PostgreSQL; `db_path`
    then only places the log file. Raises HubStartError when the hub does not come up (does not answer
    within `start_timeout_s`).
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    hub = RunningHub(
        db_path=db_path,
        terminal_id=terminal_id,
        credentials=new_credentials(terminal_id),  # replaced by the enrolment below
        catalog=catalog,
        extra_args=tuple(extra_args),
        port=port,
        tls=tls,
        db_url=db_url,
    )
    hub.start(start_timeout_s)
    try:
        hub.credentials = hub.enrol(terminal_id, store_in_keyring=store_in_keyring)
    except BaseException:
        hub.stop()
        raise
    return hub
