"""Connections to a receipt printer: network (our own socket, so the DLE EOT status exchange works
with every python-escpos release, upstream #286), and USB, serial and file through python-escpos's
printer classes. Chosen by `PrinterConfig.kind` in `open_link`.

A link sends bytes and asks one-byte real-time questions. Any transport failure (refused, reset,
closed by the printer, no answer in time, device unplugged) is LinkLost; the link is then closed and
the next `open()` makes a fresh connection, which is how a printer that was power-cycled is found
again (upstream #437).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any, Protocol

from escpos.exceptions import Error as EscposError

from drivers.errors import DriverConfigError
from drivers.printer.config import PrinterConfig

log = logging.getLogger(__name__)


class LinkLost(Exception):
    """The connection to the printer failed or the printer did not answer in time."""


class LinkTimeout(LinkLost):
    """The connection is up but the printer did not answer in time (hung, or not ESC/POS)."""


class PrinterLink(Protocol):
    can_query: bool  # False for a write-only file: no status is known

    @property
    def is_open(self) -> bool: ...

    def open(self) -> None:
        """Connect (closing any previous connection first). Raises LinkLost."""

    def send(self, data: bytes) -> None:
        """Write all of `data`. Raises LinkLost."""

    def ask(self, command: bytes, wait_s: float | None = None) -> int:
        """Send a real-time command and return the printer's one-byte answer, waiting `wait_s`
        (default: the configured timeout). Raises LinkLost (LinkTimeout: no answer in time)."""

    def close(self) -> None: ...


class SocketLink:
    """A raw TCP connection to a network printer (port 9100)."""

    can_query = True

    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self._sock: socket.socket | None = None

    @property
    def is_open(self) -> bool:
        return self._sock is not None

    def open(self) -> None:
        self.close()
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.timeout_s)
        except OSError as exc:
            raise LinkLost(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def _connected(self) -> socket.socket:
        if self._sock is None:
            raise LinkLost("not connected")
        return self._sock

    def send(self, data: bytes) -> None:
        sock = self._connected()
        try:
            sock.sendall(data)
        except OSError as exc:
            self.close()
            raise LinkLost(f"connection lost while sending: {exc}") from exc

    def _drain(self, sock: socket.socket) -> None:
        """Throw away bytes the printer sent unasked (a stale answer, automatic status), so the next
        byte read is the answer to our question; an orderly close by the printer shows up here."""
        sock.setblocking(False)
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    raise LinkLost("the printer closed the connection")
        except BlockingIOError:
            pass
        except OSError as exc:
            raise LinkLost(f"connection lost: {exc}") from exc
        finally:
            sock.settimeout(self.timeout_s)

    def ask(self, command: bytes, wait_s: float | None = None) -> int:
        sock = self._connected()
        wait = self.timeout_s if wait_s is None else wait_s
        try:
            self._drain(sock)
            sock.sendall(command)
            sock.settimeout(wait)
            answer = sock.recv(1)
        except TimeoutError as exc:
            self.close()
            raise LinkTimeout(f"no status answer within {wait:g} s") from exc
        except LinkLost:
            self.close()
            raise
        except OSError as exc:
            self.close()
            raise LinkLost(f"connection lost: {exc}") from exc
        if not answer:
            self.close()
            raise LinkLost("the printer closed the connection")
        return answer[0]

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()


class EscposDeviceLink:
    """A USB, serial or file printer through a python-escpos printer object (its `_raw`/`_read`, the
    library's transport layer), opened fresh on every `open()`."""

    def __init__(
        self,
        make: Callable[[], Any],
        *,
        read_answer: Callable[[Any], bytes] | None,
        drain: Callable[[Any], None] | None = None,
    ) -> None:
        self._make = make
        self._read_answer = read_answer
        self._drain = drain
        self.can_query = read_answer is not None
        self._printer: Any = None

    @property
    def is_open(self) -> bool:
        return self._printer is not None

    def open(self) -> None:
        self.close()
        printer = self._make()
        try:
            printer.open()
        except (OSError, EscposError) as exc:
            raise LinkLost(f"cannot open the printer device: {exc}") from exc
        self._printer = printer

    def _opened(self) -> Any:
        if self._printer is None:
            raise LinkLost("not connected")
        return self._printer

    def send(self, data: bytes) -> None:
        printer = self._opened()
        try:
            printer._raw(data)
        except (OSError, EscposError) as exc:
            self.close()
            raise LinkLost(f"device lost while sending: {exc}") from exc

    def ask(self, command: bytes, wait_s: float | None = None) -> int:
        printer = self._opened()
        if self._read_answer is None:
            raise LinkLost("this connection cannot read status")
        device = getattr(printer, "device", None)
        usual = getattr(device, "timeout", None)
        try:
            if self._drain is not None:
                self._drain(printer)
            printer._raw(command)
            if wait_s is not None and isinstance(usual, int | float):
                device.timeout = wait_s  # a serial port: pyserial reads the new timeout at once
            answer = self._read_answer(printer)
        except (OSError, EscposError) as exc:
            self.close()
            raise LinkLost(f"device lost: {exc}") from exc
        finally:
            if wait_s is not None and isinstance(usual, int | float) and self._printer is not None:
                device.timeout = usual
        if not answer:
            self.close()
            raise LinkTimeout("no status answer in time")
        return answer[-1]

    def close(self) -> None:
        printer, self._printer = self._printer, None
        if printer is not None:
            try:
                printer.close()
            except (OSError, EscposError) as exc:
                # the device is already gone (unplugged, powered off): nothing left to release
                log.info("closing the printer device failed: %s", type(exc).__name__)


def _serial_link(config: PrinterConfig) -> EscposDeviceLink:
    from escpos.printer import Serial

    def make() -> Any:
        # no hardware flow control lines: most receipt printers ship with XON/XOFF or none
        return Serial(
            devfile=config.serial_device,
            baudrate=config.serial_baudrate,
            timeout=config.timeout_s,
            dsrdtr=False,
            profile=config.profile,
        )

    return EscposDeviceLink(
        make,
        read_answer=lambda p: p.device.read(1),  # one byte; _read() would wait for 16 or the timeout
        drain=lambda p: p.device.reset_input_buffer(),
    )


def _usb_link(config: PrinterConfig) -> EscposDeviceLink:
    from escpos.printer import Usb

    if not (config.usb_vendor_id and config.usb_product_id):
        raise DriverConfigError("printer.usb_vendor_id and printer.usb_product_id are needed for a USB printer")

    def make() -> Any:
        return Usb(
            config.usb_vendor_id,
            config.usb_product_id,
            timeout=int(config.timeout_s * 1000),
            profile=config.profile,
        )

    return EscposDeviceLink(make, read_answer=lambda p: bytes(p._read()))


def _file_link(config: PrinterConfig) -> EscposDeviceLink:
    from escpos.printer import File

    if not config.file_path:
        raise DriverConfigError("printer.file_path is needed for a file printer")
    return EscposDeviceLink(lambda: File(config.file_path, profile=config.profile), read_answer=None)


def open_link(config: PrinterConfig) -> PrinterLink:
    """The link for `config.kind` (not yet connected). Raises DriverConfigError for a kind without a link
    or missing connection settings."""
    if config.kind == "network":
        return SocketLink(config.host, config.port, config.timeout_s)
    if config.kind == "serial":
        return _serial_link(config)
    if config.kind == "usb":
        return _usb_link(config)
    if config.kind == "file":
        return _file_link(config)
    raise DriverConfigError(f"printer.kind {config.kind!r} has no device connection")
