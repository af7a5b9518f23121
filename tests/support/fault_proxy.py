"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1 between the hub client and the hub.

Each request the client sends is read whole, then handled by the next fault in the schedule (or the
default, `Fault.forward()`):

- `forward()`              relay to the hub and relay its answer
- `delay(s)`               wait, then forward
- `drop()`                 close the client's connection; the hub never sees the request
- `answer(status, ...)`    answer by itself (500/503/429 with Retry-After, garbage, a wrong shape)
- `cut_after_commit()`     forward, read the hub's whole answer (so the hub has committed), then close
                           the client's connection without relaying it: the case that duplicates
                           without idempotency keys
- `truncate()`             forward, relay the status line, headers and half the body, then close
- `blackhole()`            swallow the request: no forwarding, no answer (the client times out)

Per connection (`schedule_connections`), before any request is read:

- `reset()`                accept the connection and reset it at once (RST)

Every request gets a fresh connection to the hub, so the proxy never resends anything on its own.
`log` records (method, path, fault kind, hub status or None) per request, for the assertions.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fault:
    kind: str
    delay_s: float = 0.0
    status: int = 0
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def forward() -> Fault:
        return Fault("forward")

    @staticmethod
    def delay(seconds: float) -> Fault:
        return Fault("delay", delay_s=seconds)

    @staticmethod
    def drop() -> Fault:
        return Fault("drop")

    @staticmethod
    def answer(
        status: int,
        body: bytes | None = None,
        *,
        retry_after: str | None = None,
        content_type: str = "application/json",
    ) -> Fault:
        if body is None:
            body = b'{"error":"proxy_fault","message":"injected by the fault proxy"}'
        headers = [("Content-Type", content_type)]
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        return Fault("answer", status=status, body=body, headers=tuple(headers))

    @staticmethod
    def cut_after_commit() -> Fault:
        return Fault("cut_after_commit")

    @staticmethod
    def truncate() -> Fault:
        return Fault("truncate")

    @staticmethod
    def blackhole() -> Fault:
        """Read the request, never forward it, never answer (until the client gives up)."""
        return Fault("blackhole")

    @staticmethod
    def reset() -> Fault:
        """Per connection (schedule_connections): accept, then reset it before reading anything."""
        return Fault("reset")


_REASONS = {
    200: "OK",
    400: "Bad Request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class _Reader:
    """Buffered reads of HTTP/1.1 messages from a socket."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = b""

    def _fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def head(self) -> bytes | None:
        while b"\r\n\r\n" not in self.buf:
            if not self._fill():
                return None
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return head + b"\r\n\r\n"

    def exactly(self, n: int) -> bytes:
        while len(self.buf) < n:
            if not self._fill():
                raise ConnectionError("peer closed mid-body")
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def line(self) -> bytes:
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise ConnectionError("peer closed mid-chunk")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def until_close(self) -> bytes:
        while self._fill():
            pass
        out, self.buf = self.buf, b""
        return out


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    return {k.strip().lower(): v.strip() for k, v in (ln.split(":", 1) for ln in lines if ":" in ln)}


def _read_body(reader: _Reader, headers: dict[str, str], *, response_status: int | None) -> bytes:
    if response_status is not None and (response_status < 200 or response_status in (204, 304)):
        return b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        raw = b""
        while True:
            size_line = reader.line()
            raw += size_line
            size = int(size_line.split(b";")[0], 16)
            raw += reader.exactly(size + 2)
            if size == 0:
                return raw
    if "content-length" in headers:
        return reader.exactly(int(headers["content-length"]))
    return b"" if response_status is None else reader.until_close()


@dataclass
class LoggedRequest:
    method: str
    path: str
    fault: str
    hub_status: int | None = None


@dataclass
class FaultProxy:
    """Listens on 127.0.0.1:<port>, forwards to 127.0.0.1:<upstream_port>. Use as a context manager."""

    upstream_port: int
    only_path: str | None = None  # faults apply only to requests whose path starts with this
    log: list[LoggedRequest] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._faults: deque[Fault] = deque()
        self._connection_faults: deque[Fault] = deque()
        self._poison: list[tuple[bytes, Fault]] = []
        self.poisoned = 0  # requests answered by a poison rule
        self.connections = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def schedule(self, *faults: Fault) -> None:
        """Append faults; each is used by one matching request, in order. Then requests are forwarded."""
        with self._lock:
            self._faults.extend(faults)

    def schedule_connections(self, *faults: Fault) -> None:
        """Append connection faults; each is used by one new client connection, in order."""
        with self._lock:
            self._connection_faults.extend(faults)

    def poison(self, marker: bytes, fault: Fault) -> None:
        """Every request whose body holds `marker` gets `fault`, each time (a hub that chokes on one
        item); other requests go on as scheduled."""
        with self._lock:
            self._poison.append((marker, fault))

    def _poison_fault(self, request: bytes) -> Fault | None:
        with self._lock:
            for marker, fault in self._poison:
                if marker in request:
                    self.poisoned += 1
                    return fault
        return None

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return len(self._faults) + len(self._connection_faults)

    def _next_fault(self, path: str) -> Fault:
        if self.only_path is not None and not path.startswith(self.only_path):
            return Fault.forward()
        with self._lock:
            return self._faults.popleft() if self._faults else Fault.forward()

    # --- lifecycle --------------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.2)  # so the accept loop notices stop() (closing does not wake accept)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._accept_loop, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            for s in list(self._sockets):
                self._close(s)
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # listener closed by stop()
            client.settimeout(None)
            with self._lock:
                self.connections += 1
                fault = self._connection_faults.popleft() if self._connection_faults else None
                if fault is not None and fault.kind == "reset":
                    self.log.append(LoggedRequest("", "", "reset"))
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    client.close()
                    continue
                self._sockets.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _close(self, sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already gone: nothing to shut down
        sock.close()
        self._sockets.discard(sock)

    # --- one client connection ------------------------------------------------------------------------

    def _serve(self, client: socket.socket) -> None:
        reader = _Reader(client)
        try:
            while True:
                head = reader.head()
                if head is None:
                    return
                body = _read_body(reader, _headers(head), response_status=None)
                method, path = head.split(b" ", 2)[:2]
                entry = LoggedRequest(method.decode(), path.decode("latin-1"), "")
                fault = self._poison_fault(body) or self._next_fault(entry.path)
                entry.fault = fault.kind
                self.log.append(entry)
                if not self._handle(client, fault, head + body, entry):
                    return
        except OSError:
            return  # the client or the proxy went away: nothing left to relay
        finally:
            with self._lock:
                self._close(client)

    def _handle(self, client: socket.socket, fault: Fault, request: bytes, entry: LoggedRequest) -> bool:
        """Carry out one fault; False when the client connection is to be closed."""
        if fault.kind == "drop":
            return False
        if fault.kind == "blackhole":
            while not self._stopping.is_set() and client.recv(65536):
                pass  # swallow whatever comes until the client hangs up
            return False
        if fault.kind == "answer":
            reason = _REASONS.get(fault.status, "Status")
            lines = [f"HTTP/1.1 {fault.status} {reason}", f"Content-Length: {len(fault.body)}"]
            lines += [f"{k}: {v}" for k, v in fault.headers]
            client.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + fault.body)
            return True
        if fault.kind == "delay":
            time.sleep(fault.delay_s)  # the fault itself: a slow network, not a wait in a test
        try:
            status, head, body = self._forward(request)
        except OSError:
            return False  # hub unreachable: the client sees its connection closed
        entry.hub_status = status
        if fault.kind == "cut_after_commit":
            return False
        if fault.kind == "truncate":
            client.sendall(head + body[: len(body) // 2])
            return False
        client.sendall(head + body)
        return "connection: close" not in head.decode("latin-1").lower()

    def _forward(self, request: bytes) -> tuple[int, bytes, bytes]:
        with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=30) as upstream:
            upstream.sendall(request)
            reader = _Reader(upstream)
            head = reader.head()
            if head is None:
                raise ConnectionError("hub closed without answering")
            status = int(head.split(b" ", 2)[1])
            return status, head, _read_body(reader, _headers(head), response_status=status)
