"""A test receipt printer on 127.0.0.1 (and, optionally, on a pseudo-terminal as a serial printer).

It behaves like an ESC/POS printer on port 9100: it records what it prints and answers the
real-time status queries DLE EOT 1..4 whenever they arrive, also while offline or out of paper.
The test makes things go wrong:

- `paper_near_end`, `paper_out`, `cover_open`, `hardware_error` set the state it reports; while it
  is out of paper or its cover is open it prints nothing of what it receives
- `run_out_of_paper_after(n)`: paper runs out after n more printed bytes, in the middle of a job
- `drop_connection_after(n)`: the connection is reset after n more printed bytes (a network glitch)
- `power_cycle()`: every open connection is closed, as when the printer restarts
- `go_offline()` / `come_online()`: stop listening (connections are refused) and start again on
  the same port
- `stop_answering()`: status queries get no answer (a hung printer); `garble_status()`: an answer
  that is not a status byte; `hang_after_next_job()`: answers until job bytes arrive, then no more
- `throttle(bytes_per_s)`: reads (and prints) only that fast, as a slow link or a printer printing
  raster images does; a status query is answered when it is reached, after the bytes before it

What it received between two status queries on one connection is a job (`jobs`): the bytes it
printed and whether the job was cut short. Tests decode `job.printed` with tests.support.escpos_decode.
"""

from __future__ import annotations

import os
import socket
import struct
import threading
import time
import tty
from dataclasses import dataclass, field

__test__ = False  # a support module, not a test module, despite its name

_FIXED = 0x12  # bits 1 and 4 of every status answer


@dataclass
class Job:
    printed: bytearray = field(default_factory=bytearray)
    received: int = 0
    cut_short: bool = False  # bytes were lost: paper ran out or the connection dropped mid-job


class _Connection:
    """One client of the printer: a socket or the pty. Feeds bytes through the printer's parser."""

    def __init__(self, printer: TestPrinter, send, close) -> None:
        self.printer = printer
        self.send = send
        self.close = close
        self.pending = b""  # the start of a DLE EOT split across reads
        self.job: Job | None = None
        self.closed = False

    def feed(self, chunk: bytes) -> None:
        data = self.pending + chunk
        self.pending = b""
        i = 0
        while i < len(data) and not self.closed:
            j = data.find(b"\x10", i)
            if j < 0:
                self.printer._job_bytes(self, data[i:])
                break
            self.printer._job_bytes(self, data[i:j])
            if j + 2 >= len(data):
                self.pending = data[j:]
                break
            if data[j + 1] == 0x04 and 1 <= data[j + 2] <= 4:
                self.printer._status_query(self, data[j + 2])
                i = j + 3
            else:
                self.printer._job_bytes(self, data[j : j + 1])
                i = j + 1

    def end(self) -> None:
        self.closed = True
        self.job = None


class TestPrinter:
    """Start with `start()`, stop with `stop()`; `host`/`port` for a network printer config."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._sockets: dict[_Connection, socket.socket] = {}
        self.jobs: list[Job] = []
        self.status_queries: list[int] = []
        self.connections_accepted = 0
        self.paper_near_end = False
        self.paper_out = False
        self.cover_open = False
        self.hardware_error = False
        self.answering = True
        self.garbled = False
        self._paper_left: int | None = None
        self._drop_after: int | None = None
        self._pty: tuple[int, int] | None = None
        self.bytes_per_s: float | None = None
        self._hang_after_job = False

    # --- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> TestPrinter:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(8)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._spawn(self._accept_loop, listener)
        return self

    def stop(self) -> None:
        self.go_offline()
        if self._pty is not None:
            master, slave = self._pty
            self._pty = None
            os.close(slave)
            os.close(master)
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                sock, _ = listener.accept()
            except OSError:
                return  # the listener was shut down (go_offline / stop)
            conn = _Connection(self, sock.sendall, lambda s=sock: self._reset(s))
            with self._lock:
                self.connections_accepted += 1
                self._sockets[conn] = sock
            self._spawn(self._serve, conn, sock)

    def _serve(self, conn: _Connection, sock: socket.socket) -> None:
        try:
            while not conn.closed:
                rate = self.bytes_per_s
                chunk = sock.recv(65536 if rate is None else max(1, int(rate // 20)))
                if not chunk:
                    break
                if rate is not None:
                    time.sleep(len(chunk) / rate)  # the slow printer itself, not a wait in a test
                with self._lock:
                    conn.feed(chunk)
        except OSError:
            pass  # reset by us (drop / power cycle) or by the client
        finally:
            with self._lock:
                conn.end()
                self._sockets.pop(conn, None)
            sock.close()

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        """End the connection; the serving thread then closes the socket with RST (linger 0), as a
        printer that lost the connection's state does."""
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    # --- serial (pty) -------------------------------------------------------------------------------
    def serial_device(self) -> str:
        """The path of a pseudo-terminal that behaves as this printer's serial port."""
        if self._pty is None:
            master, slave = os.openpty()
            tty.setraw(slave)
            self._pty = (master, slave)
            conn = _Connection(self, lambda data: os.write(master, data), lambda: None)
            self._spawn(self._serve_pty, conn, master)
        return os.ttyname(self._pty[1])

    def _serve_pty(self, conn: _Connection, master: int) -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                conn.feed(chunk)

    # --- faults -------------------------------------------------------------------------------------
    def run_out_of_paper_after(self, n: int) -> None:
        with self._lock:
            self._paper_left = n

    def drop_connection_after(self, n: int) -> None:
        with self._lock:
            self._drop_after = n

    def refill_paper(self) -> None:
        with self._lock:
            self.paper_out = False
            self._paper_left = None

    def power_cycle(self) -> None:
        """Close every open connection (the printer restarted); keep listening."""
        with self._lock:
            conns = list(self._sockets)
        for conn in conns:
            conn.close()

    def go_offline(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            listener.close()
        self.power_cycle()

    def come_online(self) -> None:
        if self._listener is None:
            self.start()

    def stop_answering(self) -> None:
        self.answering = False

    def garble_status(self) -> None:
        self.garbled = True

    def throttle(self, bytes_per_s: float | None) -> None:
        self.bytes_per_s = bytes_per_s

    def hang_after_next_job(self) -> None:
        self._hang_after_job = True

    # --- the printer (called with the lock held) ----------------------------------------------------
    def _job_bytes(self, conn: _Connection, data: bytes) -> None:
        if not data:
            return
        if conn.job is None:
            conn.job = Job()
            self.jobs.append(conn.job)
        job = conn.job
        job.received += len(data)
        if self._hang_after_job:
            self._hang_after_job, self.answering = False, False
        if self._drop_after is not None:
            if len(data) >= self._drop_after:
                job.printed += data[: self._drop_after]
                job.cut_short = True
                self._drop_after = None
                conn.closed = True
                conn.close()
                return
            self._drop_after -= len(data)
        if self.paper_out or self.cover_open:
            job.cut_short = True
            return
        if self._paper_left is not None:
            if len(data) >= self._paper_left:
                job.printed += data[: self._paper_left]
                job.cut_short = True
                self._paper_left = None
                self.paper_out = True
                return
            self._paper_left -= len(data)
        job.printed += data

    def _status_query(self, conn: _Connection, n: int) -> None:
        conn.job = None  # a status query ends the job in progress
        self.status_queries.append(n)
        if not self.answering:
            return
        conn.send(bytes((0xFF if self.garbled else self._status_byte(n),)))

    def _status_byte(self, n: int) -> int:
        offline = self.paper_out or self.cover_open or self.hardware_error
        if n == 1:
            return _FIXED | (0x08 if offline else 0)
        if n == 2:
            return (
                _FIXED
                | (0x04 if self.cover_open else 0)
                | (0x20 if self.paper_out else 0)
                | (0x40 if self.hardware_error else 0)
            )
        if n == 3:
            return _FIXED | (0x20 if self.hardware_error else 0)
        return (
            _FIXED | (0x0C if self.paper_near_end or self.paper_out else 0) | (0x60 if self.paper_out else 0)
        )

    # --- for assertions ------------------------------------------------------------------------------
    @property
    def complete_jobs(self) -> list[Job]:
        with self._lock:
            return [j for j in self.jobs if not j.cut_short]
